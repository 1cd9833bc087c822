// Note [schedulers]: PyTorch's protocol. Constructing a scheduler records each group's
// `initialLr` and applies epoch 0; every step() advances `lastEpoch` and sets each group's lr from
// a closed form of (initialLr, lastEpoch), so resuming from stateDict() is exact.
import { ValueError } from '@nutshell/tensor';
import type { Optimizer } from '../optimizer.js';

type AnyOptimizer = Optimizer<{ lr: number }>;

export abstract class LRScheduler {
  lastEpoch: number;
  readonly baseLrs: number[];

  protected constructor(readonly optimizer: AnyOptimizer, lastEpoch = -1) {
    for (const g of optimizer.paramGroups) {
      const o = g.options as { lr: number; initialLr?: number };
      if (lastEpoch === -1) o.initialLr = o.lr;
      else if (o.initialLr === undefined) throw new ValueError(`${this.constructor.name}: resuming (lastEpoch ${lastEpoch}) needs initialLr in every param group`);
    }
    this.baseLrs = optimizer.paramGroups.map((g) => (g.options as unknown as { initialLr: number }).initialLr);
    this.lastEpoch = lastEpoch;
  }

  /** Call at the end of the constructor of each subclass (after its fields exist). */
  protected init(): void {
    this.step();
  }

  /** The learning rate of each group at `lastEpoch`. */
  protected abstract lrAt(baseLr: number, epoch: number, group: number): number;

  step(): void {
    this.lastEpoch += 1;
    this.optimizer.paramGroups.forEach((g, i) => {
      g.options.lr = this.lrAt(this.baseLrs[i], this.lastEpoch, i);
    });
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }

  stateDict(): Record<string, unknown> {
    const { optimizer: _, ...rest } = this as unknown as Record<string, unknown>;
    return JSON.parse(JSON.stringify(rest));
  }
  loadStateDict(state: Record<string, unknown>): void {
    Object.assign(this, state);
  }
}

export function positive(op: string, name: string, v: number, allowZero = false): void {
  if (typeof v !== 'number' || !(allowZero ? v >= 0 : v > 0)) throw new ValueError(`${op}: ${name} expected a number ${allowZero ? '>= 0' : '> 0'}, got ${v}`);
}
