// Shape and dtype checks shared by the image transforms.
import { DTypeError, ShapeError } from '@nutshell/tensor/errors';
import { type NDArray, isNDArray, describe } from '../ndarray.js';

/** The [C, H, W] of an image sample, or a clear refusal. */
export function chw(where: string, x: NDArray): [number, number, number] {
  if (!isNDArray(x)) throw new ShapeError(`${where}: expected an image { data, shape: [C, H, W] }, got ${describe(x)}`);
  if (x.shape.length !== 3) throw new ShapeError(`${where}: expected an image of shape [C, H, W], got [${x.shape.join(',')}]`);
  return x.shape as [number, number, number];
}

export function requireFloat32(where: string, x: NDArray): Float32Array {
  if (!(x.data instanceof Float32Array)) {
    throw new DTypeError(`${where}: expected float32 values, got ${x.data.constructor.name}; put toFloat() before it`);
  }
  return x.data;
}
