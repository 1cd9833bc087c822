// A view of some of a dataset's samples, in a given order (what randomSplit returns).
import { ValueError } from '@nutshell/tensor/errors';
import { checkDataset, checkIndex, type Dataset } from '../dataset.js';
import type { Rng } from '../rng.js';
import { specArg, type WorkerSpec } from '../worker-spec.js';

export class Subset<T> implements Dataset<T> {
  readonly indices: Int32Array;

  constructor(readonly dataset: Dataset<T>, indices: ArrayLike<number>) {
    checkDataset('Subset', dataset);
    this.indices = Int32Array.from(indices as ArrayLike<number>);
    for (let i = 0; i < this.indices.length; i++) {
      const v = indices[i];
      if (!Number.isInteger(v) || v < 0 || v >= dataset.length) {
        throw new ValueError(`Subset: indices[${i}] expected an integer in [0, ${dataset.length}), got ${v}`);
      }
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number, rng?: Rng): T {
    checkIndex('Subset.get', index, this.indices.length);
    return this.dataset.get(this.indices[index], rng);
  }

  workerSpec(): WorkerSpec {
    return { module: import.meta.url, name: 'Subset', args: [specArg(this.dataset, 'Subset', 'dataset'), this.indices], construct: true };
  }
}
