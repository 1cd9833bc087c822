import { checkOptions, ones, rmsNorm, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import { Parameter } from '../parameter.js';

export interface RMSNormOptions {
  /** Added to the mean square; null (the default) is float32's machine epsilon, as PyTorch's torch.finfo(x.dtype).eps. */
  eps?: number | null;
  /** A learnable per-element `weight` (ones at first; default true). */
  elementwiseAffine?: boolean;
}

/** Root-mean-square normalisation over the trailing `normalizedShape` dims (torch.nn.RMSNorm): weight only, no bias. */
export class RMSNorm extends Module {
  weight: Tensor | null;
  readonly normalizedShape: number[];
  readonly eps: number | null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormOptions = {}) {
    super();
    positionalArgs('RMSNorm', ['normalizedShape'], [normalizedShape], true);
    checkOptions('RMSNorm', options, ['eps', 'elementwiseAffine']);
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? [...normalizedShape] : [];
    if (ns.length === 0 || !ns.every((d) => Number.isSafeInteger(d) && d >= 1)) {
      throw new ValueError(`RMSNorm: normalizedShape expected a positive integer or a non-empty list of them, got ${Array.isArray(normalizedShape) ? `[${normalizedShape.join(', ')}]` : String(normalizedShape)}`);
    }
    const eps = options.eps ?? null;
    if (eps !== null && !(typeof eps === 'number' && eps >= 0)) throw new ValueError(`RMSNorm: eps expected a number >= 0 or null, got ${eps}`);
    const affine = options.elementwiseAffine ?? true;
    if (typeof affine !== 'boolean') throw new ValueError(`RMSNorm: elementwiseAffine expected a boolean, got ${typeof affine}`);
    this.normalizedShape = ns;
    this.eps = eps;
    this.weight = affine ? Parameter(ones(ns)) : null;
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  protected override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
