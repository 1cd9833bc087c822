// torchvision's adjust_brightness, adjust_contrast, adjust_saturation and adjust_hue
// (transforms/_functional_tensor.py) for float32 images [C, H, W] in [0, 1] — and clips
// [C, D, H, W], each frame adjusted as an image of its own, as torchvision treats a video's frames.
// Computed in float32 step by step like PyTorch, so they agree with torchvision to float32
// rounding. RGB images (3 channels) take all four; grayscale (1 channel) brightness and contrast.
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import type { NDArray } from '../ndarray.js';
import { planesOf, requireFloat32 } from './check.js';

const f32 = Math.fround;
const R = f32(0.2989);
const G = f32(0.587);
const B = f32(0.114);

/** The image's layout: channels c, frames d (1 for an image) and pixels per frame n; channel k of frame t starts at (k·d + t)·n. */
function layout(where: string, x: NDArray, rgbOnly: boolean): { src: Float32Array; c: number; d: number; n: number } {
  const { channels: c, h, w } = planesOf(where, x);
  const src = requireFloat32(where, x);
  if (rgbOnly ? c !== 3 : c !== 1 && c !== 3) {
    throw new ShapeError(`${where}: expected ${rgbOnly ? 'an RGB image (3 channels)' : 'an RGB (3 channels) or grayscale (1 channel) image'}, got ${c} channel${c === 1 ? '' : 's'} (shape [${x.shape.join(',')}])`);
  }
  return { src, c, d: x.shape.length === 4 ? x.shape[1] : 1, n: h * w };
}

function factorArg(where: string, name: string, v: unknown, lo = 0, hi = Infinity): number {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
    throw new ValueError(`${where}: ${name} expected a number in [${lo}, ${hi === Infinity ? '∞' : hi}]${lo === 0 && hi === Infinity ? ' (non-negative)' : ''}, got ${v}`);
  }
  return v;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** _blend(img, other, r): r·img + (1 − r)·other clamped to [0, 1], per element (other by index). */
function blend(src: Float32Array, ratio: number, other: (i: number) => number): Float32Array {
  const r = f32(ratio);
  const s = f32(1 - ratio);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = clamp01(f32(f32(r * src[i]) + f32(s * other(i))));
  return out;
}

/** rgb_to_grayscale of each frame: 0.2989 r + 0.587 g + 0.114 b, as [d, n]. */
function grayscale(src: Float32Array, d: number, n: number): Float32Array {
  const out = new Float32Array(d * n);
  for (let t = 0; t < d; t++) {
    const r = t * n;
    const g = (d + t) * n;
    const b = (2 * d + t) * n;
    for (let p = 0; p < n; p++) out[t * n + p] = f32(f32(f32(R * src[r + p]) + f32(G * src[g + p])) + f32(B * src[b + p]));
  }
  return out;
}

/** Scales the image by `factor` (0: black, 1: unchanged), clamped to [0, 1]. */
export function adjustBrightness(x: NDArray, factor: number): NDArray {
  const { src } = layout('adjustBrightness', x, false);
  factorArg('adjustBrightness', 'brightnessFactor', factor);
  return { data: blend(src, factor, () => 0), shape: x.shape };
}

/** Blends with the mean of the (grayscale) image: 0 gives a flat grey image, 1 the original. */
export function adjustContrast(x: NDArray, factor: number): NDArray {
  const { src, c, d, n } = layout('adjustContrast', x, false);
  factorArg('adjustContrast', 'contrastFactor', factor);
  const gray = c === 3 ? grayscale(src, d, n) : src;
  const means = new Float32Array(d);
  for (let t = 0; t < d; t++) {
    let sum = 0;
    for (let p = 0; p < n; p++) sum += gray[t * n + p];
    means[t] = f32(sum / n);
  }
  return { data: blend(src, factor, (i) => means[Math.floor(i / n) % d]), shape: x.shape };
}

/** Blends with the grayscale image: 0 gives grey, 1 the original, 2 doubles the saturation. RGB only. */
export function adjustSaturation(x: NDArray, factor: number): NDArray {
  const { src, d, n } = layout('adjustSaturation', x, true);
  factorArg('adjustSaturation', 'saturationFactor', factor);
  const gray = grayscale(src, d, n);
  return { data: blend(src, factor, (i) => gray[i % (d * n)]), shape: x.shape };
}

/** Shifts the hue by `factor` turns (in [-0.5, 0.5]) through torchvision's RGB → HSV → RGB. RGB only. */
export function adjustHue(x: NDArray, factor: number): NDArray {
  const { src, d, n } = layout('adjustHue', x, true);
  factorArg('adjustHue', 'hueFactor', factor, -0.5, 0.5);
  const shift = f32(factor);
  const out = new Float32Array(src.length);
  const plane = d * n;
  for (let i = 0; i < plane; i++) {
    const r = src[i];
    const g = src[plane + i];
    const b = src[2 * plane + i];
    // _rgb2hsv
    const maxc = Math.max(r, g, b);
    const minc = Math.min(r, g, b);
    const eqc = maxc === minc;
    const cr = f32(maxc - minc);
    const s = f32(cr / (eqc ? 1 : maxc));
    const div = eqc ? 1 : cr;
    const rc = f32(f32(maxc - r) / div);
    const gc = f32(f32(maxc - g) / div);
    const bc = f32(f32(maxc - b) / div);
    const hr = maxc === r ? f32(bc - gc) : 0;
    const hg = maxc === g && maxc !== r ? f32(f32(2 + rc) - bc) : 0;
    const hb = maxc !== g && maxc !== r ? f32(f32(4 + gc) - rc) : 0;
    let h = f32(f32(f32(hr + hg) + hb) / 6);
    h = f32(h + 1) % 1;
    // (h + hue_factor) % 1.0: torch's remainder, the sign of the divisor.
    h = f32(h + shift) % 1;
    if (h < 0) h = f32(h + 1);
    // _hsv2rgb
    const h6 = f32(h * 6);
    const sector = Math.floor(h6);
    const f = f32(h6 - sector);
    const v = maxc;
    const p = clamp01(f32(v * f32(1 - s)));
    const q = clamp01(f32(v * f32(1 - f32(s * f))));
    const t = clamp01(f32(v * f32(1 - f32(s * f32(1 - f)))));
    const k = ((sector % 6) + 6) % 6;
    // torchvision's a1, a2, a3 rows picked by the sector's mask.
    let ro: number, go: number, bo: number;
    switch (k) {
      case 0: ro = v; go = t; bo = p; break;
      case 1: ro = q; go = v; bo = p; break;
      case 2: ro = p; go = v; bo = t; break;
      case 3: ro = p; go = q; bo = v; break;
      case 4: ro = t; go = p; bo = v; break;
      default: ro = v; go = p; bo = q;
    }
    out[i] = ro;
    out[plane + i] = go;
    out[2 * plane + i] = bo;
  }
  return { data: out, shape: x.shape };
}
