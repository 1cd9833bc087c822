// SWALR (PyTorch's torch.optim.swa_utils.SWALR): anneals each group's lr to its swaLr over
// annealEpochs steps, then holds it. Like PyTorch's, each step works from the group's current lr
// (Note [schedulers]: the chainable form): it recovers the lr the annealing started from as
// (lr − α_prev·swaLr)/(1 − α_prev) and moves it on to α·swaLr + (1 − α)·that, where α follows the
// step count (PyTorch's _step_count, not last_epoch). So SWALR takes over from another schedule
// part-way through training, as in PyTorch's docs, starting from wherever that one left the lr.
// Each group's swaLr is kept in the group (PyTorch's group["swa_lr"]), where a step reads it and
// the optimiser's checkpoint saves it.
import { ValueError } from '@nutshell/tensor';
import { exposeOptions } from './optimizer.js';
import { LRScheduler, perGroupValues, schedulerOptions, type SchedulableOptimizer } from './schedulers/lr-scheduler.js';

export type AnnealStrategy = 'cos' | 'linear';

export interface SWALROptions {
  /** The lr to anneal to: one for every param group, or one per group. */
  swaLr: number | number[];
  /** Steps the annealing takes (default 10; 0 switches to swaLr at once). */
  annealEpochs?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: AnnealStrategy;
  lastEpoch?: number;
}

const ANNEAL: Record<AnnealStrategy, (t: number) => number> = {
  cos: (t) => (1 - Math.cos(Math.PI * t)) / 2,
  linear: (t) => t,
};

/** The options checked (before the base constructor touches the optimiser), with the lastEpoch to pass it. */
function checked(optimizer: SchedulableOptimizer, options: SWALROptions): { lastEpoch?: number; swaLrs: number[] } {
  const o = schedulerOptions('SWALR', options, ['swaLr', 'annealEpochs', 'annealStrategy']);
  const groups = (optimizer as { paramGroups?: unknown })?.paramGroups;
  if (!Array.isArray(groups)) throw new ValueError(`SWALR: optimizer expected an optimiser (with paramGroups), got ${optimizer === null ? 'null' : typeof optimizer}`);
  const swaLrs = perGroupValues('SWALR', 'swaLr', o.swaLr, groups.length);
  if (swaLrs.some((v) => v < 0)) throw new ValueError(`SWALR: swaLr expected numbers >= 0, got ${JSON.stringify(o.swaLr)}`);
  const epochs = o.annealEpochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`SWALR: annealEpochs expected an integer >= 0, got ${String(epochs)}`);
  const strategy = o.annealStrategy ?? 'cos';
  if (!Object.prototype.hasOwnProperty.call(ANNEAL, strategy)) throw new ValueError(`SWALR: annealStrategy expected 'cos' or 'linear', got ${JSON.stringify(strategy)}`);
  return { lastEpoch: o.lastEpoch, swaLrs };
}

/** Anneals every group's lr to swaLr, then holds it (PyTorch's SWALR). */
export class SWALR extends LRScheduler {
  readonly annealEpochs: number;
  readonly annealStrategy: AnnealStrategy;
  private readonly anneal: (t: number) => number;

  constructor(optimizer: SchedulableOptimizer, options: SWALROptions) {
    const { lastEpoch, swaLrs } = checked(optimizer, options);
    super(optimizer, lastEpoch);
    this.annealEpochs = options.annealEpochs ?? 10;
    this.annealStrategy = options.annealStrategy ?? 'cos';
    this.anneal = ANNEAL[this.annealStrategy];
    optimizer.paramGroups.forEach((g, i) => {
      (g.options as { swaLr?: number }).swaLr = swaLrs[i];
      exposeOptions(g); // group.swaLr, as PyTorch's group['swa_lr']
    });
    this.init();
  }

  /** The group's swaLr as it is now (a user may change it, as PyTorch's group['swa_lr']). */
  private swaLrOf(group: number): number {
    return (this.optimizer.paramGroups[group].options as unknown as { swaLr: number }).swaLr;
  }

  protected override nextLr(current: number, _base: number, _epoch: number, group: number): number {
    const swaLr = this.swaLrOf(group);
    const span = Math.max(1, this.annealEpochs);
    const step = this.annealEpochs === 0 ? Math.max(1, this.stepCount - 1) : this.stepCount - 1;
    const prevAlpha = this.anneal(Math.max(0, Math.min(1, (step - 1) / span)));
    const start = prevAlpha === 1 ? swaLr : (current - prevAlpha * swaLr) / (1 - prevAlpha);
    const alpha = this.anneal(Math.max(0, Math.min(1, step / span)));
    return swaLr * alpha + start * (1 - alpha);
  }

  /** PyTorch's SWALR has no closed form: step(epoch) computes as step() does, from the group's current lr. */
  protected lrAt(base: number, epoch: number, group: number): number {
    return this.nextLr(this.optimizer.paramGroups[group].options.lr, base, epoch, group);
  }

  protected settings(): Record<string, unknown> {
    return { anneal_epochs: this.annealEpochs, _anneal_strategy: this.annealStrategy };
  }
}
