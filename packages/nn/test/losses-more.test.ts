// The loss modules of losses/more.ts: each module's forward is its tensor function with the
// module's options (the functions are checked against PyTorch in the tensor package's
// test/losses-more.test.ts), options refused when the module is made, reprs, the arity guard.
import { describe, expect, it } from 'vitest';
import * as T from '@nutshell/tensor';
import { scope, tensor, type Tensor } from '@nutshell/tensor';
import * as nn from '../src/index.js';

const nums = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);

describe('each module is its function with its options', () => {
  const x = tensor([[0.3, -1.2, 0.8, 0.5], [1.5, 0.1, -0.4, -2.0], [0.2, 0.9, -0.7, 1.1]]);
  const x2 = tensor([[-0.5, 0.4, 1.3, 0.1], [0.6, -0.9, 0.2, 0.7], [1.0, 0.3, -1.4, 0.2]]);
  const x3 = tensor([[0.9, -0.1, 0.5, -0.6], [-1.1, 0.8, 0.4, 1.2], [0.1, -0.3, 0.6, -0.8]]);
  const labels = tensor([[1, -1, 1, -1], [-1, -1, 1, 1], [1, 1, -1, 1]]);
  const rows = tensor([1, -1, 1]);
  const classes = tensor([3, 0, 1], { dtype: 'int64' });
  const w = tensor([0.5, 1, 2, 1.5]);
  const cases: [string, () => [Tensor, Tensor]][] = [
    ['GaussianNLLLoss', () => [new nn.GaussianNLLLoss({ full: true, eps: 1e-3, reduction: 'sum' }).forward(x, x2, T.abs(x3)), T.gaussianNllLoss(x, x2, T.abs(x3), { full: true, eps: 1e-3, reduction: 'sum' })]],
    ['GaussianNLLLoss (number var)', () => [new nn.GaussianNLLLoss().forward(x, x2, 0.5), T.gaussianNllLoss(x, x2, 0.5)]],
    ['PoissonNLLLoss', () => [new nn.PoissonNLLLoss({ logInput: false, full: true, eps: 1e-4, reduction: 'none' }).forward(T.abs(x), T.abs(x2)), T.poissonNllLoss(T.abs(x), T.abs(x2), { logInput: false, full: true, eps: 1e-4, reduction: 'none' })]],
    ['MarginRankingLoss', () => [new nn.MarginRankingLoss({ margin: 0.3 }).forward(x, x2, labels), T.marginRankingLoss(x, x2, labels, { margin: 0.3 })]],
    ['HingeEmbeddingLoss', () => [new nn.HingeEmbeddingLoss({ margin: 2, reduction: 'none' }).forward(x, labels), T.hingeEmbeddingLoss(x, labels, { margin: 2, reduction: 'none' })]],
    ['CosineEmbeddingLoss', () => [new nn.CosineEmbeddingLoss({ margin: -0.2, reduction: 'sum' }).forward(x, x2, rows), T.cosineEmbeddingLoss(x, x2, rows, { margin: -0.2, reduction: 'sum' })]],
    ['TripletMarginLoss', () => [new nn.TripletMarginLoss({ margin: 2, p: 1, eps: 1e-4, swap: true, reduction: 'none' }).forward(x, x2, x3), T.tripletMarginLoss(x, x2, x3, { margin: 2, p: 1, eps: 1e-4, swap: true, reduction: 'none' })]],
    ['SoftMarginLoss', () => [new nn.SoftMarginLoss({ reduction: 'sum' }).forward(x, labels), T.softMarginLoss(x, labels, { reduction: 'sum' })]],
    ['MultiLabelSoftMarginLoss', () => [new nn.MultiLabelSoftMarginLoss({ weight: w, reduction: 'none' }).forward(x, T.gt(labels, 0).float()), T.multiLabelSoftMarginLoss(x, T.gt(labels, 0).float(), { weight: w, reduction: 'none' })]],
    ['MultiMarginLoss', () => [new nn.MultiMarginLoss({ p: 2, margin: 0.5, weight: w }).forward(x, classes), T.multiMarginLoss(x, classes, { p: 2, margin: 0.5, weight: w })]],
    ['CTCLoss', () => {
      const lp = T.logSoftmax(T.reshape(T.cat([x, x2, x3, x, x2]), [5, 3, 4]), 2);
      const targets = tensor([[1, 2], [3, 0], [2, 2]], { dtype: 'int64' });
      return [new nn.CTCLoss({ blank: 0, reduction: 'none', zeroInfinity: true }).forward(lp, targets, [5, 4, 5], [2, 1, 2]), T.ctcLoss(lp, targets, [5, 4, 5], [2, 1, 2], { reduction: 'none', zeroInfinity: true })];
    }],
  ];
  for (const [name, run] of cases) {
    it(name, () => {
      scope(() => {
        const [a, b] = run();
        expect(a.shape).toEqual(b.shape);
        expect(nums(a)).toEqual(nums(b));
      });
    });
  }

  it('gradients reach the inputs through the modules', () => {
    scope(() => {
      const a = tensor([[0.3, -1.2, 0.8]], { requiresGrad: true });
      new nn.TripletMarginLoss().forward(a, tensor([[0.1, 0.2, 0.3]]), tensor([[0.3, -1.0, 0.9]])).backward();
      expect(a.grad).not.toBeNull();
      const v = tensor([0.5, 2], { requiresGrad: true });
      new nn.GaussianNLLLoss().forward(tensor([1, 2]), tensor([0, 0]), v).backward();
      expect(nums(v.grad!).every((g) => Number.isFinite(g) && g !== 0)).toBe(true);
    });
  });
});

describe('options are refused when the module is made', () => {
  it('unknown keys, PyTorch spellings, reductions', () => {
    expect(() => new nn.SoftMarginLoss({ reduce: 'sum' } as never)).toThrow(/^SoftMarginLoss: unknown option 'reduce' \(it takes 'reduction'\)$/);
    expect(() => new nn.PoissonNLLLoss({ log_input: false } as never)).toThrow(/^PoissonNLLLoss: unknown option 'log_input' \(it takes 'logInput', 'full', 'eps', 'reduction'\); did you mean 'logInput'\?$/);
    expect(() => new nn.TripletMarginLoss({ size_average: false } as never)).toThrow(/^TripletMarginLoss: unknown option 'size_average'/);
    expect(() => new nn.MultiMarginLoss({ weights: tensor([1]) } as never)).toThrow(/^MultiMarginLoss: unknown option 'weights' \(it takes 'p', 'margin', 'weight', 'reduction'\); did you mean 'weight'\?$/);
    expect(() => new nn.HingeEmbeddingLoss({ reduction: 'avg' } as never)).toThrow(/^HingeEmbeddingLoss: reduction expected one of 'mean', 'sum', 'none', got "avg"$/);
    expect(() => new nn.MarginRankingLoss({ reduction: 'batchmean' } as never)).toThrow(/^MarginRankingLoss: reduction expected one of 'mean', 'sum', 'none', got "batchmean"$/);
    expect(() => new nn.GaussianNLLLoss(0.5 as never)).toThrow(/^GaussianNLLLoss: options expected an object with 'full', 'eps', 'reduction', got 0.5$/);
  });

  it('types and ranges', () => {
    expect(() => new nn.GaussianNLLLoss({ eps: -1 })).toThrow(/^GaussianNLLLoss: eps expected a finite number >= 0, got -1$/);
    expect(() => new nn.GaussianNLLLoss({ full: 'yes' } as never)).toThrow(/^GaussianNLLLoss: full expected a boolean, got "yes"$/);
    expect(() => new nn.PoissonNLLLoss({ logInput: 0 } as never)).toThrow(/^PoissonNLLLoss: logInput expected a boolean, got 0$/);
    expect(() => new nn.MarginRankingLoss({ margin: Number.NaN })).toThrow(/^MarginRankingLoss: margin expected a finite number, got NaN$/);
    expect(() => new nn.HingeEmbeddingLoss({ margin: '1' } as never)).toThrow(/^HingeEmbeddingLoss: margin expected a finite number, got "1"$/);
    expect(() => new nn.CosineEmbeddingLoss({ margin: -2 })).toThrow(/^CosineEmbeddingLoss: margin expected a number in \[-1, 1\], got -2$/);
    expect(() => new nn.TripletMarginLoss({ margin: -1 })).toThrow(/^TripletMarginLoss: margin expected a finite number > 0, got -1$/);
    expect(() => new nn.TripletMarginLoss({ p: 0 })).toThrow(/^TripletMarginLoss: p expected a number > 0 or Infinity, got 0$/);
    expect(() => new nn.TripletMarginLoss({ swap: 1 } as never)).toThrow(/^TripletMarginLoss: swap expected a boolean, got 1$/);
    expect(() => new nn.MultiMarginLoss({ p: 3 })).toThrow(/^MultiMarginLoss: p expected 1 or 2, got 3$/);
    expect(() => new nn.CTCLoss({ blank: -1 })).toThrow(/^CTCLoss: blank expected an integer >= 0, got -1$/);
    expect(() => new nn.CTCLoss({ zero_infinity: true } as never)).toThrow(/^CTCLoss: unknown option 'zero_infinity'/);
    expect(() => new nn.MultiMarginLoss({ weight: tensor([1, 2], { dtype: 'int64' }) })).toThrow(/^MultiMarginLoss: weight expected a float32 tensor or null, got an int64 tensor$/);
    expect(() => new nn.MultiLabelSoftMarginLoss({ weight: [1, 2] as never })).toThrow(/^MultiLabelSoftMarginLoss: weight expected a float32 tensor or null, got object$/);
    expect(() => new nn.TripletMarginLoss({ p: Infinity, margin: 0.5, eps: 0, swap: false, reduction: 'none' })).not.toThrow();
  });

  it('shapes and dtypes are refused at forward, naming the function', () => {
    expect(() => new nn.MultiMarginLoss().forward(tensor([[1, 2]]), tensor([0]))).toThrow(/^multiMarginLoss: target expected int64 class indices, got float32$/);
    expect(() => new nn.CosineEmbeddingLoss().forward(tensor([1, 2]), tensor([1, 2]), tensor([1]))).toThrow(/^cosineEmbeddingLoss: a 1-d target expects 2-d inputs/);
  });
});

describe('reprs and the arity guard', () => {
  it('reprs like the other losses', () => {
    expect(new nn.GaussianNLLLoss().toString()).toBe('GaussianNLLLoss()');
    expect(new nn.PoissonNLLLoss({ full: true }).toString()).toBe('PoissonNLLLoss()');
    expect(new nn.MarginRankingLoss().toString()).toBe('MarginRankingLoss()');
    expect(new nn.HingeEmbeddingLoss().toString()).toBe('HingeEmbeddingLoss()');
    expect(new nn.CosineEmbeddingLoss().toString()).toBe('CosineEmbeddingLoss()');
    expect(new nn.TripletMarginLoss({ swap: true }).toString()).toBe('TripletMarginLoss()');
    expect(new nn.SoftMarginLoss().toString()).toBe('SoftMarginLoss()');
    expect(new nn.MultiLabelSoftMarginLoss().toString()).toBe('MultiLabelSoftMarginLoss()');
    expect(new nn.MultiMarginLoss().toString()).toBe('MultiMarginLoss()');
    expect(new nn.Sequential(new nn.SoftMarginLoss()).toString()).toBe('Sequential(\n  (0): SoftMarginLoss()\n)');
    expect(new nn.CrossEntropyLoss().toString()).toBe('CrossEntropyLoss()');
  });

  it('forward refuses extra arguments (PyTorch positional options)', () => {
    const x = tensor([[0.1, 0.2]]);
    expect(() => (new nn.SoftMarginLoss().forward as (...a: unknown[]) => Tensor)(x, x, 'sum')).toThrow(/^SoftMarginLoss.forward: takes at most 2 arguments, got 3/);
    expect(() => (new nn.TripletMarginLoss().forward as (...a: unknown[]) => Tensor)(x, x, x, 1)).toThrow(/^TripletMarginLoss.forward: takes at most 3 arguments, got 4/);
    expect(() => (new nn.GaussianNLLLoss().forward as (...a: unknown[]) => Tensor)(x, x, 1, true)).toThrow(/^GaussianNLLLoss.forward: takes at most 3 arguments, got 4/);
  });

  it('have no parameters; train/eval leave them alone', () => {
    const m = new nn.MultiMarginLoss({ weight: tensor([1, 2]) });
    expect([...m.parameters()]).toEqual([]);
    m.eval();
    expect(m.training).toBe(false);
  });
});

describe('TripletMarginWithDistanceLoss', () => {
  it('is its function with its options; options checked when made', () => {
    scope(() => {
      const a = tensor([[0, 1], [1, 0]]);
      const p = tensor([[0, 0.9], [0.8, 0]]);
      const n = tensor([[1, 0], [0, 1]]);
      const cosine = (u: Tensor, v: Tensor) => T.sub(1, T.cosineSimilarity(u, v));
      const m = new nn.TripletMarginWithDistanceLoss({ distanceFunction: cosine, margin: 0.5 });
      expect(m.forward(a, p, n).dataSync()[0]).toBe(T.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: cosine, margin: 0.5 }).dataSync()[0]);
      expect(() => new nn.TripletMarginWithDistanceLoss({ distanceFunction: 'cosine' as never })).toThrow(/^TripletMarginWithDistanceLoss: distanceFunction expected a function \(a, b\) => distances, or null, got "cosine"$/);
      expect(() => new nn.TripletMarginWithDistanceLoss({ distance_function: cosine } as never)).toThrow(/^TripletMarginWithDistanceLoss: unknown option 'distance_function'.*did you mean 'distanceFunction'\?$/);
    });
  });
});
