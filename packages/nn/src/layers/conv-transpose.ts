import { convTranspose1d, convTranspose2d, type Tensor } from '@nutshell/tensor';
import { ConvLayer, type ConvAlgo } from './conv.js';

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** The padding of the convolution this transposes: a number, [h, w] or [top, left, bottom, right]. */
  padding?: Pair | [number, number, number, number];
  /** Extra rows/columns at the bottom/right of the output (smaller than the stride or the dilation). */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  /** As Conv2d's (cuDNN's backward-data algorithms on cuda). */
  algo?: ConvAlgo;
}

const TRANSPOSED_OPTIONS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias', 'algo'];

/**
 * 2-D transposed convolution over [N, C, H, W] (PyTorch's ConvTranspose2d: upsampling in
 * decoders, autoencoders, GANs); weight [in, out/groups, kH, kW] and bias [out], as PyTorch.
 */
export class ConvTranspose2d extends ConvLayer<ConvTranspose2dOptions> {
  readonly kernelSize: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTranspose2dOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, (groups) => [inChannels, outChannels / groups, ...pair(kernelSize)], options, TRANSPOSED_OPTIONS);
    this.kernelSize = pair(kernelSize);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, options: Omit<ConvTranspose2dOptions, 'bias'>): Tensor {
    return convTranspose2d(x, weight, bias, options);
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${o.stride ? `, stride=${o.stride}` : ''}${o.padding ? `, padding=${o.padding}` : ''}${o.outputPadding ? `, outputPadding=${o.outputPadding}` : ''}`;
  }
}

export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number | [number, number];
  outputPadding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
  algo?: ConvAlgo;
}

/** 1-D transposed convolution over [N, C, L]; weight [in, out/groups, k]. */
export class ConvTranspose1d extends ConvLayer<ConvTranspose1dOptions> {
  constructor(inChannels: number, outChannels: number, readonly kernelSize: number, options: ConvTranspose1dOptions = {}) {
    super('ConvTranspose1d', inChannels, outChannels, (groups) => [inChannels, outChannels / groups, kernelSize], options, TRANSPOSED_OPTIONS);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, options: Omit<ConvTranspose1dOptions, 'bias'>): Tensor {
    return convTranspose1d(x, weight, bias, options);
  }
}
