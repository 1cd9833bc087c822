// How imageGrid turns each image's values into pixels: one normalize mode for the grid, or one
// per image, or one per column (an image, its true mask and the predicted mask side by side
// want 'each', 'classes', 'classes'), and the class colours of 'classes'.

import { BLACK, CLASS_PALETTE, MISSING, type Rgb } from './color.js';
import { extent } from './extent.js';
import { PlotError } from './errors.js';
import { describeValue } from './options.js';
import type { PixelBuffer } from './png.js';
import { isByteData, type RasterImage, toPixels } from './raster.js';

/** One way of mapping an image's values to grey levels or colours; see ImageGridOptions.normalize. */
export type NormalizeMode = 'each' | 'all' | 'none' | 'classes' | readonly [number, number];

const NAMED = ['each', 'all', 'none', 'classes'];
const TAKES = "'each', 'all', 'none', 'classes' or [lo, hi] with lo < hi";

/**
 * The mode of each of `n` images laid out in `columns`. `normalize` is one mode for all, or a
 * list: one mode per image when it has `n` entries, else one per column when it has `columns`
 * (image i takes entry i % columns). A list of two numbers is the range [lo, hi], not a list.
 */
export function modesOf(normalize: unknown, n: number, columns: number): NormalizeMode[] {
  if (!Array.isArray(normalize) || normalize.every((v) => typeof v === 'number')) {
    if (!isMode(normalize)) throw new PlotError(`imageGrid: normalize must be ${TAKES}, got ${JSON.stringify(normalize)}`);
    return Array.from({ length: n }, () => normalize);
  }
  normalize.forEach((mode, i) => {
    if (!isMode(mode)) throw new PlotError(`imageGrid: normalize[${i}] must be ${TAKES}, got ${Array.isArray(mode) ? JSON.stringify(mode) : describeValue(mode)}`);
  });
  const modes = normalize as NormalizeMode[];
  if (modes.length === n) return modes;
  if (modes.length === columns) return Array.from({ length: n }, (_, i) => modes[i % columns]);
  throw new PlotError(`imageGrid: normalize has ${modes.length} modes, but a list takes one per image (${n}) or one per column (${columns})`);
}

function isMode(v: unknown): v is NormalizeMode {
  if (Array.isArray(v)) return v.length === 2 && v.every((e) => typeof e === 'number' && Number.isFinite(e)) && v[1] > v[0];
  return typeof v === 'string' && NAMED.includes(v);
}

/**
 * Refuses what 'classes' cannot draw: images of more than one channel, and float images that
 * are not whole numbers (probabilities or logits drawn as classes came out all grey, unexplained).
 * Integer and bool data pass, and so do floats that all hold whole numbers (a mask read as float32).
 */
export function checkClassImage(img: RasterImage, i: number): void {
  if (img.channels !== 1) throw new PlotError(`imageGrid: normalize 'classes' takes one-channel images of class indices, but images[${i}] has ${img.channels} channels`);
  if (ArrayBuffer.isView(img.data) && !isFloatArray(img.data)) return;
  const data = img.data;
  for (let p = 0; p < data.length; p++) {
    const v = data[p];
    if (!Number.isInteger(v)) {
      throw new PlotError(
        `imageGrid: normalize 'classes' expects integer or bool class labels in images[${i}], got ${typeName(data)} ` +
          `with non-integer values (${v} at data[${p}]); pass class indices (an argmax over the class scores) or another normalize mode for this image`,
      );
    }
  }
}

const isFloatArray = (data: ArrayBufferView) => data.constructor.name.startsWith('Float');

function typeName(data: RasterImage['data']): string {
  return ArrayBuffer.isView(data) ? data.constructor.name.replace(/Array$/, '').toLowerCase() : 'an array of numbers';
}

/**
 * Each image as pixels under its mode. Images under 'all' share one min..max, taken over those
 * images only; 'each' stretches an image over its own; 'none' reads floats as 0..1 and bytes as
 * 0..255; [lo, hi] maps lo..hi to black..white; 'classes' colours class indices.
 */
export function pixelsOf(images: RasterImage[], modes: NormalizeMode[]): PixelBuffer[] {
  const shared = sharedRange(images.filter((_, i) => modes[i] === 'all'));
  return images.map((img, i) => {
    const mode = modes[i];
    if (mode === 'classes') return classPixels(img);
    const range = Array.isArray(mode) ? (mode as [number, number]) : mode === 'each' ? extent(img.data) : mode === 'all' ? shared : null;
    return toPixels(img, range ?? (isByteData(img.data) ? [0, 255] : [0, 1]));
  });
}

// Class indices as colours (normalize: 'classes'): 0 black, k ≥ 1 the k-th class colour, other values grey.
function classPixels(img: RasterImage): PixelBuffer {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const v = Number(img.data[p]);
    const rgb: Rgb = v === 0 ? BLACK : Number.isInteger(v) && v > 0 && v < 255 ? CLASS_PALETTE[(v - 1) % CLASS_PALETTE.length] : MISSING;
    out.set(rgb, p * 3);
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}

function sharedRange(images: RasterImage[]): [number, number] | null {
  let range: [number, number] | null = null;
  for (const img of images) {
    const r = extent(img.data);
    if (r) range = range ? [Math.min(range[0], r[0]), Math.max(range[1], r[1])] : r;
  }
  return range;
}
