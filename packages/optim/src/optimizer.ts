// Note [optimisers]: PyTorch's design — param groups with their own options, per-parameter state,
// step() applying fused in-place kernels (ops/table/optim.ts in the tensor package): by default
// one foreach call per group and device (Note [foreach steps]; one kernel launch on cuda), or with
// `foreach: false` one call per parameter — the same arithmetic, the same bits.
// stateDict()/loadStateDict() are keyed by parameter index so training resumes exactly.
import { ValueError, checkOptions, copyInto, fullLike, keep, noGrad, sameShape, withGradEnabled, zeroGrads, type Tensor, type ZeroGradOptions } from '@nutshell/tensor';
import { toCamel, toSnake } from './names.js';

/**
 * A param group: its parameters and options. Each option is also a property of the group itself
 * (`group.lr = 0.01` sets `group.options.lr`), PyTorch's `param_groups[0]['lr']` habit.
 */
export type ParamGroup<O> = { params: Tensor[]; options: O } & { [K in keyof O]: O[K] };

/**
 * PyTorch's optimiser flags this API has no counterpart for: a saved PyTorch state may carry them;
 * at these values they change nothing, at any other they are refused.
 */
const INERT_TORCH_FLAGS: Record<string, readonly unknown[]> = { capturable: [false], differentiable: [false], fused: [false, null], decoupledWeightDecay: [false] };
/** Keys schedulers keep in a group's options. */
export const SCHEDULER_KEYS = new Set(['initialLr', 'maxLr', 'minLr', 'baseMomentum', 'maxMomentum']);

/**
 * A param group may carry keys of the user's own, as in PyTorch, but not a misspelled option:
 * `weight_decay` or `weightdecay` beside weightDecay would silently change nothing.
 */
export function checkGroupKey(owner: string, key: string, options: readonly string[]): void {
  if (options.includes(key)) return;
  const camel = toCamel(key);
  const near = options.find((o) => o === camel || o.toLowerCase() === key.toLowerCase().replace(/_/g, ''));
  if (near) throw new ValueError(`${owner}: param group option '${key}' is spelled '${near}' here`);
}

/** A group object whose options are also its own properties. */
function makeGroup<O>(params: Tensor[], options: O): ParamGroup<O> {
  return exposeOptions({ params, options } as ParamGroup<O>);
}

/**
 * Defines `group[key]` for each option key that has no property yet, and refuses PyTorch's
 * spelling of it: `group.weight_decay = 0` would otherwise add a key nothing reads, the step
 * going on with the old value (a user trial).
 */
export function exposeOptions<O>(group: ParamGroup<O>): ParamGroup<O> {
  for (const key of Object.keys(group.options as object)) {
    if (key === 'params' || key === 'options' || Object.prototype.hasOwnProperty.call(group, key)) continue;
    Object.defineProperty(group, key, {
      get: () => (group.options as Record<string, unknown>)[key],
      set: (v: unknown) => void ((group.options as Record<string, unknown>)[key] = v),
      enumerable: false,
    });
    const snake = toSnake(key);
    if (snake === key || Object.prototype.hasOwnProperty.call(group, snake)) continue;
    const refuse = (): never => {
      throw new ValueError(`param group option '${snake}' is spelled '${key}' here`);
    };
    Object.defineProperty(group, snake, { get: refuse, set: refuse, enumerable: false });
  }
  return group;
}

/** One parameter's update, ready for its step op (Optimizer.prepare). */
export interface PreparedStep {
  tensors: readonly (Tensor | null)[];
  attrs: object;
  key: string;
}

/** A step op in its two forms: one parameter, or many in one call (Note [foreach steps]). */
export interface StepOps {
  single(tensors: readonly (Tensor | null)[], attrs: object): void;
  foreach(tensors: readonly (readonly (Tensor | null)[])[], attrs: object): void;
}

export type ParamsArg<O> = Iterable<Tensor> | { params: Iterable<Tensor>; [option: string]: unknown }[];

export interface OptimizerState {
  state: Record<number, Record<string, Tensor | number>>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moments, step counts). */
  readonly state = new Map<Tensor, Record<string, Tensor | number>>();
  private disposed = false;

  /**
   * Frees the state tensors (moments, momentum buffers) now instead of at garbage collection —
   * an optimiser replaced mid-run holds as much memory as the parameters, or twice. It cannot
   * step afterwards.
   */
  dispose(): void {
    for (const st of this.state.values()) for (const v of Object.values(st)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
    this.disposed = true;
  }

  readonly defaults: O;

  /**
   * `defaults`: every option the optimiser takes, with its default; `options`: the caller's, refused when it names an option the optimiser does not
   * take (a param group may carry extra keys, as in PyTorch: they are ignored).
   */
  protected constructor(params: ParamsArg<O>, defaults: Omit<O, 'lr'> & { lr?: number }, options: object) {
    checkOptions(this.constructor.name, options ?? {}, ['lr', ...Object.keys(defaults).filter((k) => k !== 'lr')]);
    this.defaults = { ...defaults, ...options } as O;
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      const what = params !== null && typeof params === 'object' && typeof (params as { parameters?: unknown }).parameters === 'function' ? 'a module (pass model.parameters())' : params === null ? 'null' : typeof params;
      throw new ValueError(`${this.constructor.name}: params expected an iterable of tensors or of param groups, got ${what}`);
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError(`${this.constructor.name}: got an empty parameter list`);
    const grouped = (list[0] as { params?: unknown }).params !== undefined;
    const groups = grouped ? (list as { params: Iterable<Tensor> }[]) : [{ params: list as Tensor[] }];
    for (const g of groups) this.addGroup(this.constructor.name, g);
  }

  /**
   * Adds a param group, its options over the optimiser's defaults (PyTorch's add_param_group):
   * layers unfrozen part-way through fine-tuning join with their own lr.
   */
  addParamGroup(group: { params: Iterable<Tensor>; [option: string]: unknown }): void {
    if (group === null || typeof group !== 'object' || typeof (group as { params?: Iterable<Tensor> }).params?.[Symbol.iterator] !== 'function') {
      throw new ValueError(`addParamGroup: expected { params, ...options } with an iterable of tensors, got ${group === null ? 'null' : typeof group}`);
    }
    this.addGroup('addParamGroup', group);
  }

  private addGroup(owner: string, group: { params: Iterable<Tensor> }): void {
    const { params: ps, ...rest } = group;
    const tensors = [...ps];
    const earlier = new Set(this.paramGroups.flatMap((g) => g.params));
    const seen = new Set<Tensor>();
    for (const p of tensors) {
      if (!p?.isTensor) throw new ValueError(`${owner}: params must be tensors, got ${typeof p}`);
      if (p.dtype !== 'float32') throw new ValueError(`${owner}: can only optimise float32 tensors, got ${p.dtype}`);
      if (!p.isLeaf) throw new ValueError(`${owner}: can only optimise leaf tensors, got one computed by an op (pass the leaf, or x.detach().requiresGrad_())`);
      if (earlier.has(p)) throw new ValueError(`${owner}: a parameter appears in more than one group`);
      if (seen.has(p)) throw new ValueError(`${owner}: a parameter appears twice in one group (PyTorch refuses it too); pass each once`);
      seen.add(p);
    }
    for (const key of Object.keys(rest)) checkGroupKey(owner, key, Object.keys(this.defaults));
    const options = { ...this.defaults, ...rest } as O;
    this.validate(options);
    this.paramGroups.push(makeGroup(tensors, options));
  }

  /** PyTorch's flags that a saved state may carry, and the values at which they change nothing here. */
  protected inertTorchFlags(): Record<string, readonly unknown[]> {
    return INERT_TORCH_FLAGS;
  }

  /** Throws a ValueError for options out of range (each optimiser checks its own). */
  protected abstract validate(options: O): void;
  /**
   * Readies one parameter's update (creating its state on the first step): the step op's tensors,
   * its attributes, and a key that differs wherever those attributes differ between parameters
   * of one group (a first step, a step count), so equal keys can share one foreach call.
   */
  protected abstract prepare(p: Tensor, grad: Tensor, state: Record<string, Tensor | number>, options: O): PreparedStep;
  /** The step op, single and foreach. */
  protected abstract readonly stepOps: StepOps;

  /**
   * One optimisation step over every parameter with a gradient. A `closure` (PyTorch's form) is
   * called first, with gradients recorded, to recompute the loss and its gradients; step returns
   * what it returned.
   */
  step(): void;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    if (this.disposed) throw new ValueError(`${this.constructor.name}: step() after dispose()`);
    let loss: T | undefined;
    if (closure !== undefined) {
      if (typeof closure !== 'function') throw new ValueError(`${this.constructor.name}: step expected no argument or a closure, got ${closure === null ? 'null' : typeof closure}`);
      loss = withGradEnabled(true, closure);
      if (loss instanceof Promise) {
        throw new ValueError(`${this.constructor.name}: step's closure returned a Promise; step cannot wait for it (await your async work, then call step())`);
      }
    }
    this.update();
    return loss;
  }

  private update(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        const buckets = new Map<string, PreparedStep[]>();
        for (const p of group.params) {
          if (!p.grad) continue;
          let st = this.state.get(p);
          if (!st) this.state.set(p, (st = {}));
          const prepared = this.prepare(p, p.grad, st, group.options);
          if ((group.options as { foreach?: boolean }).foreach === false) {
            this.stepOps.single(prepared.tensors, prepared.attrs);
            continue;
          }
          const key = `${p.device}|${prepared.key}`;
          const bucket = buckets.get(key);
          if (bucket) bucket.push(prepared);
          else buckets.set(key, [prepared]);
        }
        for (const bucket of buckets.values()) this.stepOps.foreach(bucket.map((b) => b.tensors), bucket[0].attrs);
      }
    });
  }

  /** Clears gradients: disposes them (setToNone, the default) or writes zeros; PyTorch's zero_grad(False) is zeroGrad(false). */
  zeroGrad(options: ZeroGradOptions | boolean = {}): void {
    zeroGrads(`${this.constructor.name}.zeroGrad`, this.paramGroups.flatMap((g) => g.params), options);
  }

  /** A state tensor like p filled with `fill`, kept out of any scope (it lives with the optimiser). */
  protected stateTensor(p: Tensor, fill = 0): Tensor {
    return keep(fullLike(p, fill));
  }

  /** State and options by parameter index (PyTorch's layout), for checkpoints. */
  stateDict(): OptimizerState {
    const index = new Map<Tensor, number>();
    let i = 0;
    const paramGroups = this.paramGroups.map((g) => ({ ...(g.options as object), params: g.params.map((p) => (index.set(p, i), i++)) }));
    const state: OptimizerState['state'] = {};
    for (const [p, st] of this.state) state[index.get(p)!] = { ...st };
    return { state, paramGroups };
  }

  loadStateDict(saved: OptimizerState): void {
    if (saved.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`loadStateDict: the saved state has ${saved.paramGroups.length} param groups, this optimiser has ${this.paramGroups.length}`);
    }
    // Everything is checked before anything changes: a refused load leaves the optimiser as it was.
    const params: Tensor[] = [];
    const merged = saved.paramGroups.map((g, k) => {
      const mine = this.paramGroups[k];
      if (!Array.isArray(g.params) || g.params.length !== mine.params.length) throw new ValueError(`loadStateDict: group ${k} has ${g.params?.length} params saved, ${mine.params.length} here`);
      const options: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) {
        if (key === 'params') continue;
        const inert = this.inertTorchFlags()[key];
        if (inert && !(key in this.defaults)) {
          if (!inert.includes(value)) throw new ValueError(`loadStateDict: group ${k} has PyTorch's ${key}=${JSON.stringify(value)}, which ${this.constructor.name} here does not support`);
          continue;
        }
        if (!SCHEDULER_KEYS.has(key)) checkGroupKey(`loadStateDict: group ${k}`, key, Object.keys(this.defaults));
        options[key] = value;
      }
      const next = { ...mine.options, ...options } as O;
      this.validate(next);
      params.push(...mine.params);
      return next;
    });
    for (const [idx, st] of Object.entries(saved.state)) {
      const p = params[Number(idx)];
      if (!(Number.isInteger(Number(idx)) && p)) {
        throw new ValueError(`loadStateDict: state for parameter ${idx}, but this optimiser has ${params.length} parameters (0 to ${params.length - 1})`);
      }
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') continue;
        if (!v?.isTensor) throw new ValueError(`loadStateDict: state '${k}' of parameter ${idx} expected a Tensor or a number, got ${v === null ? 'null' : typeof v}`);
        if (!sameShape(v.shape, p.shape)) {
          throw new ValueError(`loadStateDict: state '${k}' of parameter ${idx} has shape [${v.shape.join(',')}] saved but the parameter is [${p.shape.join(',')}] here (a different model?)`);
        }
      }
    }
    merged.forEach((options, k) => {
      this.paramGroups[k].options = options;
      exposeOptions(this.paramGroups[k]);
    });
    for (const [idx, st] of Object.entries(saved.state)) {
      const p = params[Number(idx)];
      const copy: Record<string, Tensor | number> = {};
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') copy[k] = v;
        else {
          const t = this.stateTensor(p);
          noGrad(() => copyInto(t, v.device === t.device ? v : v.to(t.device)));
          copy[k] = t;
        }
      }
      const old = this.state.get(p);
      if (old) for (const v of Object.values(old)) if (typeof v !== 'number') v.dispose();
      this.state.set(p, copy);
    }
  }
}

export function checkBetas(op: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`${op}: betas expected a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
  checkRange(op, 'betas[0]', betas[0], betas[0] >= 0 && betas[0] < 1, '0 <= beta1 < 1');
  checkRange(op, 'betas[1]', betas[1], betas[1] >= 0 && betas[1] < 1, '0 <= beta2 < 1');
}

export function checkRange(op: string, name: string, value: number, ok: boolean, expected: string): void {
  if (typeof value !== 'number') {
    // lr: '2e-4' from a command-line flag reads as valid in "got 2e-4": name the type.
    throw new ValueError(`${op}: ${name} expected a number (${expected}), got ${value === null ? 'null' : typeof value === 'string' ? `the string '${value}'` : typeof value}`);
  }
  if (Number.isNaN(value) || !ok) throw new ValueError(`${op}: ${name} expected ${expected}, got ${value}`);
}
