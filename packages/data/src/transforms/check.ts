// Shape and dtype checks shared by the image transforms.
import { DTypeError, ShapeError } from '@nutshell/tensor/errors';
import { type NDArray, isNDArray, describe } from '../ndarray.js';

/**
 * An image [C, H, W] or a clip/volume [C, D, H, W] (Conv3d's layout): its channels, the number of
 * H×W planes (C, or C·D) and the plane's height and width — or a clear refusal. The spatial
 * transforms act on every plane alike (a clip's frames are flipped and cropped together, as
 * torchvision's v2 transforms treat the dims before H and W).
 */
export function planesOf(where: string, x: NDArray): { channels: number; planes: number; h: number; w: number } {
  if (!isNDArray(x)) throw new ShapeError(`${where}: expected an image { data, shape: [C, H, W] }, got ${describe(x)}`);
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new ShapeError(`${where}: expected an image of shape [C, H, W] or a clip/volume [C, D, H, W], got [${x.shape.join(',')}]`);
  }
  const s = x.shape;
  return { channels: s[0], planes: s.length === 4 ? s[0] * s[1] : s[0], h: s[s.length - 2], w: s[s.length - 1] };
}

export function requireFloat32(where: string, x: NDArray): Float32Array {
  if (!(x.data instanceof Float32Array)) {
    throw new DTypeError(`${where}: expected float32 values, got ${x.data.constructor.name}; put toFloat() before it`);
  }
  return x.data;
}
