// Rows of several arrays that share their first dimension (features and targets, say). Tensors
// are read once, here: a sample is then a row view, with no native call per sample, and the rows
// can be re-created in worker threads from plain typed arrays.
import { ShapeError, ValueError, type Tensor } from '@nutshell/tensor';
import { checkIndex, type Dataset } from '../dataset.js';
import { type NDArray, type SampleData, describe, isNDArray, ndarray, numelOf } from '../ndarray.js';
import type { WorkerSpec } from '../worker-spec.js';

/** What TensorDataset accepts per column: a tensor, an array with a shape, or a 1-D typed array. */
export type Column = Tensor | NDArray | SampleData;

/** One sample of a TensorDataset of k columns: k row arrays. */
export type Rows<C extends readonly Column[]> = { -readonly [K in keyof C]: NDArray };

const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && (v as { isTensor?: unknown }).isTensor === true;

function toNDArray(column: Column, i: number): NDArray {
  const where = `TensorDataset: columns[${i}]`;
  if (isTensor(column)) {
    if (column.dtype === 'bool') throw new ValueError(`${where}: bool tensors are not supported; cast to uint8 first`);
    return ndarray(column.dataSync() as SampleData, column.shape, where);
  }
  if (isNDArray(column)) return ndarray(column.data, column.shape, where);
  if (ArrayBuffer.isView(column)) return ndarray(column, [column.length], where);
  throw new ValueError(`${where}: expected a Tensor, { data, shape } or a typed array, got ${describe(column)}`);
}

export class TensorDataset<C extends readonly Column[] = Column[]> implements Dataset<Rows<C>> {
  readonly columns: readonly NDArray[];
  readonly length: number;
  private readonly rowSizes: number[];

  constructor(...columns: C) {
    if (columns.length === 0) throw new ValueError('TensorDataset: expected at least one column');
    this.columns = columns.map(toNDArray);
    for (const [i, c] of this.columns.entries()) {
      if (c.shape.length === 0) throw new ShapeError(`TensorDataset: columns[${i}] is a scalar; every column needs a first (sample) dimension`);
    }
    this.length = this.columns[0].shape[0];
    for (const [i, c] of this.columns.entries()) {
      if (c.shape[0] !== this.length) {
        const shapes = this.columns.map((x) => `[${x.shape.join(',')}]`).join(', ');
        throw new ShapeError(`TensorDataset: columns[${i}] has ${c.shape[0]} rows but columns[0] has ${this.length} (shapes ${shapes})`);
      }
    }
    this.rowSizes = this.columns.map((c) => numelOf(c.shape.slice(1)));
  }

  get(index: number): Rows<C> {
    checkIndex('TensorDataset.get', index, this.length);
    return this.columns.map((c, k) => {
      const n = this.rowSizes[k];
      return { data: c.data.subarray(index * n, (index + 1) * n), shape: c.shape.slice(1) };
    }) as Rows<C>;
  }

  workerSpec(): WorkerSpec {
    return { module: import.meta.url, name: 'TensorDataset', args: this.columns.map((c) => ({ data: c.data, shape: c.shape })), construct: true };
  }
}
