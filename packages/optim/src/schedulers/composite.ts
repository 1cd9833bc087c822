// Schedulers made of schedulers, as PyTorch's: SequentialLR (one after another, handing over at
// milestones) and ChainedScheduler (all stepped together, their factors composing through the
// chainable form of Note [schedulers]).
import { ValueError, checkOptions } from '@nutshell/tensor';
import { LRScheduler, groupLrs, type SchedulableOptimizer } from './lr-scheduler.js';
import { integerField, loadSchedulerState, perGroupField, type ProgressField } from './scheduler-state.js';

type Opt = SchedulableOptimizer;

function checkSchedulers(name: string, schedulers: unknown, optimizer?: Opt): LRScheduler[] {
  if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
    throw new ValueError(`${name}: schedulers expected a non-empty array of LR schedulers (ReduceLROnPlateau cannot be chained)`);
  }
  const opt = optimizer ?? schedulers[0].optimizer;
  if (schedulers.some((s) => s.optimizer !== opt)) throw new ValueError(`${name}: every scheduler expected the same optimizer`);
  return schedulers;
}

/** The composite's `_schedulers` entry: one state per scheduler, each loaded (and checked) by its own. */
function childStates(owner: string, schedulers: LRScheduler[]): ProgressField {
  return {
    check: (value) => {
      if (!Array.isArray(value) || value.length !== schedulers.length) {
        throw new ValueError(`${owner}.loadStateDict: _schedulers expected ${schedulers.length} state(s), one per scheduler, got ${Array.isArray(value) ? value.length : typeof value}`);
      }
    },
    restore: (value) => (value as Record<string, unknown>[]).forEach((s, i) => schedulers[i].loadStateDict(s)),
  };
}

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` from its epoch 0 (its closed
 * form, as PyTorch's step(0)), and so on: a warmup followed by a decay.
 */
export class SequentialLR {
  lastEpoch: number;
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  /** The lrs the last step set (PyTorch's _last_lr). */
  private lastLrs: number[];

  constructor(readonly optimizer: Opt, options: { schedulers: LRScheduler[]; milestones: number[]; lastEpoch?: number }) {
    checkOptions('SequentialLR', options, ['schedulers', 'milestones', 'lastEpoch']);
    this.schedulers = checkSchedulers('SequentialLR', options.schedulers, optimizer);
    const m = options.milestones;
    if (!Array.isArray(m) || m.length !== this.schedulers.length - 1 || !m.every((x, i) => Number.isInteger(x) && x > 0 && (i === 0 || x > m[i - 1]))) {
      throw new ValueError(`SequentialLR: milestones expected ${this.schedulers.length - 1} increasing positive integers (one fewer than the schedulers), got ${JSON.stringify(m)}`);
    }
    this.milestones = [...m];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    // As PyTorch: back to the initial lr, every scheduler one epoch back, then the first one's epoch 0.
    for (const g of optimizer.paramGroups) g.options.lr = (g.options as { initialLr?: number }).initialLr ?? g.options.lr;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].lastEpoch = -1;
    this.schedulers[0].step();
    this.lastLrs = this.schedulers[0].getLastLr();
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.stepTo(0);
    else scheduler.step();
    this.lastLrs = scheduler.getLastLr();
  }

  /** The lrs the last step set, one per group (PyTorch's get_last_lr(); restored by loadStateDict). */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  /** PyTorch's names (Note [scheduler state]): each scheduler's own state in `_schedulers`. */
  stateDict(): Record<string, unknown> {
    return { last_epoch: this.lastEpoch, _milestones: [...this.milestones], _schedulers: this.schedulers.map((s) => s.stateDict()), _last_lr: this.getLastLr() };
  }
  loadStateDict(state: Record<string, unknown>): void {
    loadSchedulerState('SequentialLR', state, {
      progress: {
        last_epoch: integerField('SequentialLR', 'last_epoch', 0, (v) => (this.lastEpoch = v)),
        _schedulers: childStates('SequentialLR', this.schedulers),
        _last_lr: perGroupField('SequentialLR', '_last_lr', this.optimizer.paramGroups.length, (v) => (this.lastLrs = v)),
      },
      settings: { _milestones: [...this.milestones] },
    });
  }
}

/** Steps every scheduler at each step, in order: their factors multiply (PyTorch's ChainedScheduler). */
export class ChainedScheduler {
  readonly schedulers: LRScheduler[];
  readonly optimizer: Opt;
  /** The lrs the last step set (PyTorch's _last_lr). */
  private lastLrs: number[];

  constructor(schedulers: LRScheduler[], optimizer?: Opt) {
    this.schedulers = checkSchedulers('ChainedScheduler', schedulers, optimizer);
    this.optimizer = optimizer ?? this.schedulers[0].optimizer;
    this.lastLrs = groupLrs(this.optimizer);
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLrs = groupLrs(this.optimizer);
  }

  /** The lrs the last step set, one per group (PyTorch's get_last_lr(); restored by loadStateDict). */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): Record<string, unknown> {
    return { _schedulers: this.schedulers.map((s) => s.stateDict()), _last_lr: this.getLastLr() };
  }
  loadStateDict(state: Record<string, unknown>): void {
    loadSchedulerState('ChainedScheduler', state, {
      progress: {
        _schedulers: childStates('ChainedScheduler', this.schedulers),
        _last_lr: perGroupField('ChainedScheduler', '_last_lr', this.optimizer.paramGroups.length, (v) => (this.lastLrs = v)),
      },
      settings: {},
    });
  }
}
