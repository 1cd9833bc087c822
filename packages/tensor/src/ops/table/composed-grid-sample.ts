// Spatial transformers: PyTorch's F.affine_grid and F.grid_sample for 2-D images. No kernel of
// their own, so both devices run them and gradients come from the parts:
// - affineGrid is PyTorch's base grid ([H·W, 3] rows (x, y, 1), made here as PyTorch's linspace
//   makes it) times θᵀ, one broadcast matmul.
// - gridSample turns each grid point into pixel coordinates with elementwise ops (PyTorch's
//   unnormalisation, then border clipping or reflection), then picks the four corners (bilinear)
//   or the nearest pixel from the input flattened to [N, C, H·W] with one gather, and sums the
//   corners weighted. Out-of-image corners get weight 0 and index 0, so the gather stays in range.
// The coordinate arithmetic follows PyTorch's vectorised cpu kernel (GridSamplerKernel.cpp), op
// for op: unnormalise as (g + 1)·(size/2) − 0.5 (aligned: (g + 1)·((size − 1)/2)); reflect as
// min(e, 2s − e) with e = |c − low| − trunc(|c − low| / 2s)·2s; clip with NaN → 0 and the
// gradient 0 on the borders themselves (PyTorch's "borders are out of bounds" for gradients);
// nearest rounds half to even (std::nearbyint), which `round` does.
import { DeviceError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { checkOptions } from '../../options.js';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { floatArg } from '../check-args.js';
import { add, div, minimum, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { ge, gt, le, logicalAnd, lt } from './compare.js';
import { gather } from './index-ops.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { cat, expand, narrow, reshape, transpose } from './shape.js';
import { abs, floor, round, trunc } from './unary.js';

export const gridSampleModes = ['bilinear', 'nearest'] as const;
export type GridSampleMode = (typeof gridSampleModes)[number];
export const gridSamplePaddingModes = ['zeros', 'border', 'reflection'] as const;
export type GridSamplePaddingMode = (typeof gridSamplePaddingModes)[number];

export interface AffineGridOptions {
  /** -1 and 1 are the centres of the corner pixels (true) or their outer edges (false, default). */
  alignCorners?: boolean;
}

export interface GridSampleOptions {
  /** 'bilinear' (default) or 'nearest' (round half to even). PyTorch's 'bicubic' is not supported. */
  mode?: GridSampleMode;
  /** Values outside the image: 'zeros' (default), 'border' (the nearest edge pixel), 'reflection'. */
  paddingMode?: GridSamplePaddingMode;
  /** -1 and 1 are the centres of the corner pixels (true) or their outer edges (false, default). */
  alignCorners?: boolean;
}

function booleanOption(fn: string, name: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValueError(`${fn}: option '${name}' expected a boolean, got ${v === null ? 'null' : typeof v}`);
  return v;
}

function choiceOption<T extends string>(fn: string, name: string, v: unknown, choices: readonly T[], extra = ''): T {
  if (v === undefined) return choices[0];
  if (!choices.includes(v as T)) {
    const got = typeof v === 'string' ? `'${v}'` : v === null ? 'null' : typeof v;
    throw new ValueError(`${fn}: option '${name}' expected ${choices.map((c) => `'${c}'`).join(', ')}, got ${got}${extra}`);
  }
  return v as T;
}

// ---- affineGrid ----

// PyTorch's linspace_from_neg_one: linspace(-1, 1, n) in float32 (its cpu kernel: start + step·i
// for the first half, end − step·(n − 1 − i) for the rest), times (n − 1)/n unless aligned; [0]
// for n = 1.
function baseCoordinates(n: number, alignCorners: boolean): Float32Array {
  const f = Math.fround;
  if (n <= 1) return new Float32Array(n);
  const step = f(2 / (n - 1));
  const half = Math.floor(n / 2);
  return Float32Array.from({ length: n }, (_, i) => {
    const v = i < half ? f(-1 + f(step * i)) : f(1 - f(step * (n - 1 - i)));
    return alignCorners ? v : f(f(v * (n - 1)) / n);
  });
}

/**
 * The sampling grid of a batch of 2-D affine maps (PyTorch's F.affine_grid): theta [N, 2, 3] and
 * size [N, C, H, W] give grid [N, H, W, 2], grid[n, h, w] = θₙ · (xᵥ, yₕ, 1) with x, y spaced over
 * [-1, 1] as PyTorch spaces them (pixel centres: alignCorners false, the default). Differentiable
 * with respect to theta. Feed the grid to gridSample.
 */
export function affineGrid(theta: Tensor, size: readonly number[], options: AffineGridOptions = {}): Tensor {
  const fn = 'affineGrid';
  floatArg(fn, 'theta', theta);
  if (!Array.isArray(size)) {
    throw new ValueError(`${fn}: size expected an array [N, C, H, W], got ${size === null ? 'null' : typeof size}`);
  }
  if (size.length === 5) throw new ValueError(`${fn}: size expected [N, C, H, W] (4 numbers), got ${fmtShape(size)} (3-D grids for [N, C, D, H, W] are not supported)`);
  if (size.length !== 4 || !size.every((s) => Number.isSafeInteger(s) && s >= 1)) {
    throw new ValueError(`${fn}: size expected [N, C, H, W] (4 positive integers), got ${Array.isArray(size) ? `[${size.join(',')}]` : String(size)}`);
  }
  checkOptions(fn, options, ['alignCorners']);
  const alignCorners = booleanOption(fn, 'alignCorners', options.alignCorners);
  const [n, , h, w] = size;
  const t = theta.shape;
  if (t.length !== 3 || t[0] !== n || t[1] !== 2 || t[2] !== 3) {
    throw new ShapeError(`${fn}: theta expected [N, 2, 3] = [${n},2,3] for size ${fmtShape(size)}, got ${fmtShape(t)}`);
  }
  return scope(() => {
    const xs = baseCoordinates(w, alignCorners);
    const ys = baseCoordinates(h, alignCorners);
    const base = new Float32Array(h * w * 3);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const k = (i * w + j) * 3;
        base[k] = xs[j];
        base[k + 1] = ys[i];
        base[k + 2] = 1;
      }
    }
    // [H·W, 3] · θᵀ [N, 3, 2] → [N, H·W, 2], as PyTorch's base_grid.bmm(theta.transpose(1, 2)).
    const grid = matmul(tensor(base, { shape: [h * w, 3], device: theta.device }), transpose(theta, 1, 2));
    return reshape(grid, [n, h, w, 2]);
  });
}

// ---- gridSample ----

// The pixel coordinate of normalised coordinates g along an axis of `size` pixels.
function unnormalize(g: Tensor, size: number, alignCorners: boolean): Tensor {
  const f = Math.fround;
  return alignCorners ? mul(add(g, 1), f((size - 1) / 2)) : sub(mul(add(g, 1), f(size / 2)), 0.5);
}

// Clipped into [0, size − 1], NaN to 0; the gradient passes strictly inside only.
function clip(c: Tensor, size: number): Tensor {
  const max = size - 1;
  return where(logicalAnd(gt(c, 0), lt(c, max)), c, cast(where(ge(c, max), max, 0), 'float32'));
}

// Reflected by the borders (the corner centres when aligned, the image edges otherwise) until
// inside, then clipped: PyTorch's reflect_coordinates.
function reflect(c: Tensor, size: number, alignCorners: boolean): Tensor {
  if (alignCorners && size <= 1) return clip(c, 1); // PyTorch: an empty span reflects everything to 0 (NaN too)
  const low = alignCorners ? 0 : -0.5;
  const twiceSpan = alignCorners ? 2 * (size - 1) : 2 * size;
  const a = abs(low === 0 ? c : sub(c, low));
  const extra = sub(a, mul(trunc(div(a, twiceSpan)), twiceSpan));
  const r = minimum(extra, sub(twiceSpan, extra));
  return clip(low === 0 ? r : add(r, low), size);
}

function sourceIndex(g: Tensor, size: number, padding: GridSamplePaddingMode, alignCorners: boolean): Tensor {
  const c = unnormalize(g, size, alignCorners);
  if (padding === 'border') return clip(c, size);
  if (padding === 'reflection') return reflect(c, size, alignCorners);
  return c;
}

/**
 * Samples input [N, C, H_in, W_in] at the points of grid [N, H_out, W_out, 2] (PyTorch's
 * F.grid_sample for 4-D input): grid[n, h, w] = (x, y) in [-1, 1] (x along W, y along H; -1, 1 the
 * outer edges of the image, or the corner pixels' centres with alignCorners), giving
 * [N, C, H_out, W_out]. mode 'bilinear' (default) or 'nearest'; paddingMode 'zeros' (default),
 * 'border' or 'reflection' for points outside. Differentiable with respect to input and, for
 * 'bilinear', grid ('nearest' gives the grid a zero gradient, as PyTorch).
 */
export function gridSample(input: Tensor, grid: Tensor, options: GridSampleOptions = {}): Tensor {
  const fn = 'gridSample';
  floatArg(fn, 'input', input);
  floatArg(fn, 'grid', grid);
  checkOptions(fn, options, ['mode', 'paddingMode', 'alignCorners']);
  const mode = choiceOption(fn, 'mode', options.mode, gridSampleModes, (options.mode as string) === 'bicubic' ? " ('bicubic' is not supported)" : '');
  const padding = choiceOption(fn, 'paddingMode', options.paddingMode, gridSamplePaddingModes);
  const alignCorners = booleanOption(fn, 'alignCorners', options.alignCorners);
  if (input.shape.length !== 4) {
    const hint = input.shape.length === 5 ? ' (volumetric 5-D input is not supported)' : '';
    throw new ShapeError(`${fn}: input expected [N, C, H_in, W_in] (4-D), got ${fmtShape(input.shape)}${hint}`);
  }
  if (grid.shape.length !== 4 || grid.shape[3] !== 2) throw new ShapeError(`${fn}: grid expected [N, H_out, W_out, 2], got ${fmtShape(grid.shape)}`);
  const [n, c, hIn, wIn] = input.shape;
  const [gn, hOut, wOut] = grid.shape;
  if (gn !== n) throw new ShapeError(`${fn}: grid expected input's batch size ${n} in dimension 0, got ${gn} (input ${fmtShape(input.shape)}, grid ${fmtShape(grid.shape)})`);
  if (hIn === 0 || wIn === 0) throw new ShapeError(`${fn}: input expected non-empty spatial dimensions H_in, W_in, got ${fmtShape(input.shape)}`);
  if (grid.device !== input.device) throw new DeviceError(`${fn}: grid expected a tensor on input's device ${input.device}, got one on ${grid.device}`);
  return scope(() => {
    const p = hOut * wOut;
    const gx = reshape(narrow(grid, 3, 0, 1), [n, 1, p]);
    const gy = reshape(narrow(grid, 3, 1, 1), [n, 1, p]);
    const x = sourceIndex(gx, wIn, padding, alignCorners);
    const y = sourceIndex(gy, hIn, padding, alignCorners);
    // Per corner: its column and row (floats), in-image mask, and weight [N, 1, P].
    let corners: { cx: Tensor; cy: Tensor; weight: Tensor | null }[];
    if (mode === 'nearest') {
      corners = [{ cx: round(x), cy: round(y), weight: null }];
    } else {
      const x0 = floor(x);
      const y0 = floor(y);
      const wx1 = sub(x, x0); // PyTorch's w (towards east) and n (towards south)
      const wy1 = sub(y, y0);
      const wx0 = sub(1, wx1);
      const wy0 = sub(1, wy1);
      const x1 = add(x0, 1);
      const y1 = add(y0, 1);
      corners = [
        { cx: x0, cy: y0, weight: mul(wy0, wx0) },
        { cx: x1, cy: y0, weight: mul(wy0, wx1) },
        { cx: x0, cy: y1, weight: mul(wy1, wx0) },
        { cx: x1, cy: y1, weight: mul(wy1, wx1) },
      ];
    }
    const index: Tensor[] = [];
    const weights: Tensor[] = [];
    const insides: Tensor[] = [];
    for (const { cx, cy, weight } of corners) {
      // NaN and ±∞ fail the comparisons, so they are outside too.
      const inside = logicalAnd(logicalAnd(ge(cx, 0), le(cx, wIn - 1)), logicalAnd(ge(cy, 0), le(cy, hIn - 1)));
      insides.push(inside);
      // Row and column as int32 before the flat offset: a float offset is exact only to 2²⁴.
      // Indices carry no gradient: computed without a graph.
      index.push(noGrad(() => add(mul(cast(where(inside, cy, 0), 'int32'), wIn), cast(where(inside, cx, 0), 'int32'))));
      if (weight) {
        weights.push(mul(weight, cast(inside, 'float32')));
      } else {
        // Nearest: 1 inside, 0 outside. A grid that requires grad gets PyTorch's zero gradient
        // (round's) through 0·cx, which is 0 wherever it is selected (cx is finite inside).
        weights.push(grid.requiresGrad ? where(inside, add(mul(cx, 0), 1), 0) : cast(inside, 'float32'));
      }
    }
    const k = corners.length;
    const idx = expand(cat(index, 2), [n, c, k * p]);
    const picked = reshape(gather(reshape(input, [n, c, hIn * wIn]), 2, idx), [n, c, k, p]);
    const w = reshape(cat(weights, 1), [n, 1, k, p]);
    // A corner outside reads pixel 0 with weight 0; its value is masked to 0 first, so a NaN or ∞
    // at pixel 0 does not reach points outside the image (PyTorch gives 0 there; a NaN grid
    // coordinate still gives NaN through its weight, as PyTorch's).
    const terms = mul(where(reshape(cat(insides, 1), [n, 1, k, p]), picked, 0), w);
    const out = k === 1 ? terms : sum(terms, 2);
    return reshape(out, [n, c, hOut, wOut]);
  });
}
