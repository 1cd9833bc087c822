// torchvision's RandomRotation on float32 images [C, H, W] (a clip [C, D, H, W]: every frame by
// the same angle): an angle drawn uniformly from `degrees` (one draw), counter-clockwise about
// the image centre, the size kept (expand=False). As torchvision's tensor path: the inverse
// affine map sampled by grid_sample (align_corners=False, zeros outside) together with a mask
// of ones, then the fill blended in by the mask — bilinear: x·m + (1 − m)·fill, so the border
// pixels are darkened twice as torchvision's are; nearest: fill where m < 0.5.
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import type { NDArray } from '../ndarray.js';
import { planesOf, requireFloat32 } from './check.js';
import { type Interpolation, interpolationArg } from './resize.js';
import { type Transform, defineTransform } from './transform.js';

export interface RandomRotationOptions {
  /** 'nearest' (torchvision's default here) or 'bilinear'. */
  interpolation?: Interpolation;
  /** The value outside the rotated image: a number or one per channel (default 0). */
  fill?: number | readonly number[];
}

export interface RotateOptions extends RandomRotationOptions {}

function fillArg(where: string, fill: unknown): number[] {
  const list = typeof fill === 'number' ? [fill] : fill;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ValueError(`${where}: fill expected a finite number or a non-empty array of them (one per channel), got ${JSON.stringify(fill)}`);
  }
  return list;
}

/** torchvision's F.rotate(x, angle, interpolation, expand=False, center=None, fill): `angle` in degrees, counter-clockwise. */
export function rotate(x: NDArray, angle: number, options: RotateOptions = {}): NDArray {
  checkOptions('rotate', options, ['interpolation', 'fill']);
  if (typeof angle !== 'number' || !Number.isFinite(angle)) throw new ValueError(`rotate: angle expected a finite number of degrees, got ${angle}`);
  return rotatePlanes('rotate', x, angle, interpolationArg('rotate', options.interpolation ?? 'nearest'), fillArg('rotate', options.fill ?? 0));
}

function rotatePlanes(where: string, x: NDArray, angle: number, interpolation: Interpolation, fill: number[]): NDArray {
  const { channels: c, planes, h, w } = planesOf(where, x);
  const src = requireFloat32(where, x);
  if (fill.length !== 1 && fill.length !== c) throw new ShapeError(`${where}: fill has ${fill.length} values but the image has ${c} channels (expected 1 or ${c})`);
  const perChannel = planes / c;
  // _get_inverse_affine_matrix(center 0, -angle, no translation, scale 1, no shear): [cos, sin, 0, -sin, cos, 0] of rot = radians(-angle).
  const rot = (-angle * Math.PI) / 180;
  const f32 = Math.fround;
  // _gen_affine_grid's theta transposed and divided by (w/2, h/2), in float32.
  const t00 = f32(f32(Math.cos(rot)) / f32(0.5 * w));
  const t10 = f32(f32(Math.sin(rot)) / f32(0.5 * w));
  const t01 = f32(f32(-Math.sin(rot)) / f32(0.5 * h));
  const t11 = f32(f32(Math.cos(rot)) / f32(0.5 * h));
  const out = new Float32Array(src.length);
  const n = h * w;
  // The source position of every output pixel, and the mask's value there.
  const ix = new Float64Array(n);
  const iy = new Float64Array(n);
  for (let r = 0; r < h; r++) {
    const by = -h * 0.5 + 0.5 + r;
    for (let col = 0; col < w; col++) {
      const bx = -w * 0.5 + 0.5 + col;
      const gx = f32(f32(bx * t00) + f32(by * t10));
      const gy = f32(f32(bx * t01) + f32(by * t11));
      // grid_sampler_unnormalize with align_corners=False: ((g + 1)·size − 1) / 2.
      ix[r * w + col] = f32(f32(f32(f32(gx + 1) * w) - 1) / 2);
      iy[r * w + col] = f32(f32(f32(f32(gy + 1) * h) - 1) / 2);
    }
  }
  const inside = (yy: number, xx: number) => yy >= 0 && yy < h && xx >= 0 && xx < w;
  for (let p = 0; p < n; p++) {
    const sx = ix[p];
    const sy = iy[p];
    if (interpolation === 'nearest') {
      // nearbyint: halves to even.
      const xr = roundHalfEvenF(sx);
      const yr = roundHalfEvenF(sy);
      const hit = inside(yr, xr);
      for (let k = 0; k < planes; k++) {
        const fv = fill.length === 1 ? fill[0] : fill[Math.floor(k / perChannel)];
        out[k * n + p] = hit ? src[k * n + yr * w + xr] : fv; // the mask is 1 inside, 0 outside
      }
      continue;
    }
    const x0 = Math.floor(sx);
    const y0 = Math.floor(sy);
    const wx1 = f32(sx - x0);
    const wy1 = f32(sy - y0);
    const wx0 = f32(1 - wx1);
    const wy0 = f32(1 - wy1);
    // grid_sample's corner weights (nw, ne, sw, se), zero outside the image.
    const corners: [number, number, number][] = [
      [y0, x0, f32(wx0 * wy0)], [y0, x0 + 1, f32(wx1 * wy0)], [y0 + 1, x0, f32(wx0 * wy1)], [y0 + 1, x0 + 1, f32(wx1 * wy1)],
    ];
    let mask = 0;
    for (const [yy, xx, cw] of corners) if (inside(yy, xx)) mask = f32(mask + cw);
    const inv = f32(1 - mask);
    for (let k = 0; k < planes; k++) {
      let v = 0;
      for (const [yy, xx, cw] of corners) if (inside(yy, xx)) v = f32(v + f32(src[k * n + yy * w + xx] * cw));
      const fv = f32(fill.length === 1 ? fill[0] : fill[Math.floor(k / perChannel)]);
      out[k * n + p] = f32(f32(v * mask) + f32(inv * fv));
    }
  }
  return { data: out, shape: x.shape };
}

const roundHalfEvenF = (v: number): number => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

export function randomRotation(degrees: number | readonly [number, number], options: RandomRotationOptions = {}): Transform {
  checkOptions('randomRotation', options, ['interpolation', 'fill']);
  const range = typeof degrees === 'number' ? [-degrees, degrees] : degrees;
  const ok = typeof degrees === 'number' ? Number.isFinite(degrees) && degrees >= 0 : Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v)) && range[0] <= range[1];
  if (!ok) {
    throw new ValueError(`randomRotation: degrees expected a non-negative number d (for [-d, d]) or [min, max] with min <= max, got ${JSON.stringify(degrees)}`);
  }
  const interpolation = interpolationArg('randomRotation', options.interpolation ?? 'nearest');
  const fill = fillArg('randomRotation', options.fill ?? 0);
  const [lo, hi] = range as [number, number];
  return defineTransform(
    (x, rng) => rotatePlanes('randomRotation', x, lo + (hi - lo) * rng.float(), interpolation, fill),
    { module: import.meta.url, name: 'randomRotation', args: [[lo, hi], { interpolation, fill }] },
  );
}
