// Cuts the central size[0]×size[1] window of every H×W plane, with torchvision's offsets:
// round((H − h) / 2) by Python's round (halves to even: a margin of 3 puts 2 rows above, of 5
// also 2), and a crop larger than the image zero-padded, (h − H) // 2 rows above.
import { planesOf } from './check.js';
import { cropPlanes, roundHalfEven, sizeArg } from './geometry.js';
import { type Transform, defineTransform } from './transform.js';

/** torchvision's F.center_crop offset of a c-long window on an n-long axis (negative: padded). */
export const centerOffset = (n: number, c: number): number => (c > n ? -Math.floor((c - n) / 2) : roundHalfEven((n - c) / 2));

export function centerCrop(size: number | readonly [number] | readonly [number, number]): Transform {
  const [ch, cw] = sizeArg('centerCrop', size);
  return defineTransform(
    (x) => {
      const { planes, h, w } = planesOf('centerCrop', x);
      return cropPlanes(x, planes, h, w, centerOffset(h, ch), centerOffset(w, cw), ch, cw);
    },
    { module: import.meta.url, name: 'centerCrop', args: [[ch, cw]] },
  );
}
