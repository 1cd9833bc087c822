import { checkOptions, batchNorm, fmtShape, groupNorm, layerNorm, ones, ShapeError, zeros, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import { Parameter } from '../parameter.js';

export interface BatchNormOptions {
  eps?: number;
  /** The running statistics' update factor; null for a cumulative average over every batch so far (PyTorch's momentum=None). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * A normalisation layer's per-channel `weight` and `bias` (ones and zeros, when affine) and its
 * running statistics (when tracked), under PyTorch's names and in its state-dict order: batch
 * and instance norm alike.
 */
export function affineAndStats(layer: Module & { weight: Tensor | null; bias: Tensor | null }, numFeatures: number, affine: boolean, track: boolean): void {
  layer.weight = affine ? Parameter(ones([numFeatures])) : null;
  layer.bias = affine ? Parameter(zeros([numFeatures])) : null;
  layer.registerBuffer('running_mean', track ? zeros([numFeatures]) : null);
  layer.registerBuffer('running_var', track ? ones([numFeatures]) : null);
  layer.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int64' }) : null);
}

/**
 * Batch normalisation over the channel dim. Running statistics are buffers (`running_mean`,
 * `running_var`, `num_batches_tracked` as in PyTorch's state dicts); training replaces them with
 * the updated values the batchNorm op returns (tensors are immutable).
 */
abstract class BatchNormBase extends Module {
  weight!: Tensor | null;
  bias!: Tensor | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  momentum: number | null;
  /** momentum null: the batches counted so far, valid while num_batches_tracked is as we left it. */
  private counted: { count: number; version: { n: number }; at: number } | null = null;

  protected abstract readonly ranks: number[];

  constructor(readonly numFeatures: number, options: BatchNormOptions = {}) {
    super();
    positionalArgs(this.constructor.name, ['numFeatures'], [numFeatures], true);
    checkOptions(this.constructor.name, options, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (this.momentum !== null && !(typeof this.momentum === 'number' && this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`${this.constructor.name}: momentum expected a number in [0, 1] or null (a cumulative average), got ${String(this.momentum)}`);
    }
    affineAndStats(this, numFeatures, options.affine ?? true, options.trackRunningStats ?? true);
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim)) {
      // PyTorch's words ("expected 5D input (got 4D input)"), and the shape.
      throw new ValueError(`${this.constructor.name}: expected ${this.ranks.map((r) => `${r}D`).join(' or ')} input (got ${x.ndim}D input of shape [${x.shape}])`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new ValueError(`${this.constructor.name}: input has ${x.shape[1]} channels (dim 1 of [${x.shape}]) but the layer normalises ${this.numFeatures} (numFeatures)`);
    }
    const useBatchStats = this.training || !this.running_mean;
    const updating = this.training && this.running_mean !== null;
    const { output, runningMean, runningVar } = batchNorm(x, this.running_mean, this.running_var, this.weight, this.bias, {
      training: useBatchStats,
      momentum: this.momentum ?? (updating ? 1 / (this.batchesCounted() + 1) : 0),
      eps: this.eps,
    });
    if (this.training && this.running_mean && runningMean && runningVar) {
      // Write the new statistics into the existing buffers so stateDict() and to() keep working.
      this.swapStats(runningMean, runningVar);
    }
    return output;
  }

  private swapStats(mean: Tensor, variance: Tensor): void {
    this.running_mean!.adoptStorage(mean);
    this.running_var!.adoptStorage(variance);
    const n = this.num_batches_tracked!;
    const count = this.momentum === null ? this.batchesCounted() + 1 : 0;
    n.adoptStorage(n.add(1));
    if (this.momentum === null) this.counted = { count, version: n.version, at: n.version.n };
  }

  /**
   * num_batches_tracked as a number, for the cumulative average: counted here as batches pass,
   * and read from the buffer (one synchronous read of a scalar) only when something else wrote
   * it since — a loaded state dict, a move to another device.
   */
  private batchesCounted(): number {
    const n = this.num_batches_tracked!;
    const c = this.counted;
    if (c && c.version === n.version && c.at === n.version.n) return c.count;
    const count = Number(n.itemSync());
    this.counted = { count, version: n.version, at: n.version.n };
    return count;
  }

  protected override optionalStateKeys(): string[] {
    return ['num_batches_tracked'];
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}

/** Over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
}
/** Over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
}
/** Over [N, C, D, H, W] (video, volumes): the batchNorm op's statistics over N, D, H and W. */
export class BatchNorm3d extends BatchNormBase {
  protected readonly ranks = [5];
}

export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: number[];

  constructor(normalizedShape: number | number[], readonly options: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    positionalArgs('LayerNorm', ['normalizedShape'], [normalizedShape], true);
    checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'bias']);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? Parameter(ones(this.normalizedShape)) : null;
    this.bias = affine && (options.bias ?? true) ? Parameter(zeros(this.normalizedShape)) : null;
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.options.eps ?? 1e-5);
  }

  protected override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.options.eps ?? 1e-5}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** Group normalisation over [N, C, …] (torch.nn.GroupNorm): weight and bias per channel. */
export class GroupNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: { eps?: number; affine?: boolean } = {}) {
    super();
    positionalArgs('GroupNorm', ['numGroups', 'numChannels'], [numGroups, numChannels], true);
    checkOptions('GroupNorm', options, ['eps', 'affine']);
    if (!Number.isSafeInteger(numGroups) || numGroups < 1 || numChannels % numGroups !== 0) {
      throw new ValueError(`GroupNorm: numChannels ${numChannels} expected a multiple of numGroups ${numGroups}`);
    }
    const affine = options.affine ?? true;
    this.weight = affine ? Parameter(ones([numChannels])) : null;
    this.bias = affine ? Parameter(zeros([numChannels])) : null;
  }
  forward(x: Tensor): Tensor {
    if (x.shape[1] !== this.numChannels) throw new ShapeError(`GroupNorm: input expected ${this.numChannels} channels in dim 1, got ${fmtShape(x.shape)}`);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.options.eps ?? 1e-5);
  }

  protected override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.options.eps ?? 1e-5}, affine=${this.weight !== null}`;
  }
}
