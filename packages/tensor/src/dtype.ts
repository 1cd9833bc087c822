import { DTypeError } from './errors.js';

/** Element types; the numbers match native/src/core/dtype.h. */
export type DType = 'float32' | 'int32' | 'int64' | 'uint8' | 'bool';
export const dtypes: readonly DType[] = ['float32', 'int32', 'int64', 'uint8', 'bool'];

export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : D extends 'int64'
      ? BigInt64Array
      : Uint8Array;
export type AnyTypedArray = Float32Array | Int32Array | BigInt64Array | Uint8Array;

const info = {
  float32: { id: 0, size: 4, Array: Float32Array },
  int32: { id: 1, size: 4, Array: Int32Array },
  int64: { id: 2, size: 8, Array: BigInt64Array },
  uint8: { id: 3, size: 1, Array: Uint8Array },
  bool: { id: 4, size: 1, Array: Uint8Array },
} as const;

export const dtypeId = (d: DType): number => info[d].id;
export const dtypeSize = (d: DType): number => info[d].size;
export const isFloating = (d: DType): boolean => d === 'float32';
export const isIntegral = (d: DType): boolean => d === 'int32' || d === 'int64' || d === 'uint8';

// PyTorch's names of dtypes that are ours under another name, and of those we lack.
const pytorchNames: Readonly<Record<string, string>> = {
  long: "PyTorch's torch.long is 'int64' here",
  int: "PyTorch's torch.int is 'int32' here",
  float: "PyTorch's torch.float is 'float32' here",
  float64: 'tensors compute in float32 here (there is no float64)',
  double: 'tensors compute in float32 here (there is no float64)',
  float16: "there are no float16 tensors (float16 and bfloat16 are formats of saved checkpoints: nn's save(…, { dtype }))",
  half: "there are no float16 tensors (float16 and bfloat16 are formats of saved checkpoints: nn's save(…, { dtype }))",
  bfloat16: "there are no bfloat16 tensors (float16 and bfloat16 are formats of saved checkpoints: nn's save(…, { dtype }))",
  int8: 'there is no int8 dtype (uint8, int32 and int64 are)',
  int16: 'there is no int16 dtype (int32 and int64 are)',
};

/** What PyTorch's name of a dtype is here, or that we lack it; undefined for other values. */
export const pytorchDTypeHint = (value: unknown): string | undefined =>
  typeof value === 'string' ? pytorchNames[value.replace(/^torch\./, '')] : undefined;

/** The refusal of something that is not one of our dtypes, with a hint for PyTorch's names. */
export function notADType(where: string, value: unknown, expected = `a dtype (${dtypes.join(', ')})`): DTypeError {
  const hint = pytorchDTypeHint(value);
  return new DTypeError(`${where}: expected ${expected}, got ${JSON.stringify(value)}${hint ? `: ${hint}` : ''}`);
}

export function checkDType(value: unknown, where: string): DType {
  if (typeof value === 'string' && value in info) return value as DType;
  throw notADType(where, value);
}

export function typedArrayFor(d: DType, buffer: ArrayBuffer, length?: number): AnyTypedArray {
  const A = info[d].Array;
  return new A(buffer, 0, length ?? buffer.byteLength / info[d].size);
}

export function allocTypedArray(d: DType, length: number): AnyTypedArray {
  return new info[d].Array(length);
}

export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Uint8Array) return 'uint8';
  return undefined;
}

/**
 * The dtype that holds a TypedArray we have no dtype of, its values converted: float64 data as
 * float32 (as tfjs stores it), narrower integers as int32, uint32 and uint64 as int64, clamped
 * bytes as uint8. undefined for other views (DataView).
 */
export function dtypeToHold(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float64Array) return 'float32';
  if (a instanceof Int8Array || a instanceof Int16Array || a instanceof Uint16Array) return 'int32';
  if (a instanceof Uint32Array || a instanceof BigUint64Array) return 'int64';
  if (a instanceof Uint8ClampedArray) return 'uint8';
  return undefined;
}

/** The dtype of a result that mixes two inputs (PyTorch's promotion for the dtypes we have). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const rank: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, int64: 3, float32: 4 };
  return rank[a] >= rank[b] ? a : b;
}
