// Where a loader's batches come from: made on the main thread, or by a pool of worker threads.
// Either way a batch is asked for by number and arrives as a promise of its payload (stacked
// arrays, or raw samples for a custom collate); tensors are made only when it is handed out.
import { stack } from '../collate/stack.js';
import type { Dataset } from '../dataset.js';
import { sampleRng } from '../rng.js';

export interface BatchSource {
  request(batch: number, indices: Int32Array, epoch: number): Promise<unknown>;
  /** Stops all work; resolves once nothing is left running. */
  close(): Promise<void>;
}

export class MainThreadSource implements BatchSource {
  constructor(
    private readonly dataset: Dataset<unknown>,
    private readonly seed: number,
    private readonly mode: 'stack' | 'samples',
    /** Make batches in later macrotasks, i.e. while the consumer awaits something. */
    private readonly deferred: boolean,
  ) {}

  private make(indices: Int32Array, epoch: number): unknown {
    const samples = Array.from(indices, (i) => this.dataset.get(i, sampleRng(this.seed, epoch, i)));
    const finish = (made: unknown[]) => (this.mode === 'stack' ? stack(made, indices) : made);
    // An async get (a file or database read per sample): the batch's reads run concurrently.
    return samples.some((s) => s instanceof Promise) ? Promise.all(samples).then(finish) : finish(samples);
  }

  request(_batch: number, indices: Int32Array, epoch: number): Promise<unknown> {
    if (!this.deferred) {
      try {
        return Promise.resolve(this.make(indices, epoch));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.make(indices, epoch));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  async close(): Promise<void> {}
}
