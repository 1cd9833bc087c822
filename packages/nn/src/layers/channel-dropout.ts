import { dropout1d, dropout2d, dropout3d, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';

/** Zeroes whole channels with probability p while training (scaling the rest by 1/(1−p)); identity in eval. */
/** @internal Exported for index.ts's guardMethods (its forward), not re-exported. */
export abstract class ChannelDropout extends Module {
  protected abstract drop(x: Tensor, p: number, training: boolean): Tensor;
  constructor(readonly p = 0.5) {
    super();
    positionalArgs(this.constructor.name, ['p'], [p]);
    if (!(p >= 0 && p <= 1)) throw new ValueError(`${this.constructor.name}: p expected a probability in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return this.drop(x, this.p, this.training);
  }
  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Channel-wise dropout over [N, C, L] or [C, L] (torch.nn.Dropout1d; dropout1d in @nutshell/tensor). */
export class Dropout1d extends ChannelDropout {
  protected drop(x: Tensor, p: number, training: boolean): Tensor {
    return dropout1d(x, p, training);
  }
}

/** Channel-wise dropout over [N, C, H, W] (torch.nn.Dropout2d; a 3-D input is refused, see dropout2d). */
export class Dropout2d extends ChannelDropout {
  protected drop(x: Tensor, p: number, training: boolean): Tensor {
    return dropout2d(x, p, training);
  }
}

/** Channel-wise dropout over [N, C, D, H, W] or [C, D, H, W] (torch.nn.Dropout3d). */
export class Dropout3d extends ChannelDropout {
  protected drop(x: Tensor, p: number, training: boolean): Tensor {
    return dropout3d(x, p, training);
  }
}
