// The reductions' arguments: a dim or a list of dims alone, as PyTorch takes them (x.sum(1)), or
// an options object whose keys are checked — found by a user trial, where sum(x, 1) and a
// misspelt keepDim silently reduced over everything.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { maxArguments } from '../src/arity.js';
import { arange, argmax, dropout, argmin, clamp, full, logsumexp, maskedFill, max, mean, min, ones, randn, scope, std, sum, tensor, variance, zeros } from '../src/index.js';

const x = () => tensor([[1, 5, 3], [4, 2, 6]]);
const values = (t: { dataSync(): ArrayLike<number | bigint> }) => Array.from(t.dataSync(), Number);

describe('clamp arguments', () => {
  it('takes (min, max) as PyTorch does, null for an absent bound, or an options object', () => {
    scope(() => {
      const t = tensor([-2, 0.5, 3]);
      expect(values(clamp(t, 0, 1))).toEqual([0, 0.5, 1]);
      expect(values(t.clamp(null, 1))).toEqual([-2, 0.5, 1]);
      expect(values(clamp(t, 0))).toEqual([0, 0.5, 3]);
      expect(values(clamp(t, { max: 0 }))).toEqual([-2, 0, 0]);
      expect(() => clamp(t, { mn: 0 } as never)).toThrow(/^clamp: unknown option 'mn' \(it takes 'min', 'max'\); did you mean 'min'\?$/);
      expect(() => clamp(t, null, null)).toThrow(/^clamp: at least one of 'min' or 'max' must be given$/);
    });
  });
});

describe('reduction arguments', () => {
  it('take a dim or a list of dims alone, as functions and as methods', () => {
    scope(() => {
      expect(values(sum(x(), 1))).toEqual([9, 12]);
      expect(values(x().sum(0))).toEqual([5, 7, 9]);
      expect(values(sum(x(), [0, 1]))).toEqual([21]);
      expect(values(mean(x(), -1))).toEqual([3, 4]);
      expect(values(variance(x(), 1))).toEqual([4, 4]);
      expect(values(x().std(0))).toEqual([3, 3, 3].map((v) => Math.fround(Math.sqrt(v * v / 2))));
      expect(values(logsumexp(tensor([[0, 0], [1, 1]]), 1))).toEqual([Math.log(2), 1 + Math.log(2)].map(Math.fround));
      expect(values(max(x(), 1).values)).toEqual([5, 6]);
      expect(values(max(x(), 1).indices)).toEqual([1, 2]);
      expect(values(x().min(0).values)).toEqual([1, 2, 3]);
      expect(values(argmax(x(), 1))).toEqual([1, 2]);
      expect(values(argmin(x(), 0))).toEqual([0, 1, 0]);
    });
  });

  it('keep taking options objects', () => {
    scope(() => {
      expect(sum(x(), { dim: 1, keepdim: true }).shape).toEqual([2, 1]);
      expect(values(std(x(), { dim: 1, correction: 0 }))).toEqual([2, 2].map((v) => Math.fround(Math.sqrt((v * v * 2) / 3))));
      expect(max(x(), { dim: 0, keepdim: true }).values.shape).toEqual([1, 3]);
      expect(max(x(), { keepdim: true }).shape).toEqual([1, 1]);
      expect(values(sum(x()))).toEqual([21]);
    });
  });

  it('refuse options they do not take, pointing at PyTorch spellings', () => {
    scope(() => {
      expect(() => sum(x(), { dim: 1, keepDim: true } as never)).toThrow(/^sum: unknown option 'keepDim' \(it takes 'dim', 'keepdim'\); did you mean 'keepdim'\?$/);
      expect(() => sum(x(), { axis: 1 } as never)).toThrow(/^sum: unknown option 'axis' .*did you mean 'dim'\?$/);
      expect(() => mean(x(), { dims: [1] } as never)).toThrow(/^mean: unknown option 'dims'/);
      expect(() => std(x(), { unbiased: false } as never)).toThrow(/^std: unknown option 'unbiased' \(it takes 'dim', 'keepdim', 'correction'\); did you mean 'correction' \(unbiased: false is correction: 0\)\?$/);
      expect(() => max(x(), [0, 1] as never)).toThrow(/^max: expected a dim or an options object, got an array$/);
      expect(() => argmax(x(), { dim: 0, keep: true } as never)).toThrow(/^argmax: unknown option 'keep'/);
      expect(() => sum(x(), '1' as never)).toThrow(/^sum: expected a dim, a list of dims or an options object, got string$/);
    });
  });
});

// Found by a second user trial: PyTorch's extra positional arguments (x.sum(1, True), x.add(y, 2)
// for alpha, torch.ones(2, 3, dtype) as a string) were dropped without a word.
describe('extra arguments and misplaced options are refused, not ignored', () => {
  it('methods and functions given more arguments than they declare (Note [arity guard])', () => {
    scope(() => {
      expect(() => x().sum(1, true as never)).toThrow(/^sum: takes at most 1 argument, got 2 \(the dim goes inside the options with keepdim and the rest: x\.sum\(\{ dim: 1, keepdim: true \}\)\)$/);
      // The user's own dim echoed back (user trial AN: argmax(-1, { keepdim: true }) was told dim 1).
      expect(() => (x().argmax as (...a: unknown[]) => unknown)(-1, { keepdim: true })).toThrow(/^argmax: takes at most 1 argument, got 2 \(the dim goes inside the options with keepdim and the rest: x\.argmax\(\{ dim: -1, keepdim: true \}\)\)$/);
      expect(() => x().reshape(3, 2 as never)).toThrow(/^reshape: takes at most 1 argument, got 2 \(pass the dims as one array, e\.g\. x\.reshape\(\[3, 2\]\)\)$/);
      expect(() => (T.cat as (...a: unknown[]) => Tensor)(x(), x(), 1)).toThrow(/^cat: takes at most 2 arguments, got 3 \(the tensors go in one array: cat\(\[a, b, …\], dim\)\)$/);
      expect(() => T.stack(x() as never, x() as never)).toThrow(/^stack: tensors expected an array of tensors, got a Tensor \(the tensors go in one array: stack\(\[a, b, …\], dim\)\)$/);
      expect(() => x().size(0, 1 as never)).toThrow(/^size: takes at most 1 argument, got 2/);
      expect(() => (sum as (...a: unknown[]) => unknown)(x(), 1, true)).toThrow(/^sum: takes at most 2 arguments, got 3/);
      expect(() => (std as (...a: unknown[]) => unknown)(x(), 1, false)).toThrow(/^std: takes at most 2 arguments, got 3/);
      // Defaults count: dropout(x, p, training, options) takes four.
      expect(dropout(x(), 0.5, false, {}).shape).toEqual([2, 3]);
      expect(maxArguments((a: number, b = [1, 2], { c } = { c: ')' }, d?: string) => [a, b, c, d])).toBe(4);
      expect(maxArguments((...all: number[]) => all)).toBe(Infinity);
      expect(() => x().mean(-1, { keepdim: true } as never)).toThrow(/^mean: takes at most 1 argument, got 2/);
      expect(() => x().add(x(), 5 as never)).toThrow(/^add: takes at most 1 argument, got 2/);
      expect(() => x().squeeze(0, 1 as never)).toThrow(/^squeeze: takes at most 1 argument, got 2/);
      expect(() => x().neg(1 as never)).toThrow(/^neg: takes no arguments, got 1/);
      expect(x().sum(1).shape).toEqual([2]);
      expect(x().clamp(2, 4).shape).toEqual([2, 3]);
    });
  });

  it('creation and random functions check their options object', () => {
    expect(() => ones([2, 3], 'int64' as never)).toThrow(/^ones: options expected an object with 'dtype', 'device', 'requiresGrad', got string 'int64'$/);
    expect(() => zeros([2], { dtyp: 'int64' } as never)).toThrow(/^zeros: unknown option 'dtyp'/);
    expect(() => full([2], 1, [] as never)).toThrow(/^full: options expected an object .*got an array$/);
    expect(() => randn([2], { dtyp: 'float32' } as never)).toThrow(/^randn: unknown option 'dtyp' \(it takes 'dtype', 'device', 'requiresGrad', 'generator'\); did you mean 'dtype'\?$/);
    expect(() => arange(3, { step: 2 } as never)).toThrow(/^arange: unknown option 'step'/);
  });

  it('tensor, pad, embedding and the 2-d pools check their options too; dropout takes { training } (found by an API review: all silently ignored)', () => {
    scope(() => {
      expect(() => tensor([1], { dtpye: 'int64' } as never)).toThrow(/^tensor: unknown option 'dtpye' \(it takes 'dtype', 'device', 'requiresGrad', 'shape'\)$/);
      expect(() => T.pad(ones([1, 1, 2]), [1, 1], { val: 3 } as never)).toThrow(/^pad: unknown option 'val' \(it takes 'mode', 'value'\)$/);
      expect(() => T.embedding(tensor([0n]), ones([2, 2]), { padding_idx: 0 } as never)).toThrow(/^embedding: unknown option 'padding_idx' .*did you mean 'paddingIdx'\?$/);
      expect(() => T.maxPool2d(ones([1, 1, 4, 4]), 2, { return_indices: true } as never)).toThrow(/^maxPool2d: unknown option 'return_indices' .*did you mean 'returnIndices'\?$/);
      expect(() => T.avgPool2d(ones([1, 1, 4, 4]), 2, { divisorOverride: 1 } as never)).toThrow(/^avgPool2d: unknown option 'divisorOverride'/);
      expect(values(dropout(ones([6]), 0.5, { training: false }))).toEqual([1, 1, 1, 1, 1, 1]);
      const seeded = (training: boolean | object, options?: object) => values(dropout(ones([64]), 0.5, training as never, options as never));
      expect(seeded({ generator: new T.Generator(3) })).toEqual(seeded(true, { generator: new T.Generator(3) }));
      expect(() => dropout(ones([2]), 0.5, { trainin: false } as never)).toThrow(/^dropout: unknown option 'trainin' \(it takes 'training', 'generator'\); did you mean 'training'\?$/);
      expect(() => dropout(ones([2]), 0.5, 'no' as never)).toThrow(/^dropout: training expected a boolean \(or an options object\), got string$/);
      expect(() => T.groupNorm(ones([2, 4, 3]), 2, { eps: 1 } as never)).toThrow(/^groupNorm: weight expected a Tensor or null, got object \(PyTorch's order/);
    });
  });

  it("a keyword object where a function takes the value itself says so (leakyRelu(x, { negativeSlope: 0.2 }), a VAE trial)", () => {
    scope(() => {
      expect(() => T.leakyRelu(randn([2]), { negativeSlope: 0.2 } as never)).toThrowError(/^leakyRelu: option 'negativeSlope' expected a number, got Object; 'negativeSlope' is positional here: pass 0.2 itself where the object went$/);
      expect(() => T.leakyRelu(randn([2]), { slope: 0.2 } as never)).toThrowError(/'negativeSlope' is positional here: pass the value itself where the object went$/);
      // softplus's second argument as an object is an options object (below); its third is not.
      expect(() => T.softplus(randn([2]), 2, { threshold: 5 } as never)).toThrowError(/^softplus: option 'threshold' expected a number, got Object; 'threshold' is positional here: pass 5 itself where the object went$/);
    });
  });

  it("softplus takes PyTorch's keywords as { beta, threshold } beside the positional form (a trial porting probabilistic models), values as F.softplus's", () => {
    scope(() => {
      const x = tensor([-3, -0.5, 0, 1, 2.4, 2.6, 4]);
      const read = (t: T.Tensor) => Array.from(t.dataSync());
      // F.softplus(x, beta=2, threshold=5), F.softplus(x, beta=2), F.softplus(x, threshold=0.5) (PyTorch 2.13).
      const both = [0.0012378426, 0.15663084, 0.34657359, 1.0634640, 2.4040980, 2.5999999, 4];
      const betaOnly = [0.0012378426, 0.15663084, 0.34657359, 1.0634640, 2.4040980, 2.6027505, 4.0001678];
      const thresholdOnly = [0.048587352, 0.47407699, 0.69314718, 1, 2.4000001, 2.5999999, 4];
      for (const [got, want] of [
        [T.softplus(x, { beta: 2, threshold: 5 }), both],
        [T.softplus(x, 2, 5), both],
        [T.softplus(x, { beta: 2 }), betaOnly],
        [T.softplus(x, { threshold: 0.5 }), thresholdOnly],
        [T.softplus(x, 1, 0.5), thresholdOnly],
      ] as const) read(got).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
      expect(read(T.softplus(x, {}))).toEqual(read(T.softplus(x)));
      // The gradient follows the options too: σ(βx) below the threshold, 1 above it.
      const xg = tensor([0.5, 3], { requiresGrad: true });
      T.sum(T.softplus(xg, { beta: 2, threshold: 5 })).backward();
      expect(read(xg.grad!)[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
      expect(read(xg.grad!)[1]).toBe(1);
      // Validated as the positional form is, and as every options object is.
      expect(() => T.softplus(x, { beta: '2' } as never)).toThrow(/^softplus: option 'beta' expected a number, got string/);
      expect(() => T.softplus(x, { beta: 2, treshold: 5 } as never)).toThrow(/^softplus: unknown option 'treshold' \(it takes 'beta', 'threshold'\); did you mean 'threshold'\?$/);
      expect(() => T.softplus(x, { beta: 2 }, 5 as never)).toThrow(/^softplus: threshold goes inside the options object when one is given \(softplus\(x, \{ beta, threshold \}\)\), got 5 after it$/);
      expect(() => T.softplus(x, [2] as never)).toThrow(/^softplus: option 'beta' expected a number, got/);
    });
  });

  it("cat and stack take PyTorch's dim keyword as { dim } (a GAN trial: 'expected an integer, got Object')", () => {
    scope(() => {
      const a = tensor([[1, 2]]);
      const b = tensor([[3, 4]]);
      expect(T.cat([a, b], { dim: 1 }).shape).toEqual([1, 4]);
      expect(T.stack([a, b], { dim: 2 }).shape).toEqual([1, 2, 2]);
      expect(T.cat([a, b], {}).shape).toEqual([2, 2]);
      expect(() => T.cat([a, b], { axis: 1 } as never)).toThrow(/^cat: unknown option 'axis' \(it takes 'dim'\); did you mean 'dim'\?$/);
    });
  });

  it('integer fills that overflow, as PyTorch refuses them; fractions truncate', () => {
    scope(() => {
      expect(() => maskedFill(tensor([1n, 2n]), tensor([true, false]), -Infinity)).toThrow(/^maskedFill: value -Infinity cannot be converted to int64 without overflow \(expected -2\^63 to 2\^63 - 1\)$/);
      expect(() => full([2], 300, { dtype: 'uint8' })).toThrow(/^full: value 300 cannot be converted to uint8 without overflow \(expected 0 to 255\)$/);
      expect(() => full([1], NaN, { dtype: 'int32' })).toThrow(/^full: value NaN cannot be converted to int32/);
      expect(Array.from(full([2], 2.7, { dtype: 'int32' }).dataSync())).toEqual([2, 2]);
      expect(Array.from(maskedFill(tensor([1, 2]), tensor([true, false]), -Infinity).dataSync())).toEqual([-Infinity, 2]);
    });
  });

  it('reshape and view take one integer as PyTorch does (x.view(-1)), naming themselves when refusing', () => {
    scope(() => {
      expect(x().view(-1).shape).toEqual([6]);
      expect(x().reshape(6).shape).toEqual([6]);
      expect(() => x().view('6' as never)).toThrow(/^view: shape expected an array of integers \(or one integer, as x\.view\(-1\)\), got string$/);
    });
  });

  it('to() takes a dtype as PyTorch does (x.to(torch.int64))', () => {
    scope(() => {
      const y = tensor([1.5, -2.5]).to('int64');
      expect(y.dtype).toBe('int64');
      expect(Array.from(y.dataSync(), Number)).toEqual([1, -2]);
    });
  });
});

// Found by a third user trial: refusals that named an internal op or said too little.
describe('clearer refusals and small PyTorch conveniences', () => {
  it('name the function and what it expected', () => {
    scope(() => {
      const x = tensor([[3, 1], [2, 4]]);
      expect(() => max(x, x as never)).toThrow(/^max: options expected an object with 'dim', 'keepdim', got a Tensor; the elementwise max of two tensors is maximum\(a, b\)$/);
      expect(() => (T.cumprod as (a: unknown) => unknown)(x)).toThrow(/^cumprod: dim expected an integer, got none/);
      expect(() => T.select(x, 0, 0.5)).toThrow(/^select: index expected an integer, got 0\.5$/);
      expect(() => T.einsum('ij;jk->ik', x, x)).toThrow(/^einsum: equation 'ij;jk->ik' has ';'/);
      expect(() => T.einsum('ij,jk->ik', x, x.long())).toThrow(/^einsum: operand 1 expected float32, got int64 \(cast it with \.float\(\)\)$/);
      expect(() => x.to('float64' as never)).toThrow(/^to: expected a device \('cpu', 'cuda', 'cuda:N'\) or a dtype \(float32, int32, int64, uint8, bool\), got "float64": tensors compute in float32 here \(there is no float64\)$/);
      expect(() => x.to('long' as never)).toThrow(/got "long": PyTorch's torch.long is 'int64' here$/);
      expect(() => x.to('gpu' as never)).toThrow(T.DeviceError);
      expect(() => zeros([2], { dtype: 'float16' as never })).toThrow(/^zeros: expected a dtype .*got "float16": there are no float16 tensors/);
      expect(() => (x as never as { half(): void }).half()).toThrow(/Tensor.half: this API spells it float\(\)/);
    });
  });

  it('sort bools (false first), take PyTorch\'s stable flag, keepdim for the median of everything, diag of bools, dim(), console.log', () => {
    scope(() => {
      const b = tensor([true, false, true, false]);
      const s = T.sort(b, { stable: true });
      expect(Array.from(s.values.dataSync())).toEqual([0, 0, 1, 1]);
      expect(s.values.dtype).toBe('bool');
      expect(values(s.indices)).toEqual([1, 3, 0, 2]);
      expect(T.median(tensor([[1, 5], [3, 2]]), { keepdim: true }).shape).toEqual([1, 1]);
      expect(Array.from(T.diag(tensor([true, false])).dataSync())).toEqual([1, 0, 0, 0]);
      expect(T.diag(tensor([true, false])).dtype).toBe('bool');
      expect(tensor([[1, 2]]).dim()).toBe(2);
      expect(inspect(tensor([1.5, 2]))).toBe(tensor([1.5, 2]).toString());
    });
  });
});

describe("bool tensors in arithmetic, as PyTorch's (a user trial counted masks and combined them)", () => {
  it('mask + 1 and mask * 2 count in int64; bool + bool is or, bool * bool is and; bool − bool is refused', () => {
    scope(() => {
      const m = tensor([1, 0, 1]).ne(0);
      const n = tensor([1, 1, 0]).ne(0);
      expect(m.add(1).dtype).toBe('int64');
      expect(Array.from(m.mul(2).dataSync(), Number)).toEqual([2, 0, 2]);
      expect(m.add(0.5).dtype).toBe('float32');
      expect(m.add(n).tolist()).toEqual([true, true, true]);
      expect(m.mul(n).tolist()).toEqual([true, false, false]);
      expect(T.sum(m.add(n)).dtype).toBe('int64');
      expect(() => m.sub(n)).toThrow(/^sub: two bool tensors are not subtracted \(PyTorch refuses it too\)/);
    });
  });

  it('maskedFill names itself when a mask does not broadcast, and says how to fill rows', () => {
    const x = zeros([6, 5]);
    const rows = tensor([1, 0, 1, 0, 1, 0]).ne(0);
    expect(() => maskedFill(x, rows, 1)).toThrow(/^maskedFill: mask \[6\] does not broadcast to input \[6,5\] \(a mask of rows lines up with the last dim; give it the input's rank: mask.view\(\[-1, 1\]\)\)$/);
    expect(T.sum(maskedFill(x, rows.view([-1, 1]), 1)).itemSync()).toBe(15);
    expect(() => x.index(rows)).toThrow(/x.index\(\(await nonzero\(mask\)\).view\(\[-1\]\)\) for the rows where a 1-d mask is true/);
  });

  it('full with a boolean makes a bool tensor, as torch.full((2,), True); other values are refused naming full', () => {
    expect(full([2], true).dtype).toBe('bool');
    expect(full([2], true).tolist()).toEqual([true, true]);
    expect(() => full([2], 'x' as never)).toThrow(/^full: value expected a number or a boolean, got string$/);
  });

  it("where(condition) alone points at nonzero, PyTorch's one-argument form", () => {
    expect(() => (T.where as (c: T.Tensor) => T.Tensor)(tensor([1, 0]).ne(0))).toThrow(/^where: expected \(condition, input, other\); PyTorch's one-argument where\(condition\) is await nonzero\(condition\) here/);
  });

  it('scatterAdd, nonzero, maskedSelect, unique and bincount are methods too', async () => {
    const x = tensor([3, 1, 3, 0], { dtype: 'int64' });
    expect((await x.bincount()).tolist()).toEqual([1, 1, 0, 2]);
    expect((await x.unique()).values.tolist()).toEqual([0, 1, 3]);
    expect((await x.nonzero()).shape).toEqual([3, 1]);
    expect((await x.maskedSelect(x.gt(1))).tolist()).toEqual([3, 3]);
    expect(zeros([3]).scatterAdd(0, tensor([0, 0, 2], { dtype: 'int64' }), tensor([1, 2, 3])).tolist()).toEqual([3, 0, 3]);
  });
});
