import { Device, getDefaultDevice, type DeviceLike } from '../../device.js';
import { checkDType, dtypes, type DType } from '../../dtype.js';
import { checkShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { applyOn } from '../apply.js';
import { ALL, defineOp } from '../declare.js';

/** A tensor of `shape` filled with one value, made on the device (no host copy). */
export const fillOp = defineOp<{ shape: readonly number[]; value: number; dtype: string }>({
  name: 'fill',
  inputs: [],
  attrs: { shape: { kind: 'ints' }, value: { kind: 'float' }, dtype: { kind: dtypes } },
  outputs: (_, a) => [{ shape: checkShape('fill', a.shape), dtype: a.dtype as DType }],
  backends: ['cpu'],
  test: { samples: [{ name: 'matrix', inputs: [], attrs: { shape: [2, 3], value: 1.5, dtype: 'float32' } }] },
});

export interface CreateOptions {
  dtype?: DType;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  const dtype = checkDType(options.dtype ?? 'float32', 'full');
  const device = options.device === undefined ? getDefaultDevice() : Device.of(options.device, 'full');
  const t = applyOn(device, fillOp, [], { shape, value, dtype })[0];
  return options.requiresGrad ? t.requiresGrad_() : t;
}
export const zeros = (shape: readonly number[], options?: CreateOptions): Tensor => full(shape, 0, options);
export const ones = (shape: readonly number[], options?: CreateOptions): Tensor => full(shape, 1, options);

const likeOptions = (t: Tensor, options: CreateOptions): CreateOptions => ({ dtype: t.dtype, device: t.device, ...options });
export const fullLike = (t: Tensor, value: number, options: CreateOptions = {}): Tensor => full(t.shape, value, likeOptions(t, options));
export const zerosLike = (t: Tensor, options: CreateOptions = {}): Tensor => full(t.shape, 0, likeOptions(t, options));
export const onesLike = (t: Tensor, options: CreateOptions = {}): Tensor => full(t.shape, 1, likeOptions(t, options));
