// Tensors from JS data: nested arrays (any depth) or TypedArrays with a shape.
import { Device, getDefaultDevice, type DeviceLike } from './device.js';
import { type AnyTypedArray, type DType, allocTypedArray, checkDType, dtypeOfTypedArray, dtypeToHold } from './dtype.js';
import { ShapeError, ValueError, fmtShape } from './errors.js';
import { fromNative } from './errors.js';
import { native } from './native.js';
import { checkShape, numelOf } from './shape.js';
import { checkOptions } from './options.js';
import { Tensor, type NestedArray } from './tensor.js';
import type { CreateOptions } from './ops/table/creation.js';

export interface TensorOptions extends CreateOptions {
  /** Required for flat TypedArrays of rank > 1; inferred from nesting otherwise. */
  shape?: readonly number[];
}

// A level of nesting: an array, or a typed array as a row (rows of Float32Array, as an RL replay
// buffer or a CSV reader keeps them).
const isLevel = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

function inferNested(data: NestedArray, where: string): { shape: number[]; flat: (number | boolean | bigint)[] } {
  const shape: number[] = [];
  let probe: unknown = data;
  while (isLevel(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: (number | boolean | bigint)[] = [];
  const walk = (v: unknown, dim: number, path: string) => {
    if (dim === shape.length) {
      if (isLevel(v)) throw new ShapeError(`${where}: ragged nested array at ${path} (expected a value, got an array)`);
      if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint') {
        throw new ValueError(`${where}: element at ${path} expected a number, boolean or bigint, got ${v === null ? 'null' : typeof v}`);
      }
      flat.push(v);
      return;
    }
    if (!isLevel(v) || v.length !== shape[dim]) {
      throw new ShapeError(`${where}: ragged nested array at ${path} (expected length ${shape[dim]}, got ${isLevel(v) ? v.length : 'a value'})`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, `${path}[${i}]`);
  };
  walk(data, 0, 'data');
  return { shape, flat };
}

// The integer range of each integer dtype: a value outside it (or not finite) is refused, as
// PyTorch refuses torch.tensor([300], dtype=torch.uint8), rather than wrapped.
const INT_RANGE: Partial<Record<DType, [number, number]>> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint8: [0, 255] };
const INT64_RANGE: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

function overflow(where: string, dtype: DType, i: number, v: number | boolean | bigint): never {
  throw new ValueError(`${where}: element ${i} (${v}) cannot be converted to ${dtype} without overflow`);
}

function fill(dtype: DType, values: ArrayLike<number | boolean | bigint>, where: string): AnyTypedArray {
  const out = allocTypedArray(dtype, values.length);
  if (dtype === 'int64') {
    const o = out as BigInt64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'bigint' && !Number.isFinite(Number(v))) overflow(where, dtype, i, v);
      const b = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
      if (b < INT64_RANGE[0] || b > INT64_RANGE[1]) overflow(where, dtype, i, v);
      o[i] = b;
    }
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) (out as Uint8Array)[i] = values[i] ? 1 : 0;
  } else {
    const o = out as Float32Array | Int32Array | Uint8Array;
    const range = INT_RANGE[dtype];
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (range && !(Math.trunc(v) >= range[0] && Math.trunc(v) <= range[1])) overflow(where, dtype, i, values[i]);
      o[i] = v;
    }
  }
  return out;
}

/** Makes a tensor from nested arrays or a TypedArray (float32 for JS numbers unless `dtype`). */
export function tensor(data: NestedArray | ArrayBufferView | number[], options: TensorOptions = {}): Tensor {
  const where = 'tensor';
  checkOptions(where, options ?? {}, ['dtype', 'device', 'requiresGrad', 'shape']);
  const device = options.device === undefined ? getDefaultDevice() : Device.of(options.device, where);
  let shape: number[];
  let values: AnyTypedArray;
  let dtype: DType;
  if ((data as unknown as Tensor)?.isTensor) {
    throw new ValueError(`${where}: data is already a Tensor; use it as it is, or x.to(device), x.cast(dtype), x.detach()`);
  }
  if (ArrayBuffer.isView(data)) {
    // A transferred (detached) buffer reads as zero elements, and would silently make [0].
    if (data.byteLength === 0 && isDetached(data.buffer)) throw new ValueError(`${where}: data's buffer has been transferred (detached): it holds nothing any more`);
    // The addon takes ordinary ArrayBuffers; shared memory is copied first.
    const view: ArrayBufferView = typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer ? unshared(data) : data;
    const own = dtypeOfTypedArray(view);
    const held = own ?? dtypeToHold(view);
    if (!held) throw new ValueError(`${where}: data expected a TypedArray, got ${view.constructor.name}`);
    const array = view as unknown as ArrayLike<number | bigint>;
    dtype = options.dtype === undefined ? held : checkDType(options.dtype, where);
    shape = options.shape ? checkShape(where, [...options.shape]) : [array.length];
    if (numelOf(shape) !== array.length) throw new ShapeError(`${where}: data has ${array.length} elements but shape ${fmtShape(shape)} needs ${numelOf(shape)}`);
    values = dtype === own && dtype !== 'bool' ? (view as AnyTypedArray) : fill(dtype, array, where);
  } else {
    const nested = inferNested(data as NestedArray, where);
    const first = nested.flat[0];
    const inferred: DType = typeof first === 'boolean' ? 'bool' : typeof first === 'bigint' ? 'int64' : 'float32';
    dtype = options.dtype === undefined ? inferred : checkDType(options.dtype, where);
    shape = nested.shape;
    if (options.shape) {
      const want = checkShape(where, [...options.shape]);
      if (numelOf(want) !== nested.flat.length) throw new ShapeError(`${where}: data has ${nested.flat.length} elements but shape ${fmtShape(want)} needs ${numelOf(want)}`);
      shape = want;
    }
    values = fill(dtype, nested.flat, where);
  }
  let handle;
  try {
    handle = native().fromBytes(device.typeId, device.index, values);
  } catch (err) {
    throw fromNative(err);
  }
  const t = new Tensor(handle, shape, dtype, device);
  return options.requiresGrad ? t.requiresGrad_() : t;
}

const NO_VALUES = new Float32Array(0);

/**
 * @internal An empty [0] float32 tensor standing for an absent optional input (conv bias, loss
 * weights, RNN biases): made from no bytes, so it costs no op and never waits for the queue.
 */
export function absent(device?: DeviceLike, dtype: DType = 'float32'): Tensor {
  return tensor(NO_VALUES, { device, dtype });
}

/** Whether a buffer was transferred away (ArrayBuffer.prototype.detached is Node 21+; a view over a detached buffer cannot be made). */
function isDetached(buffer: ArrayBufferLike): boolean {
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** A copy of a typed array over shared memory in an ordinary buffer (a Buffer's slice would share it still). */
function unshared(view: ArrayBufferView): ArrayBufferView {
  const Ctor = (Buffer.isBuffer(view) ? Uint8Array : view.constructor) as new (n: number) => ArrayBufferView & { set(a: ArrayLike<number | bigint>): void };
  const copy = new Ctor((view as unknown as ArrayLike<number>).length);
  copy.set(view as unknown as ArrayLike<number>);
  return copy;
}
