// Batches of a dataset as an async iterable: seeded shuffling, batches prepared ahead of the
// consumer (on this thread between its awaits, or in worker threads), and a clean stop on
// `break`, on error, or on an AbortSignal, with every worker gone by the time the loop exits
// (unless persistentWorkers keeps them for the next epoch, until close()).
import { ValueError } from '@nutshell/tensor/errors';
import { type Batch, toTensors } from '../collate/to-tensors.js';
import { collate as defaultCollate } from '../collate/to-tensors.js';
import type { Stacked } from '../collate/stack.js';
import { checkDataset, type AsyncDataset, type Dataset } from '../dataset.js';
import { STREAM_SAMPLER, STREAM_SHUFFLE, permutation, rngFor } from '../rng.js';
import { checkSampler, type Sampler } from '../samplers.js';
import type { WorkerSpec } from '../worker-spec.js';
import { type BatchSource, MainThreadSource } from './batch-source.js';
import { WorkerPool, liveWorkerCount } from './worker-pool.js';
import { checkOptions } from '@nutshell/tensor/options';

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit samples in a seeded random order, a new one each epoch (default false). */
  shuffle?: boolean;
  /**
   * Chooses each epoch's indices and their order instead of `shuffle` (WeightedRandomSampler to
   * rebalance classes, SubsetRandomSampler, RandomSampler with replacement …), drawing from the
   * loader's seeded stream for the epoch.
   */
  sampler?: Sampler;
  /** Seeds the shuffle and every sample's rng (default 0): the same seed, the same batches. */
  seed?: number;
  /** Leave out a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Makes a batch from samples (default: stack into tensors, see `collate`). Runs on this thread. */
  collate?: (samples: T[]) => B;
  /** Batches prepared ahead of the one being consumed (default 2; with workers, at least `workers`). */
  prefetch?: number;
  /** Worker threads that make samples (default 0: this thread). The dataset needs workerSpec(). */
  workers?: number;
  /** Stops iteration: the loop ends (without an error) and workers are terminated. */
  signal?: AbortSignal;
  /**
   * Keep the worker threads from one epoch to the next (default false, as PyTorch's
   * persistent_workers): each epoch then skips rebuilding the dataset in every worker (reading
   * and inflating Fashion-MNIST takes about 230 ms). Idle workers never keep the process alive;
   * `close()` ends them.
   */
  persistentWorkers?: boolean;
}

const ABORTED = Symbol('aborted');

function nonNegativeInt(where: string, name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ValueError(`${where}: ${name} expected ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Resolves to ABORTED when the signal fires; `off` removes the listener. */
function whenAborted(signal: AbortSignal | undefined): { promise: Promise<typeof ABORTED>; off(): void } {
  if (!signal) return { promise: new Promise(() => {}), off() {} };
  let off = () => {};
  const promise = new Promise<typeof ABORTED>((resolve) => {
    const on = () => resolve(ABORTED);
    signal.addEventListener('abort', on, { once: true });
    off = () => signal.removeEventListener('abort', on);
  });
  return { promise, off: () => off() };
}

export class DataLoader<T, B = Batch<T>> implements AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly sampler: Sampler | undefined;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly workers: number;
  private readonly collateFn: ((samples: T[]) => B) | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly spec: WorkerSpec | undefined;
  private nextEpoch = 0;
  private pools = new Set<WorkerPool>();
  private readonly persistentWorkers: boolean;
  /** The pool kept between epochs (persistentWorkers). */
  private kept: WorkerPool | null = null;

  readonly dataset: Dataset<T> | AsyncDataset<T>;

  constructor(dataset: AsyncDataset<T>, options?: DataLoaderOptions<T, B>);
  constructor(dataset: Dataset<T>, options?: DataLoaderOptions<T, B>);
  constructor(dataset: Dataset<T> | AsyncDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    const where = 'DataLoader';
    checkOptions(where, options, ['batchSize', 'shuffle', 'sampler', 'seed', 'dropLast', 'collate', 'prefetch', 'workers', 'signal', 'persistentWorkers']);
    checkDataset(where, dataset);
    this.batchSize = nonNegativeInt(where, 'batchSize', options.batchSize ?? 1, 1);
    this.prefetch = nonNegativeInt(where, 'prefetch', options.prefetch ?? 2);
    this.workers = nonNegativeInt(where, 'workers', options.workers ?? 0);
    this.seed = nonNegativeInt(where, 'seed', options.seed ?? 0);
    this.shuffle = Boolean(options.shuffle);
    if (options.sampler !== undefined) {
      this.sampler = checkSampler(where, options.sampler);
      if (this.shuffle) throw new ValueError(`${where}: sampler and shuffle: true exclude each other (the sampler decides the order)`);
    }
    this.dropLast = Boolean(options.dropLast);
    this.persistentWorkers = Boolean(options.persistentWorkers);
    if (options.collate !== undefined && typeof options.collate !== 'function') {
      throw new ValueError(`${where}: collate expected a function, got ${typeof options.collate}`);
    }
    this.collateFn = options.collate === (defaultCollate as unknown) ? undefined : options.collate;
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new ValueError(`${where}: signal expected an AbortSignal`);
    this.signal = options.signal;
    if (this.workers > 0) {
      if (typeof dataset.workerSpec !== 'function') {
        throw new ValueError(
          `${where}: workers: ${this.workers} needs a dataset that can be re-created in a worker (a workerSpec() method); ` +
            `${dataset.constructor?.name ?? 'this dataset'} has none, so use workers: 0 or give it one (see the README)`,
        );
      }
      this.spec = dataset.workerSpec(); // asked now so that a transform without one fails here
    }
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.sampler ? this.sampler.length : this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch the next iteration runs (it counts up from 0 with each iteration). */
  get epoch(): number {
    return this.nextEpoch;
  }
  /** Sets the epoch of the next iteration (its shuffle and sample rngs follow from seed + epoch). */
  setEpoch(epoch: number): void {
    this.nextEpoch = nonNegativeInt('DataLoader.setEpoch', 'epoch', epoch);
  }

  /** This loader's worker threads now running (0 whenever no iteration is in progress, unless persistentWorkers keeps them). */
  get liveWorkers(): number {
    let n = 0;
    for (const p of this.pools) n += p.live;
    return n;
  }
  /** @internal Prefetched batches the kept workers skipped after an epoch was left early. */
  get skippedBatches(): number {
    let n = 0;
    for (const p of this.pools) n += p.skipped;
    return n;
  }

  /** Worker threads of every loader now running. */
  static get liveWorkers(): number {
    return liveWorkerCount();
  }

  /** The sample order of an epoch. */
  order(epoch: number): Int32Array {
    const n = this.dataset.length;
    if (this.sampler) {
      const drawn = this.sampler.indices(rngFor(STREAM_SAMPLER, this.seed, epoch), epoch);
      if (drawn.length !== this.sampler.length) throw new ValueError(`DataLoader: the sampler drew ${drawn.length} indices for epoch ${epoch} but says its length is ${this.sampler.length}`);
      for (let i = 0; i < drawn.length; i++) {
        if (!Number.isInteger(drawn[i]) || drawn[i] < 0 || drawn[i] >= n) throw new ValueError(`DataLoader: the sampler drew index ${drawn[i]} (position ${i}), but the dataset has ${n} samples`);
      }
      return Int32Array.from(drawn);
    }
    if (this.shuffle) return permutation(n, rngFor(STREAM_SHUFFLE, this.seed, epoch));
    return Int32Array.from({ length: n }, (_, i) => i);
  }

  [Symbol.asyncIterator](): AsyncGenerator<B, void, undefined> {
    const epoch = this.nextEpoch++;
    return this.run(epoch);
  }

  private openSource(batches: number): BatchSource {
    const mode = this.collateFn ? 'samples' : 'stack';
    if (this.workers === 0 || batches === 0) return new MainThreadSource(this.dataset, this.seed, mode, this.prefetch > 0);
    if (this.kept && !this.kept.failed) return this.kept;
    if (this.kept) void this.closePool(this.kept); // a worker failed: start the next epoch afresh
    const pool = new WorkerPool(Math.min(this.workers, batches), { spec: this.spec!, seed: this.seed, mode });
    this.pools.add(pool);
    this.kept = this.persistentWorkers ? pool : null;
    return pool;
  }

  private async closePool(pool: WorkerPool): Promise<void> {
    if (this.kept === pool) this.kept = null;
    await pool.close();
    this.pools.delete(pool);
  }

  /** Ends the worker threads kept between epochs (persistentWorkers); the next epoch starts new ones. */
  async close(): Promise<void> {
    if (this.kept) await this.closePool(this.kept);
  }

  private finish(payload: unknown): B {
    return this.collateFn ? this.collateFn(payload as T[]) : (toTensors(payload as Stacked) as B);
  }

  private async *run(epoch: number): AsyncGenerator<B, void, undefined> {
    if (this.signal?.aborted) return;
    const batches = this.length;
    const order = this.order(epoch);
    const source = this.openSource(batches);
    if (source instanceof WorkerPool) source.activeRuns++;
    const ahead = this.workers > 0 ? Math.max(this.prefetch, this.workers) : this.prefetch;
    const queue: Promise<unknown>[] = [];
    let requested = 0;
    // Asks for batches until `size` are queued.
    const fill = (size: number) => {
      while (requested < batches && queue.length < size) {
        const k = requested++;
        const p = source.request(k, order.subarray(k * this.batchSize, Math.min((k + 1) * this.batchSize, order.length)), epoch);
        p.catch(() => {}); // a batch abandoned unread must not be an unhandled rejection
        queue.push(p);
      }
    };
    const aborted = whenAborted(this.signal);
    let finished = false;
    try {
      for (let k = 0; k < batches; k++) {
        if (this.signal?.aborted) return;
        fill(ahead + 1); // the batch about to be consumed, and `ahead` more
        // Race only when there is a signal: a race against a promise that never settles keeps
        // every batch it saw alive until the epoch ends (~200 KB a batch).
        const next = queue.shift()!;
        const payload = this.signal ? await Promise.race([next, aborted.promise]) : await next;
        if (payload === ABORTED) return;
        fill(ahead); // prepared while the consumer works on this one
        yield this.finish(payload);
      }
      finished = true;
    } finally {
      aborted.off();
      if (source instanceof WorkerPool) source.activeRuns--;
      if (!(source instanceof WorkerPool)) await source.close();
      else if (source !== this.kept || this.signal?.aborted) await this.closePool(source);
      // Kept for the next epoch: drop what was prefetched — unless another iterator still reads from it.
      else if (!finished && source.activeRuns === 0) source.abandon();
    }
  }
}

// `for (const batch of loader)` (await forgotten) failed with "loader is not a function or its
// return value is not iterable", which names neither the loader nor the fix. A synchronous
// iterator that refuses says both. It is defined on the prototype, not declared in the class, so
// that TypeScript still rejects the loop at compile time (the type stays AsyncIterable only).
Object.defineProperty(DataLoader.prototype, Symbol.iterator, {
  value: function refuseSyncIteration(): never {
    throw new ValueError('DataLoader: iterate it with for await (const batch of loader): batches are made asynchronously');
  },
  enumerable: false,
  writable: true,
  configurable: true,
});
