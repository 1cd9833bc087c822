import { ValueError } from '@nutshell/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, positive } from './lr-scheduler.js';

type Opt = Optimizer<{ lr: number }>;

/** lr = initialLr · gamma^⌊epoch / stepSize⌋ */
export class StepLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    positive('StepLR', 'stepSize', options.stepSize);
    this.init();
  }
  protected lrAt(base: number, epoch: number): number {
    return base * (this.options.gamma ?? 0.1) ** Math.floor(epoch / this.options.stepSize);
  }
}

/** lr = initialLr · gamma^(number of milestones ≤ epoch) */
export class MultiStepLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { milestones: number[]; gamma?: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    if (!options.milestones.every((m, i, a) => Number.isInteger(m) && (i === 0 || m >= a[i - 1]))) {
      throw new ValueError(`MultiStepLR: milestones expected increasing integers, got [${options.milestones}]`);
    }
    this.init();
  }
  protected lrAt(base: number, epoch: number): number {
    return base * (this.options.gamma ?? 0.1) ** this.options.milestones.filter((m) => m <= epoch).length;
  }
}

/** lr = initialLr · gamma^epoch */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { gamma: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    positive('ExponentialLR', 'gamma', options.gamma);
    this.init();
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.options.gamma ** epoch;
  }
}

/** lr = etaMin + (initialLr − etaMin)(1 + cos(π·epoch/TMax))/2 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { TMax: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    positive('CosineAnnealingLR', 'TMax', options.TMax);
    this.init();
  }
  protected lrAt(base: number, epoch: number): number {
    const etaMin = this.options.etaMin ?? 0;
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / this.options.TMax))) / 2;
  }
}

/** Linear ramp of the lr factor from startFactor to endFactor over totalIters steps. */
export class LinearLR extends LRScheduler {
  constructor(optimizer: Opt, readonly options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch);
    const start = options.startFactor ?? 1 / 3;
    const end = options.endFactor ?? 1;
    if (!(start > 0 && start <= 1)) throw new ValueError(`LinearLR: startFactor expected a number in (0, 1], got ${start}`);
    if (!(end >= 0 && end <= 1)) throw new ValueError(`LinearLR: endFactor expected a number in [0, 1], got ${end}`);
    this.init();
  }
  protected lrAt(base: number, epoch: number): number {
    const start = this.options.startFactor ?? 1 / 3;
    const end = this.options.endFactor ?? 1;
    const total = this.options.totalIters ?? 5;
    return base * (start + ((end - start) * Math.min(epoch, total)) / total);
  }
}
