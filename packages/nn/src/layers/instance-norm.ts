import { checkOptions, fmtShape, instanceNorm, scope, ShapeError, squeeze, unsqueeze, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import { affineAndStats } from './norm.js';

export interface InstanceNormOptions {
  eps?: number;
  momentum?: number;
  /** A learnable per-channel `weight` and `bias` (default false, as PyTorch's). */
  affine?: boolean;
  /** Keep running statistics (buffers `running_mean`, `running_var`, `num_batches_tracked`) and normalise by them in eval (default false). */
  trackRunningStats?: boolean;
}

/**
 * Instance normalisation (torch.nn.InstanceNorm1d/2d/3d): each channel of each sample normalised
 * over its spatial dims. Running statistics, when tracked, are updated in training as PyTorch's
 * are (the batch mean of the samples' statistics) by swapping the buffers' storage, as BatchNorm
 * does; `num_batches_tracked` is kept for PyTorch's state dicts but, as in PyTorch, never counts.
 */
/** @internal Exported for index.ts's guardMethods (its forward), not re-exported. */
export abstract class InstanceNormBase extends Module {
  weight!: Tensor | null;
  bias!: Tensor | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;

  /** Spatial dims: 1, 2 or 3. */
  protected abstract readonly spatial: number;

  constructor(readonly numFeatures: number, options: InstanceNormOptions = {}) {
    super();
    const cls = this.constructor.name;
    positionalArgs(cls, ['numFeatures'], [numFeatures], true);
    checkOptions(cls, options, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    if (!Number.isSafeInteger(numFeatures) || numFeatures < 1) throw new ValueError(`${cls}: numFeatures expected a positive integer, got ${numFeatures}`);
    if (options.momentum === null) throw new ValueError(`${cls}: momentum null (PyTorch's cumulative average) is not supported; give a number in [0, 1]`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (typeof this.eps !== 'number' || !(this.eps >= 0)) throw new ValueError(`${cls}: eps expected a number >= 0, got ${this.eps}`);
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) throw new ValueError(`${cls}: momentum expected a number in [0, 1], got ${this.momentum}`);
    affineAndStats(this, numFeatures, options.affine ?? false, options.trackRunningStats ?? false);
  }

  forward(x: Tensor): Tensor {
    const cls = this.constructor.name;
    const rank = x?.isTensor ? x.shape.length : -1;
    const batched = rank === this.spatial + 2;
    if (!batched && rank !== this.spatial + 1) {
      const layout = ['C, L', 'C, H, W', 'C, D, H, W'][this.spatial - 1];
      throw new ShapeError(`${cls}: input expected [N, ${layout}] or unbatched [${layout}] (${this.spatial + 2}-D or ${this.spatial + 1}-D), got ${x?.isTensor ? fmtShape(x.shape) : typeof x}`);
    }
    const channelDim = batched ? 1 : 0;
    // PyTorch refuses a channel count that differs from numFeatures when affine (and the running
    // statistics could not be used either); otherwise, as PyTorch, the input is normalised as it is.
    if (x.shape[channelDim] !== this.numFeatures && (this.weight || this.running_mean)) {
      throw new ValueError(`${cls}: input has ${x.shape[channelDim]} channels (dim ${channelDim} of ${fmtShape(x.shape)}) but the layer normalises ${this.numFeatures} (numFeatures)`);
    }
    // In a scope: the unbatched input's added dim and the output before it is dropped are freed.
    return scope(() => {
      const input = batched ? x : unsqueeze(x, 0);
      const useInputStats = this.training || !this.running_mean;
      const r = instanceNorm(input, this.running_mean, this.running_var, this.weight, this.bias, { useInputStats, momentum: this.momentum, eps: this.eps });
      if (this.training && this.running_mean && r.runningMean && r.runningMean !== this.running_mean) {
        this.running_mean.adoptStorage(r.runningMean);
        this.running_var!.adoptStorage(r.runningVar!);
      }
      return batched ? r.output : squeeze(r.output, 0);
    });
  }

  protected override optionalStateKeys(): string[] {
    return ['num_batches_tracked'];
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.running_mean !== null}`;
  }
}

/** Over [N, C, L] or unbatched [C, L]. */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly spatial = 1;
}
/** Over [N, C, H, W] or unbatched [C, H, W]. */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly spatial = 2;
}
/** Over [N, C, D, H, W] or unbatched [C, D, H, W]. */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly spatial = 3;
}
