// Schedules that repeat: cosine annealing with warm restarts (SGDR) and the cyclical learning
// rate (CLR), each as PyTorch computes it from its initial lrs (closed forms, not chainable).
import { ValueError } from '@nutshell/tensor';
import { LRScheduler, perGroupValues, positive, schedulerOptions, setGroupMomentum, usesBeta1, type SchedulableOptimizer } from './lr-scheduler.js';
import { numberField } from './scheduler-state.js';

type Opt = SchedulableOptimizer;

export interface CosineAnnealingWarmRestartsOptions {
  /** Steps (epochs) until the first restart. */
  T0: number;
  /** Factor by which each period is longer than the one before (default 1). */
  TMult?: number;
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * lr = etaMin + (initialLr − etaMin)(1 + cos(π·Tcur/Ti))/2, Tcur restarting at 0 after each
 * period Ti (T0, then T0·TMult, …). step(epoch) takes a fractional epoch, PyTorch's
 * `scheduler.step(epoch + i / iters)` for restarts within an epoch.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** The position in the current period, and the period's length (PyTorch's T_cur, T_i). */
  TCur: number;
  Ti: number;

  constructor(optimizer: Opt, readonly options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer, schedulerOptions('CosineAnnealingWarmRestarts', options, ['T0', 'TMult', 'etaMin']).lastEpoch);
    if (!(Number.isInteger(options.T0) && options.T0 > 0)) throw new ValueError(`CosineAnnealingWarmRestarts: T0 expected a positive integer, got ${options.T0}`);
    const mult = options.TMult ?? 1;
    if (!(Number.isInteger(mult) && mult >= 1)) throw new ValueError(`CosineAnnealingWarmRestarts: TMult expected an integer >= 1, got ${mult}`);
    this.Ti = options.T0;
    this.TCur = this.lastEpoch;
    this.init();
  }

  protected settings(): Record<string, unknown> {
    return { T_0: this.options.T0, T_mult: this.options.TMult ?? 1, eta_min: this.options.etaMin ?? 0 };
  }

  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), T_i: this.Ti, T_cur: this.TCur };
  }

  protected override progressFields() {
    const owner = this.constructor.name;
    return {
      ...super.progressFields(),
      T_i: numberField(owner, 'T_i', (v) => (this.Ti = v)),
      T_cur: numberField(owner, 'T_cur', (v) => (this.TCur = v)),
    };
  }

  protected lrAt(base: number): number {
    const etaMin = this.options.etaMin ?? 0;
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2;
  }

  /** The next step, or a jump to `epoch` (fractional allowed). PyTorch's _step_count stays 0 here, as there. */
  override step(epoch?: number): void {
    const { T0 } = this.options;
    const mult = this.options.TMult ?? 1;
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur %= this.Ti;
        this.Ti *= mult;
      }
    } else {
      if (typeof epoch !== 'number' || !(epoch >= 0)) throw new ValueError(`CosineAnnealingWarmRestarts: step expected a non-negative epoch, got ${epoch}`);
      if (epoch >= T0) {
        if (mult === 1) this.TCur = epoch % T0;
        else {
          const n = Math.trunc(Math.log((epoch / T0) * (mult - 1) + 1) / Math.log(mult));
          this.TCur = epoch - (T0 * (mult ** n - 1)) / (mult - 1);
          this.Ti = T0 * mult ** n;
        }
      } else {
        this.Ti = T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.scheduled().forEach((g, i) => (g.options.lr = this.lrAt(this.baseLrs[i])));
    this.recordLastLr();
  }

  /** @internal SequentialLR's hand-over: PyTorch's step(epoch). */
  override stepTo(epoch: number): void {
    this.step(epoch);
  }
}

export interface CyclicLROptions {
  /** The lower lr boundary (one for every group, or one per group); the groups start there. */
  baseLr: number | number[];
  /** The upper lr boundary: the amplitude is maxLr − baseLr. */
  maxLr: number | number[];
  /** Steps in the rising half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Steps in the falling half (default stepSizeUp). */
  stepSizeDown?: number;
  /** triangular: constant amplitude; triangular2: halved each cycle; expRange: gamma^step. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  /** A custom amplitude scale in [0, 1] (overrides mode), of the cycle number or of the step (scaleMode). */
  scaleFn?: (x: number) => number;
  scaleMode?: 'cycle' | 'iterations';
  /** Momentum (or Adam's beta1) cycled inversely between maxMomentum and baseMomentum (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

/** The cyclical learning rate policy (torch.optim.lr_scheduler.CyclicLR), stepped once per batch. */
export class CyclicLR extends LRScheduler {
  private readonly maxLrs: number[];
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly scaleMode: 'cycle' | 'iterations';
  private readonly momentums: { base: number[]; max: number[] } | null;

  constructor(optimizer: Opt, readonly options: CyclicLROptions) {
    const o = schedulerOptions('CyclicLR', options, ['baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode', 'cycleMomentum', 'baseMomentum', 'maxMomentum']);
    const groups = optimizer.paramGroups.length;
    const baseLrs = perGroupValues('CyclicLR', 'baseLr', o.baseLr, groups);
    const lastEpoch = o.lastEpoch ?? -1;
    // CyclicLR sets the starting lr itself: each group starts at its baseLr.
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.options.lr = baseLrs[i]));
    super(optimizer, lastEpoch);
    this.baseLrs.splice(0, this.baseLrs.length, ...baseLrs); // PyTorch's base_lrs here: baseLr, whatever initialLr the groups had
    this.maxLrs = perGroupValues('CyclicLR', 'maxLr', o.maxLr, groups);
    const up = o.stepSizeUp ?? 2000;
    const down = o.stepSizeDown ?? up;
    positive('CyclicLR', 'stepSizeUp', up);
    positive('CyclicLR', 'stepSizeDown', down);
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    const mode = o.mode ?? 'triangular';
    if (o.scaleFn !== undefined && typeof o.scaleFn !== 'function') throw new ValueError(`CyclicLR: scaleFn expected a function, got ${typeof o.scaleFn}`);
    if (o.scaleFn === undefined && !['triangular', 'triangular2', 'exp_range'].includes(mode)) {
      throw new ValueError(`CyclicLR: mode expected 'triangular', 'triangular2' or 'exp_range', got '${mode}'`);
    }
    const scaleMode = o.scaleFn ? (o.scaleMode ?? 'cycle') : mode === 'exp_range' ? 'iterations' : 'cycle';
    if (scaleMode !== 'cycle' && scaleMode !== 'iterations') throw new ValueError(`CyclicLR: scaleMode expected 'cycle' or 'iterations', got '${scaleMode}'`);
    this.scaleMode = scaleMode;
    this.momentums = null;
    if (o.cycleMomentum ?? true) {
      const base = perGroupValues('CyclicLR', 'baseMomentum', o.baseMomentum ?? 0.8, groups);
      const max = perGroupValues('CyclicLR', 'maxMomentum', o.maxMomentum ?? 0.9, groups);
      if (!usesBeta1(optimizer) && optimizer.paramGroups.some((g) => (g.options as { momentum?: number }).momentum === undefined)) {
        throw new ValueError('CyclicLR: cycleMomentum needs an optimiser with momentum or betas (or cycleMomentum: false)');
      }
      this.momentums = { base, max };
      if (lastEpoch === -1) max.forEach((m, i) => setGroupMomentum(optimizer, i, m));
    }
    this.init();
  }

  protected settings(): Record<string, unknown> {
    const o = this.options;
    return {
      max_lrs: this.maxLrs,
      total_size: this.totalSize,
      step_ratio: this.stepRatio,
      mode: o.mode ?? 'triangular',
      gamma: o.gamma ?? 1,
      scale_mode: this.scaleMode,
      cycle_momentum: this.momentums !== null,
      ...(this.momentums ? { base_momentums: this.momentums.base, max_momentums: this.momentums.max } : {}),
    };
  }

  private scale(x: number): number {
    const o = this.options;
    if (o.scaleFn) return o.scaleFn(x);
    const mode = o.mode ?? 'triangular';
    if (mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (mode === 'exp_range') return (o.gamma ?? 1) ** x;
    return 1;
  }

  protected lrAt(base: number, epoch: number, group: number): number {
    const cycle = Math.floor(1 + epoch / this.totalSize);
    const x = 1 + epoch / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scale(this.scaleMode === 'cycle' ? cycle : epoch);
    if (this.momentums) {
      const { base: bm, max: mm } = this.momentums;
      setGroupMomentum(this.optimizer, group, mm[group] - (mm[group] - bm[group]) * factor * scale);
    }
    return base + (this.maxLrs[group] - base) * factor * scale;
  }
}
