// Note [averaged model]: PyTorch's torch.optim.swa_utils.AveragedModel — a deep copy of a model
// whose parameters (and, with useBuffers, buffers) are a running average of the model's, updated
// by updateParameters(model): the equal average of SWA by default, an EMA with
// getEmaMultiAvgFn(decay). The first update copies the model; each later one averages in place
// under noGrad and in a scope, so a step leaves nothing allocated behind it (the averaging's
// temporaries, and copies of the model's tensors moved to the average's device, die with the
// step). The count is a number on the JS side (PyTorch keeps an int64 buffer): no device read per
// step; stateDict() writes it as PyTorch's `n_averaged` beside `module.<name>` for the copy, so a
// checkpoint loads into PyTorch's AveragedModel and back.
//
// @nutshell/optim depends on @nutshell/tensor alone (package.json), not on @nutshell/nn, so the
// model is typed by what AveragedModel calls on it (AveragableModel): nn's Module has all of it.
import { Device, ShapeError, ValueError, checkOptions, copyInto, isTensor, noGrad, sameShape, scope, tensor, type DeviceLike, type Tensor } from '@nutshell/tensor';
import { getSwaMultiAvgFn, type AvgFn, type MultiAvgFn } from './swa-utils-avg-fns.js';

/** What AveragedModel needs of a model (nn's Module: parameters(), buffers(), clone() …), by shape: optim does not depend on nn. */
export interface AveragableModel {
  parameters(): Iterable<Tensor>;
  buffers(): Iterable<Tensor>;
  /** A deep copy: its own parameters and buffers (nn's Module.clone, PyTorch's copy.deepcopy). */
  clone(): this;
  /**
   * Needed only to call the averaged model (forward, updateBn): PyTorch's AveragedModel takes any
   * nn.Module, a holder of parameters with no forward of its own included.
   */
  forward?(...inputs: any[]): any;
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: Map<string, Tensor>, options?: { strict?: boolean }): { missingKeys: string[]; unexpectedKeys: string[] };
  /** Needed for the `device` option only. */
  to?(device: DeviceLike): unknown;
  /** Needed for train(), eval(), training and modules() only (updateBn(loader, averaged) uses them). */
  train?(mode?: boolean): unknown;
  training?: boolean;
  modules?(): Iterable<object>;
  dispose?(): void;
}

export interface AveragedModelOptions {
  /** Where the averaged copy lives (default: where the model is). */
  device?: DeviceLike;
  /** Averages one tensor, returning the new average (getEmaAvgFn(decay), getSwaAvgFn()). */
  avgFn?: AvgFn;
  /** Averages lists of tensors in place (getEmaMultiAvgFn(decay)); the default is the equal average, getSwaMultiAvgFn(). */
  multiAvgFn?: MultiAvgFn;
  /** Average the buffers too (BatchNorm's running statistics); otherwise they are copied from the model at each update (default false). */
  useBuffers?: boolean;
}

// forward is not among them: it is checked when the averaged model is called (AveragedModel.forward).
const MODEL_METHODS = ['parameters', 'buffers', 'clone', 'stateDict', 'loadStateDict'] as const;

function checkModel(where: string, model: unknown): asserts model is AveragableModel {
  const missing = model !== null && typeof model === 'object' ? MODEL_METHODS.filter((m) => typeof (model as Record<string, unknown>)[m] !== 'function') : MODEL_METHODS;
  if (missing.length > 0) {
    const got = model === null ? 'null' : typeof model !== 'object' ? typeof model : (model as { isTensor?: boolean }).isTensor ? 'a Tensor' : `an object without ${missing.join(', ')}`;
    throw new ValueError(`${where}: model expected a module (with ${MODEL_METHODS.join(', ')}, as nn's Module), got ${got}`);
  }
}


/** Stochastic weight averaging and EMA of a model's weights (PyTorch's AveragedModel): Note [averaged model]. */
export class AveragedModel<M extends AveragableModel = AveragableModel> {
  /** The averaged copy (PyTorch's swa_model.module): evaluate it, save it, or run updateBn on it. */
  readonly module: M;
  readonly avgFn: AvgFn | null;
  readonly multiAvgFn: MultiAvgFn | null;
  readonly useBuffers: boolean;
  private averaged = 0;

  constructor(model: M, options: AveragedModelOptions = {}) {
    checkModel('AveragedModel', model);
    checkOptions('AveragedModel', options ?? {}, ['device', 'avgFn', 'multiAvgFn', 'useBuffers']);
    const { device, avgFn, multiAvgFn, useBuffers = false } = options ?? {};
    for (const [name, fn] of [['avgFn', avgFn], ['multiAvgFn', multiAvgFn]] as const) {
      if (fn !== undefined && fn !== null && typeof fn !== 'function') throw new ValueError(`AveragedModel: ${name} expected a function, got ${typeof fn}`);
    }
    if (avgFn && multiAvgFn) throw new ValueError('AveragedModel: give one of avgFn and multiAvgFn, got both');
    if (typeof useBuffers !== 'boolean') throw new ValueError(`AveragedModel: useBuffers expected a boolean, got ${typeof useBuffers}`);
    const target = device === undefined ? null : Device.of(device, 'AveragedModel: device');
    if (target && typeof model.to !== 'function') throw new ValueError('AveragedModel: the device option needs a model with to(device), as nn\'s Module has');
    this.avgFn = avgFn ?? null;
    this.multiAvgFn = multiAvgFn ?? null;
    this.useBuffers = useBuffers;
    this.module = model.clone();
    if (target) this.module.to!(target);
  }

  /** How many models have been averaged (PyTorch's n_averaged). */
  get nAveraged(): number {
    return this.averaged;
  }

  /** Runs the averaged copy (PyTorch's forward, delegating to swa_model.module); the module must have a forward. */
  forward(...inputs: Parameters<NonNullable<M['forward']>>): ReturnType<NonNullable<M['forward']>> {
    if (typeof this.module.forward !== 'function') {
      throw new ValueError(`AveragedModel.forward: the averaged module (${this.module.constructor?.name ?? 'object'}) has no forward(); define forward on its class to call the averaged model (averaging, stateDict and updateParameters do not need it)`);
    }
    return this.module.forward(...inputs);
  }

  /**
   * Averages `model`'s current parameters (and buffers, with useBuffers) into the copy; the first
   * call copies them. Without useBuffers the copy's buffers are set to the model's, as PyTorch's.
   */
  updateParameters(model: Pick<AveragableModel, 'parameters' | 'buffers'>): void {
    // Only parameters() and buffers() are read here: any model of the same layout will do.
    if (model === null || typeof model !== 'object' || typeof model.parameters !== 'function' || typeof model.buffers !== 'function') {
      throw new ValueError(`AveragedModel.updateParameters: model expected a module (with parameters() and buffers()), got ${model === null ? 'null' : typeof model !== 'object' ? typeof model : (model as { isTensor?: boolean }).isTensor ? 'a Tensor' : 'an object without them'}`);
    }
    const pick = (m: Pick<AveragableModel, 'parameters' | 'buffers'>) => (this.useBuffers ? [...m.parameters(), ...m.buffers()] : [...m.parameters()]);
    const mine = pick(this.module);
    const theirs = pick(model);
    const myBuffers = this.useBuffers ? [] : [...this.module.buffers()];
    const theirBuffers = this.useBuffers ? [] : [...model.buffers()];
    // Everything checked before anything is written: a refused update leaves the average as it was.
    matchTensors('parameters' + (this.useBuffers ? ' and buffers' : ''), mine, theirs);
    matchTensors('buffers', myBuffers, theirBuffers);
    noGrad(() =>
      scope(() => {
        // The model's tensors where the average lives (copies when the devices differ, released with the scope).
        const current = theirs.map((t, i) => (t.device === mine[i].device ? t : t.to(mine[i].device)));
        if (this.averaged === 0) mine.forEach((a, i) => copyInto(a, current[i]));
        else if (this.avgFn) this.averageEach(this.avgFn, mine, current);
        else this.averageGroups(this.multiAvgFn ?? getSwaMultiAvgFn(), mine, current);
        myBuffers.forEach((b, i) => copyInto(b, theirBuffers[i].device === b.device ? theirBuffers[i] : theirBuffers[i].to(b.device)));
      }),
    );
    this.averaged += 1;
  }

  private averageEach(avgFn: AvgFn, mine: Tensor[], current: Tensor[]): void {
    mine.forEach((a, i) => {
      const next = avgFn(a, current[i], this.averaged);
      if (!isTensor(next)) throw new ValueError(`AveragedModel.updateParameters: avgFn expected to return a tensor, got ${next === null ? 'null' : typeof next}`);
      if (next === a) return; // averaged in place already
      if (!sameShape(next.shape, a.shape)) {
        throw new ShapeError(`AveragedModel.updateParameters: avgFn returned shape [${next.shape}] for a tensor of shape [${a.shape}]`);
      }
      copyInto(a, next.device === a.device ? next : next.to(a.device));
    });
  }

  /** One multiAvgFn call per device and dtype, as PyTorch groups them. */
  private averageGroups(multiAvgFn: MultiAvgFn, mine: Tensor[], current: Tensor[]): void {
    const groups = new Map<string, [Tensor[], Tensor[]]>();
    mine.forEach((a, i) => {
      const key = `${a.device}|${a.dtype}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = [[], []]));
      g[0].push(a);
      g[1].push(current[i]);
    });
    for (const [averaged, model] of groups.values()) multiAvgFn(averaged, model, this.averaged);
  }

  /**
   * PyTorch's state_dict of an AveragedModel: `n_averaged` (a new int64 scalar) then the copy's
   * entries as `module.<name>` (its live tensors, as Module.stateDict shares them).
   */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>([['n_averaged', tensor([this.averaged], { dtype: 'int64', shape: [] })]]);
    for (const [k, v] of this.module.stateDict()) out.set(`module.${k}`, v);
    return out;
  }

  /** Loads stateDict()'s layout, ours or PyTorch's AveragedModel's; with strict (default) every key must match. */
  loadStateDict(state: Map<string, Tensor> | Record<string, Tensor>, options: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    checkOptions('AveragedModel.loadStateDict', options ?? {}, ['strict']);
    const strict = options?.strict ?? true;
    if (state === null || typeof state !== 'object') throw new ValueError(`AveragedModel.loadStateDict: state expected a Map or an object of tensors, got ${state === null ? 'null' : typeof state}`);
    const given = state instanceof Map ? state : new Map(Object.entries(state));
    const inner = new Map<string, Tensor>();
    const unexpected: string[] = [];
    for (const [k, v] of given) {
      if (k.startsWith('module.')) inner.set(k.slice('module.'.length), v);
      else if (k !== 'n_averaged') unexpected.push(k);
    }
    const count = given.get('n_averaged');
    let n: number | null = null;
    if (count !== undefined) {
      n = isTensor(count) && count.numel === 1 && count.dtype !== 'float32' ? Number(count.itemSync()) : NaN;
      if (!(Number.isSafeInteger(n) && n >= 0)) {
        throw new ValueError(`AveragedModel.loadStateDict: 'n_averaged' expected an integer tensor of one element >= 0, got ${isTensor(count) ? `${count.dtype} [${count.shape}]${count.numel === 1 && count.dtype !== 'float32' ? ` = ${n}` : ''}` : typeof count}`);
      }
    }
    if (strict && (n === null || unexpected.length > 0)) {
      const missing = n === null ? 'missing keys: n_averaged' : '';
      throw new ValueError(`AveragedModel.loadStateDict: ${missing}${missing && unexpected.length ? '; ' : ''}${unexpected.length ? `unexpected keys: ${unexpected.join(', ')}` : ''}`);
    }
    const result = this.module.loadStateDict(inner, { strict });
    if (n !== null) this.averaged = n;
    return {
      missingKeys: [...(n === null ? ['n_averaged'] : []), ...result.missingKeys.map((k) => `module.${k}`)],
      unexpectedKeys: [...unexpected, ...result.unexpectedKeys.map((k) => `module.${k}`)],
    };
  }

  /** The copy's parameters (PyTorch's swa_model.parameters()). */
  parameters(): Iterable<Tensor> {
    return this.module.parameters();
  }
  /** The copy's buffers (its n_averaged is a number here, not a buffer). */
  buffers(): Iterable<Tensor> {
    return this.module.buffers();
  }
  /** The copy's modules, so updateBn(loader, averaged) finds its BatchNorm layers. */
  modules(): Iterable<object> {
    return this.need('modules', this.module.modules)();
  }
  get training(): boolean {
    return this.module.training ?? false;
  }
  train(mode = true): this {
    this.need('train', this.module.train)(mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Moves the copy to `device`. */
  to(device: DeviceLike): this {
    this.need('to', this.module.to)(device);
    return this;
  }
  /** Releases the copy's tensors now (nn's Module.dispose). */
  dispose(): void {
    this.need('dispose', this.module.dispose)();
  }

  private need<F extends (...args: any[]) => unknown>(method: string, fn: F | undefined): F {
    if (typeof fn !== 'function') throw new ValueError(`AveragedModel.${method}: the averaged module has no ${method}() (nn's Module has it)`);
    return fn.bind(this.module) as F;
  }
}

function matchTensors(what: string, mine: Tensor[], theirs: Tensor[]): void {
  const where = 'AveragedModel.updateParameters';
  if (mine.length !== theirs.length) throw new ValueError(`${where}: the model has ${theirs.length} ${what}, the averaged copy ${mine.length} (a different model?)`);
  mine.forEach((a, i) => {
    const t = theirs[i];
    if (!isTensor(t)) throw new ValueError(`${where}: the model's ${what} entry ${i} expected a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (!sameShape(t.shape, a.shape)) {
      throw new ShapeError(`${where}: the model's ${what} entry ${i} has shape [${t.shape}], the averaged copy's [${a.shape}] (a different model?)`);
    }
    if (t.dtype !== a.dtype) throw new ValueError(`${where}: the model's ${what} entry ${i} is ${t.dtype}, the averaged copy's ${a.dtype}`);
  });
}
