// The one interface every dataset satisfies: a length and random access by index. The optional
// `rng` is how a loader hands a sample its own seeded stream (for random transforms), so that
// the sample is the same whichever thread or batch prepares it.
import { ValueError } from '@nutshell/tensor/errors';
import type { Rng } from './rng.js';
import type { WorkerSpec } from './worker-spec.js';

export interface Dataset<T> {
  readonly length: number;
  /** Sample `index` (0 ≤ index < length); `rng` drives any randomness in making it. */
  get(index: number, rng?: Rng): T;
  /** How to re-create this dataset in a worker thread (needed for `DataLoader({ workers })`). */
  workerSpec?(): WorkerSpec;
}

/**
 * A dataset whose samples are read asynchronously (a file or a database per sample): a
 * DataLoader awaits a batch's reads together, on this thread or in its workers.
 */
export interface AsyncDataset<T> {
  readonly length: number;
  get(index: number, rng?: Rng): Promise<T>;
  workerSpec?(): WorkerSpec;
}

/** The type of a dataset's samples. */
export type SampleOf<D> = D extends AsyncDataset<infer T> ? T : D extends Dataset<infer T> ? T : never;

export function checkIndex(where: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new ValueError(`${where}: index expected an integer in [0, ${length}), got ${index}`);
  }
}

export function checkDataset(where: string, value: unknown): asserts value is Dataset<unknown> {
  const d = value as Dataset<unknown> | null;
  if (typeof d !== 'object' || d === null || typeof d.get !== 'function' || !Number.isInteger(d.length) || d.length < 0) {
    throw new ValueError(`${where}: expected a dataset (an object with an integer length and get(index)), got ${d === null ? 'null' : typeof d}`);
  }
}
