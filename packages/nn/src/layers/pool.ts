import { checkOptions, adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';

type Pair = number | [number, number];

export interface MaxPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPool2dOptions = {}) {
    super();
    positionalArgs('MaxPool2d', ['kernelSize'], [kernelSize], true);
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    const o = this.options;
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(o.stride ?? this.kernelSize)}, padding=${fmt(o.padding ?? 0)}, dilation=${fmt(o.dilation ?? 1)}, ceilMode=${o.ceilMode ?? false}`;
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
  constructor(readonly outputSize: Pair) {
    super();
    positionalArgs('AdaptiveAvgPool2d', ['outputSize'], [outputSize]);
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
  constructor(readonly outputSize: number | [number | null, number | null]) {
    super();
    positionalArgs('AdaptiveMaxPool2d', ['outputSize'], [outputSize]);
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }
  protected override extraRepr(): string {
    const o = this.outputSize;
    return `outputSize=${Array.isArray(o) ? `[${o.map((v) => v ?? 'null').join(', ')}]` : o}`;
  }
}
