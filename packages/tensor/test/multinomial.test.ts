// multinomial (ops/table/multinomial.ts): no PyTorch goldens — the draws come from our Philox
// stream, not PyTorch's — so the tests check the distribution (frequencies within 5 standard
// errors over many seeded draws), the sampling rules, that a seed gives the same samples on every
// device, and the refusals.
import { describe, expect, it } from 'vitest';
import { backends, Generator, multinomial, scope, tensor, type Tensor } from '../src/index.js';

const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];
const ints = (t: Tensor) => Array.from(t.dataSync() as BigInt64Array, Number);

function expectFrequencies(samples: number[], p: number[]): void {
  const n = samples.length;
  p.forEach((pi, i) => {
    const seen = samples.filter((s) => s === i).length / n;
    const se = Math.sqrt((pi * (1 - pi)) / n);
    if (pi === 0) expect(seen, `category ${i}`).toBe(0);
    else expect(Math.abs(seen - pi), `category ${i}: ${seen} vs ${pi}`).toBeLessThan(5 * se);
  });
}

for (const device of devices) {
  describe(`multinomial (${device})`, () => {
    it('with replacement: frequencies follow the weights; weight 0 is never drawn', () => {
      scope(() => {
        const w = tensor([[0, 1, 2, 0, 5], [3, 0, 0, 0, 1]], { device });
        const s = ints(multinomial(w, 20000, { replacement: true, generator: new Generator(7) }));
        expectFrequencies(s.slice(0, 20000), [0, 1 / 8, 2 / 8, 0, 5 / 8]);
        expectFrequencies(s.slice(20000), [3 / 4, 0, 0, 0, 1 / 4]);
      });
    });

    it('without replacement: distinct categories, first draw by weight, second by weight among the rest', () => {
      scope(() => {
        const p = [0.1, 0.2, 0.3, 0.4];
        const rows = 8000;
        const w = tensor(Array.from({ length: rows }, () => p).flat(), { shape: [rows, 4], device });
        const s = ints(multinomial(w, 2, { generator: new Generator(11) }));
        const first = s.filter((_, i) => i % 2 === 0), second = s.filter((_, i) => i % 2 === 1);
        expect(first.every((f, r) => f !== second[r])).toBe(true);
        expectFrequencies(first, p);
        expectFrequencies(second, p.map((pj, j) => p.reduce((acc, pi, i) => (i === j ? acc : acc + (pi * pj) / (1 - pi)), 0)));
      });
    });

    it('k = n draws a permutation; zero weights come never (with replacement) or not before k forces them', () => {
      scope(() => {
        const perm = ints(multinomial(tensor([1, 5, 2, 7, 3], { device }), 5, { generator: new Generator(3) }));
        expect([...perm].sort()).toEqual([0, 1, 2, 3, 4]);
        const s = ints(multinomial(tensor([[0, 4, 0, 1]], { device }), 2, { generator: new Generator(5) }));
        expect([...s].sort()).toEqual([1, 3]);
      });
    });

    it('a 1-d input gives [numSamples]; the same seed gives the same samples', () => {
      scope(() => {
        const w = tensor([0.5, 0.25, 0.25], { device });
        const a = multinomial(w, 6, { replacement: true, generator: new Generator(42) });
        expect(a.shape).toEqual([6]);
        expect(a.dtype).toBe('int64');
        expect(ints(multinomial(w, 6, { replacement: true, generator: new Generator(42) }))).toEqual(ints(a));
      });
    });
  });
}

if (devices.includes('cuda')) {
  it('a seed draws the same samples on cpu and cuda (one Philox stream)', () => {
    scope(() => {
      const w = [[0.1, 2, 0.5, 3], [1, 1, 1, 1]];
      for (const replacement of [true, false]) {
        const onCpu = ints(multinomial(tensor(w), 3, { replacement, generator: new Generator(9) }));
        const onCuda = ints(multinomial(tensor(w, { device: 'cuda' }), 3, { replacement, generator: new Generator(9) }));
        expect(onCuda).toEqual(onCpu);
      }
    });
  });
}

describe('multinomial refuses', () => {
  it('bad weights, shapes and counts, naming the argument', () => {
    // Small weights are checked as the op runs inline: at the call.
    expect(() => multinomial(tensor([1, -1]), 1)).toThrow(/^multinomial: weights expected finite non-negative numbers, got -1 at row 0, category 1$/);
    expect(() => multinomial(tensor([1, NaN]), 1)).toThrow(/got nan at row 0, category 1$/);
    expect(() => multinomial(tensor([[1, 1], [Infinity, 1]]), 1)).toThrow(/got inf at row 1, category 0$/);
    expect(() => multinomial(tensor([[1, 1], [0, 0]]), 1)).toThrow(/^multinomial: row 1 of the weights sums to 0 \(no category can be drawn\)$/);
    expect(() => multinomial(tensor([0, 1, 0]), 2)).toThrow(/^multinomial: row 0 has fewer than 2 categories of positive weight, too few to draw 2 without replacement$/);
    expect(() => multinomial(tensor([1, 1]), 3)).toThrow(/^multinomial: cannot draw 3 samples without replacement from 2 categories \(pass \{ replacement: true \}\)$/);
    expect(() => multinomial(tensor([1, 1]), 0)).toThrow(/^multinomial: numSamples expected a positive integer, got 0$/);
    expect(() => multinomial(tensor([[[1]]]), 1)).toThrow(/^multinomial: input expected 1 or 2 dimensions, got \[1,1,1\]$/);
    expect(() => multinomial(tensor([1, 2], { dtype: 'int32' }), 1)).toThrow(/^multinomial: input expected float32 weights, got int32$/);
    expect(() => multinomial(tensor([1, 2]), 1, { replace: true } as never)).toThrow(/^multinomial: unknown option 'replace'/);
    expect(multinomial(tensor([1, -1]), 1, { validate: false }).shape).toEqual([1]); // unchecked: no error
  });

  it('checks on the device without waiting: queued bad weights make the samples fail at their read (Note [weights checked on the device])', async () => {
    // Weights too many to check inline: the check is queued, so the call returns; the read rejects.
    const w = tensor(Array.from({ length: 100_000 }, (_, i) => (i === 1234 ? NaN : 1)), { shape: [200, 500] });
    const drawn = multinomial(w, 3, { replacement: true });
    await expect(drawn.data()).rejects.toThrow(/^multinomial: weights expected finite non-negative numbers, got nan at row 2, category 234$/);
  });
});
