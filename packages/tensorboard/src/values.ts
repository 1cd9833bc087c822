import { TensorBoardError } from './errors.js';

/** Anything with a synchronous read-out, such as a @nutshell/tensor Tensor (duck-typed, so this package needs no tensor dependency). */
export interface DataSyncable {
  dataSync(): ArrayLike<number | bigint>;
}

export type Values = ArrayLike<number> | DataSyncable;

/** The numbers of an array, typed array or tensor-like, as float64. */
export function toFloat64(values: Values, where: string): Float64Array {
  let data: unknown = values;
  if (values !== null && typeof values === 'object' && typeof (values as DataSyncable).dataSync === 'function') {
    data = (values as DataSyncable).dataSync();
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, Number);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return Float64Array.from(data as unknown as ArrayLike<number>);
  if (Array.isArray(data)) {
    const bad = data.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new TensorBoardError(`${where}: values[${bad}] is ${typeof data[bad]}, expected a number`);
    return Float64Array.from(data);
  }
  throw new TensorBoardError(`${where}: values must be an array, a typed array or have dataSync(), got ${describe(values)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
