import { dropout, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';

/** Zeroes elements with probability p while training (scaling the rest by 1/(1−p)); identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    positionalArgs('Dropout', ['p'], [p]);
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout: p expected a probability in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
