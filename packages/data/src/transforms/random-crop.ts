// Pads an image [C, H, W] by `padding` on every side (with `fill`), then cuts a size[0]×size[1]
// window at a random position: the usual small-shift augmentation for MNIST-sized images. A clip
// or volume [C, D, H, W] gets the same window in every plane.
import { ShapeError, ValueError } from '@nutshell/tensor/errors';
import { planesOf } from './check.js';
import { cropPlanes } from './geometry.js';
import { type Transform, defineTransform } from './transform.js';
import { checkOptions } from '@nutshell/tensor/options';

export interface RandomCropOptions {
  /** Pixels added on each side before cropping (default 0). */
  padding?: number;
  /** Value of the padding (default 0). */
  fill?: number;
}

export function randomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): Transform {
  checkOptions('randomCrop', options, ['padding', 'fill']);
  const [ch, cw] = typeof size === 'number' ? [size, size] : size;
  const padding = options.padding ?? 0;
  const fill = options.fill ?? 0;
  for (const [name, v] of [['size', ch], ['size', cw], ['padding', padding]] as const) {
    if (!Number.isInteger(v) || v < (name === 'size' ? 1 : 0)) {
      throw new ValueError(`randomCrop: ${name} expected a ${name === 'size' ? 'positive' : 'non-negative'} integer, got ${JSON.stringify(name === 'size' ? size : padding)}`);
    }
  }
  if (typeof fill !== 'number' || !Number.isFinite(fill)) throw new ValueError(`randomCrop: fill expected a finite number, got ${fill}`);
  return defineTransform(
    (x, rng) => {
      const { planes, h, w } = planesOf('randomCrop', x);
      const ph = h + 2 * padding;
      const pw = w + 2 * padding;
      if (ch > ph || cw > pw) throw new ShapeError(`randomCrop: crop ${ch}x${cw} is larger than the padded image ${ph}x${pw} (image [${x.shape.join(',')}], padding ${padding})`);
      // Offsets into the padded image, drawn in a fixed order (top, then left).
      const top = rng.int(ph - ch + 1) - padding;
      const left = rng.int(pw - cw + 1) - padding;
      return cropPlanes(x, planes, h, w, top, left, ch, cw, fill);
    },
    { module: import.meta.url, name: 'randomCrop', args: [typeof size === 'number' ? size : [...size], { padding, fill }] },
  );
}
