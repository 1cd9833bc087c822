// A minimal IDX reader (gzipped or not) for Fashion-MNIST, so that the bench measures the model
// and not a data package under construction (packages/data has its own loader bench).
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

export interface Idx {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(buf: Uint8Array): Idx {
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) throw new Error('IDX: not an unsigned-byte IDX file');
  const ndim = buf[3];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * ndim;
  const n = dims.reduce((a, b) => a * b, 1);
  if (buf.length < start + n) throw new Error(`IDX: ${buf.length - start} data bytes, header says ${n}`);
  return { dims, data: buf.subarray(start, start + n) };
}

export function readIdx(dir: string, name: string): Idx {
  const gz = join(dir, `${name}.gz`);
  const raw = existsSync(gz) ? gunzipSync(readFileSync(gz)) : readFileSync(join(dir, name));
  return parseIdx(raw);
}

export interface FashionSplit {
  /** [n, 784] scaled to [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

export function readFashion(dir: string, split: 'train' | 'test', limit?: number): FashionSplit {
  const prefix = split === 'train' ? 'train' : 't10k';
  const img = readIdx(dir, `${prefix}-images-idx3-ubyte`);
  const lab = readIdx(dir, `${prefix}-labels-idx1-ubyte`);
  const count = Math.min(limit ?? img.dims[0], img.dims[0]);
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  return { images, labels: lab.data.subarray(0, count), count };
}
