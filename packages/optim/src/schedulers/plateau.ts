import { ValueError, checkOptions, type Tensor } from '@nutshell/tensor';
import { groupLrs, type SchedulableOptimizer } from './lr-scheduler.js';
import { integerField, loadSchedulerState, perGroupField } from './scheduler-state.js';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Multiplies the lr by `factor` when a metric stops improving for `patience` epochs. */
export class ReduceLROnPlateau {
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;
  lastEpoch = 0;
  private readonly o: Required<ReduceLROnPlateauOptions>;
  /** The lrs as the last step left them (PyTorch's _last_lr). */
  private lastLrs: number[];

  constructor(readonly optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptions('ReduceLROnPlateau', options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    this.o = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, ...options };
    if (!(this.o.factor < 1 && this.o.factor >= 0)) throw new ValueError(`ReduceLROnPlateau: factor expected a number in [0, 1), got ${this.o.factor}`);
    if (this.o.mode !== 'min' && this.o.mode !== 'max') throw new ValueError(`ReduceLROnPlateau: mode expected 'min' or 'max', got '${String(this.o.mode)}'`);
    if (this.o.thresholdMode !== 'rel' && this.o.thresholdMode !== 'abs') throw new ValueError(`ReduceLROnPlateau: thresholdMode expected 'rel' or 'abs', got '${String(this.o.thresholdMode)}'`);
    this.best = this.o.mode === 'min' ? Infinity : -Infinity;
    this.lastLrs = groupLrs(optimizer);
  }

  private better(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.o;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  /**
   * Records the epoch's metric; `epoch` (PyTorch's deprecated argument) sets lastEpoch instead of
   * counting. A number applies at once. A one-element tensor (or the promise `t.item()` gives) is
   * read without blocking the JS thread: the step applies when the value arrives, and the returned
   * promise resolves then — `await sched.step(valLoss)` before the next epoch's first step.
   */
  step(metric: number, epoch?: number): void;
  step(metric: Tensor | PromiseLike<number>, epoch?: number): Promise<void>;
  step(metric: number | Tensor | PromiseLike<number>, epoch?: number): void | Promise<void> {
    if (epoch !== undefined && (!Number.isInteger(epoch) || epoch < 0)) throw new ValueError(`ReduceLROnPlateau.step: epoch expected an integer >= 0, got ${epoch}`);
    if (typeof metric === 'number') return this.apply(metric, epoch);
    if (typeof (metric as PromiseLike<number> | null)?.then === 'function') {
      return Promise.resolve(metric as PromiseLike<number>).then((v) => this.apply(this.checkedRead(v), epoch));
    }
    const t = metric as Tensor | null;
    if (!t?.isTensor || t.numel !== 1) throw new ValueError(`ReduceLROnPlateau.step: metric expected a number or a one-element tensor, got ${t?.isTensor ? `shape [${t.shape.join(',')}]` : t === null ? 'null' : typeof t}`);
    return t.item().then((v) => this.apply(v, epoch));
  }

  private checkedRead(v: unknown): number {
    if (typeof v !== 'number') throw new ValueError(`ReduceLROnPlateau.step: metric expected a promise of a number, got a promise of ${typeof v}`);
    return v;
  }

  private apply(metric: number, epoch: number | undefined): void {
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.better(metric, this.best)) {
      this.best = metric;
      this.badEpochs = 0;
    } else this.badEpochs += 1;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft -= 1;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.o.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const minLr = Array.isArray(this.o.minLr) ? (this.o.minLr[i] ?? 0) : this.o.minLr; // a group added since: no floor given
        const next = Math.max(g.options.lr * this.o.factor, minLr);
        if (g.options.lr - next > this.o.eps) g.options.lr = next;
      });
      this.cooldownLeft = this.o.cooldown;
      this.badEpochs = 0;
    }
    this.lastLrs = groupLrs(this.optimizer);
  }

  /** The lrs as the last step left them, one per group (PyTorch's get_last_lr(); restored by loadStateDict). */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  /** The best metric, bad epochs, cooldown left and epoch, with the settings, under PyTorch's names (Note [scheduler state]). */
  stateDict(): Record<string, unknown> {
    return { best: this.best, num_bad_epochs: this.badEpochs, cooldown_counter: this.cooldownLeft, last_epoch: this.lastEpoch, _last_lr: this.getLastLr(), ...this.settings() };
  }
  loadStateDict(state: Record<string, unknown>): void {
    const owner = 'ReduceLROnPlateau';
    loadSchedulerState(owner, state, {
      progress: {
        best: {
          check: (v) => {
            // JSON writes ±Infinity (the best before any metric) as null.
            if (!(typeof v === 'number' || v === null)) throw new ValueError(`${owner}.loadStateDict: best expected a number, got ${JSON.stringify(v)}`);
          },
          restore: (v) => (this.best = v === null ? (this.o.mode === 'min' ? Infinity : -Infinity) : (v as number)),
        },
        num_bad_epochs: integerField(owner, 'num_bad_epochs', 0, (v) => (this.badEpochs = v)),
        cooldown_counter: integerField(owner, 'cooldown_counter', 0, (v) => (this.cooldownLeft = v)),
        last_epoch: integerField(owner, 'last_epoch', 0, (v) => (this.lastEpoch = v)),
        _last_lr: perGroupField(owner, '_last_lr', this.optimizer.paramGroups.length, (v) => (this.lastLrs = v)),
      },
      settings: this.settings(),
    });
  }

  private settings(): Record<string, unknown> {
    const groups = this.optimizer.paramGroups.length;
    const o = this.o;
    return {
      factor: o.factor,
      min_lrs: Array.isArray(o.minLr) ? [...o.minLr] : Array<number>(groups).fill(o.minLr),
      patience: o.patience,
      cooldown: o.cooldown,
      mode: o.mode,
      threshold: o.threshold,
      threshold_mode: o.thresholdMode,
      eps: o.eps,
      mode_worse: o.mode === 'min' ? Infinity : -Infinity,
    };
  }
}
