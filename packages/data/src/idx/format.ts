// The IDX format (LeCun's MNIST files): a 4-byte magic number 0x00 0x00 <dtype> <ndims>, then
// ndims big-endian uint32 dimensions, then the values, big-endian, row-major.
import type { SampleData } from '../ndarray.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

interface IdxTypeInfo {
  readonly code: number;
  readonly size: number;
  readonly Array: { new (length: number): SampleData; new (buffer: ArrayBuffer, byteOffset?: number, length?: number): SampleData };
}

export const idxTypes: Readonly<Record<IdxDType, IdxTypeInfo>> = {
  uint8: { code: 0x08, size: 1, Array: Uint8Array },
  int8: { code: 0x09, size: 1, Array: Int8Array },
  int16: { code: 0x0b, size: 2, Array: Int16Array },
  int32: { code: 0x0c, size: 4, Array: Int32Array },
  float32: { code: 0x0d, size: 4, Array: Float32Array },
  float64: { code: 0x0e, size: 8, Array: Float64Array },
};

export const idxTypeByCode: ReadonlyMap<number, IdxDType> = new Map(
  (Object.entries(idxTypes) as [IdxDType, IdxTypeInfo][]).map(([name, info]) => [info.code, name]),
);

export const hex = (n: number, width = 2): string => `0x${n.toString(16).padStart(width, '0')}`;

export const knownCodes = (): string => [...idxTypeByCode].map(([code, name]) => `${hex(code)} ${name}`).join(', ');

/** An array read from (or to be written to) an IDX file. */
export interface IdxArray {
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  readonly shape: readonly number[];
  readonly dtype: IdxDType;
}

/** The IDX dtype a typed array is written as, if any. */
export function idxTypeOf(data: ArrayBufferView): IdxDType | undefined {
  for (const [name, info] of Object.entries(idxTypes) as [IdxDType, IdxTypeInfo][]) {
    if (data.constructor === info.Array) return name;
  }
  return undefined;
}

export const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** The largest header: the magic number and 255 dimensions. */
export const MAX_HEADER_BYTES = 4 + 4 * 255;
