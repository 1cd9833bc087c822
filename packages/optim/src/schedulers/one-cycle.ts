import { ValueError } from '@nutshell/tensor';
import { LRScheduler, perGroupValues, setGroupMomentum, type SchedulableOptimizer } from './lr-scheduler.js';

export interface OneCycleOptions {
  maxLr: number | number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  lr: [keyof Bounds, keyof Bounds];
  momentum: ['max' | 'base', 'max' | 'base'];
}
interface Bounds {
  initial: number;
  max: number;
  min: number;
}

/** The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR), momentum cycled inversely (beta1 for Adam). */
export class OneCycleLR extends LRScheduler {
  private readonly total: number;
  private readonly phases: Phase[];
  private readonly bounds: Bounds[];

  constructor(optimizer: SchedulableOptimizer, readonly options: OneCycleOptions) {
    const total = options.totalSteps ?? (options.epochs ?? 0) * (options.stepsPerEpoch ?? 0);
    if (!(Number.isInteger(total) && total > 0)) throw new ValueError(`OneCycleLR: totalSteps (or epochs × stepsPerEpoch) expected a positive integer, got ${total}`);
    const pct = options.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new ValueError(`OneCycleLR: pctStart expected a number in [0, 1], got ${pct}`);
    const div = options.divFactor ?? 25;
    const finalDiv = options.finalDivFactor ?? 1e4;
    const maxLrs = perGroupValues('OneCycleLR', 'maxLr', options.maxLr, optimizer.paramGroups.length);
    // OneCycle sets the starting lr itself: initialLr = maxLr / divFactor.
    optimizer.paramGroups.forEach((g, i) => {
      g.options.lr = maxLrs[i] / div;
    });
    super(optimizer, -1);
    this.total = total;
    this.bounds = maxLrs.map((m) => ({ initial: m / div, max: m, min: m / div / finalDiv }));
    this.phases = options.threePhase
      ? [
          { endStep: pct * total - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { endStep: 2 * pct * total - 2, lr: ['max', 'initial'], momentum: ['base', 'max'] },
          { endStep: total - 1, lr: ['initial', 'min'], momentum: ['max', 'max'] },
        ]
      : [
          { endStep: pct * total - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { endStep: total - 1, lr: ['max', 'min'], momentum: ['base', 'max'] },
        ];
    if (options.cycleMomentum ?? true) {
      for (const g of optimizer.paramGroups) {
        const o = g.options as { momentum?: number; betas?: [number, number] };
        if (o.momentum === undefined && o.betas === undefined) throw new ValueError('OneCycleLR: cycleMomentum needs an optimiser with momentum or betas');
      }
    }
    this.init();
  }

  /** PyTorch's total_steps and cycle_momentum, and the rest of the policy under snake_case names. */
  protected settings(): Record<string, unknown> {
    const o = this.options;
    return {
      total_steps: this.total,
      cycle_momentum: o.cycleMomentum ?? true,
      max_lr: this.bounds.map((b) => b.max),
      pct_start: o.pctStart ?? 0.3,
      anneal_strategy: o.annealStrategy ?? 'cos',
      div_factor: o.divFactor ?? 25,
      final_div_factor: o.finalDivFactor ?? 1e4,
      three_phase: o.threePhase ?? false,
    };
  }

  private anneal(start: number, end: number, pct: number): number {
    if ((this.options.annealStrategy ?? 'cos') === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected lrAt(_base: number, step: number, group: number): number {
    if (step > this.total) throw new ValueError(`OneCycleLR: stepped ${step} times, more than totalSteps ${this.total}`);
    let start = 0;
    for (let k = 0; k < this.phases.length; k++) {
      const phase = this.phases[k];
      if (step <= phase.endStep || k === this.phases.length - 1) {
        const pct = (step - start) / (phase.endStep - start);
        const b = this.bounds[group];
        if (this.options.cycleMomentum ?? true) this.setMomentum(group, phase, pct);
        return this.anneal(b[phase.lr[0]], b[phase.lr[1]], pct);
      }
      start = phase.endStep;
    }
    return this.bounds[group].min;
  }

  private setMomentum(group: number, phase: Phase, pct: number): void {
    const m = { base: this.options.baseMomentum ?? 0.85, max: this.options.maxMomentum ?? 0.95 };
    setGroupMomentum(this.optimizer, group, this.anneal(m[phase.momentum[0]], m[phase.momentum[1]], pct));
  }
}
