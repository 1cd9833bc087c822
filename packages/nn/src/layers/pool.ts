import { checkOptions, adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d, maxUnpool2d, ValueError, type MaxPoolWithIndices, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { outputSizeOnly, positionalArgs } from './arg-checks.js';

type Pair = number | [number, number];

export interface MaxPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  /** forward returns { output, indices } (also [output, indices]) for MaxUnpool2d, as PyTorch's return_indices. */
  returnIndices?: boolean;
}
/** 2-d max pooling (torch.nn.MaxPool2d); with `returnIndices: true` forward returns { output, indices }. */
export class MaxPool2d<R extends boolean = false> extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPool2dOptions & { returnIndices?: R } = {}) {
    super();
    positionalArgs('MaxPool2d', ['kernelSize'], [kernelSize], true);
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
    const r = options.returnIndices;
    if (r !== undefined && typeof r !== 'boolean') throw new ValueError(`MaxPool2d: option 'returnIndices' expected a boolean, got ${JSON.stringify(r)}`);
  }
  forward(x: Tensor): R extends true ? MaxPoolWithIndices : Tensor {
    return maxPool2d(x, this.kernelSize, this.options) as R extends true ? MaxPoolWithIndices : Tensor;
  }
  protected override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(o.stride ?? this.kernelSize)}, padding=${fmt(o.padding ?? 0)}, dilation=${fmt(o.dilation ?? 1)}, ceilMode=${o.ceilMode ?? false}${o.returnIndices ? ', returnIndices=true' : ''}`;
  }
}

export interface MaxUnpool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
}
/**
 * The partial inverse of MaxPool2d (torch.nn.MaxUnpool2d): forward(x, indices, { outputSize })
 * writes x into zeros at the indices MaxPool2d({ returnIndices: true }) gave (maxUnpool2d).
 */
export class MaxUnpool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxUnpool2dOptions = {}) {
    super();
    positionalArgs('MaxUnpool2d', ['kernelSize'], [kernelSize], true);
    checkOptions('MaxUnpool2d', options, ['stride', 'padding']);
  }
  forward(x: Tensor, indices: Tensor, options: { outputSize?: readonly number[] | null } = {}): Tensor {
    checkOptions('MaxUnpool2d.forward', options, ['outputSize']);
    return maxUnpool2d(x, indices, this.kernelSize, { ...this.options, outputSize: options.outputSize });
  }
  protected override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(o.stride ?? this.kernelSize)}, padding=${fmt(o.padding ?? 0)}`;
  }
}

/** A size as PyTorch prints it: a number, or a pair in brackets. */
const fmt = (p: Pair): string => (Array.isArray(p) ? `[${p.join(', ')}]` : String(p));

export interface AvgPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: AvgPool2dOptions = {}) {
    super();
    positionalArgs('AvgPool2d', ['kernelSize'], [kernelSize], true);
    checkOptions('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(o.stride ?? this.kernelSize)}, padding=${fmt(o.padding ?? 0)}${o.ceilMode ? ', ceilMode=true' : ''}${o.countIncludePad === false ? ', countIncludePad=false' : ''}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair, ...extra: never[]) {
    super();
    positionalArgs('AdaptiveAvgPool2d', ['outputSize'], [outputSize]);
    outputSizeOnly('AdaptiveAvgPool2d', extra);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  protected override extraRepr(): string {
    return `outputSize=${fmt(this.outputSize)}`;
  }
}

/** Max pooling to a fixed output size (torch.nn.AdaptiveMaxPool2d; null keeps that input size). */
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: number | [number | null, number | null], ...extra: never[]) {
    super();
    positionalArgs('AdaptiveMaxPool2d', ['outputSize'], [outputSize]);
    outputSizeOnly('AdaptiveMaxPool2d', extra);
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }
  protected override extraRepr(): string {
    const o = this.outputSize;
    return `outputSize=${Array.isArray(o) ? `[${o.map((v) => v ?? 'null').join(', ')}]` : o}`;
  }
}
