// The second half of the default collate, on the main thread: stacked typed arrays to tensors.
import { type Tensor, tensor } from '@nutshell/tensor';
import type { NDArray } from '../ndarray.js';
import { type Stacked, type StackedArray, stack } from './stack.js';

/** The batch the default collate makes from samples of type T: every array or number becomes a
 * tensor with a leading batch dimension; tuples and objects keep their structure. An object
 * batch also iterates over its fields in order, so PyTorch's `for x, y in loader` reads
 * `for await (const [x, y] of loader)` with `{ image, label }` samples. */
export type Batch<T> = T extends NDArray | ArrayBufferView | number | bigint | boolean
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Batch<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: Batch<T[K]> } & Iterable<Batch<T[keyof T]>>
      : never;

/** Makes an object batch destructure as a tuple of its fields, in order (a non-enumerable iterator: entries and JSON are unchanged). */
function iterableFields<O extends object>(o: O): O {
  Object.defineProperty(o, Symbol.iterator, { value: () => Object.values(o)[Symbol.iterator](), enumerable: false });
  return o;
}

const isStackedArray = (v: unknown): v is StackedArray =>
  typeof v === 'object' && v !== null && ArrayBuffer.isView((v as StackedArray).data) && typeof (v as StackedArray).dtype === 'string';

function convert(stacked: Stacked, made: Tensor[]): unknown {
  if (isStackedArray(stacked)) {
    const t = tensor(stacked.data, { shape: stacked.shape, dtype: stacked.dtype });
    made.push(t);
    return t;
  }
  if (Array.isArray(stacked)) return stacked.map((s) => convert(s, made));
  return iterableFields(Object.fromEntries(Object.entries(stacked).map(([k, v]) => [k, convert(v as Stacked, made)])));
}

/** Tensors from a stacked batch (the structure is kept; nothing is left allocated if one fails). */
export function toTensors(stacked: Stacked): unknown {
  const made: Tensor[] = [];
  try {
    return convert(stacked, made);
  } catch (err) {
    for (const t of made) t.dispose();
    throw err;
  }
}

/**
 * The default collate: images (and any typed arrays) become tensors [B, ...shape] of their dtype,
 * numbers become int64 [B], tuples and objects are collated field by field.
 */
export function collate<T>(samples: readonly T[]): Batch<T> {
  return toTensors(stack(samples)) as Batch<T>;
}
