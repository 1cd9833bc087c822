// The losses of ops/table/composed-losses-more.ts against PyTorch 2.13 — gaussianNllLoss,
// poissonNllLoss, marginRankingLoss, hingeEmbeddingLoss, cosineEmbeddingLoss, tripletMarginLoss,
// softMarginLoss, multiLabelSoftMarginLoss, multiMarginLoss, each with reduction 'none', 'mean'
// and 'sum' and their main options: outputs and input gradients from
// test/fixtures/losses-more.safetensors (scripts/fixtures_losses_more.py), whose metadata says
// how to call each case. Then finite-difference gradient checks, where nutshell departs from
// PyTorch on purpose, and the refusals. Run on cpu and, where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { backends, noGrad, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose, hashString, normal, seededRandom } from '../src/testing/index.js';
import { devices, checkGradFn, type GradInput, nums, readGoldenFixture } from './golden-cases.js';

type CaseMeta = { fn: string; args: (string | number)[]; options: Record<string, unknown>; grad: boolean[]; inputs: number };
// The metadata names the call itself (callCase), so the comparison below is this file's own.
const { golden, cases, load } = readGoldenFixture<CaseMeta>('losses-more');

const LOSSES = [
  'gaussianNllLoss', 'poissonNllLoss', 'marginRankingLoss', 'hingeEmbeddingLoss', 'cosineEmbeddingLoss',
  'tripletMarginLoss', 'softMarginLoss', 'multiLabelSoftMarginLoss', 'multiMarginLoss',
] as const;
type LossFn = (...args: unknown[]) => Tensor;
const lossFn = (name: string): LossFn => (T as unknown as Record<string, LossFn>)[name];

/** The call a case's metadata describes: "t" takes the next input, {input: i} in options is input i. */
function callCase(m: CaseMeta, xs: Tensor[]): Tensor {
  let next = 0;
  const args = m.args.map((a) => (a === 't' ? xs[next++] : a));
  const options = Object.fromEntries(
    Object.entries(m.options).map(([k, v]) => [k, v !== null && typeof v === 'object' && 'input' in v ? xs[(v as { input: number }).input] : v]),
  );
  return lossFn(m.fn)(...args, options);
}

describe('the fixture covers every loss and reduction', () => {
  it('each of the nine losses with none, mean and sum', () => {
    const seen = new Set(Object.values(cases).map((m) => `${m.fn}/${m.options.reduction as string}`));
    for (const fn of LOSSES) for (const r of ['none', 'mean', 'sum']) expect(seen.has(`${fn}/${r}`), `${fn} with reduction '${r}'`).toBe(true);
    expect(new Set(Object.values(cases).map((m) => m.fn))).toEqual(new Set(LOSSES));
  });
});

for (const device of devices) {
  describe(`losses match PyTorch, forward and backward (${device})`, () => {
    for (const [name, m] of Object.entries(cases)) {
      it(name, () => {
        scope(() => {
          const xs = Array.from({ length: m.inputs }, (_, i) => load(`${name}.input.${i}`, device, m.grad[i]));
          const out = callCase(m, xs);
          const want = golden.get(`${name}.output.0`)!;
          expect(out.shape, 'output shape').toEqual(want.shape);
          expect(out.dtype).toBe('float32');
          expect(out.device.type).toBe(device);
          expectClose(nums(out), nums(want.data as ArrayLike<number>), 1e-5, 1e-5, 'output');
          T.sum(T.mul(out, load(`${name}.upstream.0`, device))).backward();
          let checked = 0;
          xs.forEach((x, i) => {
            const g = golden.get(`${name}.grad.${i}`);
            if (!g) return;
            expect(x.grad, `gradient of input ${i}`).not.toBeNull();
            expectClose(nums(x.grad!), nums(g.data as ArrayLike<number>), 1e-5, 1e-4, `gradient of input ${i}`);
            checked++;
          });
          expect(checked, 'gradients compared').toBe(m.grad.filter(Boolean).length);
        });
      });
    }
  });
}

/**
 * Note [gradient check] (src/testing/gradcheck.ts) for a composed function: directional finite
 * differences of L = Σ u ⊙ f(x) against the analytic gradient, every float input at once.
 */
const gradcheckFn = (name: string, f: (...xs: Tensor[]) => Tensor, inputs: GradInput[], tolerance = 1e-2, eps = 1e-3): void =>
  checkGradFn(`losses-more/${name}`, f, inputs, { tolerance, eps });

const vals = (shape: number[], f: (i: number) => number) => ({ shape, values: Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => f(i)) });
// Values spread over [-1.5, 1.5], no two alike.
const spread = (shape: number[], seed = 0) => vals(shape, (i) => ((((i + seed) * 7) % 11) - 5) * 0.3 + 0.05 + 0.01 * seed);

describe('finite-difference gradient checks (every float input)', () => {
  it('gaussianNllLoss, poissonNllLoss (input, target, var)', () => {
    gradcheckFn('gaussian', (x, t, v) => T.gaussianNllLoss(x, t, v, { full: true, reduction: 'none' }), [spread([2, 3]), spread([2, 3], 1), vals([2, 1], (i) => 0.5 + i)]);
    gradcheckFn('poisson', (x, t) => T.poissonNllLoss(x, t, { reduction: 'sum' }), [spread([2, 3]), vals([2, 3], (i) => i * 0.7)]);
    gradcheckFn('poissonFullRates', (x, t) => T.poissonNllLoss(x, t, { logInput: false, full: true }), [vals([5], (i) => 0.4 + i * 0.3), vals([5], (i) => 0.5 + i * 0.6)]);
  });

  it('marginRankingLoss, hingeEmbeddingLoss, softMarginLoss (away from the kinks)', () => {
    const y = vals([6], (i) => (i % 3 ? 1 : -1));
    gradcheckFn('marginRanking', (a, b) => T.marginRankingLoss(a, b, tensor([1, -1, -1, 1, -1, 1]), { margin: 0.1, reduction: 'none' }), [spread([6]), spread([6], 3)]);
    gradcheckFn('hinge', (x) => T.hingeEmbeddingLoss(x, tensor(y.values), { margin: 1 }), [spread([6])]);
    gradcheckFn('softMargin', (x) => T.softMarginLoss(x, tensor(y.values), { reduction: 'sum' }), [spread([6])]);
  });

  it('cosineEmbeddingLoss, tripletMarginLoss (p = 2, 1, 3; swap)', () => {
    gradcheckFn('cosine', (a, b) => T.cosineEmbeddingLoss(a, b, tensor([1, -1, 1]), { margin: -0.4, reduction: 'none' }), [spread([3, 4]), spread([3, 4], 2)]);
    for (const p of [2, 1, 3]) {
      gradcheckFn(`triplet p=${p}`, (a, q, n) => T.tripletMarginLoss(a, q, n, { p, margin: 3, swap: true, reduction: 'none' }), [spread([3, 4]), spread([3, 4], 4), spread([3, 4], 9)]);
    }
  });

  it('multiLabelSoftMarginLoss (input, target, weight), multiMarginLoss (input, weight)', () => {
    gradcheckFn('multiLabel', (x, t, w) => T.multiLabelSoftMarginLoss(x, t, { weight: w, reduction: 'none' }), [spread([2, 4]), vals([2, 4], (i) => (i * 0.13) % 1), vals([4], (i) => 0.5 + i)]);
    const y = tensor([2, 0, 3], { dtype: 'int64' });
    for (const p of [1, 2]) gradcheckFn(`multiMargin p=${p}`, (x, w) => T.multiMarginLoss(x, y, { p, weight: w, margin: 0.75 }), [spread([3, 4]), vals([4], (i) => 0.5 + i)]);
  });
});

describe('where nutshell departs from PyTorch on purpose', () => {
  it('gaussianNllLoss gives NaN for a negative variance tensor (PyTorch refuses it after reading it back; a user trial got a silent 65,000)', () => {
    scope(() => {
      const loss = T.gaussianNllLoss(tensor([0, 1]), tensor([0.5, 1]), tensor([-0.1, 1]), { reduction: 'none' });
      const [a, b] = nums(loss);
      expect(a).toBeNaN();
      expect(b).toBeCloseTo(0, 6); // 0.5·(log 1 + 0²/1)
    });
  });

  it("poissonNllLoss with full: the target's gradient is finite where the target is 0 (PyTorch's is NaN)", () => {
    scope(() => {
      const x = tensor([0.5, -0.2, 1.0], { requiresGrad: true });
      const t = tensor([0, 1, 3], { requiresGrad: true });
      T.poissonNllLoss(x, t, { full: true, reduction: 'sum' }).backward();
      // d/dt: −x, plus log t + 1/(2t) where t > 1
      expectClose(nums(t.grad!), [-0.5, 0.2, -1 + Math.log(3) + 1 / 6], 1e-6, 1e-5);
    });
  });

  it('softMarginLoss stays finite where −y·x overflows exp (PyTorch: inf)', () => {
    scope(() => {
      const x = tensor([200, -300], { requiresGrad: true });
      const loss = T.softMarginLoss(x, tensor([-1, 1]), { reduction: 'none' });
      expect(nums(loss)).toEqual([200, 300]);
      loss.sum().backward();
      expect(nums(x.grad!)).toEqual([1, -1]);
    });
  });
});

describe('behaviour', () => {
  it('crossEntropy and nllLoss take uint8 class labels (IDX bytes as read), as PyTorch’s nll_loss does', () => {
    scope(() => {
      const x = tensor([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]], { requiresGrad: true });
      const bytes = tensor([2, 0], { dtype: 'uint8' });
      const longs = tensor([2, 0], { dtype: 'int64' });
      expectClose(nums(T.crossEntropy(x, bytes)), nums(T.crossEntropy(x, longs)), 0, 0);
      expectClose(nums(T.nllLoss(T.logSoftmax(x, 1), bytes, { reduction: 'none' })), nums(T.nllLoss(T.logSoftmax(x, 1), longs, { reduction: 'none' })), 0, 0);
      T.crossEntropy(x, bytes).backward();
      expect(x.grad!.shape).toEqual([2, 3]);
    });
  });

  it('defaults are PyTorch’s: reduction mean, margins, eps, p', () => {
    scope(() => {
      const x = tensor([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]]);
      const t = tensor([[0.1, -1, 1], [2, 0.5, 0]]);
      const same = (a: Tensor, b: Tensor) => expectClose(nums(a), nums(b), 0, 0);
      same(T.gaussianNllLoss(x, t, T.onesLike(x)), T.gaussianNllLoss(x, t, T.onesLike(x), { full: false, eps: 1e-6, reduction: 'mean' }));
      same(T.poissonNllLoss(x, t), T.poissonNllLoss(x, t, { logInput: true, full: false, eps: 1e-8, reduction: 'mean' }));
      const y = tensor([[1, -1, 1], [-1, 1, -1]]);
      same(T.hingeEmbeddingLoss(x, y), T.hingeEmbeddingLoss(x, y, { margin: 1, reduction: 'mean' }));
      same(T.marginRankingLoss(x, t, y), T.marginRankingLoss(x, t, y, { margin: 0 }));
      same(T.cosineEmbeddingLoss(x, t, tensor([1, -1])), T.cosineEmbeddingLoss(x, t, tensor([1, -1]), { margin: 0 }));
      same(T.tripletMarginLoss(x, t, y), T.tripletMarginLoss(x, t, y, { margin: 1, p: 2, eps: 1e-6, swap: false }));
      const c = tensor([2, 0], { dtype: 'int64' });
      same(T.multiMarginLoss(x, c), T.multiMarginLoss(x, c, { p: 1, margin: 1 }));
      expect(T.softMarginLoss(x, y).shape).toEqual([]);
      expect(T.multiLabelSoftMarginLoss(x, t, { reduction: 'none' }).shape).toEqual([2]);
    });
  });

  it('gaussianNllLoss takes var as a number, the input’s shape, one short, or one dimension of 1', () => {
    scope(() => {
      const x = tensor([[0.5, 1.0], [2.0, -1.0]]);
      const t = T.zerosLike(x);
      const byNumber = nums(T.gaussianNllLoss(x, t, 2, { reduction: 'none' }));
      expectClose(byNumber, [0.25, 1, 4, 1].map((d2) => 0.5 * (Math.log(2) + d2 / 2)), 1e-6, 1e-6);
      expect(nums(T.gaussianNllLoss(x, t, tensor([2, 2]), { reduction: 'none' }))).toEqual(byNumber);
      expect(nums(T.gaussianNllLoss(x, t, tensor([[2], [2]]), { reduction: 'none' }))).toEqual(byNumber);
      expect(nums(T.gaussianNllLoss(x, t, tensor([[2, 2]]), { reduction: 'none' }))).toEqual(byNumber);
      // var 0 is floored at eps
      expectClose(nums(T.gaussianNllLoss(tensor([1]), tensor([0]), 0, { eps: 0.25, reduction: 'sum' })), [0.5 * (Math.log(0.25) + 4)], 1e-6, 1e-6);
    });
  });

  it('multiMarginLoss refuses a class index out of range, naming itself when the gather runs at once', () => {
    scope(() => {
      expect(() => T.multiMarginLoss(tensor([[0.1, 0.2, 0.3]]), tensor([3], { dtype: 'int64' })).dataSync()).toThrow(/multiMarginLoss: target holds a class index outside \[0, 3\)|index value 3 is out of range/);
    });
  });

  it('empty batches: none gives an empty loss, sum 0', () => {
    scope(() => {
      expect(T.multiMarginLoss(T.zeros([0, 3]), tensor([], { dtype: 'int64' }), { reduction: 'none' }).shape).toEqual([0]);
      expect(nums(T.multiLabelSoftMarginLoss(T.zeros([0, 3]), T.zeros([0, 3]), { reduction: 'sum' }))).toEqual([0]);
      expect(T.tripletMarginLoss(T.zeros([0, 3]), T.zeros([0, 3]), T.zeros([0, 3]), { reduction: 'none' }).shape).toEqual([0]);
    });
  });
});

describe('refusals name the function, the argument, what was expected and what was given', () => {
  const x = tensor([[0.5, -1, 2], [0.1, 0.2, 0.3]]);
  const y = tensor([[1, -1, 1], [-1, 1, -1]]);

  it('tensors, dtypes', () => {
    expect(() => T.gaussianNllLoss([1, 2] as never, x, 1)).toThrow(/^gaussianNllLoss: input expected a tensor, got object$/);
    expect(() => T.gaussianNllLoss(x, x, 'one' as never)).toThrow(/^gaussianNllLoss: var expected a tensor, got string$/);
    expect(() => T.gaussianNllLoss(x, x, x.long())).toThrow(/^gaussianNllLoss: var expected float32, got int64$/);
    expect(() => T.poissonNllLoss(x, x.long())).toThrow(/^poissonNllLoss: target expected float32, got int64$/);
    expect(() => T.marginRankingLoss(x.int(), x, y)).toThrow(/^marginRankingLoss: input1 expected float32, got int32$/);
    expect(() => T.hingeEmbeddingLoss(x, T.gt(y, 0))).toThrow(/^hingeEmbeddingLoss: target expected float32, int64 or int32, got bool$/);
    expect(() => T.cosineEmbeddingLoss(x, null as never, tensor([1, 1]))).toThrow(/^cosineEmbeddingLoss: input2 expected a tensor, got null$/);
    expect(() => T.tripletMarginLoss(x, x, x.long())).toThrow(/^tripletMarginLoss: negative expected float32, got int64$/);
    expect(() => T.softMarginLoss(undefined as never, y)).toThrow(/^softMarginLoss: input expected a tensor, got undefined$/);
    expect(() => T.multiLabelSoftMarginLoss(x, y, { weight: tensor([1, 2, 3], { dtype: 'int64' }) })).toThrow(/^multiLabelSoftMarginLoss: weight expected float32, got int64$/);
    expect(() => T.multiMarginLoss(x, tensor([0, 1]))).toThrow(/^multiMarginLoss: target expected int64 class indices, got float32$/);
    expect(() => T.multiMarginLoss(x, tensor([0, 1], { dtype: 'int32' }))).toThrow(/^multiMarginLoss: target expected int64 class indices, got int32$/);
  });

  it('shapes', () => {
    expect(() => T.gaussianNllLoss(x, x, T.ones([3]))).toThrow(/^gaussianNllLoss: var expected the input's shape \[2,3\], that shape without its last dimension \[2\], or it with one dimension of size 1, got \[3\]$/);
    expect(() => T.gaussianNllLoss(x, x, T.ones([1, 1]))).toThrow(/^gaussianNllLoss: var expected the input's shape \[2,3\]/);
    expect(() => T.gaussianNllLoss(x, T.ones([2, 1, 3]), 1)).toThrow(/^gaussianNllLoss: target \[2,1,3\] would broadcast input \[2,3\] to \[2,2,3\]/);
    expect(() => T.poissonNllLoss(x, T.ones([4]))).toThrow(/^poissonNllLoss: shapes \[2,3\] and \[4\] cannot be broadcast/);
    expect(() => T.marginRankingLoss(x, x, tensor([1, -1, 1]))).toThrow(/^marginRankingLoss: input1, input2, target expected the same number of dimensions, got input1 \[2,3\], input2 \[2,3\], target \[3\]$/);
    expect(() => T.marginRankingLoss(T.ones([1, 3]), T.ones([1, 3]), y)).toThrow(/^marginRankingLoss: target \[2,3\] expected to broadcast to the inputs' broadcast shape \[1,3\], but would make it \[2,3\]$/);
    expect(() => T.hingeEmbeddingLoss(T.ones([3]), T.ones([2, 3]))).toThrow(/^hingeEmbeddingLoss: target \[2,3\] would broadcast input \[3\]/);
    expect(() => T.cosineEmbeddingLoss(x, x, y)).toThrow(/^cosineEmbeddingLoss: target expected 0-d or 1-d \(one label per pair; multi-target is not supported\), got \[2,3\]$/);
    expect(() => T.cosineEmbeddingLoss(x, x, tensor(1))).toThrow(/^cosineEmbeddingLoss: a 0-d target expects 1-d inputs \[D\], got input1 \[2,3\] and input2 \[2,3\]$/);
    expect(() => T.cosineEmbeddingLoss(T.ones([3]), T.ones([3]), tensor([1]))).toThrow(/^cosineEmbeddingLoss: a 1-d target expects 2-d inputs \[N, D\], got input1 \[3\] and input2 \[3\]$/);
    expect(() => T.cosineEmbeddingLoss(x, x, tensor([1, 1, 1]))).toThrow(/^cosineEmbeddingLoss: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => T.cosineEmbeddingLoss(T.ones([1, 3]), T.ones([1, 3]), tensor([1, -1]))).toThrow(/^cosineEmbeddingLoss: target \[2\] expected to broadcast to the number of pairs \[1\], but would make it \[2\]$/);
    expect(() => T.cosineEmbeddingLoss(x, T.ones([4, 3]), tensor([1, 1]))).toThrow(/^cosineEmbeddingLoss: shapes \[2,3\] and \[4,3\] cannot be broadcast/);
    expect(() => T.tripletMarginLoss(x, x, T.ones([3]))).toThrow(/^tripletMarginLoss: anchor, positive, negative expected the same number of dimensions, got anchor \[2,3\], positive \[2,3\], negative \[3\]$/);
    expect(() => T.tripletMarginLoss(x, x, T.ones([2, 4]))).toThrow(/^tripletMarginLoss: shapes \[2,3\] and \[2,4\] cannot be broadcast/);
    expect(() => T.softMarginLoss(T.ones([3]), T.ones([2, 3]))).toThrow(/^softMarginLoss: target \[2,3\] would broadcast input \[3\]/);
    expect(() => T.multiLabelSoftMarginLoss(tensor(1), tensor(1))).toThrow(/^multiLabelSoftMarginLoss: input expected at least 1 dimension \(\[C\] or \[N, C\]\), got a scalar$/);
    expect(() => T.multiLabelSoftMarginLoss(x, y, { weight: T.ones([2, 2, 3]) })).toThrow(/^multiLabelSoftMarginLoss: weight \[2,2,3\] expected to broadcast to input's shape \[2,3\], but would make it \[2,2,3\]$/);
    expect(() => T.multiMarginLoss(T.ones([2, 3, 4]), tensor([0, 1], { dtype: 'int64' }))).toThrow(/^multiMarginLoss: input expected \[C\] or \[N, C\] with C > 0, got \[2,3,4\]$/);
    expect(() => T.multiMarginLoss(T.ones([2, 0]), tensor([0, 1], { dtype: 'int64' }))).toThrow(/^multiMarginLoss: input expected \[C\] or \[N, C\] with C > 0, got \[2,0\]$/);
    expect(() => T.multiMarginLoss(x, tensor([0, 1, 2], { dtype: 'int64' }))).toThrow(/^multiMarginLoss: target expected \[2\] class indices for input \[2,3\], got \[3\]$/);
    expect(() => T.multiMarginLoss(T.ones([3]), tensor([0, 1], { dtype: 'int64' }))).toThrow(/^multiMarginLoss: target expected a 0-d or one-element class indices for input \[3\], got \[2\]$/);
    expect(() => T.multiMarginLoss(x, tensor([0, 1], { dtype: 'int64' }), { weight: T.ones([2]) })).toThrow(/^multiMarginLoss: weight expected \[3\] \(one per class\), got \[2\]$/);
  });

  it('options: unknown keys (PyTorch spellings named), ranges, types, reductions', () => {
    expect(() => T.gaussianNllLoss(x, x, 1, { reduce: 'sum' } as never)).toThrow(/^gaussianNllLoss: unknown option 'reduce' \(it takes 'full', 'eps', 'reduction'\)$/);
    expect(() => T.gaussianNllLoss(x, x, -1)).toThrow(/^gaussianNllLoss: var expected a number >= 0 or a tensor, got -1$/);
    expect(() => T.gaussianNllLoss(x, x, 1, { eps: -1 })).toThrow(/^gaussianNllLoss: option 'eps' expected a finite number >= 0, got -1$/);
    expect(() => T.gaussianNllLoss(x, x, 1, { full: 1 } as never)).toThrow(/^gaussianNllLoss: option 'full' expected a boolean, got number$/);
    expect(() => T.poissonNllLoss(x, x, { log_input: false } as never)).toThrow(/^poissonNllLoss: unknown option 'log_input' \(it takes 'logInput', 'full', 'eps', 'reduction'\); did you mean 'logInput'\?$/);
    expect(() => T.poissonNllLoss(x, x, { eps: Number.NaN })).toThrow(/^poissonNllLoss: option 'eps' expected a finite number >= 0, got NaN$/);
    expect(() => T.poissonNllLoss(x, x, { reduction: 'avg' } as never)).toThrow(/^poissonNllLoss: reduction expected one of 'none', 'mean', 'sum', got "avg"$/);
    expect(() => T.marginRankingLoss(x, x, y, { margin: '1' } as never)).toThrow(/^marginRankingLoss: option 'margin' expected a finite number, got string '1'$/);
    expect(() => T.hingeEmbeddingLoss(x, y, { margin: Infinity })).toThrow(/^hingeEmbeddingLoss: option 'margin' expected a finite number, got Infinity$/);
    expect(() => T.cosineEmbeddingLoss(x, x, tensor([1, 1]), { margin: 1.5 })).toThrow(/^cosineEmbeddingLoss: option 'margin' expected a number in \[-1, 1\], got 1.5$/);
    expect(() => T.tripletMarginLoss(x, x, x, { margin: 0 })).toThrow(/^tripletMarginLoss: option 'margin' expected a finite number > 0, got 0$/);
    expect(() => T.tripletMarginLoss(x, x, x, { p: 0 })).toThrow(/^tripletMarginLoss: option 'p' expected a number > 0 or Infinity, got 0$/);
    expect(() => T.tripletMarginLoss(x, x, x, { swap: 'yes' } as never)).toThrow(/^tripletMarginLoss: option 'swap' expected a boolean, got string$/);
    expect(() => T.tripletMarginLoss(x, x, x, { size_average: true } as never)).toThrow(/^tripletMarginLoss: unknown option 'size_average' \(it takes 'margin', 'p', 'eps', 'swap', 'reduction'\)$/);
    expect(() => T.softMarginLoss(x, y, { margin: 1 } as never)).toThrow(/^softMarginLoss: unknown option 'margin' \(it takes 'reduction'\)$/);
    expect(() => T.softMarginLoss(x, y, 'sum' as never)).toThrow(/^softMarginLoss: options expected an object with 'reduction', got string 'sum'$/);
    expect(() => T.multiLabelSoftMarginLoss(x, y, { pos_weight: x } as never)).toThrow(/^multiLabelSoftMarginLoss: unknown option 'pos_weight' \(it takes 'weight', 'reduction'\)$/);
    expect(() => T.multiMarginLoss(x, tensor([0, 1], { dtype: 'int64' }), { p: 3 })).toThrow(/^multiMarginLoss: option 'p' expected 1 or 2, got 3$/);
    expect(() => T.multiMarginLoss(x, tensor([0, 1], { dtype: 'int64' }), { reduction: 'batchmean' } as never)).toThrow(/^multiMarginLoss: reduction expected one of 'none', 'mean', 'sum', got "batchmean"$/);
  });

  it('arity: PyTorch’s positional options are refused', () => {
    expect(() => (T.tripletMarginLoss as (...a: unknown[]) => Tensor)(x, x, x, {}, 2)).toThrow(/^tripletMarginLoss: takes at most 4 arguments, got 5/);
    expect(() => (T.hingeEmbeddingLoss as (...a: unknown[]) => Tensor)(x, y, 2)).toThrow(/^hingeEmbeddingLoss: options expected an object with 'margin', 'reduction', got 2$/);
    expect(() => (T.gaussianNllLoss as (...a: unknown[]) => Tensor)(x, x, 1, {}, true)).toThrow(/^gaussianNllLoss: takes at most 4 arguments, got 5/);
  });

  it.runIf(backends().cuda.available)('devices', () => {
    scope(() => {
      expect(() => T.softMarginLoss(x, y.to('cuda'))).toThrow(/^softMarginLoss: target expected a tensor on input's device cpu, got one on cuda/);
      expect(() => T.multiMarginLoss(x, tensor([0, 1], { dtype: 'int64' }), { weight: T.ones([3], { device: 'cuda' }) })).toThrow(/^multiMarginLoss: weight expected a tensor on input's device cpu, got one on cuda/);
    });
  });
});

describe("cdist and tripletMarginWithDistanceLoss (a user trial porting metric learning)", () => {
  // PyTorch 2.13: torch.cdist at p 2, 1 and inf (each distance weighted by its index / 10 in the
  // backward), and F.triplet_margin_with_distance_loss with its default and a cosine distance.
  const torch = {"cdist_2.0": {"d": [1.8422396183013916, 2.0710368156433105, 2.2474021911621094, 2.3685684204101562, 2.4339964389801025, 1.2033756971359253, 1.5103814601898193, 1.778807282447815, 2.004342794418335, 2.184478282928467, 0.4003736674785614, 0.7443890571594238, 1.0696160793304443, 1.3700088262557983, 1.6414610147476196, 0.4911877512931824, 0.1589467078447342, 0.2141064703464508, 0.5482648611068726, 0.8797567486763], "g1": [-0.25785815715789795, 0.5258431434631348, 0.7973934412002563, -0.21754376590251923, 2.2359039783477783, 2.592864513397217, 1.0644704103469849, 4.383678913116455, 3.7204837799072266, 0.8304803967475891, 1.8340846300125122, 1.0244876146316528], "g2": [0.6019027829170227, 0.48050546646118164, -0.5520243644714355, 1.0525981187820435, 0.18654656410217285, -1.2043983936309814, -0.33562642335891724, -2.782817840576172, -2.458246946334839, -1.0687295198440552, -3.2597784996032715, -2.110457181930542, -1.6696937084197998, -3.603966236114502, -1.8101028203964233]}, "cdist_1.0": {"d": [2.8856732845306396, 3.3372812271118164, 3.6471710205078125, 3.7876603603363037, 3.7462000846862793, 1.9097319841384888, 2.361340045928955, 2.671229600906372, 2.8569343090057373, 3.3339786529541016, 0.5693773031234741, 1.0812116861343384, 1.6511030197143555, 2.1990437507629395, 2.676088333129883, 0.7785820960998535, 0.2376471608877182, 0.3322441577911377, 0.8801848888397217, 1.3572293519973755], "g1": [-1.0, 1.0, 1.0, -0.09999996423721313, 3.5, 3.5, 4.0, 6.0, 6.0, 2.3000001907348633, 2.3000001907348633, 2.3000001907348633], "g2": [3.0, 0.0, 0.0, 1.2000000476837158, -0.20000004768371582, -0.20000004768371582, -2.0, -3.799999952316284, -3.799999952316284, -3.5999999046325684, -4.199999809265137, -4.199999809265137, -3.799999952316284, -4.599999904632568, -4.599999904632568]}, "cdist_inf": {"d": [1.4977984428405762, 1.710440993309021, 1.8515198230743408, 1.9084324836730957, 1.8760955333709717, 1.0158809423446655, 1.2285234928131104, 1.3696022033691406, 1.426514983177185, 1.6579408645629883, 0.33295997977256775, 0.5456024408340454, 0.8043076992034912, 1.091610074043274, 1.3417391777038574, 0.412015438079834, 0.1283864825963974, 0.1704251617193222, 0.45772749185562134, 0.7078567147254944], "g1": [0.0, 0.0, 1.0, 0.0, 0.8999999761581421, 2.5999999046325684, 0.0, 3.9000000953674316, 2.0999999046325684, 0.0, 2.3000001907348633, 0.0], "g2": [0.0, 1.5, -1.5, 0.0, 1.600000023841858, -1.8000000715255737, 0.0, -2.9000000953674316, -0.8999999761581421, 0.0, -3.0999999046325684, -1.100000023841858, 0.0, -4.199999809265137, -0.4000000059604645]}, "triplet_default": {"loss": 0.33193695545196533, "ga": [0.0, 0.0, 0.0, 0.22190862894058228, 0.11582294851541519, -0.14587177336215973, 0.08834444731473923, 0.21163851022720337, 0.09550241380929947, 0.0, 0.0, 0.0], "gp": [0.0, -0.0, -0.0, -0.1186704933643341, -0.21148882806301117, -0.06074363365769386, -0.19158339500427246, -0.11597304791212082, 0.11111278086900711, -0.0, 0.0, 0.0], "gn": [-0.0, 0.0, 0.0, -0.10323812812566757, 0.09566587954759598, 0.2066154032945633, 0.10323894768953323, -0.09566545486450195, -0.20661519467830658, 0.0, -0.0, -0.0]}, "triplet_cosine_swap": {"loss": 0.1658456176519394, "ga": [0.0, 0.0, 0.0, 0.07711388170719147, -0.004741013050079346, -0.10523810237646103, -0.002003028988838196, -0.010102406144142151, -0.03442778438329697, 0.0, 0.0, 0.0], "gp": [0.0, 0.0, 0.0, 0.0055058300495147705, -0.012820720672607422, 0.01694323867559433, -0.06781402230262756, 0.1035408079624176, 0.18465670943260193, 0.0, 0.0, 0.0], "gn": [0.0, 0.0, 0.0, -0.02360040694475174, 0.07334361970424652, 0.10285584628582001, 0.07148300856351852, -0.017953425645828247, -0.06609301269054413, 0.0, 0.0, 0.0]}} as Record<string, Record<string, number[] | number>>;
  const rows = (n: number, f: (i: number, j: number) => number) => T.tensor(Array.from({ length: n * 3 }, (_, k) => f(Math.floor(k / 3), k % 3)), { shape: [n, 3] });
  for (const [p, key] of [[2, "cdist_2.0"], [1, "cdist_1.0"], [Infinity, "cdist_inf"]] as const) {
    it(`cdist p=${p}: distances and gradients`, () => {
      T.scope(() => {
        const x1 = rows(4, (i, j) => Math.sin(i * 0.7 + j)).requiresGrad_();
        const x2 = rows(5, (i, j) => Math.cos(i * 0.3 + j * 1.1)).requiresGrad_();
        const dist = T.cdist(x1, x2, { p });
        expect(dist.shape).toEqual([4, 5]);
        T.sum(T.mul(dist, T.arange(20, { dtype: "float32" }).reshape([4, 5]).div(10))).backward();
        expectClose(dist.dataSync(), torch[key].d as number[], 1e-5, 1e-5, "distances");
        expectClose(x1.grad!.dataSync(), torch[key].g1 as number[], 1e-5, 1e-4, "x1 gradient");
        expectClose(x2.grad!.dataSync(), torch[key].g2 as number[], 1e-5, 1e-4, "x2 gradient");
      });
    });
  }
  it("cdist refuses mismatched features and batches; a zero distance has a zero gradient", () => {
    expect(() => T.cdist(T.ones([2, 3]), T.ones([2, 4]))).toThrow(/^cdist: x1 and x2 expected the same number of features \(last dim\), got \[2,3\] and \[2,4\]$/);
    expect(() => T.cdist(T.ones([3]), T.ones([2, 3]))).toThrow(/^cdist: x1 expected \[\.\.\., rows, features\] \(2 or more dims\), got \[3\]$/);
    T.scope(() => {
      const x = T.ones([1, 2]).requiresGrad_();
      T.sum(T.cdist(x, T.ones([1, 2]))).backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([0, 0]);
    });
  });
  for (const [name, options] of [["default", {}], ["cosine_swap", { distanceFunction: (u: T.Tensor, v: T.Tensor) => T.sub(1, T.cosineSimilarity(u, v)), swap: true, margin: 0.5 }]] as const) {
    it(`tripletMarginWithDistanceLoss, ${name}: loss and gradients`, () => {
      T.scope(() => {
        const base = rows(4, (i, j) => Math.sin(i * 0.7 + j));
        const a = base.clone().requiresGrad_();
        const pos = base.mul(0.5).add(0.1).requiresGrad_();
        const neg = T.flip(base, [0]).requiresGrad_();
        const loss = T.tripletMarginWithDistanceLoss(a, pos, neg, options);
        loss.backward();
        const want = torch["triplet_" + name];
        expect(loss.dataSync()[0]).toBeCloseTo(want.loss as number, 5);
        expectClose(a.grad!.dataSync(), want.ga as number[], 1e-5, 1e-4, "anchor gradient");
        expectClose(pos.grad!.dataSync(), want.gp as number[], 1e-5, 1e-4, "positive gradient");
        expectClose(neg.grad!.dataSync(), want.gn as number[], 1e-5, 1e-4, "negative gradient");
      });
    });
  }
  it("tripletMarginWithDistanceLoss refuses a distance that is not a function or returns no tensor", () => {
    const x = T.ones([2, 3]);
    expect(() => T.tripletMarginWithDistanceLoss(x, x, x, { distanceFunction: 3 as never })).toThrow(/^tripletMarginWithDistanceLoss: distanceFunction expected a function/);
    expect(() => T.tripletMarginWithDistanceLoss(x, x, x, { distanceFunction: () => 1 as never })).toThrow(/^tripletMarginWithDistanceLoss: distanceFunction expected to return a Tensor, got number/);
  });
});
