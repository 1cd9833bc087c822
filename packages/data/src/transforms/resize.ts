// Resizes every H×W plane of an image [C, H, W] (or clip/volume [C, D, H, W]) as torchvision's
// Resize does on a tensor with antialias=False, i.e. torch.nn.functional.interpolate: 'bilinear'
// with align_corners=False (float32, computed in float32 like PyTorch's cpu kernel) or 'nearest'
// (PyTorch's legacy 'nearest', any dtype: a mask keeps its labels).
import { ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import { type NDArray, arrayClassOf } from '../ndarray.js';
import { planesOf, requireFloat32 } from './check.js';
import { sizeArg } from './geometry.js';
import { type Transform, defineTransform } from './transform.js';

export type Interpolation = 'bilinear' | 'nearest';

export interface ResizeOptions {
  /** 'bilinear' (default, float32 images) or 'nearest' (any dtype). */
  interpolation?: Interpolation;
  /** With a number `size`: the longer side is capped at maxSize (torchvision's max_size). */
  maxSize?: number;
  /** Only `false`: there is no antialiased downscaling (torchvision's default for tensors since 0.17 is true). */
  antialias?: boolean;
}

const f32 = Math.fround;

export function interpolationArg(where: string, v: unknown): Interpolation {
  if (v !== 'bilinear' && v !== 'nearest') throw new ValueError(`${where}: interpolation expected 'bilinear' or 'nearest', got ${JSON.stringify(v)}`);
  return v;
}

export function antialiasArg(where: string, v: unknown): void {
  if (v === undefined || v === false) return;
  throw new ValueError(
    `${where}: antialias expected false, got ${JSON.stringify(v)}: there is no antialiased resize here (torchvision's default since 0.17; ` +
      `this one is F.interpolate's antialias=False — blur first, or resize in steps of at most 2x, to keep aliasing down)`,
  );
}

/** torchvision's output size for `size` on an h×w image: a number sets the shorter side (the longer scaled and truncated). */
function outputSize(size: number | [number, number], h: number, w: number, maxSize: number | undefined): [number, number] {
  if (typeof size !== 'number') return size;
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = size;
  let newLong = Math.trunc((size * long) / short);
  if (maxSize !== undefined && newLong > maxSize) {
    newShort = Math.trunc((maxSize * newShort) / newLong);
    newLong = maxSize;
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

export function resize(size: number | readonly [number] | readonly [number, number], options: ResizeOptions = {}): Transform {
  checkOptions('resize', options, ['interpolation', 'maxSize', 'antialias']);
  const pair = sizeArg('resize', size);
  const shorter = typeof size === 'number' || size.length === 1 ? pair[0] : undefined;
  const interpolation = interpolationArg('resize', options.interpolation ?? 'bilinear');
  antialiasArg('resize', options.antialias);
  const maxSize = options.maxSize;
  if (maxSize !== undefined) {
    if (shorter === undefined) throw new ValueError(`resize: maxSize is only allowed with a number size (the shorter side), got size ${JSON.stringify(size)}`);
    if (!Number.isInteger(maxSize) || maxSize <= shorter) throw new ValueError(`resize: maxSize expected an integer greater than size (${shorter}), got ${maxSize}`);
  }
  return defineTransform(
    (x) => {
      const { planes, h, w } = planesOf('resize', x);
      const [oh, ow] = outputSize(shorter ?? pair, h, w, maxSize);
      return resizePlanes('resize', x, planes, h, w, oh, ow, interpolation);
    },
    { module: import.meta.url, name: 'resize', args: [shorter ?? pair, { interpolation, ...(maxSize === undefined ? {} : { maxSize }) }] },
  );
}

/** Each of the `planes` h×w planes of x resized to oh×ow (x itself when the size is unchanged, as torchvision). */
export function resizePlanes(where: string, x: NDArray, planes: number, h: number, w: number, oh: number, ow: number, interpolation: Interpolation): NDArray {
  if (oh === h && ow === w) return x;
  if (h === 0 || w === 0) throw new ValueError(`${where}: cannot resize an empty image [${x.shape.join(',')}]`);
  const shape = [...x.shape.slice(0, -2), oh, ow];
  if (interpolation === 'nearest') {
    const rows = nearestIndices(h, oh);
    const cols = nearestIndices(w, ow);
    const src = x.data as Float32Array;
    const out = new (arrayClassOf(x.data))(planes * oh * ow) as Float32Array;
    for (let k = 0, o = 0; k < planes; k++) {
      for (let r = 0; r < oh; r++) {
        const base = (k * h + rows[r]) * w;
        for (let c = 0; c < ow; c++) out[o++] = src[base + cols[c]];
      }
    }
    return { data: out, shape };
  }
  const src = requireFloat32(where, x);
  const ry = linearIndices(h, oh);
  const rx = linearIndices(w, ow);
  const out = new Float32Array(planes * oh * ow);
  for (let k = 0, o = 0; k < planes; k++) {
    const plane = k * h * w;
    for (let r = 0; r < oh; r++) {
      const row0 = plane + ry.i0[r] * w;
      const row1 = plane + ry.i1[r] * w;
      const wy0 = ry.w0[r];
      const wy1 = ry.w1[r];
      for (let c = 0; c < ow; c++) {
        const c0 = rx.i0[c];
        const c1 = rx.i1[c];
        const wx0 = rx.w0[c];
        const wx1 = rx.w1[c];
        // PyTorch's order: each row interpolated along W, then the two rows along H.
        const t0 = f32(f32(src[row0 + c0] * wx0) + f32(src[row0 + c1] * wx1));
        const t1 = f32(f32(src[row1 + c0] * wx0) + f32(src[row1 + c1] * wx1));
        out[o++] = f32(t0 * wy0) + f32(t1 * wy1);
      }
    }
  }
  return { data: out, shape };
}

/** PyTorch's nearest_idx: floor(dst · in/out) in float32, capped at in − 1 (dst >> 1 at exactly twice). */
function nearestIndices(n: number, on: number): Int32Array {
  const idx = new Int32Array(on);
  const scale = f32(n / on);
  for (let d = 0; d < on; d++) idx[d] = on === n ? d : on === 2 * n ? d >> 1 : Math.min(Math.floor(f32(d * scale)), n - 1);
  return idx;
}

/** align_corners=False: source (dst + 0.5) · in/out − 0.5 in float32, clamped at 0; the two neighbours and their weights. */
function linearIndices(n: number, on: number): { i0: Int32Array; i1: Int32Array; w0: Float32Array; w1: Float32Array } {
  const i0 = new Int32Array(on);
  const i1 = new Int32Array(on);
  const w0 = new Float32Array(on);
  const w1 = new Float32Array(on);
  const scale = f32(n / on);
  for (let d = 0; d < on; d++) {
    const s = Math.max(0, f32(f32(scale * (d + 0.5)) - 0.5));
    const i = Math.min(Math.floor(s), n - 1);
    const lambda = Math.min(Math.max(f32(s - i), 0), 1);
    i0[d] = i;
    i1[d] = i < n - 1 ? i + 1 : i;
    w1[d] = lambda;
    w0[d] = f32(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}
