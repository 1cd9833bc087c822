// Note [schedulers]: PyTorch's protocol. Constructing a scheduler records each group's
// `initialLr` once (a second scheduler on the same optimizer keeps the first's, as PyTorch's
// setdefault does) and applies epoch 0; every step() advances `lastEpoch` and sets each group's lr
// from the lr the group has now — PyTorch's chainable form — so schedulers stepped together
// compose (warmup × decay), and an lr set by hand between steps carries on. Each scheduler also
// has its closed form of (initialLr, epoch), which SequentialLR uses when it hands over at a
// milestone (PyTorch's step(0)).
import { ValueError, checkOptions } from '@nutshell/tensor';
import type { Optimizer } from '../optimizer.js';
import { integerField, loadSchedulerState, perGroupField, type ProgressField } from './scheduler-state.js';

/** What a schedule drives: an optimiser's param groups (and its defaults, for beta1 or momentum) — any Optimizer, and LBFGS. */
export type SchedulableOptimizer = Pick<Optimizer<{ lr: number }>, 'paramGroups' | 'defaults'>;

/** Every group's lr now, in group order (what PyTorch's _last_lr records after a step). */
export const groupLrs = (optimizer: SchedulableOptimizer): number[] => optimizer.paramGroups.map((g) => g.options.lr);
type AnyOptimizer = SchedulableOptimizer;

export abstract class LRScheduler {
  lastEpoch: number;
  readonly baseLrs: number[];
  /** step() calls, the constructor's first included (PyTorch's _step_count). */
  protected stepCount = 0;
  /** Every group's lr as the last step left it (PyTorch's _last_lr); an lr set by hand since does not change it. */
  protected lastLrs: number[] = [];

  protected constructor(readonly optimizer: AnyOptimizer, lastEpoch = -1) {
    for (const g of optimizer.paramGroups) {
      const o = g.options as { lr: number; initialLr?: number };
      if (lastEpoch === -1) o.initialLr ??= o.lr;
      else if (o.initialLr === undefined) throw new ValueError(`${this.constructor.name}: resuming (lastEpoch ${lastEpoch}) needs initialLr in every param group`);
    }
    this.baseLrs = optimizer.paramGroups.map((g) => (g.options as unknown as { initialLr: number }).initialLr);
    this.lastEpoch = lastEpoch;
  }

  /** Call at the end of the constructor of each subclass (after its fields exist). */
  protected init(): void {
    this.step();
  }

  /** The learning rate of a group at `epoch` from its initial lr alone (the closed form). */
  protected abstract lrAt(baseLr: number, epoch: number, group: number): number;

  /** The group's next lr from its current one at `epoch` (the chainable form); the closed form unless a subclass knows better. */
  protected nextLr(_current: number, baseLr: number, epoch: number, group: number): number {
    return this.lrAt(baseLr, epoch, group);
  }

  /**
   * Advances one epoch (chainable form). PyTorch's deprecated step(epoch) jumps to `epoch` with
   * the closed form, as PyTorch does.
   */
  step(epoch?: number): void {
    if (epoch !== undefined) {
      if (!Number.isInteger(epoch) || epoch < 0) throw new ValueError(`${this.constructor.name}.step: epoch expected an integer >= 0, got ${epoch}`);
      this.stepTo(epoch);
      return;
    }
    this.stepCount += 1;
    this.lastEpoch += 1;
    this.scheduled().forEach((g, i) => {
      g.options.lr = this.nextLr(g.options.lr, this.baseLrs[i], this.lastEpoch, i);
    });
    this.recordLastLr();
  }

  /** Keeps every group's lr as this step left it, for getLastLr (PyTorch's _last_lr, all groups). */
  protected recordLastLr(): void {
    this.lastLrs = groupLrs(this.optimizer);
  }

  /**
   * The groups this schedule drives: those there were when it was made. A group added later
   * (addParamGroup, unfreezing part-way) keeps its own lr, as PyTorch's zip over base_lrs leaves it.
   */
  protected scheduled(): { options: { lr: number } }[] {
    return this.optimizer.paramGroups.slice(0, this.baseLrs.length);
  }

  /** @internal Jumps to `epoch` with the closed form (SequentialLR's hand-over, PyTorch's step(epoch)). */
  stepTo(epoch: number): void {
    this.stepCount += 1;
    this.lastEpoch = epoch;
    this.scheduled().forEach((g, i) => {
      g.options.lr = this.lrAt(this.baseLrs[i], epoch, i);
    });
    this.recordLastLr();
  }

  /** The lrs the last step set, one per group (PyTorch's get_last_lr(); restored by loadStateDict). */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  /** Progress and settings under PyTorch's names (Note [scheduler state]). */
  stateDict(): Record<string, unknown> {
    return { last_epoch: this.lastEpoch, _step_count: this.stepCount, base_lrs: [...this.baseLrs], _last_lr: this.getLastLr(), ...this.settings() };
  }
  /** Restores the progress of stateDict(), ours or PyTorch's; settings must equal this scheduler's. */
  loadStateDict(state: Record<string, unknown>): void {
    loadSchedulerState(this.constructor.name, state, { progress: this.progressFields(), settings: this.settings() });
  }

  /** The scheduler's settings, defaults resolved, by PyTorch attribute name. */
  protected abstract settings(): Record<string, unknown>;

  protected progressFields(): Record<string, ProgressField> {
    const owner = this.constructor.name;
    return {
      last_epoch: integerField(owner, 'last_epoch', -1, (v) => (this.lastEpoch = v)),
      _step_count: integerField(owner, '_step_count', 0, (v) => (this.stepCount = v)),
      base_lrs: perGroupField(owner, 'base_lrs', this.optimizer.paramGroups.length, (v) => this.baseLrs.splice(0, this.baseLrs.length, ...v)),
      _last_lr: perGroupField(owner, '_last_lr', this.optimizer.paramGroups.length, (v) => (this.lastLrs = v)),
    };
  }
}

export function positive(op: string, name: string, v: number, allowZero = false): void {
  if (typeof v !== 'number' || !(allowZero ? v >= 0 : v > 0)) throw new ValueError(`${op}: ${name} expected a number ${allowZero ? '>= 0' : '> 0'}, got ${v}`);
}

/** A scheduler's options, checked: an object with only the keys it takes. */
export function schedulerOptions<O extends object>(name: string, options: O | undefined, keys: readonly string[]): O {
  if (options === undefined) return {} as O;
  checkOptions(name, options, [...keys, 'lastEpoch']);
  return options;
}

/** A setting given once for every param group or as one value per group (PyTorch's _format_param). */
export function perGroupValues(op: string, name: string, value: number | number[], groups: number): number[] {
  const list = Array.isArray(value) ? value : Array<number>(groups).fill(value);
  if (list.length !== groups || !list.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ValueError(`${op}: ${name} expected a number or one number per param group (${groups}), got ${JSON.stringify(value)}`);
  }
  return [...list];
}

/** Whether momentum schedules drive Adam's beta1 (the optimiser has betas) rather than momentum. */
export function usesBeta1(optimizer: AnyOptimizer): boolean {
  return 'betas' in optimizer.defaults;
}

/** Sets a group's momentum, or its beta1 where the optimiser has betas (OneCycleLR, CyclicLR). */
export function setGroupMomentum(optimizer: AnyOptimizer, group: number, value: number): void {
  const o = optimizer.paramGroups[group].options as { momentum?: number; betas?: [number, number] };
  if (usesBeta1(optimizer)) o.betas = [value, o.betas![1]];
  else o.momentum = value;
}
