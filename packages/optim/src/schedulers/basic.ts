// The step-wise schedulers, each with PyTorch's chainable form (nextLr, from the group's current
// lr) and closed form (lrAt, from its initial lr): Note [schedulers].
import { ValueError } from '@nutshell/tensor';
import { LRScheduler, positive, schedulerOptions, type SchedulableOptimizer } from './lr-scheduler.js';

type Opt = SchedulableOptimizer;

/** lr = initialLr · gamma^⌊epoch / stepSize⌋ */
export class StepLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    super(optimizer, schedulerOptions('StepLR', options, ['stepSize', 'gamma']).lastEpoch);
    positive('StepLR', 'stepSize', options.stepSize);
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return { step_size: this.options.stepSize, gamma: this.options.gamma ?? 0.1 };
  }
  protected lrAt(base: number, epoch: number): number {
    return base * (this.options.gamma ?? 0.1) ** Math.floor(epoch / this.options.stepSize);
  }
  protected override nextLr(current: number, _base: number, epoch: number): number {
    return epoch === 0 || epoch % this.options.stepSize !== 0 ? current : current * (this.options.gamma ?? 0.1);
  }
}

/** lr = initialLr · gamma^(number of milestones ≤ epoch) */
export class MultiStepLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { milestones: number[]; gamma?: number; lastEpoch?: number }) {
    super(optimizer, schedulerOptions('MultiStepLR', options, ['milestones', 'gamma']).lastEpoch);
    if (!Array.isArray(options.milestones) || !options.milestones.every((m, i, a) => Number.isInteger(m) && (i === 0 || m >= a[i - 1]))) {
      throw new ValueError(`MultiStepLR: milestones expected increasing integers, got [${options.milestones}]`);
    }
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return { milestones: counted(this.options.milestones), gamma: this.options.gamma ?? 0.1 };
  }
  protected lrAt(base: number, epoch: number): number {
    return base * (this.options.gamma ?? 0.1) ** this.options.milestones.filter((m) => m <= epoch).length;
  }
  /** Also takes the milestones as a list (earlier state dicts of ours). */
  override loadStateDict(state: Record<string, unknown>): void {
    super.loadStateDict(Array.isArray(state.milestones) ? { ...state, milestones: counted(state.milestones as number[]) } : state);
  }
  protected override nextLr(current: number, _base: number, epoch: number): number {
    const hits = this.options.milestones.filter((m) => m === epoch).length; // a repeated milestone counts twice
    return current * (this.options.gamma ?? 0.1) ** hits;
  }
}

/** lr = initialLr · gamma^epoch */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { gamma: number; lastEpoch?: number }) {
    super(optimizer, schedulerOptions('ExponentialLR', options, ['gamma']).lastEpoch);
    positive('ExponentialLR', 'gamma', options.gamma);
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return { gamma: this.options.gamma };
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.options.gamma ** epoch;
  }
  protected override nextLr(current: number, _base: number, epoch: number): number {
    return epoch === 0 ? current : current * this.options.gamma;
  }
}

/** lr = etaMin + (initialLr − etaMin)(1 + cos(π·epoch/TMax))/2 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { TMax: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, schedulerOptions('CosineAnnealingLR', options, ['TMax', 'etaMin']).lastEpoch);
    positive('CosineAnnealingLR', 'TMax', options.TMax);
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return { T_max: this.options.TMax, eta_min: this.options.etaMin ?? 0 };
  }
  protected lrAt(base: number, epoch: number): number {
    const etaMin = this.options.etaMin ?? 0;
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / this.options.TMax))) / 2;
  }
  protected override nextLr(current: number, base: number, epoch: number): number {
    const { TMax } = this.options;
    const etaMin = this.options.etaMin ?? 0;
    if (epoch === 0) return current;
    if (this.stepCount === 1) return this.lrAt(base, epoch); // the first step of a resumed scheduler
    if ((epoch - 1 - TMax) % (2 * TMax) === 0) return current + ((base - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2;
    return ((1 + Math.cos((Math.PI * epoch) / TMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / TMax))) * (current - etaMin) + etaMin;
  }
}

/** Linear ramp of the lr factor from startFactor to endFactor over totalIters steps. */
export class LinearLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, schedulerOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']).lastEpoch);
    const start = options.startFactor ?? 1 / 3;
    const end = options.endFactor ?? 1;
    if (!(start > 0 && start <= 1)) throw new ValueError(`LinearLR: startFactor expected a number in (0, 1], got ${start}`);
    if (!(end >= 0 && end <= 1)) throw new ValueError(`LinearLR: endFactor expected a number in [0, 1], got ${end}`);
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return { start_factor: this.options.startFactor ?? 1 / 3, end_factor: this.options.endFactor ?? 1, total_iters: this.options.totalIters ?? 5 };
  }
  protected lrAt(base: number, epoch: number): number {
    const start = this.options.startFactor ?? 1 / 3;
    const end = this.options.endFactor ?? 1;
    const total = this.options.totalIters ?? 5;
    return base * (start + ((end - start) * Math.min(epoch, total)) / total);
  }
  protected override nextLr(current: number, _base: number, epoch: number): number {
    const start = this.options.startFactor ?? 1 / 3;
    const end = this.options.endFactor ?? 1;
    const total = this.options.totalIters ?? 5;
    if (epoch === 0) return current * start;
    if (epoch > total) return current;
    return current * (1 + (end - start) / (total * start + (epoch - 1) * (end - start)));
  }
}

/** lr = initialLr · (1 − min(epoch, totalIters)/totalIters)^power */
export class PolynomialLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer, schedulerOptions('PolynomialLR', options, ['totalIters', 'power']).lastEpoch);
    positive('PolynomialLR', 'totalIters', options.totalIters ?? 5);
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return { total_iters: this.options.totalIters ?? 5, power: this.options.power ?? 1 };
  }
  protected lrAt(base: number, epoch: number): number {
    const total = this.options.totalIters ?? 5;
    return base * (1 - Math.min(epoch, total) / total) ** (this.options.power ?? 1);
  }
  protected override nextLr(current: number, _base: number, epoch: number): number {
    const total = this.options.totalIters ?? 5;
    if (epoch === 0 || epoch > total) return current;
    return current * ((1 - epoch / total) / (1 - (epoch - 1) / total)) ** (this.options.power ?? 1);
  }
}

/** lr = initialLr · lrLambda(epoch) (one function for every group, or one per group). */
export class LambdaLR extends LRScheduler {
  private readonly fns: ((epoch: number) => number)[];
  constructor(optimizer: Opt, readonly options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[]; lastEpoch?: number }) {
    super(optimizer, schedulerOptions('LambdaLR', options, ['lrLambda']).lastEpoch);
    this.fns = lambdas('LambdaLR', options.lrLambda, optimizer.paramGroups.length);
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return {}; // lrLambda functions do not serialise (PyTorch saves lr_lambdas as None)
  }
  protected lrAt(base: number, epoch: number, group: number): number {
    return base * this.fns[group](epoch);
  }
}

/** lr = previous lr · lrLambda(epoch) for epoch > 0. */
export class MultiplicativeLR extends LRScheduler {
  private readonly fns: ((epoch: number) => number)[];
  constructor(optimizer: Opt, readonly options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[]; lastEpoch?: number }) {
    super(optimizer, schedulerOptions('MultiplicativeLR', options, ['lrLambda']).lastEpoch);
    this.fns = lambdas('MultiplicativeLR', options.lrLambda, optimizer.paramGroups.length);
    this.init();
  }
  protected settings(): Record<string, unknown> {
    return {};
  }
  protected lrAt(base: number, epoch: number, group: number): number {
    let lr = base;
    for (let e = 1; e <= epoch; e++) lr *= this.fns[group](e);
    return lr;
  }
  protected override nextLr(current: number, _base: number, epoch: number, group: number): number {
    return epoch > 0 ? current * this.fns[group](epoch) : current;
  }
}

/** Milestones as PyTorch keeps them, a Counter — milestone → times it occurs — in its JSON form. */
function counted(milestones: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of milestones) out[m] = (out[m] ?? 0) + 1;
  return out;
}

function lambdas(name: string, f: unknown, groups: number): ((epoch: number) => number)[] {
  const list = Array.isArray(f) ? f : Array<unknown>(groups).fill(f);
  if (list.length !== groups || !list.every((x) => typeof x === 'function')) {
    throw new ValueError(`${name}: lrLambda expected a function or one function per param group (${groups}), got ${Array.isArray(f) ? `${f.length} entries` : typeof f}`);
  }
  return list as ((epoch: number) => number)[];
}
