// Tensor methods, PyTorch style (x.add(y), x.sum({dim: 1}) …), delegating to the op functions.
import { backward, type BackwardOptions } from './autograd/backward.js';
import { Device, type DeviceLike } from './device.js';
import type { DType } from './dtype.js';
import { fromNative } from './errors.js';
import { native } from './native.js';
import * as ops from './ops/table/index.js';
import { Tensor } from './tensor.js';

declare module './tensor.js' {
  interface Tensor {
    add(other: ops.Operand): Tensor;
    mul(other: ops.Operand): Tensor;
    sum(options?: ops.ReduceOptions): Tensor;
    reshape(shape: readonly number[]): Tensor;
    view(shape: readonly number[]): Tensor;
    expand(shape: readonly number[]): Tensor;
    cast(dtype: DType): Tensor;
    /** A tensor on `device` (this one when already there). */
    to(device: DeviceLike): Tensor;
    cpu(): Tensor;
    cuda(index?: number): Tensor;
    /** The same values with no history (shares storage). */
    detach(): Tensor;
    backward(grad?: Tensor, options?: BackwardOptions): void;
  }
}

const proto = Tensor.prototype;
proto.add = function (other) {
  return ops.add(this, other);
};
proto.mul = function (other) {
  return ops.mul(this, other);
};
proto.sum = function (options) {
  return ops.sum(this, options);
};
proto.reshape = function (shape) {
  return ops.reshape(this, shape);
};
proto.view = proto.reshape;
proto.expand = function (shape) {
  return ops.expand(this, shape);
};
proto.cast = function (dtype) {
  return ops.cast(this, dtype);
};
proto.to = function (spec) {
  const device = Device.of(spec, 'to');
  if (device === this.device) return this;
  try {
    const handle = native().transfer(this.handle('to'), this.nbytes, device.typeId, device.index);
    return new Tensor(handle, this.shape, this.dtype, device);
  } catch (err) {
    throw fromNative(err);
  }
};
proto.cpu = function () {
  return this.to('cpu');
};
proto.cuda = function (index = 0) {
  return this.to(`cuda:${index}`);
};
proto.detach = function () {
  return new Tensor(native().share(this.handle('detach')), this.shape, this.dtype, this.device);
};
proto.backward = function (grad, options) {
  backward(this, grad, options);
};
