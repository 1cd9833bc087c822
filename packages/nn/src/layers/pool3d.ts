// PyTorch's 3-d pooling layers (MaxPool3d, MaxUnpool3d, AvgPool3d, AdaptiveAvgPool3d,
// AdaptiveMaxPool3d) over [N, C, D, H, W] or unbatched [C, D, H, W], for video and volumes: their
// settings checked when made (a bad kernel is refused at construction, not at the first batch),
// the pooling the tensor package's functions (maxPool3d, maxUnpool3d …).
import { adaptiveAvgPool3d, adaptiveMaxPool3d, avgPool3d, checkOptions, maxPool3d, maxUnpool3d, ValueError, type MaxPoolWithIndices, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { outputSizeOnly, positionalArgs } from './arg-checks.js';

/** A 3-d size: one number for every axis, or [d, h, w]. */
export type Triple = number | readonly [number, number, number];

/** `v` checked as a number or [d, h, w] of integers >= min; returned as given. */
function triple(layer: string, name: string, v: unknown, min: number): Triple {
  const t = typeof v === 'number' ? [v] : Array.isArray(v) && v.length === 3 ? v : null;
  if (!t || !t.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= min)) {
    throw new ValueError(`${layer}: ${name} expected an integer >= ${min} or [d, h, w] of them, got ${JSON.stringify(v)}`);
  }
  return v as Triple;
}

const perAxis = (v: Triple): number[] => (typeof v === 'number' ? [v, v, v] : [...v]);

/** A size as PyTorch prints it: a number, or [d, h, w]. */
const fmt = (v: Triple | readonly (number | null)[]): string => (typeof v === 'number' ? String(v) : `[${v.map((d) => d ?? 'null').join(', ')}]`);

/** The window's sizes checked, as PyTorch does (padding at most half the kernel, per axis). */
function windowOf(layer: string, kernelSize: unknown, o: { stride?: unknown; padding?: unknown }) {
  const kernel = triple(layer, 'kernelSize', kernelSize, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : triple(layer, 'stride', o.stride, 1);
  const padding = triple(layer, 'padding', o.padding ?? 0, 0);
  const k = perAxis(kernel);
  const p = perAxis(padding);
  if (p.some((pad, i) => pad > Math.floor(k[i] / 2))) throw new ValueError(`${layer}: padding [${p.join(',')}] should be at most half of kernelSize [${k.join(',')}]`);
  return { kernel, stride, padding };
}

function flag(layer: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ValueError(`${layer}: option '${name}' expected a boolean, got ${JSON.stringify(v)}`);
  return v;
}

export interface MaxPool3dOptions {
  /** The window step (default kernelSize). */
  stride?: Triple | null;
  /** Implicit −∞ padding on both sides of each axis, at most half the kernel (default 0). */
  padding?: Triple;
  /** Spacing between the window's elements (default 1). */
  dilation?: Triple;
  /** Round each output size up rather than down (default false). */
  ceilMode?: boolean;
  /** forward returns { output, indices } (also [output, indices]) for MaxUnpool3d, as PyTorch's return_indices. */
  returnIndices?: boolean;
}

/**
 * The largest value of each window of [N, C, D, H, W] (or [C, D, H, W]), as torch.nn.MaxPool3d;
 * with `returnIndices: true` forward returns { output, indices }.
 */
export class MaxPool3d<R extends boolean = false> extends Module {
  readonly kernelSize: Triple;
  readonly stride: Triple;
  readonly padding: Triple;
  readonly dilation: Triple;
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  constructor(kernelSize: Triple, options: MaxPool3dOptions & { returnIndices?: R } = {}) {
    super();
    positionalArgs('MaxPool3d', ['kernelSize'], [kernelSize], true);
    checkOptions('MaxPool3d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
    ({ kernel: this.kernelSize, stride: this.stride, padding: this.padding } = windowOf('MaxPool3d', kernelSize, options));
    this.dilation = triple('MaxPool3d', 'dilation', options.dilation ?? 1, 1);
    this.ceilMode = flag('MaxPool3d', 'ceilMode', options.ceilMode, false);
    this.returnIndices = flag('MaxPool3d', 'returnIndices', options.returnIndices, false) as R;
  }

  forward(x: Tensor): R extends true ? MaxPoolWithIndices : Tensor {
    const options = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
    return maxPool3d(x, this.kernelSize, options) as R extends true ? MaxPoolWithIndices : Tensor;
  }

  protected override extraRepr(): string {
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}, dilation=${fmt(this.dilation)}, ceilMode=${this.ceilMode}${this.returnIndices ? ', returnIndices=true' : ''}`;
  }
}

export interface MaxUnpool3dOptions {
  /** The window step (default kernelSize). */
  stride?: Triple;
  /** The pooling's padding (default 0). */
  padding?: Triple;
}

/**
 * The partial inverse of MaxPool3d (torch.nn.MaxUnpool3d): forward(x, indices, { outputSize })
 * writes x into zeros at the indices MaxPool3d({ returnIndices: true }) gave (maxUnpool3d).
 */
export class MaxUnpool3d extends Module {
  readonly kernelSize: Triple;
  readonly stride: Triple;
  readonly padding: Triple;

  constructor(kernelSize: Triple, options: MaxUnpool3dOptions = {}) {
    super();
    positionalArgs('MaxUnpool3d', ['kernelSize'], [kernelSize], true);
    checkOptions('MaxUnpool3d', options, ['stride', 'padding']);
    this.kernelSize = triple('MaxUnpool3d', 'kernelSize', kernelSize, 1);
    this.stride = options.stride === undefined ? this.kernelSize : triple('MaxUnpool3d', 'stride', options.stride, 1);
    this.padding = triple('MaxUnpool3d', 'padding', options.padding ?? 0, 0);
  }

  forward(x: Tensor, indices: Tensor, options: { outputSize?: readonly number[] | null } = {}): Tensor {
    checkOptions('MaxUnpool3d.forward', options, ['outputSize']);
    return maxUnpool3d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize: options.outputSize });
  }

  protected override extraRepr(): string {
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}`;
  }
}

export interface AvgPool3dOptions {
  /** The window step (default kernelSize). */
  stride?: Triple | null;
  /** Implicit zero padding on both sides of each axis, at most half the kernel (default 0). */
  padding?: Triple;
  /** Round each output size up rather than down (default false). */
  ceilMode?: boolean;
  /** Whether padded positions count in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide each window's sum by this non-zero integer instead of its size (default null). */
  divisorOverride?: number | null;
}

/** The mean of each window of [N, C, D, H, W] (or [C, D, H, W]), as torch.nn.AvgPool3d. */
export class AvgPool3d extends Module {
  readonly kernelSize: Triple;
  readonly stride: Triple;
  readonly padding: Triple;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Triple, options: AvgPool3dOptions = {}) {
    super();
    positionalArgs('AvgPool3d', ['kernelSize'], [kernelSize], true);
    checkOptions('AvgPool3d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    ({ kernel: this.kernelSize, stride: this.stride, padding: this.padding } = windowOf('AvgPool3d', kernelSize, options));
    this.ceilMode = flag('AvgPool3d', 'ceilMode', options.ceilMode, false);
    this.countIncludePad = flag('AvgPool3d', 'countIncludePad', options.countIncludePad, true);
    this.divisorOverride = options.divisorOverride ?? null;
    if (this.divisorOverride !== null && !(Number.isSafeInteger(this.divisorOverride) && this.divisorOverride !== 0)) {
      throw new ValueError(`AvgPool3d: option 'divisorOverride' expected a non-zero integer (or null), got ${JSON.stringify(this.divisorOverride)}`);
    }
  }

  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride });
  }

  protected override extraRepr(): string {
    const extra = `${this.ceilMode ? ', ceilMode=true' : ''}${this.countIncludePad ? '' : ', countIncludePad=false'}${this.divisorOverride === null ? '' : `, divisorOverride=${this.divisorOverride}`}`;
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}${extra}`;
  }
}

/** An adaptive 3-d output size: one number, or [d, h, w] where null keeps that input size. */
export type AdaptiveTriple = number | readonly [number | null, number | null, number | null];

/** An adaptive 3-d pooling layer: its output size, checked when made, and the function that pools. */
abstract class AdaptivePool3d extends Module {
  readonly outputSize: AdaptiveTriple;

  protected constructor(outputSize: AdaptiveTriple, private readonly pool: (x: Tensor, outputSize: AdaptiveTriple) => Tensor) {
    super();
    const layer = this.constructor.name;
    positionalArgs(layer, ['outputSize'], [outputSize]);
    const t = typeof outputSize === 'number' ? [outputSize] : Array.isArray(outputSize) && outputSize.length === 3 ? (outputSize as unknown[]) : null;
    if (!t || !t.every((d) => d === null || (typeof d === 'number' && Number.isSafeInteger(d) && d >= 1))) {
      throw new ValueError(`${layer}: outputSize expected a positive integer or [d, h, w] (null keeps a size), got ${JSON.stringify(outputSize)}`);
    }
    this.outputSize = outputSize;
  }

  forward(x: Tensor): Tensor {
    return this.pool(x, this.outputSize);
  }

  protected override extraRepr(): string {
    return `outputSize=${fmt(this.outputSize as Triple)}`;
  }
}

/** Average pooling to `outputSize`, windows [floor(i·L/O), ceil((i+1)·L/O)) per axis, as torch.nn.AdaptiveAvgPool3d. */
export class AdaptiveAvgPool3d extends AdaptivePool3d {
  constructor(outputSize: AdaptiveTriple, ...extra: never[]) {
    super(outputSize, adaptiveAvgPool3d);
    outputSizeOnly('AdaptiveAvgPool3d', extra);
  }
}

/** Max pooling to `outputSize` with AdaptiveAvgPool3d's windows, as torch.nn.AdaptiveMaxPool3d (PyTorch's returnIndices is not offered). */
export class AdaptiveMaxPool3d extends AdaptivePool3d {
  constructor(outputSize: AdaptiveTriple, ...extra: never[]) {
    super(outputSize, adaptiveMaxPool3d);
    outputSizeOnly('AdaptiveMaxPool3d', extra);
  }
}
