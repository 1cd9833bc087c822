// pixelShuffle and pixelUnshuffle (Shi et al. 2016's sub-pixel convolution, as
// torch.nn.functional.pixel_shuffle / pixel_unshuffle): a reshape, a permute and a reshape, so
// any dtype and both devices, with gradients through the permute.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { permute, reshape } from './shape.js';

function checkArgs(fn: string, x: Tensor, factor: number, arg: string): void {
  tensorArg(fn, 'input', x);
  if (!Number.isSafeInteger(factor) || factor < 1) throw new ValueError(`${fn}: ${arg} expected a positive integer, got ${factor}`);
  if (x.shape.length < 3) throw new ShapeError(`${fn}: input expected at least 3 dimensions [*, C, H, W], got ${fmtShape(x.shape)}`);
}

/**
 * [*, C·r², H, W] → [*, C, H·r, W·r] (r = upscaleFactor): each group of r² channels becomes an
 * r×r block of pixels, channel c·r² + i·r + j landing at row offset i, column offset j.
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkArgs('pixelShuffle', x, upscaleFactor, 'upscaleFactor');
  const r = upscaleFactor;
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  if (c % (r * r) !== 0) {
    throw new ShapeError(`pixelShuffle: input's channels (dim -3) expected a multiple of upscaleFactor² = ${r * r}, got ${c} (input ${fmtShape(x.shape)})`);
  }
  const k = lead.length;
  const keep = lead.map((_, i) => i);
  return scope(() => {
    const split = reshape(x, [...lead, c / (r * r), r, r, h, w]);
    const moved = permute(split, [...keep, k, k + 3, k + 1, k + 4, k + 2]); // [*, C, H, r, W, r]
    return reshape(moved, [...lead, c / (r * r), h * r, w * r]);
  });
}

/** [*, C, H·r, W·r] → [*, C·r², H, W] (r = downscaleFactor): pixelShuffle's inverse. */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkArgs('pixelUnshuffle', x, downscaleFactor, 'downscaleFactor');
  const r = downscaleFactor;
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  for (const [name, size] of [['height (dim -2)', h], ['width (dim -1)', w]] as const) {
    if (size % r !== 0) throw new ShapeError(`pixelUnshuffle: input's ${name} expected a multiple of downscaleFactor ${r}, got ${size} (input ${fmtShape(x.shape)})`);
  }
  const k = lead.length;
  const keep = lead.map((_, i) => i);
  return scope(() => {
    const split = reshape(x, [...lead, c, h / r, r, w / r, r]);
    const moved = permute(split, [...keep, k, k + 2, k + 4, k + 1, k + 3]); // [*, C, r, r, H/r, W/r]
    return reshape(moved, [...lead, c * r * r, h / r, w / r]);
  });
}
