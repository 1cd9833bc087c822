// Spatial transformers: PyTorch's F.affine_grid and F.grid_sample for 2-D images and 3-D volumes
// (registration and augmentation of CT/MRI). No kernel of their own, so both devices run them and
// gradients come from the parts:
// - affineGrid is PyTorch's base grid ([H·W, 3] rows (x, y, 1), or [D·H·W, 4] rows (x, y, z, 1),
//   made here as PyTorch's linspace makes it) times θᵀ, one broadcast matmul.
// - gridSample turns each grid point into pixel coordinates with elementwise ops (PyTorch's
//   unnormalisation, then border clipping or reflection), then picks the four (eight, in 3-D)
//   corners (bilinear; trilinear in 3-D, which PyTorch also calls 'bilinear') or the nearest
//   pixel from the input flattened to [N, C, H·W] ([N, C, D·H·W]) with one gather, and sums the
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
 * The sampling grid of a batch of affine maps (PyTorch's F.affine_grid): theta [N, 2, 3] and size
 * [N, C, H, W] give grid [N, H, W, 2], grid[n, h, w] = θₙ · (xᵥ, yₕ, 1); theta [N, 3, 4] and size
 * [N, C, D, H, W] give grid [N, D, H, W, 3], θₙ · (x, y, z, 1) — x along W, y along H, z along D,
 * spaced over [-1, 1] as PyTorch spaces them (pixel centres: alignCorners false, the default).
 * Differentiable with respect to theta. Feed the grid to gridSample.
 */
export function affineGrid(theta: Tensor, size: readonly number[], options: AffineGridOptions = {}): Tensor {
  const fn = 'affineGrid';
  floatArg(fn, 'theta', theta);
  if (!Array.isArray(size)) {
    throw new ValueError(`${fn}: size expected an array [N, C, H, W] or [N, C, D, H, W], got ${size === null ? 'null' : typeof size}`);
  }
  if ((size.length !== 4 && size.length !== 5) || !size.every((s) => Number.isSafeInteger(s) && s >= 1)) {
    throw new ValueError(`${fn}: size expected [N, C, H, W] or [N, C, D, H, W] (positive integers), got ${Array.isArray(size) ? `[${size.join(',')}]` : String(size)}`);
  }
  checkOptions(fn, options, ['alignCorners']);
  const alignCorners = booleanOption(fn, 'alignCorners', options.alignCorners);
  const n = size[0];
  const spatial = size.slice(2); // [H, W] or [D, H, W]
  const k = spatial.length;
  const t = theta.shape;
  if (t.length !== 3 || t[0] !== n || t[1] !== k || t[2] !== k + 1) {
    throw new ShapeError(`${fn}: theta expected [N, ${k}, ${k + 1}] = [${n},${k},${k + 1}] for size ${fmtShape(size)}, got ${fmtShape(t)}`);
  }
  return scope(() => {
    // Coordinates in the grid's order (x, y[, z]): the last spatial axis first.
    const axes = [...spatial].reverse().map((len) => baseCoordinates(len, alignCorners));
    const points = spatial.reduce((a, b) => a * b, 1);
    const base = new Float32Array(points * (k + 1));
    for (let p = 0; p < points; p++) {
      let rest = p;
      for (let a = 0; a < k; a++) {
        const len = axes[a].length;
        base[p * (k + 1) + a] = axes[a][rest % len];
        rest = Math.floor(rest / len);
      }
      base[p * (k + 1) + k] = 1;
    }
    // [points, k + 1] · θᵀ [N, k + 1, k] → [N, points, k], as PyTorch's base_grid.bmm(theta.transpose(1, 2)).
    const grid = matmul(tensor(base, { shape: [points, k + 1], device: theta.device }), transpose(theta, 1, 2));
    return reshape(grid, [n, ...spatial, k]);
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
 * F.grid_sample): grid[n, h, w] = (x, y) in [-1, 1] (x along W, y along H; -1, 1 the outer edges of
 * the image, or the corner pixels' centres with alignCorners), giving [N, C, H_out, W_out]; or a
 * volume [N, C, D_in, H_in, W_in] at grid [N, D_out, H_out, W_out, 3] points (x, y, z), giving
 * [N, C, D_out, H_out, W_out]. mode 'bilinear' (default; trilinear on a volume, as PyTorch's) or
 * 'nearest'; paddingMode 'zeros' (default), 'border' or 'reflection' for points outside.
 * Differentiable with respect to input and, for 'bilinear', grid ('nearest' gives the grid a zero
 * gradient, as PyTorch).
 */
export function gridSample(input: Tensor, grid: Tensor, options: GridSampleOptions = {}): Tensor {
  const fn = 'gridSample';
  floatArg(fn, 'input', input);
  floatArg(fn, 'grid', grid);
  checkOptions(fn, options, ['mode', 'paddingMode', 'alignCorners']);
  const mode = choiceOption(fn, 'mode', options.mode, gridSampleModes, (options.mode as string) === 'bicubic' ? " ('bicubic' is not supported)" : '');
  const padding = choiceOption(fn, 'paddingMode', options.paddingMode, gridSamplePaddingModes);
  const alignCorners = booleanOption(fn, 'alignCorners', options.alignCorners);
  const rank = input.shape.length;
  if (rank !== 4 && rank !== 5) throw new ShapeError(`${fn}: input expected [N, C, H_in, W_in] or [N, C, D_in, H_in, W_in], got ${fmtShape(input.shape)}`);
  const k = rank - 2;
  const layout = k === 2 ? '[N, H_out, W_out, 2]' : '[N, D_out, H_out, W_out, 3]';
  if (grid.shape.length !== rank || grid.shape[rank - 1] !== k) throw new ShapeError(`${fn}: grid expected ${layout} for a ${rank}-D input, got ${fmtShape(grid.shape)}`);
  const [n, c, ...inSizes] = input.shape;
  const [gn, ...outSizes] = grid.shape.slice(0, rank - 1);
  if (gn !== n) throw new ShapeError(`${fn}: grid expected input's batch size ${n} in dimension 0, got ${gn} (input ${fmtShape(input.shape)}, grid ${fmtShape(grid.shape)})`);
  if (inSizes.some((d) => d === 0)) throw new ShapeError(`${fn}: input expected non-empty spatial dimensions, got ${fmtShape(input.shape)}`);
  if (grid.device !== input.device) throw new DeviceError(`${fn}: grid expected a tensor on input's device ${input.device}, got one on ${grid.device}`);
  return scope(() => {
    const p = outSizes.reduce((a, b) => a * b, 1);
    // Per axis in the grid's order (x, y[, z]): its size in the input and its flat stride.
    const sizes = [...inSizes].reverse();
    const strides = sizes.map((_, a) => sizes.slice(0, a).reduce((m, d) => m * d, 1));
    const coords = sizes.map((size, a) => sourceIndex(reshape(narrow(grid, k + 1, a, 1), [n, 1, p]), size, padding, alignCorners));
    // Per corner: its coordinate along each axis (floats) and its weight [N, 1, P].
    let corners: { at: Tensor[]; weight: Tensor | null }[];
    if (mode === 'nearest') {
      corners = [{ at: coords.map((x) => round(x)), weight: null }];
    } else {
      const low = coords.map((x) => floor(x));
      const toHigh = coords.map((x, a) => sub(x, low[a])); // PyTorch's w (towards east), n (towards south) …
      const toLow = toHigh.map((t) => sub(1, t));
      const high = low.map((x0) => add(x0, 1));
      // Corner bits: bit a set takes the high side along axis a (2-D: nw, ne, sw, se as PyTorch);
      // the weight is the product over x, y, z in that order.
      corners = Array.from({ length: 1 << k }, (_, bits) => {
        const side = (a: number) => (bits >> a) & 1;
        const weight = sizes.map((_, a) => (side(a) ? toHigh[a] : toLow[a])).reduce((w, f) => mul(w, f));
        return { at: sizes.map((_, a) => (side(a) ? high[a] : low[a])), weight };
      });
    }
    const index: Tensor[] = [];
    const weights: Tensor[] = [];
    const insides: Tensor[] = [];
    for (const { at, weight } of corners) {
      // NaN and ±∞ fail the comparisons, so they are outside too.
      const inside = at.map((x, a) => logicalAnd(ge(x, 0), le(x, sizes[a] - 1))).reduce((m, v) => logicalAnd(m, v));
      insides.push(inside);
      // Coordinates as int32 before the flat offset: a float offset is exact only to 2²⁴.
      // Indices carry no gradient: computed without a graph.
      index.push(noGrad(() => at.map((x, a) => mul(cast(where(inside, x, 0), 'int32'), strides[a])).reduce((m, v) => add(m, v))));
      if (weight) {
        weights.push(mul(weight, cast(inside, 'float32')));
      } else {
        // Nearest: 1 inside, 0 outside. A grid that requires grad gets PyTorch's zero gradient
        // (round's) through 0·x, which is 0 wherever it is selected (x is finite inside).
        weights.push(grid.requiresGrad ? where(inside, add(mul(at[0], 0), 1), 0) : cast(inside, 'float32'));
      }
    }
    const count = corners.length;
    const pixels = inSizes.reduce((a, b) => a * b, 1);
    const idx = expand(cat(index, 2), [n, c, count * p]);
    const picked = reshape(gather(reshape(input, [n, c, pixels]), 2, idx), [n, c, count, p]);
    const w = reshape(cat(weights, 1), [n, 1, count, p]);
    // A corner outside reads pixel 0 with weight 0; its value is masked to 0 first, so a NaN or ∞
    // at pixel 0 does not reach points outside the image (PyTorch gives 0 there; a NaN grid
    // coordinate still gives NaN through its weight, as PyTorch's).
    const terms = mul(where(reshape(cat(insides, 1), [n, 1, count, p]), picked, 0), w);
    const out = count === 1 ? terms : sum(terms, 2);
    return reshape(out, [n, c, ...outSizes]);
  });
}
