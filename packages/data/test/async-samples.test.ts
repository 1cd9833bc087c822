// Samples that are not plain arrays (found by a user trial): a dataset whose get() is async (a
// file or database read per sample), on this thread and in workers; and Tensor samples, what a
// PyTorch dataset's __getitem__ returns, stacked by the default collate.
import { describe, expect, it } from 'vitest';
import { scope, tensor, type Tensor } from '@nutshell/tensor';
import { DataLoader, type AsyncDataset } from '@nutshell/data';
import { AsyncReadDataset } from './fixtures/flaky-dataset.mjs';

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

describe('async datasets', () => {
  it('a batch’s reads run together, on this thread and in workers, with the same batches', async () => {
    const ds = new AsyncReadDataset(10, 20) as AsyncDataset<{ x: Float32Array; label: number }>;
    const read = async (workers: number) => {
      const out: number[][] = [];
      const start = performance.now();
      for await (const b of new DataLoader(ds, { batchSize: 5, workers })) out.push([...values(b.x), ...values(b.label)]);
      return { out, ms: performance.now() - start };
    };
    const here = await read(0);
    expect(here.out[0].slice(0, 4)).toEqual([0, -0, 1, -1]);
    expect(here.out[1].slice(-5)).toEqual([1, 2, 3, 0, 1]);
    expect(here.ms).toBeLessThan(10 * 20); // not one read after another
    expect((await read(2)).out).toEqual(here.out);
  });
});

describe('Tensor samples', () => {
  it('the default collate stacks them by value, any dtype', async () => {
    await scope(async () => {
      const ds = { length: 4, get: (i: number) => ({ x: tensor([i, i + 0.5]), y: tensor(BigInt(i), { dtype: 'int64' }) }) };
      const batches: { x: Tensor; y: Tensor }[] = [];
      for await (const b of new DataLoader(ds, { batchSize: 2, collate: undefined })) batches.push(b as unknown as { x: Tensor; y: Tensor });
      expect(batches[1].x.shape).toEqual([2, 2]);
      expect(values(batches[1].x)).toEqual([2, 2.5, 3, 3.5]);
      expect(batches[0].y.dtype).toBe('int64');
      expect(values(batches[0].y)).toEqual([0, 1]);
    });
  });

  it('bool Tensor samples make a bool batch (found by a review: they came out uint8)', async () => {
    await scope(async () => {
      const ds = { length: 2, get: (i: number) => ({ m: tensor([i === 0, true], { dtype: 'bool' }) }) };
      for await (const b of new DataLoader(ds, { batchSize: 2 })) {
        expect((b as unknown as { m: Tensor }).m.dtype).toBe('bool');
        expect(values((b as unknown as { m: Tensor }).m)).toEqual([1, 1, 0, 1]);
      }
    });
  });

  it('a Promise where a sample belongs says so', async () => {
    const ds = { length: 2, get: (i: number) => ({ x: Promise.resolve(i) }) };
    const loader = new DataLoader(ds as never, { batchSize: 2 });
    await expect((async () => { for await (const _ of loader) void _; })()).rejects.toThrow(/collate: sample\.x is a Promise/);
  });
});
