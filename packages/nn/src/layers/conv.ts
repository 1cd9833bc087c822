import { checkOptions, conv1d, conv2d, zeros, type Tensor } from '@nutshell/tensor';
import { ValueError } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

export type ConvAlgo = 'auto' | 'heuristic' | 'implicitGemm' | 'implicitPrecompGemm' | 'gemm' | 'direct' | 'fft' | 'fftTiling' | 'winograd' | 'winogradNonfused';

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  /** Convolution algorithm: cuDNN's on cuda ('auto' measures and caches the fastest). */
  algo?: ConvAlgo;
  /**
   * 'relu' applies relu to the output inside the convolution's kernel, like tfjs/Keras layers'
   * `activation` (one pass over the output instead of three); default 'none'.
   */
  activation?: 'none' | 'relu';
}

/**
 * PyTorch's initialisation of every convolution (transposed ones too): weight Kaiming-uniform with
 * a = √5, bias uniform in ±1/√fanIn, fanIn from the weight's second dimension and kernel.
 */
export function resetConvParameters(weight: Tensor, bias: Tensor | null): void {
  init.kaimingUniform(weight, { a: Math.sqrt(5) });
  if (bias) {
    const { fanIn } = init.fans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    init.uniform(bias, -bound, bound);
  }
}

/** Refuses channel counts that `groups` does not divide (a layer's constructor). */
export function checkGroups(layer: string, inChannels: number, outChannels: number, groups: number): void {
  if (!(Number.isSafeInteger(groups) && groups >= 1) || inChannels % groups || outChannels % groups) {
    throw new ValueError(`${layer}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
  }
}

/** 2-D convolution over [N, C, H, W]; weight [out, in/groups, kH, kW] as PyTorch. */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, readonly options: Conv2dOptions = {}) {
    super();
    checkOptions('Conv2d', options, ['stride', 'padding', 'dilation', 'groups', 'bias', 'algo', 'activation']);
    const groups = options.groups ?? 1;
    checkGroups('Conv2d', inChannels, outChannels, groups);
    this.kernelSize = pair(kernelSize);
    this.weight = Parameter(zeros([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = options.bias ?? true ? Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    const { bias: _, ...options } = this.options;
    return conv2d(x, this.weight, this.bias, options);
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${o.stride ? `, stride=${o.stride}` : ''}${o.padding ? `, padding=${o.padding}` : ''}${o.algo ? `, algo=${o.algo}` : ''}${o.activation && o.activation !== 'none' ? `, activation=${o.activation}` : ''}`;
  }
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
  bias?: boolean;
  algo?: ConvAlgo;
  /** As Conv2d's. */
  activation?: 'none' | 'relu';
}

/** 1-D convolution over [N, C, L]; weight [out, in/groups, k]. */
export class Conv1d extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, readonly options: Conv1dOptions = {}) {
    super();
    checkOptions('Conv1d', options, ['stride', 'padding', 'dilation', 'groups', 'bias', 'algo', 'activation']);
    const groups = options.groups ?? 1;
    checkGroups('Conv1d', inChannels, outChannels, groups);
    this.weight = Parameter(zeros([outChannels, inChannels / groups, kernelSize]));
    this.bias = options.bias ?? true ? Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    const { bias: _, ...options } = this.options;
    return conv1d(x, this.weight, this.bias, options);
  }
}
