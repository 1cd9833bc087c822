// torchvision's ColorJitter on float32 images [C, H, W] (or clips [C, D, H, W]) in [0, 1]: each
// call draws an order of the four adjustments and a factor for each one asked for, then applies
// them in that order (adjust-color.ts). The draws, in this fixed order: a permutation of
// (brightness, contrast, saturation, hue) by Fisher–Yates (rng.ts's permutation, torchvision's
// fn_idx = randperm(4)), then uniform factors for brightness, contrast, saturation and hue, only
// those given (as torchvision draws none for an unset one). A grayscale image (1 channel) takes
// brightness and contrast; saturation or hue on one is refused (torchvision leaves it unchanged).
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import type { NDArray } from '../ndarray.js';
import { permutation } from '../rng.js';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './adjust-color.js';
import { planesOf, requireFloat32 } from './check.js';
import { type Transform, defineTransform } from './transform.js';

export interface ColorJitterOptions {
  /** b or [min, max]: the factor is drawn from [max(0, 1 − b), 1 + b] or [min, max] (min ≥ 0). */
  brightness?: number | readonly [number, number];
  /** As brightness. */
  contrast?: number | readonly [number, number];
  /** As brightness. */
  saturation?: number | readonly [number, number];
  /** h or [min, max]: the shift is drawn from [−h, h] (h ≤ 0.5) or [min, max] within [−0.5, 0.5]. */
  hue?: number | readonly [number, number];
}

const NAMES = ['brightness', 'contrast', 'saturation', 'hue'] as const;
const ADJUST = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue];

/** torchvision's ColorJitter._check_input: the factor range, or null for "leave alone" (the default, or exactly [center, center]). */
function factorRange(name: (typeof NAMES)[number], value: unknown): [number, number] | null {
  if (value === undefined) return null;
  const hue = name === 'hue';
  const center = hue ? 0 : 1;
  const bound = hue ? [-0.5, 0.5] : [0, Infinity];
  let range: [number, number];
  if (typeof value === 'number') {
    if (!(value >= 0) || !Number.isFinite(value)) throw new ValueError(`colorJitter: ${name} as a single number expected a finite non-negative number, got ${value}`);
    range = [center - value, center + value];
    if (!hue) range[0] = Math.max(range[0], 0);
  } else if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    range = [value[0], value[1]];
  } else {
    throw new ValueError(`colorJitter: ${name} expected a number or [min, max], got ${JSON.stringify(value)}`);
  }
  if (!(bound[0] <= range[0] && range[0] <= range[1] && range[1] <= bound[1])) {
    throw new ValueError(`colorJitter: ${name} expected a range within [${bound[0]}, ${bound[1] === Infinity ? '∞' : bound[1]}] with min <= max, got [${range.join(', ')}]${typeof value === 'number' ? ` (from ${value})` : ''}`);
  }
  return range[0] === center && range[1] === center ? null : range;
}

export function colorJitter(options: ColorJitterOptions = {}): Transform {
  checkOptions('colorJitter', options, NAMES);
  const ranges = NAMES.map((name) => factorRange(name, options[name]));
  const args: ColorJitterOptions = {};
  NAMES.forEach((name, k) => {
    if (ranges[k]) args[name] = ranges[k];
  });
  return defineTransform(
    (x, rng) => {
      const { channels } = planesOf('colorJitter', x);
      requireFloat32('colorJitter', x);
      if (channels !== 1 && channels !== 3) {
        throw new ShapeError(`colorJitter: expected an RGB (3 channels) or grayscale (1 channel) image, got ${channels} channels (shape [${x.shape.join(',')}])`);
      }
      if (channels === 1 && (ranges[2] || ranges[3])) {
        throw new ShapeError(
          `colorJitter: ${ranges[2] && ranges[3] ? 'saturation and hue need' : ranges[2] ? 'saturation needs' : 'hue needs'} an RGB image (3 channels), got a grayscale image [${x.shape.join(',')}]; ` +
            `give a grayscale image only brightness and contrast`,
        );
      }
      const order = permutation(4, rng);
      const factors = ranges.map((r) => (r ? r[0] + (r[1] - r[0]) * rng.float() : null));
      let out: NDArray = x;
      for (const k of order) {
        const f = factors[k];
        if (f !== null) out = ADJUST[k](out, f);
      }
      return out;
    },
    { module: import.meta.url, name: 'colorJitter', args: [args] },
  );
}
