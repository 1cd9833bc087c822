import { ValueError, checkOptions, type Tensor } from '@nutshell/tensor';
import type { Optimizer } from '../optimizer.js';

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

  constructor(readonly optimizer: Optimizer<{ lr: number }>, options: ReduceLROnPlateauOptions = {}) {
    checkOptions('ReduceLROnPlateau', options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    this.o = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, ...options };
    if (!(this.o.factor < 1 && this.o.factor >= 0)) throw new ValueError(`ReduceLROnPlateau: factor expected a number in [0, 1), got ${this.o.factor}`);
    if (this.o.mode !== 'min' && this.o.mode !== 'max') throw new ValueError(`ReduceLROnPlateau: mode expected 'min' or 'max', got '${String(this.o.mode)}'`);
    if (this.o.thresholdMode !== 'rel' && this.o.thresholdMode !== 'abs') throw new ValueError(`ReduceLROnPlateau: thresholdMode expected 'rel' or 'abs', got '${String(this.o.thresholdMode)}'`);
    this.best = this.o.mode === 'min' ? Infinity : -Infinity;
  }

  private better(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.o;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  /** `metric`: a number or a one-element tensor (read back, as PyTorch's float(metric)). */
  step(metric: number | Tensor): void {
    if (typeof metric !== 'number') {
      if (!(metric as Tensor | null)?.isTensor || metric.numel !== 1) throw new ValueError(`ReduceLROnPlateau.step: metric expected a number or a one-element tensor, got ${(metric as Tensor | null)?.isTensor ? `shape [${metric.shape.join(',')}]` : typeof metric}`);
      metric = metric.itemSync();
    }
    this.lastEpoch += 1;
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
        const minLr = Array.isArray(this.o.minLr) ? this.o.minLr[i] : this.o.minLr;
        const next = Math.max(g.options.lr * this.o.factor, minLr);
        if (g.options.lr - next > this.o.eps) g.options.lr = next;
      });
      this.cooldownLeft = this.o.cooldown;
      this.badEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }

  /** Everything a resumed run needs: the best metric, the bad epochs and cooldown left, the epoch. */
  stateDict(): Record<string, unknown> {
    return { best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft, lastEpoch: this.lastEpoch, options: { ...this.o } };
  }
  loadStateDict(state: Record<string, unknown>): void {
    this.best = state.best as number;
    this.badEpochs = state.badEpochs as number;
    this.cooldownLeft = state.cooldownLeft as number;
    this.lastEpoch = state.lastEpoch as number;
  }
}
