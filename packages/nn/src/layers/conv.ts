import { checkOptions, conv1d, conv2d, pad, zeros, type Tensor } from '@nutshell/tensor';
import { ValueError } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { positionalArgs } from './arg-checks.js';

export type Pair = number | [number, number];
export const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

export type ConvAlgo = 'auto' | 'heuristic' | 'implicitGemm' | 'implicitPrecompGemm' | 'gemm' | 'direct' | 'fft' | 'fftTiling' | 'winograd' | 'winogradNonfused';

export interface Conv2dOptions {
  stride?: Pair;
  /** A number, [h, w], [top, left, bottom, right], or 'same' / 'valid'. */
  padding?: Pair | [number, number, number, number] | 'same' | 'valid';
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
  /** How the padding is filled: 'zeros' (default), or the input 'reflect'ed, 'replicate'd or wrapped ('circular'), as PyTorch's padding_mode. */
  paddingMode?: PaddingMode;
}

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

export function checkPaddingMode(layer: string, mode: unknown): void {
  if (mode !== undefined && !PADDING_MODES.includes(mode as PaddingMode)) {
    throw new ValueError(`${layer}: paddingMode expected one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  }
}

/**
 * A padding mode other than zeros, as PyTorch runs it: the input padded first (pad's amounts,
 * last dim first; 'same' split as PyTorch splits it, the odd one on the right), then convolved
 * unpadded.
 */
export function padForMode(x: Tensor, mode: Exclude<PaddingMode, 'zeros'>, padding: number[] | 'same' | 'valid', kernel: number[], dilation: number[]): Tensor {
  const pads: number[] = [];
  if (Array.isArray(padding) && padding.length === 2 * kernel.length) {
    // [top, left, bottom, right] (conv2d's asymmetric form): pad's order is last dim first.
    for (let d = kernel.length - 1; d >= 0; d--) pads.push(padding[d], padding[d + kernel.length]);
    return pad(x, pads, { mode });
  }
  for (let d = kernel.length - 1; d >= 0; d--) {
    if (padding === 'valid') pads.push(0, 0);
    else if (padding === 'same') {
      const total = dilation[d] * (kernel[d] - 1);
      pads.push(Math.floor(total / 2), total - Math.floor(total / 2));
    } else pads.push(padding[d], padding[d]);
  }
  return pad(x, pads, { mode });
}

/** Refuses channel counts that `groups` does not divide (a layer's constructor). */
function checkGroups(layer: string, inChannels: number, outChannels: number, groups: number): void {
  if (!(Number.isSafeInteger(groups) && groups >= 1)) throw new ValueError(`${layer}: groups expected a positive integer, got ${groups}`);
  // Name the count that groups does not divide (a user read "8 must be divisible by 2" of 3 and 8).
  const bad = [['inChannels', inChannels], ['outChannels', outChannels]].filter(([, n]) => (n as number) % groups !== 0);
  if (bad.length) throw new ValueError(`${layer}: ${bad.map(([name, n]) => `${name} (${n})`).join(' and ')} must be divisible by groups (${groups})`);
}

/** PyTorch refuses padding 'same' with a stride other than 1 when the layer is made, not at forward. */
function checkSamePadding(layer: string, options: { padding?: unknown; stride?: unknown }): void {
  if (options.padding !== 'same') return;
  const strides = [options.stride ?? 1].flat();
  if (strides.some((s) => s !== 1)) throw new ValueError(`${layer}: padding 'same' is not supported for strided convolutions (stride ${JSON.stringify(options.stride)}), as in PyTorch; give the padding in numbers`);
}

/**
 * What every convolution layer is (transposed ones too): its options checked, a weight whose shape
 * the layer gives, an optional bias [outChannels], PyTorch's initialisation (weight Kaiming-uniform
 * with a = √5, bias uniform in ±1/√fanIn); forward hands its options, less `bias`, to `run`.
 */
export abstract class ConvLayer<O extends { groups?: number; bias?: boolean }> extends Module {
  weight: Tensor;
  bias: Tensor | null;

  protected constructor(
    layer: string,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: unknown,
    weightShape: (groups: number) => number[],
    readonly options: O,
    optionNames: readonly string[],
  ) {
    super();
    positionalArgs(layer, ['inChannels', 'outChannels', 'kernelSize'], [inChannels, outChannels, kernelSize], true);
    checkOptions(layer, options, optionNames);
    const groups = options.groups ?? 1;
    checkGroups(layer, inChannels, outChannels, groups);
    checkSamePadding(layer, options as { padding?: unknown; stride?: unknown });
    this.weight = Parameter(zeros(weightShape(groups)));
    this.bias = options.bias ?? true ? Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = init.fans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform(this.bias, -bound, bound);
    }
  }

  /** The functional form: conv2d, conv1d, convTranspose2d … */
  protected abstract run(x: Tensor, weight: Tensor, bias: Tensor | null, options: Omit<O, 'bias'>): Tensor;

  forward(x: Tensor): Tensor {
    const { bias: _, ...options } = this.options;
    return this.run(x, this.weight, this.bias, options);
  }
}

export const CONV_OPTIONS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'algo', 'activation', 'paddingMode'];

/** 2-D convolution over [N, C, H, W]; weight [out, in/groups, kH, kW] as PyTorch. */
export class Conv2d extends ConvLayer<Conv2dOptions> {
  readonly kernelSize: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernelSize, (groups) => [outChannels, inChannels / groups, ...pair(kernelSize)], options, CONV_OPTIONS);
    checkPaddingMode('Conv2d', options.paddingMode);
    this.kernelSize = pair(kernelSize);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, { paddingMode = 'zeros', ...options }: Omit<Conv2dOptions, 'bias'>): Tensor {
    if (paddingMode === 'zeros') return conv2d(x, weight, bias, options);
    const p = options.padding ?? 0;
    const padded = padForMode(x, paddingMode, typeof p === 'string' ? p : Array.isArray(p) && p.length === 4 ? [...p] : pair(p as Pair), this.kernelSize, pair(options.dilation ?? 1));
    try {
      return conv2d(padded, weight, bias, { ...options, padding: 0 });
    } finally {
      padded.dispose();
    }
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${o.stride ? `, stride=${o.stride}` : ''}${o.padding ? `, padding=${o.padding}` : ''}${o.dilation && o.dilation !== 1 ? `, dilation=${o.dilation}` : ''}${o.groups && o.groups !== 1 ? `, groups=${o.groups}` : ''}${this.bias ? '' : ', bias=false'}${o.algo ? `, algo=${o.algo}` : ''}${o.activation && o.activation !== 'none' ? `, activation=${o.activation}` : ''}${o.paddingMode && o.paddingMode !== 'zeros' ? `, paddingMode=${o.paddingMode}` : ''}`;
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
  /** As Conv2d's. */
  paddingMode?: PaddingMode;
}

/** 1-D convolution over [N, C, L]; weight [out, in/groups, k]. */
export class Conv1d extends ConvLayer<Conv1dOptions> {
  constructor(inChannels: number, outChannels: number, readonly kernelSize: number, options: Conv1dOptions = {}) {
    super('Conv1d', inChannels, outChannels, kernelSize, (groups) => [outChannels, inChannels / groups, kernelSize], options, CONV_OPTIONS);
    checkPaddingMode('Conv1d', options.paddingMode);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, { paddingMode = 'zeros', ...options }: Omit<Conv1dOptions, 'bias'>): Tensor {
    if (paddingMode === 'zeros') return conv1d(x, weight, bias, options);
    const p = options.padding ?? 0;
    const padded = padForMode(x, paddingMode, typeof p === 'string' ? p : [p], [this.kernelSize], [options.dilation ?? 1]);
    try {
      return conv1d(padded, weight, bias, { ...options, padding: 0 });
    } finally {
      padded.dispose();
    }
  }
}
