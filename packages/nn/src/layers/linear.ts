import { checkOptions, linear, zeros, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { positionalArgs } from './arg-checks.js';

/** y = x Wᵀ + b, weight [outFeatures, inFeatures] as PyTorch; PyTorch's default initialisation. */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    positionalArgs('Linear', ['inFeatures', 'outFeatures'], [inFeatures, outFeatures], true);
    checkOptions('Linear', options, ['bias']);
    this.weight = Parameter(zeros([outFeatures, inFeatures]));
    this.bias = options.bias ?? true ? Parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
