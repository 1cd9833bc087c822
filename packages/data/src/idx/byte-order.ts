// IDX values are big-endian; typed arrays use the host's order (little-endian on every machine
// Node ships for, but checked rather than assumed).
import { endianness } from 'node:os';
import type { SampleData } from '../ndarray.js';
import { type IdxDType, idxTypes } from './format.js';

const hostIsBigEndian = endianness() === 'BE';

/** The values in `bytes` (big-endian) as a typed array; single-byte types are views, not copies. */
export function fromBigEndian(bytes: Uint8Array, dtype: IdxDType): SampleData {
  const { size, Array } = idxTypes[dtype];
  const count = bytes.length / size;
  if (size === 1) return new Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  const out = new Uint8Array(bytes.length);
  if (hostIsBigEndian) out.set(bytes);
  else swapInto(out, bytes, size);
  return new Array(out.buffer, 0, count);
}

/** The bytes of `data` in big-endian order. */
export function toBigEndian(data: ArrayBufferView, size: number): Uint8Array {
  const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(src.length);
  if (size === 1 || hostIsBigEndian) out.set(src);
  else swapInto(out, src, size);
  return out;
}

function swapInto(out: Uint8Array, src: Uint8Array, size: number): void {
  for (let i = 0; i < src.length; i += size) {
    for (let j = 0; j < size; j++) out[i + j] = src[i + size - 1 - j];
  }
}
