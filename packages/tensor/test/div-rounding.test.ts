// div's roundingMode (PyTorch's rounding_mode): 'trunc' toward zero, 'floor' down, integer dtypes
// kept, no gradient; values as torch.div gives them (signs of both operands, exact multiples,
// float and integer tensors, number operands), on every device; the refusals.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { backends, scope, tensor } from '../src/index.js';

const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];
const values = (t: T.Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

for (const device of devices) {
  describe(`div with roundingMode (${device})`, () => {
    it('rounds toward zero or down, keeping integer dtypes, as torch.div', () => {
      scope(() => {
        const a = tensor([7, -7, 7, -7, 6, -6, 0], { dtype: 'int64', device });
        const b = tensor([2, 2, -2, -2, 3, 3, 5], { dtype: 'int64', device });
        // torch.div(a, b, rounding_mode='trunc') / 'floor' on these values.
        const truncated = T.div(a, b, { roundingMode: 'trunc' });
        expect(truncated.dtype).toBe('int64');
        expect(values(truncated)).toEqual([3, -3, -3, 3, 2, -2, 0]);
        expect(values(T.div(a, b, { roundingMode: 'floor' }))).toEqual([3, -4, -4, 3, 2, -2, 0]);
        expect(values(T.div(a, 2, { roundingMode: 'trunc' }))).toEqual([3, -3, 3, -3, 3, -3, 0]);
        expect(T.div(a, 2, { roundingMode: 'trunc' }).dtype).toBe('int64');
        const x = tensor([7.5, -7.5, 1e-3, -1e-3], { device });
        expect(values(x.div(2, { roundingMode: 'trunc' }))).toEqual([3, -3, 0, -0]);
        expect(values(x.div(2, { roundingMode: 'floor' }))).toEqual([3, -4, 0, -1]);
        expect(values(T.div(a, 2.5, { roundingMode: 'trunc' }))).toEqual([2, -2, 2, -2, 2, -2, 0]);
        expect(T.div(a, 2.5, { roundingMode: 'trunc' }).dtype).toBe('float32');
        expect(values(T.div(x, 2, { roundingMode: null }))).toEqual([3.75, -3.75, 5e-4, -5e-4].map(Math.fround));
        // Beam search's idiom: a flat index into [beams, vocab] split into beam and token.
        const flat = tensor([0, 4, 9, 13], { dtype: 'int64', device });
        expect(values(flat.div(5, { roundingMode: 'floor' }))).toEqual([0, 0, 1, 2]);
        const y = tensor([9, -9], { dtype: 'int32', device });
        y.div_(4, { roundingMode: 'trunc' });
        expect(values(y)).toEqual([2, -2]);
      });
    });
  });
}

describe('div refusals', () => {
  it('names the option, its values and PyTorch spelling', () => {
    scope(() => {
      const x = tensor([1, 2]);
      expect(() => T.div(x, 2, { roundingMode: 'round' as never })).toThrow(/^div: option 'roundingMode' expected 'trunc', 'floor' or null, got 'round'$/);
      expect(() => T.div(x, 2, { rounding_mode: 'floor' } as never)).toThrow(/^div: unknown option 'rounding_mode' \(it takes 'roundingMode'\); did you mean 'roundingMode'\?$/);
      expect(() => T.div(x, 2, 'floor' as never)).toThrow(/^div: options expected an object \(\{ roundingMode \}\), got string$/);
      expect(() => (T.div as (...a: unknown[]) => unknown)(x, 2, {}, 1)).toThrow(/^div: takes at most 3 arguments, got 4/);
    });
  });
});
