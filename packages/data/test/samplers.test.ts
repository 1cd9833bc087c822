// Samplers (PyTorch's torch.utils.data samplers) and DataLoader({ sampler }): what each draws, that
// a seed repeats an epoch and the next epoch differs, and the refusals.
import { describe, expect, it } from 'vitest';
import { ValueError } from '@nutshell/tensor';
import { DataLoader, RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler, rngFor, type Dataset } from '@nutshell/data';

const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });
const collate = (xs: number[]) => xs;

async function epoch(loader: DataLoader<number, number[]>): Promise<number[]> {
  const out: number[] = [];
  for await (const b of loader) out.push(...b);
  return out;
}

describe('samplers', () => {
  it('SequentialSampler and RandomSampler (with and without replacement)', () => {
    expect(Array.from(new SequentialSampler(4).indices())).toEqual([0, 1, 2, 3]);
    const perm = Array.from(new RandomSampler(10).indices(rngFor(1)));
    expect([...perm].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const drawn = Array.from(new RandomSampler(3, { replacement: true, numSamples: 50 }).indices(rngFor(2)));
    expect(drawn.length).toBe(50);
    expect(new Set(drawn)).toEqual(new Set([0, 1, 2]));
    expect(new RandomSampler(10, { numSamples: 4 }).indices(rngFor(3)).length).toBe(4);
  });

  it('SubsetRandomSampler permutes exactly its indices', () => {
    const s = new SubsetRandomSampler([7, 3, 9, 11]);
    const got = Array.from(s.indices(rngFor(4)));
    expect([...got].sort((a, b) => a - b)).toEqual([3, 7, 9, 11]);
    expect(s.length).toBe(4);
  });

  it('WeightedRandomSampler draws in proportion to the weights; without replacement each index once', () => {
    const s = new WeightedRandomSampler([1, 3, 0, 6], 20000);
    const counts = [0, 0, 0, 0];
    for (const i of s.indices(rngFor(5))) counts[i]++;
    expect(counts[2]).toBe(0);
    expect(counts[0] / 20000).toBeCloseTo(0.1, 1);
    expect(counts[1] / 20000).toBeCloseTo(0.3, 1);
    expect(counts[3] / 20000).toBeCloseTo(0.6, 1);
    const once = Array.from(new WeightedRandomSampler([1, 3, 0, 6], 3, { replacement: false }).indices(rngFor(6)));
    expect(new Set(once).size).toBe(3);
    expect(once).not.toContain(2);
    // The heaviest is drawn first most often.
    let first3 = 0;
    for (let k = 0; k < 2000; k++) if (new WeightedRandomSampler([1, 3, 0, 6], 1, { replacement: false }).indices(rngFor(100 + k))[0] === 3) first3++;
    expect(first3 / 2000).toBeCloseTo(0.6, 1);
  });

  it('refuse bad arguments, naming the sampler', () => {
    expect(() => new WeightedRandomSampler([1, -1], 2)).toThrow(/^WeightedRandomSampler: weights\[1\] expected a finite number >= 0, got -1$/);
    expect(() => new WeightedRandomSampler([0, 0], 2)).toThrow(/^WeightedRandomSampler: weights expected at least one positive weight$/);
    expect(() => new WeightedRandomSampler([1, 0, 1], 3, { replacement: false })).toThrow(/numSamples 3 exceeds the 2 samples of positive weight/);
    expect(() => new RandomSampler(3, { numSamples: 5 })).toThrow(/^RandomSampler: numSamples 5 exceeds the 3 samples/);
    expect(() => new RandomSampler(3, { num_samples: 5 } as never)).toThrow(/^RandomSampler: unknown option 'num_samples'/);
    expect(() => new SubsetRandomSampler([1, -2])).toThrow(/^SubsetRandomSampler: indices\[1\] expected a non-negative integer, got -2$/);
  });
});

describe('DataLoader({ sampler })', () => {
  it('batches the sampler’s indices; a seed repeats an epoch, the next epoch draws anew', async () => {
    const sampler = new WeightedRandomSampler(Array.from({ length: 10 }, (_, i) => (i < 5 ? 1 : 9)), 12);
    const loader = new DataLoader(range(10), { batchSize: 5, sampler, collate, seed: 3 });
    expect(loader.length).toBe(3);
    const a = await epoch(loader);
    const b = await epoch(loader);
    expect(a.length).toBe(12);
    expect(a).not.toEqual(b);
    const again = new DataLoader(range(10), { batchSize: 5, sampler, collate, seed: 3 });
    expect(await epoch(again)).toEqual(a);
    expect(a.filter((i) => i >= 5).length).toBeGreaterThan(6);
  });

  it('refuses shuffle beside a sampler, a sampler past the dataset, and snake_case options with a hint', async () => {
    expect(() => new DataLoader(range(4), { sampler: new SequentialSampler(4), shuffle: true })).toThrow(/^DataLoader: sampler and shuffle: true exclude each other/);
    expect(() => new DataLoader(range(4), { sampler: [0, 1] as never })).toThrow(/^DataLoader: sampler expected an object with length and indices/);
    const tooFar = new DataLoader(range(4), { sampler: new SubsetRandomSampler([1, 9]), collate });
    await expect(epoch(tooFar)).rejects.toThrow(ValueError);
    await expect(epoch(tooFar)).rejects.toThrow(/^DataLoader: the sampler drew index 9 \(position \d\), but the dataset has 4 samples$/);
    expect(() => new DataLoader(range(4), { batch_size: 2 } as never)).toThrow(/did you mean 'batchSize'\?$/);
    expect(() => new DataLoader(range(4), { num_workers: 2 } as never)).toThrow(/did you mean 'workers'\?$/);
  });
});
