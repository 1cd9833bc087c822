// The first half of the default collate, which runs wherever samples are made (a worker, or
// the main thread): stacks a list of samples field by field into fresh typed arrays [B, ...].
// Fresh arrays matter: each owns its buffer, so it can be transferred to the main thread, where
// toTensors (the second half) turns it into tensors.
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import { type SampleData, arrayClassOf, describe, isNDArray } from '../ndarray.js';

/** The dtypes stacking produces: those a tensor has. */
export type StackedDType = 'float32' | 'int32' | 'int64' | 'uint8' | 'bool';
export type StackedData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

export interface StackedArray {
  readonly data: StackedData;
  readonly shape: readonly number[];
  readonly dtype: StackedDType;
}
export type Stacked = StackedArray | readonly Stacked[] | { readonly [key: string]: Stacked };

type Ctor = new (n: number) => StackedData;
// IDX's extra types widen to the nearest tensor dtype.
const targetOf = new Map<Function, [StackedDType, Ctor]>([
  [Float32Array, ['float32', Float32Array]],
  [Float64Array, ['float32', Float32Array]],
  [Uint8Array, ['uint8', Uint8Array]],
  [Int8Array, ['int32', Int32Array]],
  [Int16Array, ['int32', Int32Array]],
  [Int32Array, ['int32', Int32Array]],
  [BigInt64Array, ['int64', BigInt64Array]],
]);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function stackArrays(values: unknown[], path: string): StackedArray {
  const arrays = values.map((v, b) => {
    if (isNDArray(v)) return v;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { data: v as SampleData, shape: [(v as SampleData).length] };
    throw new ValueError(`collate: ${path} of sample ${b} is ${describe(v)}, but sample 0 has an array there`);
  });
  const { data: first, shape } = arrays[0];
  const kind = arrayClassOf(first);
  const target = targetOf.get(kind);
  if (!target) throw new ValueError(`collate: ${path} is a ${first.constructor.name}, which has no tensor dtype`);
  const [dtype, Out] = target;
  const rowSize = first.length;
  const out = new Out(rowSize * arrays.length);
  arrays.forEach(({ data, shape: s }, b) => {
    if (arrayClassOf(data) !== kind) {
      throw new ValueError(`collate: ${path} is a ${first.constructor.name} in sample 0 but a ${data.constructor.name} in sample ${b}`);
    }
    if (s.length !== shape.length || s.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`collate: ${path} has shape [${shape.join(',')}] in sample 0 but [${s.join(',')}] in sample ${b}`);
    }
    if (data.constructor === Out) (out as Float32Array).set(data as Float32Array, b * rowSize);
    else for (let i = 0; i < rowSize; i++) (out as Float32Array)[b * rowSize + i] = (data as Float32Array)[i];
  });
  return { data: out, shape: [arrays.length, ...shape], dtype };
}

function stackScalars(values: unknown[], path: string): StackedArray {
  const kind = typeof values[0];
  if (kind === 'boolean') {
    const out = new Uint8Array(values.length);
    values.forEach((v, b) => {
      if (typeof v !== 'boolean') throw new ValueError(`collate: ${path} of sample ${b} is ${describe(v)}, but sample 0 has a boolean there`);
      out[b] = v ? 1 : 0;
    });
    return { data: out, shape: [values.length], dtype: 'bool' };
  }
  const out = new BigInt64Array(values.length);
  values.forEach((v, b) => {
    if (typeof v === 'bigint') out[b] = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) out[b] = BigInt(v);
    else {
      throw new ValueError(
        `collate: ${path} of sample ${b} is ${typeof v === 'number' ? v : describe(v)}; numbers are stacked as int64 labels, ` +
          `so they must be integers — JavaScript cannot tell 2.0 from 2, so a float value (a regression target) must say so in every ` +
          `sample: Float32Array.of(y) (batched [B, 1]) or { data: Float32Array.of(y), shape: [] } (batched [B])`,
      );
    }
  });
  return { data: out, shape: [values.length], dtype: 'int64' };
}

// A Tensor sample (what a PyTorch dataset's __getitem__ returns) is stacked by its values, read
// back synchronously; typed arrays avoid that read and can come from worker threads.
interface TensorLike {
  isTensor: true;
  shape: readonly number[];
  dtype: string;
  dataSync(): SampleData;
}
const isTensorLike = (v: unknown): v is TensorLike => (v as { isTensor?: boolean } | null)?.isTensor === true;

function stackAt(values: unknown[], path: string): Stacked {
  if (isTensorLike(values[0])) {
    const bool = values[0].dtype === 'bool'; // its values read back as bytes: the batch stays bool
    const arrays = values.map((v, b) => {
      if (!isTensorLike(v)) throw new ValueError(`collate: ${path} of sample ${b} is ${describe(v)}, but sample 0 has a Tensor there`);
      const first = (values[0] as TensorLike).dtype;
      if ((v.dtype === 'bool') !== bool) throw new ValueError(`collate: ${path} is a ${first} Tensor in sample 0 but a ${v.dtype} Tensor in sample ${b}`);
      return { data: v.dataSync(), shape: [...v.shape] };
    });
    const stacked = stackArrays(arrays, path);
    return bool ? { ...stacked, dtype: 'bool' } : stacked;
  }
  const first = values[0];
  if (isNDArray(first) || (ArrayBuffer.isView(first) && !(first instanceof DataView))) return stackArrays(values, path);
  if (typeof first === 'number' || typeof first === 'bigint' || typeof first === 'boolean') return stackScalars(values, path);
  if (Array.isArray(first)) {
    values.forEach((v, b) => {
      if (!Array.isArray(v) || v.length !== first.length) {
        throw new ValueError(`collate: ${path} of sample ${b} is ${Array.isArray(v) ? `a ${v.length}-tuple` : describe(v)}, but sample 0 has a ${first.length}-tuple`);
      }
    });
    return first.map((_, k) => stackAt(values.map((v) => (v as unknown[])[k]), `${path}[${k}]`));
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, Stacked> = {};
    for (const key of keys) {
      out[key] = stackAt(
        values.map((v, b) => {
          if (!isPlainObject(v) || !(key in v)) throw new ValueError(`collate: ${path}.${key} is missing in sample ${b}`);
          return v[key];
        }),
        `${path}.${key}`,
      );
    }
    return out;
  }
  throw new ValueError(`collate: ${path} is ${describe(first)}; the default collate stacks typed arrays, { data, shape }, numbers, tuples and plain objects (pass collate for anything else)`);
}

/** Stacks samples into typed arrays [B, ...] of the same structure (tuples, objects). */
export function stack(samples: readonly unknown[], indices?: ArrayLike<number>): Stacked {
  if (!Array.isArray(samples) || samples.length === 0) throw new ValueError('collate: expected a non-empty array of samples');
  try {
    return stackAt(samples as unknown[], 'sample');
  } catch (err) {
    // "sample 3" is a place in the batch; the loader knows which dataset item that was.
    if (indices && err instanceof Error) err.message = err.message.replace(/\bsample (\d+)\b/g, (m, b: string) => `${m} (dataset index ${indices[Number(b)]})`);
    throw err;
  }
}

/** The buffers of a stacked batch's arrays, to transfer (each stacked array owns its own). */
export function buffersOf(value: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (!out.includes(value.buffer as ArrayBuffer)) out.push(value.buffer as ArrayBuffer);
  } else if (Array.isArray(value)) value.forEach((v) => buffersOf(v, out));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((v) => buffersOf(v, out));
  return out;
}

/** A copy of a sample whose arrays each own a buffer of their own size (views of shared memory
 * would otherwise carry, or transfer away, the whole buffer they look into). */
export function detach<T>(value: T): T {
  if (ArrayBuffer.isView(value)) return (value as unknown as SampleData).slice() as T;
  if (Array.isArray(value)) return value.map(detach) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, detach(v)])) as T;
  return value;
}
