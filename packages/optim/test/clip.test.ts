// clipGradNorm / clipGradValue, checked against the formulas of torch.nn.utils.clip_grad_*.
import { describe, expect, it } from 'vitest';
import { tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import { clipGradNorm, clipGradValue, SPENT_PARAMETERS_WARNING } from '../src/index.js';

const withGrad = (values: number[], grad: number[]) => {
  const p = tensor(values, { requiresGrad: true });
  p.grad = tensor(grad);
  return p;
};

describe('gradient clipping', () => {
  it('scales every gradient by maxNorm / total 2-norm and returns the norm', () => {
    const a = withGrad([0, 0], [3, 4]);
    const b = withGrad([0], [12]);
    const norm = clipGradNorm([a, b], 6.5);
    expect(norm.itemSync()).toBeCloseTo(13, 5); // sqrt(9 + 16 + 144)
    const scale = 6.5 / (13 + 1e-6);
    expectClose(a.grad!.dataSync(), [3 * scale, 4 * scale], 1e-6, 1e-5);
    expectClose(b.grad!.dataSync(), [12 * scale], 1e-6, 1e-5);
  });

  it('leaves gradients alone when the norm is already small', () => {
    const a = withGrad([0, 0], [0.3, 0.4]);
    expect(clipGradNorm([a], 1).itemSync()).toBeCloseTo(0.5, 6);
    expectClose(a.grad!.dataSync(), [0.3, 0.4], 1e-7, 1e-6);
  });

  it('supports other norms: 1 and infinity', () => {
    const a = withGrad([0, 0, 0], [1, -2, 3]);
    expect(clipGradNorm([a], 100, { normType: 1 }).itemSync()).toBeCloseTo(6, 5);
    const b = withGrad([0, 0, 0], [1, -5, 3]);
    expect(clipGradNorm([b], 2.5, { normType: Infinity }).itemSync()).toBeCloseTo(5, 5);
    expectClose(b.grad!.dataSync(), [0.5, -2.5, 1.5], 1e-5, 1e-5);
  });

  it('errorIfNonfinite refuses a NaN norm', () => {
    const a = withGrad([0], [NaN]);
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrowError(/clipGradNorm: the total norm of order 2 is non-finite/);
  });

  it('clipGradValue clamps each element', () => {
    const a = withGrad([0, 0, 0], [-3, 0.5, 7]);
    clipGradValue([a], 1);
    expectClose(a.grad!.dataSync(), [-1, 0.5, 1], 0, 0);
    expect(() => clipGradValue([a], -1)).toThrowError(/clipGradValue: clipValue expected a number >= 0, got -1/);
  });
});

describe("clipGradNorm's norm type (fourth user trial: a positional PyTorch norm_type was read as the 2-norm)", () => {
  it('takes it as a number, as PyTorch, or in the options; refuses unknown options and extra arguments', () => {
    const grad = () => {
      const p = tensor([3, -4], { requiresGrad: true });
      p.grad = tensor([3, -4]);
      return p;
    };
    expect(clipGradNorm(grad(), 100, Infinity).itemSync()).toBe(4);
    expect(clipGradNorm(grad(), 100, { normType: 1 }).itemSync()).toBe(7);
    expect(() => clipGradNorm(grad(), 1, { norm_type: 1 } as never)).toThrow(/^clipGradNorm: unknown option 'norm_type'/);
    expect(() => (clipGradNorm as (...a: unknown[]) => unknown)(grad(), 1, 2, true)).toThrow(/^clipGradNorm: takes at most 3 arguments, got 4/);
  });
});

describe('a spent iterator of parameters (a user trial: the optimiser used model.parameters() up, the clipping saw nothing)', () => {
  it('clipGradNorm warns once that it got an iterator with no parameters', async () => {
    const warnings: { code?: string; message: string }[] = [];
    const listen = (w: Error & { code?: string }) => warnings.push(w);
    process.on('warning', listen);
    try {
      const w = tensor([3, 4], { requiresGrad: true });
      w.sum().mul(100).backward();
      function* parameters() {
        yield w;
      }
      const it = parameters();
      expect([...it]).toHaveLength(1); // the optimiser's turn
      expect(clipGradNorm(it, 1).itemSync()).toBe(0);
      clipGradNorm([][Symbol.iterator](), 1);
      await new Promise((resolve) => setImmediate(resolve));
      const spent = warnings.filter((x) => x.code === SPENT_PARAMETERS_WARNING);
      expect(spent).toHaveLength(1);
      expect(spent[0].message).toMatch(/^clipGradNorm got an iterator with no parameters/);
      clipGradNorm([], 1); // an empty array is not an iterator: nothing to say
    } finally {
      process.off('warning', listen);
    }
  });
});
