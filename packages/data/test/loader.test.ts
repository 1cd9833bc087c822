// DataLoader on the main thread: batching, the default collate, seeded shuffles, prefetch,
// abort, and custom collate. (Worker threads: workers.test.ts.)
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, type Tensor } from '@nutshell/tensor';
import { DataLoader, TensorDataset, collate, rngFor, type Dataset } from '@nutshell/data';
import { stringify } from './helpers.js';

const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

async function all<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}
const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

describe('batching and the default collate', () => {
  const ds = new TensorDataset({ data: Float32Array.from({ length: 30 }, (_, i) => i), shape: [10, 3] }, new Int32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));

  it('makes ceil(n / batchSize) batches, or floor with dropLast', async () => {
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = await all(loader);
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([[[4, 3], [4]], [[4, 3], [4]], [[2, 3], [2]]]);
    expect(batches[2][0].dtype).toBe('float32');
    expect(batches[2][1].dtype).toBe('int32');
    expect(values(batches[2][0])).toEqual([24, 25, 26, 27, 28, 29]);
    const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect((await all(dropped)).length).toBe(2);
  });

  it('stacks image samples into [B, ...shape] and labels into int64 [B]', () => {
    const sample = (i: number) => ({ image: { data: new Uint8Array(4).fill(i), shape: [1, 2, 2] }, label: i });
    const batch = collate([sample(1), sample(2), sample(3)]);
    expect(batch.image.shape).toEqual([3, 1, 2, 2]);
    expect(batch.image.dtype).toBe('uint8');
    expect(batch.label.dtype).toBe('int64');
    expect(Array.from(batch.label.dataSync() as BigInt64Array)).toEqual([1n, 2n, 3n]);
    // PyTorch's `for x, y in loader`: an object batch destructures as its fields in order (a GAN trial).
    const [image, label] = batch;
    expect([image, label]).toEqual([batch.image, batch.label]);
    expect(Object.keys(batch)).toEqual(['image', 'label']);
    expect(JSON.stringify(Object.keys({ ...batch }))).toBe('["image","label"]');
    const tuples = collate([[new Float32Array([1, 2]), 5, true], [new Float32Array([3, 4]), 6, false]] as [Float32Array, number, boolean][]);
    expect(tuples[0].shape).toEqual([2, 2]);
    expect(tuples[1].dtype).toBe('int64');
    expect(tuples[2].dtype).toBe('bool');
  });

  it('refuses samples that cannot be stacked', () => {
    expect(() => collate([{ data: new Float32Array(2), shape: [2] }, { data: new Float32Array(3), shape: [3] }])).toThrow(ShapeError);
    expect(() => collate([{ x: 1.5 }])).toThrow(/sample\.x of sample 0 is 1\.5; numbers are stacked as int64 labels/);
    expect(() => collate([{ x: 'a' }])).toThrow(/sample\.x is string/);
    expect(() => collate([[1, 2], [1]])).toThrow(/sample of sample 1 is a 1-tuple, but sample 0 has a 2-tuple/);
  });

  it('a number that is not an integer names its dataset index and how to give floats (found by a user trial: a regression target failed mid-epoch)', async () => {
    const sales = { length: 16, get: (i: number) => [Float32Array.of(i), i === 11 ? 2.5 : i % 5] as [Float32Array, number] };
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const [, y] of new DataLoader(sales, { batchSize: 4 })) seen.push(y.shape[0]);
      })(),
    ).rejects.toThrow(/^collate: sample\[1\] of sample 3 \(dataset index 11\) is 2\.5; numbers are stacked as int64 labels, so they must be integers .* Float32Array\.of\(y\) \(batched \[B, 1\]\)/);
    expect(seen).toEqual([4, 4]);
    const floats = { length: 4, get: (i: number) => ({ data: Float32Array.of(i / 2), shape: [] }) };
    for await (const y of new DataLoader(floats, { batchSize: 4 })) expect([y.dtype, y.shape]).toEqual(['float32', [4]]);
  });

  it('a custom collate gets the samples', async () => {
    const loader = new DataLoader(range(5), { batchSize: 2, collate: (s: number[]) => s.join('+') });
    expect(await all(loader)).toEqual(['0+1', '2+3', '4']);
  });

  it('checks its options', () => {
    expect(() => new DataLoader(range(3), { batchSize: 0 })).toThrow(/batchSize expected a positive integer, got 0/);
    expect(() => new DataLoader(range(3), { prefetch: -1 })).toThrow(ValueError);
    expect(() => new DataLoader(range(3), { seed: 1.5 })).toThrow(/seed expected a non-negative integer/);
    expect(() => new DataLoader({} as Dataset<number>)).toThrow(/expected a dataset/);
  });

  it('a for loop without await is told to await (a user trial: "loader is not a function or its return value is not iterable")', () => {
    const loader = new DataLoader(range(4), { batchSize: 2 });
    expect(() => {
      for (const b of loader as unknown as Iterable<unknown>) void b;
    }).toThrow(ValueError);
    expect(() => [...(loader as unknown as Iterable<unknown>)]).toThrow(/^DataLoader: iterate it with for await \(const batch of loader\): batches are made asynchronously$/);
    // Not a key, and the loader still iterates asynchronously from its first epoch.
    expect(Object.keys(loader)).not.toContain(String(Symbol.iterator));
    expect(loader.epoch).toBe(0);
  });

  it('an error in the dataset ends the loop with that error', async () => {
    const bad: Dataset<number> = { length: 6, get: (i) => { if (i === 3) throw new ValueError('bad sample 3'); return i; } };
    await expect(all(new DataLoader(bad, { batchSize: 2 }))).rejects.toThrow('bad sample 3');
  });
});

describe('seeded shuffling', () => {
  const orderOf = async (loader: DataLoader<number, string>) => (await all(loader)).join(',');
  const make = (seed: number) => new DataLoader(range(20), { batchSize: 3, shuffle: true, seed, collate: (s: number[]) => s.join(' ') });

  it('repeats for the same seed, and reshuffles each epoch', async () => {
    const a = make(11);
    const b = make(11);
    const a0 = await orderOf(a);
    expect(await orderOf(b)).toBe(a0);
    const a1 = await orderOf(a);
    expect(a1).not.toBe(a0);
    expect(await orderOf(b)).toBe(a1);
    a.setEpoch(0);
    expect(await orderOf(a)).toBe(a0);
    expect(await orderOf(make(12))).not.toBe(a0);
  });

  it('visits every sample once per epoch', async () => {
    const seen = (await orderOf(make(3))).split(/[ ,]/).map(Number).sort((x, y) => x - y);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('keeps the dataset order without shuffle', async () => {
    expect(await all(new DataLoader(range(5), { batchSize: 2, collate: (s: number[]) => s }))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('gives each sample an rng named by seed, epoch and index, whatever the batching', async () => {
    const noisy: Dataset<number> = { length: 8, get: (i, rng) => rng!.uint32() };
    const flat = (b: number[][]) => b.flat().join(',');
    const by2 = await all(new DataLoader(noisy, { batchSize: 2, collate: (s: number[]) => s }));
    const by5 = await all(new DataLoader(noisy, { batchSize: 5, prefetch: 0, collate: (s: number[]) => s }));
    expect(flat(by2)).toBe(flat(by5));
    expect(by2[0][0]).toBe(rngFor(2, 0, 0, 0).uint32()); // sampleRng(seed 0, epoch 0, index 0)
  });
});

describe('prefetch', () => {
  function counting(n: number) {
    const ds = { made: 0, length: n, get(i: number) { this.made++; return i; } };
    return ds;
  }
  const pause = () => new Promise((r) => setTimeout(r, 20));

  it('prepares batches ahead while the consumer awaits', async () => {
    const ds = counting(40);
    const loader = new DataLoader(ds, { batchSize: 4, prefetch: 3, collate: (s: number[]) => s });
    const seen: number[][] = [];
    for await (const b of loader) {
      seen.push(b);
      if (seen.length === 1) {
        await pause();
        expect(ds.made).toBe(4 * 4); // this batch and three more
      }
    }
    expect(seen.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('prepares nothing ahead with prefetch 0', async () => {
    const ds = counting(40);
    for await (const _ of new DataLoader(ds, { batchSize: 4, prefetch: 0, collate: (s: number[]) => s })) {
      await pause();
      expect(ds.made).toBe(4);
      break;
    }
  });
});

describe('abort', () => {
  it('an AbortSignal ends the loop cleanly', async () => {
    const controller = new AbortController();
    const loader = new DataLoader(range(100), { batchSize: 10, signal: controller.signal, collate: (s: number[]) => s[0] });
    const seen: number[] = [];
    for await (const b of loader) {
      seen.push(b);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toEqual([0, 10]);
    expect(await all(loader)).toEqual([]); // still aborted
  });
});

it('batches made with the default collate are identical as strings', async () => {
  const ds = new TensorDataset(new Float32Array([1, 2, 3]));
  const [a] = await all(new DataLoader(ds, { batchSize: 3 }));
  expect(stringify(Array.from(a[0].dataSync() as Float32Array))).toBe('[1,2,3]');
});

describe('options (found by a user trial: a misspelt batchSize gave batches of 1)', () => {
  it('are refused when a loader, dataset, transform or split does not take them', async () => {
    const { CharDataset, FashionMNIST, randomCrop, randomSplit } = await import('@nutshell/data');
    const data = new TensorDataset(new Float32Array([1, 2, 3, 4]));
    expect(() => new DataLoader(data, { batchsize: 4 } as never)).toThrow(/^DataLoader: unknown option 'batchsize' \(it takes 'batchSize', 'shuffle', /);
    // PyTorch's generator= is a seed here (a user trial: no hint).
    expect(() => new DataLoader(data, { generator: {} } as never)).toThrow(/did you mean 'seed' \(a number: each epoch's draws come from \(seed, epoch\)\)\?$/);
    expect(() => new FashionMNIST({ trian: false } as never)).toThrow(/^FashionMNIST: unknown option 'trian'/);
    expect(() => new FashionMNIST({ train: 'no' } as never)).toThrow(/^FashionMNIST: train expected a boolean, got "no"$/);
    expect(() => new CharDataset({ text: 'abc', seqLength: 2, levle: 'byte' } as never)).toThrow(/^CharDataset: unknown option 'levle'/);
    expect(() => randomCrop(2, { pading: 1 } as never)).toThrow(/^randomCrop: unknown option 'pading'/);
    expect(() => randomSplit(data, [1, 3], { sed: 1 } as never)).toThrow(/^randomSplit: unknown option 'sed' \(it takes 'seed'\); did you mean 'seed'\?$/);
  });
});
