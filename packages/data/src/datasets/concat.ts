// Several datasets read one after another as if they were one.
import { ValueError } from '@nutshell/tensor/errors';
import { checkDataset, checkIndex, type Dataset } from '../dataset.js';
import type { Rng } from '../rng.js';
import { specArg, type WorkerSpec } from '../worker-spec.js';

export class ConcatDataset<T> implements Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** cumulative[k] is the number of samples in datasets[0..k]. */
  private readonly cumulative: number[] = [];

  constructor(datasets: readonly Dataset<T>[]) {
    if (!Array.isArray(datasets) || datasets.length === 0) throw new ValueError('ConcatDataset: datasets expected a non-empty array');
    datasets.forEach((d, i) => checkDataset(`ConcatDataset: datasets[${i}]`, d));
    this.datasets = [...datasets];
    let total = 0;
    for (const d of datasets) this.cumulative.push((total += d.length));
  }

  get length(): number {
    return this.cumulative[this.cumulative.length - 1];
  }

  get(index: number, rng?: Rng): T {
    checkIndex('ConcatDataset.get', index, this.length);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (index < this.cumulative[mid]) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : this.cumulative[lo - 1];
    return this.datasets[lo].get(index - start, rng);
  }

  workerSpec(): WorkerSpec {
    const parts = this.datasets.map((d, i) => specArg(d, 'ConcatDataset', `datasets[${i}]`));
    return { module: import.meta.url, name: 'ConcatDataset', args: [parts], construct: true };
  }
}
