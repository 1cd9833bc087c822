// uint8 pixels to float32 in [0, 1] (what torchvision's ToTensor does to values).
import { DTypeError } from '@nutshell/tensor/errors';
import { type Transform, defineTransform } from './transform.js';

export function toFloat(): Transform {
  return defineTransform(
    (x) => {
      if (x.data instanceof Float32Array) return x;
      if (!(x.data instanceof Uint8Array)) throw new DTypeError(`toFloat: expected uint8 or float32 values, got ${x.data.constructor.name}`);
      const src = x.data;
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
      return { data: out, shape: x.shape };
    },
    { module: import.meta.url, name: 'toFloat', args: [] },
  );
}
