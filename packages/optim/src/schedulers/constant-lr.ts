// PyTorch's ConstantLR, in both forms of Note [schedulers]: the chainable one multiplies the
// group's current lr by factor at epoch 0 and by 1/factor at totalIters, so it composes with
// schedulers stepped beside it (ChainedScheduler, a warmup under a decay); the closed one,
// initialLr · (factor until totalIters, then 1), serves SequentialLR's hand-over and step(epoch).
import { ValueError } from '@nutshell/tensor';
import { LRScheduler, schedulerOptions, type SchedulableOptimizer } from './lr-scheduler.js';

export interface ConstantLROptions {
  /** What the lr is multiplied by until totalIters (default 1/3); in [0, 1]. */
  factor?: number;
  /** The steps the factor lasts (default 5). */
  totalIters?: number;
  lastEpoch?: number;
}

/** lr = initialLr · factor for the first totalIters epochs, then initialLr (PyTorch's ConstantLR: a warmup at a lower lr). */
export class ConstantLR extends LRScheduler {
  /** What the lr is multiplied by until totalIters. */
  readonly factor: number;
  /** The steps the factor lasts. */
  readonly totalIters: number;

  constructor(optimizer: SchedulableOptimizer, readonly options: ConstantLROptions = {}) {
    super(optimizer, schedulerOptions('ConstantLR', options, ['factor', 'totalIters']).lastEpoch);
    const factor = options.factor ?? 1 / 3;
    if (typeof factor !== 'number' || !(factor >= 0 && factor <= 1)) throw new ValueError(`ConstantLR: factor expected a number in [0, 1], got ${typeof factor === 'number' ? factor : JSON.stringify(factor) ?? typeof factor}`);
    const total = options.totalIters ?? 5;
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) throw new ValueError(`ConstantLR: totalIters expected a positive integer, got ${typeof total === 'number' ? total : JSON.stringify(total) ?? typeof total}`);
    this.factor = factor;
    this.totalIters = total;
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return { factor: this.factor, total_iters: this.totalIters };
  }
  protected lrAt(base: number, epoch: number): number {
    return base * (epoch >= this.totalIters ? 1 : this.factor);
  }
  protected override nextLr(current: number, base: number, epoch: number): number {
    if (epoch === 0) return current * this.factor;
    if (epoch !== this.totalIters) return current;
    // PyTorch divides by zero here when factor is 0; the closed form gives the lr the factor held back.
    return this.factor === 0 ? this.lrAt(base, epoch) : current * (1 / this.factor);
  }
}
