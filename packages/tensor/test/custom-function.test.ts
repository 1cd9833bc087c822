// defineFunction, PyTorch's torch.autograd.Function (Note [custom functions] in autograd/function.ts).
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, argmax, defineFunction, exp, grad, memory, mul, neg, noGrad, ones, randn, round, scope, sum, tensor, type Tensor } from '../src/index.js';
import { expectClose, gradcheck } from '../src/testing/index.js';

const expandTo = (v: Tensor) => v.expand([2, 2]);

// A gradient reversal layer (domain-adversarial training): identity forward, −λ·g backward.
const reverseGrad = defineFunction({
  name: 'reverseGrad',
  forward(ctx, x: Tensor, lambda: number) {
    ctx.lambda = lambda;
    return x; // an input returned as it is: the output must still get a node of its own
  },
  backward(ctx, g) {
    return [mul(neg(g), ctx.lambda as number), null];
  },
});

// exp with its output saved, as PyTorch's documentation example.
const myExp = defineFunction({
  name: 'myExp',
  forward(ctx, x: Tensor) {
    const y = exp(x);
    ctx.saveForBackward(y);
    return y;
  },
  backward(ctx, g) {
    const [y] = ctx.savedTensors;
    return mul(g, y!);
  },
});

describe('defineFunction', () => {
  it('runs the user backward: gradient reversal scales and flips, a straight-through round passes the gradient', () => {
    scope(() => {
      const x = randn([3, 4], { requiresGrad: true });
      const y = reverseGrad(x, 0.5);
      expect(y).not.toBe(x);
      expect(y.gradFn?.name).toBe('reverseGrad');
      sum(mul(y, 3)).backward();
      expectClose(x.grad!.dataSync(), new Float32Array(12).fill(-1.5), 0, 0, 'reversed');

      const ste = defineFunction({ name: 'roundSte', forward: (_ctx, v: Tensor) => round(v), backward: (_ctx, g) => g });
      const w = tensor([0.4, 1.6], { requiresGrad: true });
      const r = ste.apply(w);
      expect(Array.from(r.dataSync())).toEqual([0, 2]);
      sum(mul(r, tensor([2, 3]))).backward();
      expect(Array.from(w.grad!.dataSync())).toEqual([2, 3]);
    });
  });

  it('matches the built-in gradient, first and second order (saved output stands for its place in the graph)', () => {
    scope(() => {
      const x = randn([5], { requiresGrad: true });
      const [g1] = grad(sum(myExp(x)), [x], { createGraph: true });
      expectClose(g1!.dataSync(), exp(x).dataSync(), 1e-6, 1e-6, 'first');
      const [g2] = grad(sum(g1!), [x]);
      expectClose(g2!.dataSync(), exp(x).dataSync(), 1e-6, 1e-6, 'second');
    });
  });

  it('several outputs: non-differentiable ones get no gradFn, missing gradients arrive as zeros (or null when asked)', () => {
    scope(() => {
      const seen: (string | null)[] = [];
      const split = defineFunction({
        name: 'valueAndArgmax',
        forward(ctx, x: Tensor, materialize: boolean) {
          const i = argmax(x);
          ctx.markNonDifferentiable(i);
          ctx.setMaterializeGrads(materialize);
          return [mul(x, 2), i, mul(x, 3)];
        },
        backward(ctx, ga, gi, gb) {
          seen.push(ga ? 'a' : null, gi ? 'i' : null, gb ? 'b' : null);
          expect(ctx.needsInputGrad).toEqual([true, false]);
          return [ga ? mul(ga, 2) : null, null];
        },
      });
      const x = tensor([1, 5, 2], { requiresGrad: true });
      const [a, i, b] = split(x, true);
      expect(i!.gradFn).toBeNull();
      expect(b!.gradFn).toBe(a!.gradFn);
      sum(a!).backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([2, 2, 2]);
      expect(seen).toEqual(['a', 'i', 'b']);
      seen.length = 0;
      const [a2] = split(x, false);
      sum(a2!).backward();
      expect(seen).toEqual(['a', null, null]);
    });
  });

  it('sums a gradient of the broadcast shape down to the input, and leaves a tensor it returns from outside as it was', () => {
    scope(() => {
      const x = tensor([1, 2], { requiresGrad: true });
      const outer = defineFunction({
        name: 'outer',
        forward: (_ctx, v: Tensor) => mul(expandTo(v), 1),
        backward: (_ctx, g) => g, // [2, 2] for a [2] input: PyTorch sums it to [2]
      });
      sum(outer(x)).backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([2, 2]);
      const p = tensor([3], { requiresGrad: true });
      const passP = defineFunction({ name: 'passP', forward: () => p, backward: () => [] as never });
      const q = passP();
      expect(q).not.toBe(p);
      expect(p.gradFn).toBeNull();
      expect(p.isLeaf).toBe(true);
    });
  });

  it('records nothing under noGrad or without inputs that need gradients', () => {
    scope(() => {
      const x = randn([2], { requiresGrad: true });
      expect(noGrad(() => myExp(x)).gradFn).toBeNull();
      expect(myExp(randn([2])).requiresGrad).toBe(false);
    });
  });

  it('refuses a saved tensor written in place before backward (version counter), as built-in ops do', () => {
    scope(() => {
      const keepInput = defineFunction({
        name: 'square',
        forward(ctx, x: Tensor) {
          ctx.saveForBackward(x);
          return mul(x, x);
        },
        backward(ctx, g) {
          const [x] = ctx.savedTensors;
          return mul(mul(g, x!), 2);
        },
      });
      const leaf = randn([3], { requiresGrad: true });
      const x = mul(leaf, 1);
      const y = keepInput(x);
      noGrad(() => x.add_(1));
      expect(() => sum(y).backward()).toThrowError(/^backward: input 0 of square .*was modified in place after square used it/);
    });
  });

  it('refuses bad backward results and bad forward results by name', () => {
    scope(() => {
      const x = randn([2, 3], { requiresGrad: true });
      const run = (backward: (g: Tensor) => unknown, args: unknown[] = [x]) =>
        sum((defineFunction({ name: 'bad', forward: (_c, v: Tensor) => mul(v, 1), backward: (_c, g) => backward(g) as Tensor }) as unknown as (...a: unknown[]) => Tensor)(...args)).backward();
      expect(() => run((g) => [g, g])).toThrowError(/^bad: backward returned 2 gradients, expected 1 \(one per forward argument, null for those without one\)$/);
      expect(() => run(() => sum(x))).toThrowError(ShapeError);
      expect(() => run(() => sum(x))).toThrowError(/^bad: backward's gradient 0 expected shape \[2,3\] \(the input's, or one it broadcasts to\), got \[\]$/);
      expect(() => run(() => 3)).toThrowError(/^bad: backward's gradient 0 expected a Tensor or null, got number$/);
      expect(() => run(() => ones([2, 3], { dtype: 'int32' }))).toThrowError(DTypeError);
      expect(() => run((g) => [g, g], [x, 2])).toThrowError(/^bad: backward returned a gradient for argument 1, which is not a tensor \(expected null\)$/);
      const pythonic = defineFunction({ name: 'pythonic', forward: (ctx, v: Tensor) => ((ctx as unknown as { save_for_backward(t: Tensor): void }).save_for_backward(v), v), backward: (_c, g) => g });
      expect(() => pythonic(x)).toThrowError(/^Context\.save_for_backward: this API spells it saveForBackward$/);
      const noTensor = defineFunction({ name: 'noTensor', forward: () => 3 as unknown as Tensor, backward: () => null });
      expect(() => noTensor()).toThrowError(/^noTensor: forward expected to return a Tensor or a non-empty array of Tensors, got number$/);
      expect(() => defineFunction({ name: 'x' } as never)).toThrowError(ValueError);
    });
  });

  it('frees what it saved: flat memory over many steps, with backward or with the output dropped', () => {
    const x = randn([64], { requiresGrad: true });
    const step = (withBackward: boolean) =>
      scope(() => {
        const y = myExp(mul(x, 1));
        if (withBackward) sum(y).backward();
      });
    step(true);
    x.grad = null;
    const base = memory();
    for (let i = 0; i < 200; i++) {
      step(i % 2 === 0);
      x.grad?.dispose();
      x.grad = null;
    }
    expect(memory().liveTensors).toBe(base.liveTensors);
    expect(memory().liveBytes).toBe(base.liveBytes);
  });
});

describe("gradcheck(fn, inputs), PyTorch's torch.autograd.gradcheck (user trials T and U: only op declarations were taken)", () => {
  const softplusFn = (wrong: boolean) =>
    defineFunction({
      name: 'mySoftplus',
      forward(ctx, x: Tensor) {
        ctx.saveForBackward(x);
        return scope(() => exp(x).add(1).log());
      },
      backward(ctx, g: Tensor) {
        const [x] = ctx.savedTensors;
        const sigmoid = exp(neg(x)).add(1).reciprocal();
        return [wrong ? g.mul(sigmoid).mul(1.5) : g.mul(sigmoid)];
      },
    });

  it('passes a correct backward, catches a wrong one, and leaves the inputs’ .grad alone', () => {
    scope(() => {
      const x = randn([4, 3]).requiresGrad_();
      const w = randn([3]);
      const good = gradcheck((a, b) => softplusFn(false)(a).mul(b), [x, w]);
      expect(good).toEqual({ ok: true, details: [] });
      const bad = gradcheck((a) => softplusFn(true)(a), [x]);
      expect(bad.ok).toBe(false);
      expect(bad.details[0]).toMatch(/^input 0 direction 0: numeric -?\d+\.\d+ vs analytic -?\d+\.\d+$/);
      expect(x.grad).toBeNull();
    });
  });

  it('refuses inputs that are not tensors, or none that requires grad', () => {
    const x = ones([2]);
    expect(() => gradcheck((a) => a, [x])).toThrow(/^gradcheck: none of the inputs requires grad/);
    expect(() => gradcheck((a) => a, x as never)).toThrow(/^gradcheck: inputs expected an array of tensors/);
  });
});
