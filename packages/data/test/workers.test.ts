// DataLoader with worker threads: the same batches as without workers (shuffle and random
// transforms included), errors carried back with their class, and no worker left running after
// an epoch ends, is abandoned (break), or is aborted.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError, ValueError, type Tensor } from '@nutshell/tensor';
import {
  DataLoader, FashionMNIST, TensorDataset, WeightedRandomSampler, compose, normalize, randomCrop, randomHorizontalFlip, randomSplit, type Dataset,
  centerCrop, colorJitter, gaussianNoise, randomErasing, randomResizedCrop, randomRotation,
} from '@nutshell/data';
import { ExitingDataset, FlakyDataset, SlowDataset } from './fixtures/flaky-dataset.mjs';
import { stringify } from './helpers.js';

const haveFashion = existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');

/** A batch's values as a string, its tensors disposed. */
function snapshot(batch: Record<string, Tensor> | Tensor[]): string {
  const out = Object.entries(batch).map(([k, t]) => [k, t.shape, t.dtype, Array.from(t.dataSync() as ArrayLike<number | bigint>)]);
  Object.values(batch).forEach((t) => t.dispose());
  return stringify(out);
}

async function firstBatches(loader: DataLoader<unknown, Record<string, Tensor> | Tensor[]>, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const b of loader) {
    out.push(snapshot(b));
    if (out.length === n) break;
  }
  return out;
}

describe.skipIf(!haveFashion)('workers on Fashion-MNIST', () => {
  const transform = compose(randomCrop(28, { padding: 3 }), randomHorizontalFlip(0.5), normalize(0.286, 0.353));
  const ds = new FashionMNIST({ train: false, subset: 512, transform });

  it('2 workers yield the same batches as none (shuffle, crop, flip, normalize)', async () => {
    const opts = { batchSize: 64, shuffle: true, seed: 9 };
    const without = await firstBatches(new DataLoader(ds, opts), 8);
    const loader = new DataLoader(ds, { ...opts, workers: 2 });
    const withWorkers = await firstBatches(loader, 8);
    expect(withWorkers).toHaveLength(8);
    expect(withWorkers).toEqual(without);
    expect(loader.liveWorkers).toBe(0);
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it("torchvision's augmentations (randomResizedCrop, colorJitter, gaussianNoise, randomErasing, centerCrop, randomRotation) give the same batches with 2 workers as with none", async () => {
    const augmented = new FashionMNIST({
      train: false, subset: 256,
      transform: compose(randomResizedCrop(24, { scale: [0.5, 1] }), colorJitter({ brightness: 0.4, contrast: 0.4 }), gaussianNoise({ sigma: 0.05 }), randomErasing(), centerCrop(20), randomRotation(15, { interpolation: 'bilinear' })),
    });
    const opts = { batchSize: 64, shuffle: true, seed: 5 };
    const without = await firstBatches(new DataLoader(augmented, opts), 4);
    const loader = new DataLoader(augmented, { ...opts, workers: 2 });
    const withWorkers = await firstBatches(loader, 4);
    expect(withWorkers).toHaveLength(4);
    expect(withWorkers).toEqual(without);
    expect(loader.liveWorkers).toBe(0);
  });

  it('a weighted sampler gives the same batches with 2 workers as with none', async () => {
    const sampler = new WeightedRandomSampler(Array.from({ length: 512 }, (_, i) => 1 + (i % 3)), 256);
    const without = await firstBatches(new DataLoader(ds, { batchSize: 64, sampler, seed: 4 }), 4);
    const withWorkers = await firstBatches(new DataLoader(ds, { batchSize: 64, sampler, seed: 4, workers: 2 }), 4);
    expect(withWorkers).toHaveLength(4);
    expect(withWorkers).toEqual(without);
  });

  it('the second epoch matches too, and differs from the first', async () => {
    const a = new DataLoader(ds, { batchSize: 128, shuffle: true, seed: 2 });
    const b = new DataLoader(ds, { batchSize: 128, shuffle: true, seed: 2, workers: 2, prefetch: 4 });
    const [a0, b0] = [await firstBatches(a, 1), await firstBatches(b, 1)];
    const [a1, b1] = [await firstBatches(a, 2), await firstBatches(b, 2)];
    expect(b0).toEqual(a0);
    expect(b1).toEqual(a1);
    expect(a1[0]).not.toEqual(a0[0]);
  });

  it('persistentWorkers keeps the workers between epochs, gives the same batches, and close() ends them', async () => {
    const opts = { batchSize: 128, shuffle: true, seed: 2, workers: 2 };
    const fresh = new DataLoader(ds, opts);
    const kept = new DataLoader(ds, { ...opts, persistentWorkers: true });
    for (let epoch = 0; epoch < 3; epoch++) {
      const [a, b] = [await firstBatches(fresh, 4), await firstBatches(kept, 4)];
      expect(b, `epoch ${epoch}`).toEqual(a);
      expect(kept.liveWorkers).toBe(2); // still there for the next epoch (an early break too)
      expect(fresh.liveWorkers).toBe(0);
    }
    await kept.close();
    expect(kept.liveWorkers).toBe(0);
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it('persistentWorkers: an epoch left early drops its prefetched batches, so the next epoch does not wait behind them', async () => {
    const slow = new SlowDataset(40, 20);
    const loader = new DataLoader(slow, { batchSize: 1, workers: 1, prefetch: 6, persistentWorkers: true });
    const plain = new DataLoader(slow, { batchSize: 1 });
    for await (const batch of loader) {
      snapshot(batch);
      break; // six more batches were asked for
    }
    const [kept, fresh] = [await firstBatches(loader, 3), await firstBatches(plain, 3)];
    expect(kept).toEqual(fresh);
    // The worker was making one of them when the loop broke; the others were skipped unmade.
    expect(loader.skippedBatches).toBeGreaterThanOrEqual(4);
    await loader.close();
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it('two iterators of one persistent loader: leaving one early does not cancel the other (fourth user trial)', async () => {
    const loader = new DataLoader(new SlowDataset(12, 1), { batchSize: 2, workers: 1, prefetch: 3, persistentWorkers: true });
    const a = loader[Symbol.asyncIterator](), b = loader[Symbol.asyncIterator]();
    snapshot((await a.next()).value!);
    snapshot((await b.next()).value!);
    await a.return(undefined);
    let rest = 0;
    for (let r = await b.next(); !r.done; r = await b.next()) {
      snapshot(r.value);
      rest++;
    }
    expect(rest).toBe(5);
    await loader.close();
  });

  it('close() during an epoch ends the loop with an error instead of leaving it waiting (found by a review)', async () => {
    const loader = new DataLoader(ds, { batchSize: 32, workers: 2, persistentWorkers: true });
    let seen = 0;
    await expect(
      (async () => {
        for await (const batch of loader) {
          snapshot(batch);
          if (++seen === 2) await loader.close();
        }
      })(),
    ).rejects.toThrow(/worker pool was closed while a batch was being made/);
    expect(loader.liveWorkers).toBe(0);
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it('a loader abandoned with break leaves no worker running', async () => {
    const loader = new DataLoader(ds, { batchSize: 32, workers: 2, prefetch: 6 });
    for await (const batch of loader) {
      expect(loader.liveWorkers).toBe(2);
      snapshot(batch);
      break;
    }
    expect(loader.liveWorkers).toBe(0);
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it('an aborted loader ends its loop and leaves no worker running', async () => {
    const controller = new AbortController();
    const loader = new DataLoader(ds, { batchSize: 32, workers: 2, signal: controller.signal });
    let n = 0;
    for await (const batch of loader) {
      snapshot(batch);
      if (++n === 2) controller.abort();
    }
    expect(n).toBe(2);
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it('an abort while the first batch is still being made stops at once', async () => {
    const controller = new AbortController();
    const loader = new DataLoader(ds, { batchSize: 64, workers: 2, signal: controller.signal });
    const it = loader[Symbol.asyncIterator]();
    const first = it.next();
    controller.abort();
    expect(await first).toEqual({ done: true, value: undefined });
    expect(DataLoader.liveWorkers).toBe(0);
  });
});

describe('workers with other datasets', () => {
  const table = new TensorDataset(
    { data: Float32Array.from({ length: 200 }, (_, i) => i / 10), shape: [100, 2] },
    Int32Array.from({ length: 100 }, (_, i) => i % 7),
  );

  it('re-create a split TensorDataset (Subset of TensorDataset) in the workers', async () => {
    const [train] = randomSplit(table, [0.8, 0.2], { seed: 4 });
    const opts = { batchSize: 16, shuffle: true, seed: 1 };
    const without = await firstBatches(new DataLoader(train, opts), 5);
    expect(await firstBatches(new DataLoader(train, { ...opts, workers: 2 }), 5)).toEqual(without);
  });

  it('run a user dataset from its own module, and a custom collate on this thread', async () => {
    const collate = (samples: { x: Float32Array; label: number }[]) => samples.map((s) => `${s.x[1]}:${s.label}`).join(' ');
    const opts = { batchSize: 3, collate };
    const want: string[] = [];
    for await (const b of new DataLoader(new FlakyDataset(7, -1), opts)) want.push(b);
    const got: string[] = [];
    for await (const b of new DataLoader(new FlakyDataset(7, -1), { ...opts, workers: 2 })) got.push(b);
    expect(got).toEqual(want);
    expect(got[0]).toBe('0:0 2:1 4:2');
  });

  it("carry a worker's error back with its class, and stop the workers", async () => {
    const loader = new DataLoader(new FlakyDataset(20, 9), { batchSize: 4, workers: 2 });
    const run = async () => {
      for await (const b of loader) snapshot(b);
    };
    await expect(run()).rejects.toThrow(DataError);
    await expect(run()).rejects.toThrow(/FlakyDataset: sample 9 is unreadable \[DataLoader worker 0\]/);
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it('report a worker that dies, and stop the others', async () => {
    const loader = new DataLoader(new ExitingDataset(40, 13), { batchSize: 4, workers: 2 });
    const run = async () => {
      for await (const b of loader) snapshot(b);
    };
    await expect(run()).rejects.toThrow(/DataLoader worker 1 exited unexpectedly \(code 3\)/);
    expect(DataLoader.liveWorkers).toBe(0);
  });

  it('refuse a dataset or transform that cannot be re-created in a worker', () => {
    const plain: Dataset<number> = { length: 4, get: (i) => i };
    expect(() => new DataLoader(plain, { workers: 2 })).toThrow(ValueError);
    expect(() => new DataLoader(plain, { workers: 2 })).toThrow(/needs a dataset that can be re-created in a worker/);
    const lambda = compose(randomHorizontalFlip(), (x) => x);
    expect(() => new DataLoader(randomSplit(table, [1])[0], { workers: 1 })).not.toThrow();
    if (haveFashion) {
      const ds = new FashionMNIST({ train: false, subset: 8, transform: lambda });
      expect(() => new DataLoader(ds, { workers: 2 })).toThrow(/compose: its transforms\[1\] has no workerSpec\(\)/);
    }
  });
});

describe('a worker that cannot load a TypeScript dataset module', () => {
  it('says why (tsx does not reach worker threads) and what to do', async () => {
    const { reviveError } = await import('../src/loader/messages.js');
    const err = reviveError({ name: 'TypeError', message: 'Unknown file extension ".ts" for /app/data.ts' }, 'DataLoader worker 0');
    expect(err.message).toBe(`Unknown file extension ".ts" for /app/data.ts (worker threads do not get tsx's TypeScript loader: compile the dataset's module to JavaScript, or use workers: 0) [DataLoader worker 0]`);
    expect(reviveError({ name: 'Error', message: 'boom' }, 'DataLoader worker 1').message).toBe('boom [DataLoader worker 1]');
  });
});
