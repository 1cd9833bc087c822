import { checkOptions, ValueError, interpolate, interpolateModes, type InterpolateOptions, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';

/** Resizes [N,C,L], [N,C,H,W] or [N,C,D,H,W] (PyTorch's nn.Upsample): `interpolate` with fixed options ('trilinear' for volumes). */
export class Upsample extends Module {
  constructor(readonly options: InterpolateOptions) {
    super();
    checkOptions('Upsample', options, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
    if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new ValueError("Upsample: expected exactly one of the options 'size' and 'scaleFactor'");
    // Refused here, not at the first forward (user trial AO: a mode interpolate lacked got through to it).
    const mode = options.mode ?? 'nearest';
    if (!interpolateModes.includes(mode)) {
      throw new ValueError(`Upsample: option 'mode' expected one of ${interpolateModes.map((m) => `'${m}'`).join(', ')}, got '${String(mode)}'`);
    }
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${o.size !== undefined ? `size=${o.size}` : `scaleFactor=${o.scaleFactor}`}, mode=${o.mode ?? 'nearest'}${o.alignCorners !== undefined ? `, alignCorners=${o.alignCorners}` : ''}`;
  }
}

/** Upsampling options without a mode: the fixed-mode layers below. */
export type FixedModeUpsampleOptions = Pick<InterpolateOptions, 'size' | 'scaleFactor'>;

/** PyTorch's nn.UpsamplingNearest2d (older U-Nets use it): Upsample with mode 'nearest'. */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: FixedModeUpsampleOptions) {
    checkOptions('UpsamplingNearest2d', options, ['size', 'scaleFactor']);
    super({ ...options, mode: 'nearest' });
  }
}

/** PyTorch's nn.UpsamplingBilinear2d: Upsample with mode 'bilinear' and alignCorners true, as PyTorch's. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: FixedModeUpsampleOptions) {
    checkOptions('UpsamplingBilinear2d', options, ['size', 'scaleFactor']);
    super({ ...options, mode: 'bilinear', alignCorners: true });
  }
}
