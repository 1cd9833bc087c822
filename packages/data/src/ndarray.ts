// Samples are plain typed arrays with a shape, not tensors: they are made and transformed in
// worker threads (which have no tensors and should not load the native addon), and a typed array
// can cross a thread boundary by transfer. Tensors are made once per batch, on the main thread.
import { ShapeError, ValueError } from '@nutshell/tensor/errors';

/** The typed arrays a sample may hold (IDX adds Int8, Int16 and Float64 to the tensor dtypes). */
export type SampleData =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array;

/** A dense row-major array: the values of one sample field (an image is CHW). */
export interface NDArray<D extends SampleData = SampleData> {
  readonly data: D;
  readonly shape: readonly number[];
}

/**
 * The typed-array class of `data`, to make more of the same: a Node Buffer (a Uint8Array
 * subclass, what fs.readFileSync gives) counts as Uint8Array, whose constructor is not
 * deprecated and which collate knows (user trial AO).
 */
export function arrayClassOf(data: SampleData): new (n: number) => SampleData {
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(data)) return Uint8Array;
  return data.constructor as new (n: number) => SampleData;
}

export const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Pairs data with a shape, checking that the sizes agree. */
export function ndarray<D extends SampleData>(data: D, shape: readonly number[], where = 'ndarray'): NDArray<D> {
  if (!ArrayBuffer.isView(data)) throw new ValueError(`${where}: data expected a typed array, got ${describe(data)}`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`${where}: shape [${shape.join(',')}] has a dimension that is not a non-negative integer`);
  }
  if (numelOf(shape) !== data.length) {
    throw new ShapeError(`${where}: data has ${data.length} elements but shape [${shape.join(',')}] needs ${numelOf(shape)}`);
  }
  return { data, shape: [...shape] };
}

export function isNDArray(value: unknown): value is NDArray {
  return typeof value === 'object' && value !== null && ArrayBuffer.isView((value as NDArray).data) && Array.isArray((value as NDArray).shape);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Promise) return 'a Promise';
  if ((value as { isTensor?: boolean } | undefined)?.isTensor) return 'a Tensor';
  return typeof value;
}
