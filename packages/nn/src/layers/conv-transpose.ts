import { checkOptions, convTranspose1d, convTranspose2d, zeros, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkGroups, resetConvParameters, type ConvAlgo } from './conv.js';

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** The padding of the convolution this transposes: a number, [h, w] or [top, left, bottom, right]. */
  padding?: Pair | [number, number, number, number];
  /** Extra rows/columns at the bottom/right of the output (smaller than the stride). */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  /** As Conv2d's (cuDNN's backward-data algorithms on cuda). */
  algo?: ConvAlgo;
}

/**
 * 2-D transposed convolution over [N, C, H, W] (PyTorch's ConvTranspose2d: upsampling in
 * decoders, autoencoders, GANs); weight [in, out/groups, kH, kW] and bias [out], as PyTorch.
 */
export class ConvTranspose2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, readonly options: ConvTranspose2dOptions = {}) {
    super();
    checkOptions('ConvTranspose2d', options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias', 'algo']);
    const groups = options.groups ?? 1;
    checkGroups('ConvTranspose2d', inChannels, outChannels, groups);
    this.kernelSize = pair(kernelSize);
    this.weight = Parameter(zeros([inChannels, outChannels / groups, ...this.kernelSize]));
    this.bias = options.bias ?? true ? Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    const { bias: _, ...options } = this.options;
    return convTranspose2d(x, this.weight, this.bias, options);
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
export class ConvTranspose1d extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, readonly options: ConvTranspose1dOptions = {}) {
    super();
    checkOptions('ConvTranspose1d', options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias', 'algo']);
    const groups = options.groups ?? 1;
    checkGroups('ConvTranspose1d', inChannels, outChannels, groups);
    this.weight = Parameter(zeros([inChannels, outChannels / groups, kernelSize]));
    this.bias = options.bias ?? true ? Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    const { bias: _, ...options } = this.options;
    return convTranspose1d(x, this.weight, this.bias, options);
  }
}
