// PyTorch's 3-d convolution layers over [N, C, D, H, W] (or unbatched [C, D, H, W]): video clips,
// CT and MRI volumes. The tensor package's conv3d and convTranspose3d do the work (oneDNN, cuDNN).
import { conv3d, convTranspose3d, ValueError, type Tensor } from '@nutshell/tensor';
import { checkPaddingMode, ConvLayer, CONV_OPTIONS, padForMode, type ConvAlgo, type PaddingMode } from './conv.js';
import { outputPaddingFor, TRANSPOSED_OPTIONS } from './conv-transpose.js';
import type { Triple } from './pool3d.js';

/** One number per axis (D, H, W) from a Triple. */
const triple = (v: Triple): [number, number, number] => (typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]]);

/** The kernel size, checked when the layer is made (a [kH, kW] pair made a 4-d weight that failed at forward). */
function kernelOf(layer: string, v: unknown): [number, number, number] {
  const k = typeof v === 'number' ? [v, v, v] : v;
  if (!Array.isArray(k) || k.length !== 3 || !k.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ValueError(`${layer}: kernelSize expected a positive integer or [kD, kH, kW], got ${JSON.stringify(v)}`);
  }
  return k as [number, number, number];
}

export interface Conv3dOptions {
  stride?: Triple;
  /** A number, [d, h, w], or 'same' / 'valid'. */
  padding?: Triple | 'same' | 'valid';
  dilation?: Triple;
  groups?: number;
  bias?: boolean;
  /** Convolution algorithm: cuDNN's on cuda ('auto' measures and caches the fastest). */
  algo?: ConvAlgo;
  /** How the padding is filled: 'zeros' (default), 'reflect', 'replicate' or 'circular', as PyTorch's padding_mode. */
  paddingMode?: PaddingMode;
}

/** 3-D convolution over [N, C, D, H, W]; weight [out, in/groups, kD, kH, kW] as PyTorch. */
export class Conv3d extends ConvLayer<Conv3dOptions> {
  readonly kernelSize: [number, number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Triple, options: Conv3dOptions = {}) {
    // Conv2d's options less the fused activation, which the 3-d op does not have.
    super('Conv3d', inChannels, outChannels, kernelSize, (groups) => [outChannels, inChannels / groups, ...kernelOf('Conv3d', kernelSize)], options, CONV_OPTIONS.filter((o) => o !== 'activation'));
    checkPaddingMode('Conv3d', options.paddingMode);
    this.kernelSize = triple(kernelSize);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, { paddingMode = 'zeros', ...options }: Omit<Conv3dOptions, 'bias'>): Tensor {
    if (paddingMode === 'zeros') return conv3d(x, weight, bias, options);
    const p = options.padding ?? 0;
    const padded = padForMode(x, paddingMode, typeof p === 'string' ? p : triple(p), this.kernelSize, triple(options.dilation ?? 1));
    try {
      return conv3d(padded, weight, bias, { ...options, padding: 0 });
    } finally {
      padded.dispose();
    }
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${o.stride ? `, stride=${o.stride}` : ''}${o.padding ? `, padding=${o.padding}` : ''}${o.dilation && o.dilation !== 1 ? `, dilation=${o.dilation}` : ''}${o.groups && o.groups !== 1 ? `, groups=${o.groups}` : ''}${this.bias ? '' : ', bias=false'}${o.algo ? `, algo=${o.algo}` : ''}${o.paddingMode && o.paddingMode !== 'zeros' ? `, paddingMode=${o.paddingMode}` : ''}`;
  }
}

export interface ConvTranspose3dOptions {
  stride?: Triple;
  /** The padding of the convolution this transposes: a number or [d, h, w]. */
  padding?: Triple;
  /** Extra planes/rows/columns at the back/bottom/right of the output (smaller than the stride or the dilation). */
  outputPadding?: Triple;
  dilation?: Triple;
  groups?: number;
  bias?: boolean;
  /** As Conv3d's (cuDNN's backward-data algorithms on cuda). */
  algo?: ConvAlgo;
}

/**
 * 3-D transposed convolution over [N, C, D, H, W] (PyTorch's ConvTranspose3d: the decoder of a
 * 3-d U-Net); weight [in, out/groups, kD, kH, kW] and bias [out], as PyTorch.
 */
export class ConvTranspose3d extends ConvLayer<ConvTranspose3dOptions> {
  readonly kernelSize: [number, number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Triple, options: ConvTranspose3dOptions = {}) {
    super('ConvTranspose3d', inChannels, outChannels, kernelSize, (groups) => [inChannels, outChannels / groups, ...kernelOf('ConvTranspose3d', kernelSize)], options, TRANSPOSED_OPTIONS);
    if (typeof options.padding === 'string') throw new ValueError(`ConvTranspose3d: padding expected a number or [d, h, w], got '${options.padding}'`);
    this.kernelSize = triple(kernelSize);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, options: Omit<ConvTranspose3dOptions, 'bias'>): Tensor {
    return convTranspose3d(x, weight, bias, options);
  }

  /** `outputSize` ([D, H, W] or [N, C, D, H, W]) picks the outputPadding, as PyTorch's forward(input, output_size). */
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    if (outputSize === undefined) return super.forward(x);
    const { bias: _, ...options } = this.options;
    const sides = triple(options.padding ?? 0).map((p) => 2 * p);
    const outputPadding = outputPaddingFor('ConvTranspose3d', x, outputSize, triple(options.stride ?? 1), sides, this.kernelSize, triple(options.dilation ?? 1));
    return this.run(x, this.weight, this.bias, { ...options, outputPadding: outputPadding as [number, number, number] });
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${o.stride ? `, stride=${o.stride}` : ''}${o.padding ? `, padding=${o.padding}` : ''}${o.outputPadding ? `, outputPadding=${o.outputPadding}` : ''}`;
  }
}
