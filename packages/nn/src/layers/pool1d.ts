// PyTorch's 1-d pooling layers (MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d) over
// [N, C, L] or unbatched [C, L], for text CNNs: their settings checked when made, the pooling the
// tensor package's functions (maxPool1d …, on the 2-d ops).
import { adaptiveAvgPool1d, adaptiveMaxPool1d, avgPool1d, checkOptions, maxPool1d, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { outputSizeOnly, positionalArgs } from './arg-checks.js';

/** A 1-d size: a number, or a one-element array as PyTorch's (k,). */
type Single = number | readonly [number];

function single(layer: string, name: string, v: unknown, min: number): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw new ValueError(`${layer}: ${name} expected an integer >= ${min} (or [${name}]), got ${JSON.stringify(v)}`);
  }
  return n;
}

export interface MaxPool1dOptions {
  /** The window step (default kernelSize). */
  stride?: Single;
  /** Implicit −∞ padding on both sides, at most half the kernel (default 0). */
  padding?: Single;
  /** Spacing between the window's elements (default 1). */
  dilation?: Single;
  /** Round the output length up rather than down (default false). */
  ceilMode?: boolean;
}

/** The largest value of each window along the length of [N, C, L] (or [C, L]), as torch.nn.MaxPool1d. */
export class MaxPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;

  constructor(kernelSize: Single, options: MaxPool1dOptions = {}) {
    super();
    positionalArgs('MaxPool1d', ['kernelSize'], [kernelSize], true);
    checkOptions('MaxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.kernelSize = single('MaxPool1d', 'kernelSize', kernelSize, 1);
    this.stride = options.stride === undefined || options.stride === null ? this.kernelSize : single('MaxPool1d', 'stride', options.stride, 1);
    this.padding = single('MaxPool1d', 'padding', options.padding ?? 0, 0);
    this.dilation = single('MaxPool1d', 'dilation', options.dilation ?? 1, 1);
    this.ceilMode = options.ceilMode ?? false;
    if (this.padding > Math.floor(this.kernelSize / 2)) {
      throw new ValueError(`MaxPool1d: padding ${this.padding} should be at most half of kernelSize ${this.kernelSize}`);
    }
  }

  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  protected override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceilMode=${this.ceilMode}`;
  }
}

export interface AvgPool1dOptions {
  /** The window step (default kernelSize). */
  stride?: Single;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: Single;
  /** Round the output length up rather than down (default false). */
  ceilMode?: boolean;
  /** Whether padded positions count in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** The mean of each window along the length of [N, C, L] (or [C, L]), as torch.nn.AvgPool1d. */
export class AvgPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Single, options: AvgPool1dOptions = {}) {
    super();
    positionalArgs('AvgPool1d', ['kernelSize'], [kernelSize], true);
    checkOptions('AvgPool1d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    this.kernelSize = single('AvgPool1d', 'kernelSize', kernelSize, 1);
    this.stride = options.stride === undefined || options.stride === null ? this.kernelSize : single('AvgPool1d', 'stride', options.stride, 1);
    this.padding = single('AvgPool1d', 'padding', options.padding ?? 0, 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    if (this.padding > Math.floor(this.kernelSize / 2)) {
      throw new ValueError(`AvgPool1d: padding ${this.padding} should be at most half of kernelSize ${this.kernelSize}`);
    }
  }

  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  protected override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

/** An adaptive 1-d pooling layer: its output size, checked when made, and the function that pools. */
abstract class AdaptivePool1d extends Module {
  readonly outputSize: number;

  protected constructor(outputSize: Single, private readonly pool: (x: Tensor, outputSize: number) => Tensor) {
    super();
    positionalArgs(this.constructor.name, ['outputSize'], [outputSize]);
    this.outputSize = single(this.constructor.name, 'outputSize', outputSize, 1);
  }

  forward(x: Tensor): Tensor {
    return this.pool(x, this.outputSize);
  }

  protected override extraRepr(): string {
    return `outputSize=${this.outputSize}`;
  }
}

/** Average pooling to `outputSize` positions, windows [floor(i·L/O), ceil((i+1)·L/O)) as torch.nn.AdaptiveAvgPool1d. */
export class AdaptiveAvgPool1d extends AdaptivePool1d {
  constructor(outputSize: Single, ...extra: never[]) {
    super(outputSize, adaptiveAvgPool1d);
    outputSizeOnly('AdaptiveAvgPool1d', extra);
  }
}

/**
 * Max pooling to `outputSize` positions, with AdaptiveAvgPool1d's windows, as
 * torch.nn.AdaptiveMaxPool1d (`AdaptiveMaxPool1d(1)` is a text CNN's max over time). PyTorch's
 * returnIndices is not offered.
 */
export class AdaptiveMaxPool1d extends AdaptivePool1d {
  constructor(outputSize: Single, ...extra: never[]) {
    super(outputSize, adaptiveMaxPool1d);
    outputSizeOnly('AdaptiveMaxPool1d', extra);
  }
}
