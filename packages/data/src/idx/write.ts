// Writes IDX files: for fixtures, tests, and handing data to other tools in MNIST's format.
import { gzipSync } from 'node:zlib';
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import { writeFileAtomic } from '@nutshell/tensor';
import { numelOf } from '../ndarray.js';
import { toBigEndian } from './byte-order.js';
import { idxTypeOf, idxTypes } from './format.js';

export interface IdxSource {
  /** Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array. */
  readonly data: ArrayBufferView;
  readonly shape: readonly number[];
}

/** The bytes of an IDX file holding `array`. */
export function encodeIdx(array: IdxSource): Uint8Array {
  const where = 'encodeIdx';
  const dtype = idxTypeOf(array.data);
  if (!dtype) {
    throw new ValueError(`${where}: data expected a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array, got ${array.data?.constructor?.name}`);
  }
  const { shape } = array;
  if (shape.length < 1 || shape.length > 255) throw new ShapeError(`${where}: IDX holds 1 to 255 dimensions, got shape [${shape.join(',')}]`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new ShapeError(`${where}: shape [${shape.join(',')}] has a dimension that is not a uint32`);
  }
  const length = (array.data as unknown as { length: number }).length;
  if (numelOf(shape) !== length) throw new ShapeError(`${where}: data has ${length} elements but shape [${shape.join(',')}] needs ${numelOf(shape)}`);
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + array.data.byteLength);
  const view = new DataView(out.buffer);
  out[2] = idxTypes[dtype].code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(toBigEndian(array.data, idxTypes[dtype].size), headerBytes);
  return out;
}

export interface WriteIdxOptions {
  /** Gzip the file (default: when the path ends in .gz). */
  gzip?: boolean;
}

/** Writes `array` as an IDX file atomically (temp file, fsync, rename: readers never see half). */
export function writeIdx(path: string, array: IdxSource, options: WriteIdxOptions = {}): void {
  const raw = encodeIdx(array);
  const bytes = (options.gzip ?? path.endsWith('.gz')) ? gzipSync(raw) : raw;
  writeFileAtomic(path, bytes);
}
