// PyTorch's in-place methods (x.add_(y), p.grad.zero_() …; ops/table/inplace.ts writeBack): the
// values land in the tensor's own storage (views of it see them), the rules PyTorch keeps (no
// broadcasting the tensor itself, no float into an integer tensor, parameters only under noGrad),
// and a graph that saved the tensor refuses its backward afterwards.
import { describe, expect, it } from 'vitest';
import { Generator, lerp, manualSeed, memory, noGrad, ones, scope, tensor, zeros, type Tensor } from '../src/index.js';

const values = (t: { dataSync(): ArrayLike<number | bigint> }) => Array.from(t.dataSync(), Number);

describe('in-place methods', () => {
  it('write into the tensor itself and return it', () => {
    scope(() => {
      const x = tensor([1, 2, 3, 4], { shape: [2, 2] });
      const view = x.reshape([4]);
      expect(x.add_(1)).toBe(x);
      expect(values(x)).toEqual([2, 3, 4, 5]);
      x.mul_(tensor([1, -1])).sub_(0.5).div_(2);
      expect(values(x)).toEqual([0.75, -1.75, 1.75, -2.75]);
      x.clamp_(-1, 1).neg_();
      expect(values(x)).toEqual([-0.75, 1, -1, 1]);
      x.pow_(2);
      expect(values(x)).toEqual([0.5625, 1, 1, 1]);
      x.maskedFill_(x.lt(1), 7);
      expect(values(x)).toEqual([7, 1, 1, 1]);
      expect(values(view)).toEqual([7, 1, 1, 1]); // a view shares the storage
      x.fill_(3);
      expect(values(x)).toEqual([3, 3, 3, 3]);
      x.copy_(tensor([1, 2])); // broadcast into the tensor's shape
      expect(values(x)).toEqual([1, 2, 1, 2]);
      x.zero_();
      expect(values(x)).toEqual([0, 0, 0, 0]);
      const i = zeros([2], { dtype: 'int64' });
      i.copy_(tensor([1.9, -2.7]));
      expect(values(i)).toEqual([1, -2]);
    });
  });

  it('uniform_ and normal_ refill from the default stream', () => {
    scope(() => {
      manualSeed(5);
      const a = zeros([1000]).uniform_(-2, 2);
      const v = values(a);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...v)).toBeLessThan(2);
      const n = values(zeros([4000]).normal_(3, 0.5));
      const mean = n.reduce((s, x) => s + x, 0) / n.length;
      expect(Math.abs(mean - 3)).toBeLessThan(0.05);
    });
  });

  it('keep PyTorch rules: parameters under noGrad only, no broadcasting the tensor, no float into integers', () => {
    scope(() => {
      const w = ones([2], { requiresGrad: true });
      expect(() => w.add_(1)).toThrow(/^add_: a leaf tensor that requires grad cannot be changed in place while grad mode is on; do it inside noGrad/);
      expect(() => w.mul(2).mul_(3)).toThrow(/^mul_: in-place changes are not recorded by autograd here, and this tensor is part of a graph; write the result to a new tensor instead \(y = y\.mul\(…\)\)$/);
      expect(() => zeros([2]).copy_(w.mul(3))).toThrow(/^copy_: the source requires grad, and in-place writes are not recorded by autograd here/);
      expect(() => zeros([2]).copy_(ones([3]))).toThrow(/^copy_: src \[3\] does not broadcast to this tensor's shape \[2\]$/);
      noGrad(() => w.sub_(0.5));
      expect(values(w)).toEqual([0.5, 0.5]);
      expect(() => ones([2]).add_(ones([3, 2]))).toThrow(/^add_: the result's shape \[3,2\] does not match the tensor's \[2\]/);
      expect(() => zeros([2], { dtype: 'int32' }).mul_(1.5)).toThrow(/^mul_: a float32 result cannot be written into a int32 tensor in place$/);
    });
  });

  it("refuse copies that PyTorch would have made views: the write would not reach the original (Note [copies of views])", () => {
    scope(() => {
      const x = tensor([1, 2, 3, 4], { shape: [2, 2] });
      const message = /^zero_: this tensor is a copy made by narrow, select, transpose, permute, expand, split or the like \(views in PyTorch, copies here\)/;
      expect(() => x.narrow(0, 0, 1).zero_()).toThrow(message);
      expect(() => x.select(0, 1).fill_(9)).toThrow(/^fill_: this tensor is a copy/);
      expect(() => x.T.zero_()).toThrow(message);
      expect(() => x.unbind()[0].zero_()).toThrow(message);
      expect(() => x.narrow(0, 0, 1).reshape([2]).zero_()).toThrow(message); // a view of the copy
      expect(values(x.narrow(0, 0, 1).clone().zero_())).toEqual([0, 0]); // an explicit copy is fine
      expect(values(x)).toEqual([1, 2, 3, 4]);
      expect(values(x.reshape([4]).add_(1))).toEqual([2, 3, 4, 5]); // a true view writes through
      expect(values(x)).toEqual([2, 3, 4, 5]);
    });
  });

  it('a graph that saved the tensor refuses its backward after an in-place change', () => {
    scope(() => {
      const w = ones([3], { requiresGrad: true });
      const x = tensor([1, 2, 3]);
      const y = w.mul(x).sum(); // saves x
      x.add_(1);
      expect(() => y.backward()).toThrow(/modified in place|version/);
    });
  });
});

describe('add_/sub_ with alpha, and lerp (found by a user trial porting an EMA)', () => {
  it('ema.mul_(d).add_(p, { alpha: 1 - d }) and ema.lerp_(p, 1 - d) agree with PyTorch’s arithmetic', () => {
    scope(() => {
      const p = tensor([1, 2, 3]);
      const a = tensor([0, 0, 0]);
      a.mul_(0.9).add_(p, { alpha: 0.1 });
      const b = tensor([0, 0, 0]).lerp_(p, 0.1);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()).map((v) => Math.fround(v)));
      expect(Array.from(tensor([5, 5]).sub_(tensor([1, 2]), { alpha: 2 }).dataSync())).toEqual([3, 1]);
      expect(Array.from(tensor([5, 5]).add_(1, { alpha: 3 }).dataSync())).toEqual([8, 8]);
      expect(Array.from(tensor([0, 10]).lerp(tensor([10, 0]), tensor([0.5, 0.25])).dataSync())).toEqual([5, 7.5]);
      expect(() => tensor([1]).add_(tensor([1]), { alfa: 2 } as never)).toThrow(/^add_: unknown option 'alfa' \(it takes 'alpha'\)$/);
      expect(() => lerp(tensor([1]), tensor([2]), 'x' as never)).toThrow(/^lerp: weight expected a number or a tensor, got string$/);
    });
  });

  it('add_ with alpha leaves no tensor behind (found by a review: one leaked per call)', () => {
    const ema = zeros([3]);
    const p = tensor([1, 2, 3]);
    const before = memory().liveTensors;
    for (let k = 0; k < 50; k++) ema.add_(p, { alpha: 0.5 });
    expect(memory().liveTensors).toBe(before);
  });

  it('lerp is differentiable in start, end and a tensor weight', () => {
    scope(() => {
      const s = tensor([1, 2], { requiresGrad: true });
      const e = tensor([3, 6], { requiresGrad: true });
      const w = tensor([0.25, 0.5], { requiresGrad: true });
      lerp(s, e, w).sum().backward();
      expect(Array.from(s.grad!.dataSync())).toEqual([0.75, 0.5]);
      expect(Array.from(e.grad!.dataSync())).toEqual([0.25, 0.5]);
      expect(Array.from(w.grad!.dataSync())).toEqual([2, 4]);
    });
  });
});

describe('elementwise functions in place, and uniform_/normal_ from a generator (found by a VAE trial)', () => {
  it('exp_, sigmoid_, relu_ … write the function of the values back', () => {
    scope(() => {
      const x = tensor([-1, 0, 2]);
      const want = (f: (v: number) => number) => [-1, 0, 2].map((v) => Math.fround(f(v)));
      expect(Array.from(x.clone().exp_().dataSync())).toEqual(Array.from(x.exp().dataSync()));
      expect(Array.from(x.clone().relu_().dataSync())).toEqual(want((v) => Math.max(v, 0)));
      expect(Array.from(x.clone().abs_().dataSync())).toEqual(want(Math.abs));
      expect(Array.from(x.clone().sigmoid_().dataSync())).toEqual(Array.from(x.sigmoid().dataSync()));
      const y = tensor([0.25, 4]);
      const same = y.sqrt_();
      expect(same).toBe(y);
      expect(Array.from(y.dataSync())).toEqual([0.5, 2]);
      expect(() => tensor([1n], { dtype: 'int64' }).exp_()).toThrow(/^exp_: a float32 result cannot be written into a int64 tensor in place$/);
    });
  });

  it('uniform_ and normal_ take { generator }: the same seed refills the same values', () => {
    scope(() => {
      const a = zeros([64]).normal_(0, 1, { generator: new Generator(9) });
      const b = zeros([64]).normal_(0, 1, { generator: new Generator(9) });
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      const u = zeros([64]).uniform_(-1, 1, { generator: new Generator(4) });
      expect(Array.from(u.dataSync())).toEqual(Array.from(zeros([64]).uniform_(-1, 1, { generator: new Generator(4) }).dataSync()));
      expect(Math.min(...u.dataSync())).toBeGreaterThanOrEqual(-1);
      expect(() => zeros([2]).normal_(0, 1, { gen: 1 } as never)).toThrow(/^normal_: unknown option 'gen' \(it takes 'generator'\)$/);
    });
  });
});

// src/inplace-methods.ts: the in-place form of out-of-place methods, and the random refills.
describe('more of PyTorch in-place methods', () => {
  const calls: [string, (x: Tensor) => unknown[], () => Tensor][] = [
    ['expm1', () => [], () => tensor([0.1, -0.4, 2])],
    ['log1p', () => [], () => tensor([0.1, 0.4, 2])],
    ['log2', () => [], () => tensor([0.5, 4, 3])],
    ['log10', () => [], () => tensor([0.5, 100, 3])],
    ['tan', () => [], () => tensor([0.1, -0.4, 1])],
    ['asin', () => [], () => tensor([0.1, -0.4, 0.9])],
    ['acos', () => [], () => tensor([0.1, -0.4, 0.9])],
    ['atan', () => [], () => tensor([0.1, -4, 9])],
    ['sinh', () => [], () => tensor([0.1, -0.4, 2])],
    ['cosh', () => [], () => tensor([0.1, -0.4, 2])],
    ['asinh', () => [], () => tensor([0.1, -0.4, 2])],
    ['acosh', () => [], () => tensor([1.1, 1.4, 2])],
    ['atanh', () => [], () => tensor([0.1, -0.4, 0.9])],
    ['erfc', () => [], () => tensor([0.1, -0.4, 2])],
    ['erfinv', () => [], () => tensor([0.1, -0.4, 0.9])],
    ['lgamma', () => [], () => tensor([0.1, 4, 2.5])],
    ['digamma', () => [], () => tensor([0.1, 4, 2.5])],
    ['polygamma', () => [1], () => tensor([0.1, 4, 2.5])],
    ['logicalNot', () => [], () => tensor([0, 2, -1])],
    ['nanToNum', () => [{ nan: 5 }], () => tensor([NaN, 2, Infinity])],
    ['fmod', () => [1.5], () => tensor([-3.5, 2, 7])],
    ['remainder', () => [tensor([1.5, -2, 4])], () => tensor([-3.5, 2, 7])],
    ['atan2', () => [tensor([1, -2, 0.5])], () => tensor([-3.5, 2, 7])],
    ['floorDivide', () => [2], () => tensor([-3.5, 2, 7])],
    ['logicalAnd', () => [tensor([1, 0, 1])], () => tensor([0, 2, -1])],
    ['logicalOr', () => [tensor([1, 0, 0])], () => tensor([0, 0, -1])],
    ['eq', () => [2], () => tensor([0, 2, -1])],
    ['ne', () => [2], () => tensor([0, 2, -1])],
    ['lt', () => [tensor([1, 2, 3])], () => tensor([0, 2, -1])],
    ['le', () => [2], () => tensor([0, 2, 3])],
    ['gt', () => [0], () => tensor([0, 2, -1])],
    ['ge', () => [0], () => tensor([0, 2, -1])],
    ['scatter', () => [1, tensor([[2, 0]], { dtype: 'int64' }), tensor([[5, 6]])], () => tensor([[1, 2, 3]])],
    ['scatterAdd', () => [1, tensor([[2, 2]], { dtype: 'int64' }), tensor([[5, 6]])], () => tensor([[1, 2, 3]])],
    ['scatterReduce', () => [1, tensor([[2, 2]], { dtype: 'int64' }), tensor([[5, 6]]), 'amax'], () => tensor([[1, 2, 3]])],
    ['indexAdd', () => [0, tensor([1], { dtype: 'int64' }), tensor([[1, 1]]), { alpha: 2 }], () => tensor([[1, 2], [3, 4]])],
    ['indexCopy', () => [0, tensor([0], { dtype: 'int64' }), tensor([[9, 8]])], () => tensor([[1, 2], [3, 4]])],
    ['tril', () => [], () => tensor([[1, 2], [3, 4]])],
    ['triu', () => [1], () => tensor([[1, 2], [3, 4]])],
    ['cumsum', () => [1], () => tensor([[1, 2], [3, 4]])],
    ['cumprod', () => [0], () => tensor([[1, 2], [3, 4]])],
    ['addmm', () => [tensor([[1, 2], [0, 1]]), tensor([[1, 0], [2, 1]]), { beta: 0.5 }], () => tensor([[1, 2], [3, 4]])],
    ['baddbmm', () => [tensor([[[1, 2]]]), tensor([[[1], [2]]])], () => tensor([[[1]]])],
  ];
  for (const [name, args, make] of calls) {
    it(`${name}_ writes ${name}'s result into the tensor`, () => {
      scope(() => {
        const x = make();
        const want = values((x as unknown as Record<string, (...a: unknown[]) => Tensor>)[name](...args(x)));
        const got = (x as unknown as Record<string, (...a: unknown[]) => Tensor>)[`${name}_`](...args(x));
        expect(got).toBe(x);
        expect(values(x).map((v) => Math.round(v * 1e5) / 1e5)).toEqual(want.map((v) => Math.round(v * 1e5) / 1e5));
      });
    });
  }

  it('keeps the tensor dtype (a comparison writes 1 or 0 into a float tensor) and PyTorch refusals', () => {
    scope(() => {
      const x = tensor([1, 2, 3]);
      x.gt_(1.5);
      expect(x.dtype).toBe('float32');
      expect(values(x)).toEqual([0, 1, 1]);
      const i = tensor([1, 2, 3], { dtype: 'int32' });
      expect(() => i.log1p_()).toThrow(/^log1p_: a float32 result cannot be written into a int32 tensor in place/);
      expect(() => x.fmod_(2, 3 as never)).toThrow(/^fmod_: takes at most 1 argument, got 2/);
      expect(() => tensor([[1, 2]]).cumsum_(undefined as never)).toThrow(/cumsum/);
      const p = tensor([1, 2], { requiresGrad: true });
      expect(() => p.expm1_()).toThrow(/^expm1_: a leaf tensor that requires grad cannot be changed in place while grad mode is on/);
      noGrad(() => p.expm1_());
      expect(values(p)[0]).toBeCloseTo(Math.expm1(1), 5);
    });
  });

  it('refill from the generator with the distribution PyTorch names, reproducibly', () => {
    scope(() => {
      const n = 20000;
      const mean = (t: Tensor) => values(t).reduce((a, b) => a + b, 0) / n;
      const e = zeros([n]).exponential_(2, { generator: new Generator().manualSeed(1) });
      expect(Math.abs(mean(e) - 0.5)).toBeLessThan(0.02);
      expect(values(e).every((v) => v >= 0)).toBe(true);
      const again = zeros([n]).exponential_(2, { generator: new Generator().manualSeed(1) });
      expect(values(again)).toEqual(values(e));
      const g = zeros([n]).geometric_(0.25);
      expect(values(g).every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
      expect(Math.abs(mean(g) - 4)).toBeLessThan(0.15);
      const b = zeros([n], { dtype: 'int64' }).bernoulli_(0.3);
      expect(b.dtype).toBe('int64');
      expect(values(b).every((v) => v === 0 || v === 1)).toBe(true);
      expect(Math.abs(mean(b) - 0.3)).toBeLessThan(0.02);
      const bt = zeros([2, 3]).bernoulli_(tensor([0, 1, 0]));
      expect(values(bt)).toEqual([0, 1, 0, 0, 1, 0]);
      const r = zeros([n], { dtype: 'int32' }).random_(-3, 4);
      const seen = new Set(values(r));
      expect([...seen].sort((a, c) => a - c)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
      const c = zeros([n]).cauchy_(1, 0.5);
      const sorted = values(c).sort((a, d) => a - d);
      expect(Math.abs(sorted[n / 2] - 1)).toBeLessThan(0.05); // the median
      expect(Math.abs(sorted[(3 * n) / 4] - sorted[n / 4] - 1)).toBeLessThan(0.07); // interquartile range 2σ
      const l = zeros([n]).logNormal_(0.5, 0.25);
      expect(Math.abs(mean(l.log()) - 0.5)).toBeLessThan(0.01);
    });
  });

  it('refuses bad distribution parameters, naming the method and the argument', () => {
    scope(() => {
      const x = zeros([3]);
      expect(() => x.exponential_(0)).toThrow(/^exponential_: lambd expected a positive rate, got 0$/);
      expect(() => x.geometric_(1.5)).toThrow(/^geometric_: p expected a probability in \(0, 1\], got 1.5$/);
      expect(() => x.bernoulli_(-0.1)).toThrow(/^bernoulli_: p expected a probability in \[0, 1\], got -0.1$/);
      expect(() => x.cauchy_(0, -1)).toThrow(/^cauchy_: sigma expected a positive scale, got -1$/);
      expect(() => x.random_(5, 5)).toThrow(/^random_: to expected an integer above from \(5\)/);
      expect(() => zeros([2], { dtype: 'int32' }).exponential_()).toThrow(/^exponential_: expected a float tensor to refill, got int32$/);
      expect(() => x.exponential_(1, { seed: 3 } as never)).toThrow(/exponential_.*seed/);
    });
  });
});
