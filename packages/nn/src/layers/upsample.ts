import { checkOptions, ValueError, interpolate, type InterpolateOptions, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';

/** Resizes [N,C,L] or [N,C,H,W] (PyTorch's nn.Upsample): `interpolate` with fixed options. */
export class Upsample extends Module {
  constructor(readonly options: InterpolateOptions) {
    super();
    checkOptions('Upsample', options, ['size', 'scaleFactor', 'mode', 'alignCorners']);
    if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new ValueError("Upsample: expected exactly one of the options 'size' and 'scaleFactor'");
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${o.size !== undefined ? `size=${o.size}` : `scaleFactor=${o.scaleFactor}`}, mode=${o.mode ?? 'nearest'}${o.alignCorners !== undefined ? `, alignCorners=${o.alignCorners}` : ''}`;
  }
}
