// Note [module registration]: a Module finds its parameters, buffers and submodules by walking
// its own properties in definition order (the order PyTorch registers them in), so assignment is
// registration: `this.fc = new Linear(4, 2)`, `this.weight = Parameter(randn(...))`. Buffers
// (running statistics) are tensors named with registerBuffer. stateDict() keys are PyTorch's.
import { Device, SCOPE_OPAQUE, ShapeError, ValueError, isTensor, copyInto, fmtShape, keep, noGrad, readSafetensorsFile, sameShape, tensor, zeroGrads, type DeviceLike, type Tensor, type ZeroGradOptions } from '@nutshell/tensor';
import { Parameter, isParameter } from './parameter.js';
import { describeStateValue } from './state-values.js';
import { withBackwardHooks, type BackwardHook, type BackwardPreHook } from './backward-hooks.js';
import { copyReparametrisations } from './weight-reparam.js';


// Assignment is registration (Note [module registration]), so assigning a plain tensor over a
// parameter would silently drop it from parameters(), the state dict and the optimiser while
// forward kept using it. Refused, as PyTorch refuses it.
const registrationGuard: ProxyHandler<Module> = {
  set(target, key, value, receiver) {
    // The own value only: reading through the prototype would run its getters (a trapped PyTorch spelling refuses).
    const own = typeof key === 'string' ? Object.getOwnPropertyDescriptor(target, key) : undefined;
    const old = own && 'value' in own ? own.value : undefined;
    if (isParameter(old) && value !== null && !isParameter(value)) {
      const what = isTensor(value) ? 'a plain Tensor' : value === undefined ? 'undefined' : typeof value;
      throw new ValueError(
        `${target.constructor.name}: cannot assign ${what} to parameter '${String(key)}' (a Parameter or null expected); ` +
          `wrap it, this.${String(key)} = Parameter(t), or copy values in with noGrad(() => copyInto(this.${String(key)}, t))`,
      );
    }
    // The same slip for a submodule (a function, `relu`, where `new ReLU()` was meant) would drop
    // the layer from forward without a word. null or undefined removes it, as PyTorch's None.
    if (old instanceof Module && value !== null && value !== undefined && !(value instanceof Module)) {
      const what = typeof value === 'function' ? `the function ${value.name || '(anonymous)'}` : isTensor(value) ? 'a Tensor' : typeof value;
      throw new ValueError(`${target.constructor.name}: cannot assign ${what} as submodule '${String(key)}' (a Module, or null to remove it, expected)`);
    }
    return Reflect.set(target, key, value, receiver);
  },
  // Every assignment ends here too (Reflect.set defines the property on the receiver, this proxy).
  defineProperty(target, key, descriptor) {
    const defined = Reflect.defineProperty(target, key, descriptor);
    if (defined) bumpLayout(target);
    return defined;
  },
  deleteProperty(target, key) {
    const deleted = Reflect.deleteProperty(target, key);
    if (deleted) bumpLayout(target);
    if (deleted && typeof key === 'string') (target as unknown as { [AFTER_DELETE]?: (key: string) => void })[AFTER_DELETE]?.(key);
    return deleted;
  },
};

/**
 * A count of the properties a module has had defined or deleted: what a container that caches its
 * children (Sequential's forward) compares to know its cache still holds. Written on the target
 * itself, past the proxy, so writing it is not itself a change.
 */
export const LAYOUT = Symbol('nutshell.layout');
function bumpLayout(target: Module): void {
  const t = target as unknown as { [LAYOUT]?: number };
  t[LAYOUT] = (t[LAYOUT] ?? 0) + 1;
}

/** The code of the warning about an array of modules, for `process.on('warning')` filters and --disable-warning. */
export const MODULE_ARRAY_WARNING = 'NUTSHELL_MODULE_ARRAY';
const warnedArrays = new Set<string>();

// A plain array of modules is not registered (as a Python list is not in PyTorch): its modules'
// parameters are missing from parameters(), the optimiser and the state dict, and training
// silently leaves them alone (a user trial). Said once per class and field.
function warnModuleArray(module: Module, key: string): void {
  const where = `${module.constructor.name}.${key}`;
  if (warnedArrays.has(where)) return;
  warnedArrays.add(where);
  process.emitWarning(
    `${where} is an array of modules, which registers none of them: their parameters are not in parameters(), the optimiser or the state dict. Use new ModuleList([...]) (or Sequential) to register them`,
    { code: MODULE_ARRAY_WARNING },
  );
}

/** A container's reaction to `delete module[key]` (Sequential and ModuleList renumber). */
export const AFTER_DELETE = Symbol('nutshell.afterDelete');

/** Module.clone's walk: modules and tensors copied once each (ties kept), containers rebuilt. */
function deepCopy(value: unknown, copies: Map<unknown, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (copies.has(value)) return copies.get(value);
  if (isTensor(value)) {
    if (value.isDisposed) return value; // a dead cache (a forward's last output, say): nothing to copy
    const copy = keep(value.clone()); // under clone()'s noGrad: no graph to detach from
    if (isParameter(value)) Parameter(copy, value.requiresGrad);
    copies.set(value, copy);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const v of value) copy.push(deepCopy(v, copies));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    copies.set(value, copy);
    for (const [k, v] of value) copy.set(k, deepCopy(v, copies));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    copies.set(value, copy);
    for (const v of value) copy.add(deepCopy(v, copies));
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (!(value instanceof Module) && proto !== Object.prototype && proto !== null) return value; // other objects are shared, not copied
  if (value instanceof Module) {
    // A forward defined as an arrow-function field is bound to the module it was made in: the copy
    // would run the original's weights (or, hooked, have no forward at all). Refused, not wrong.
    const hooks = (value as Module)[HOOKS];
    if (hooks ? hooks.ownForward !== undefined : Object.prototype.hasOwnProperty.call(value, 'forward')) {
      throw new ValueError(`clone: ${proto.constructor.name} has forward as an arrow-function field, which stays bound to the original module; define forward as a method to clone it`);
    }
  }
  const target = Object.create(proto) as object;
  const copy = value instanceof Module ? new Proxy(target as Module, registrationGuard) : target;
  copies.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    if (key === HOOKS || (key === 'forward' && (value as Module)[HOOKS])) continue; // hooks stay with the original
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in d) d.value = deepCopy(d.value, copies);
    Object.defineProperty(target, key, d);
  }
  return copy;
}

/** Where a module keeps its forward hooks (a symbol: not a property the registration walk sees). */
const HOOKS = Symbol('nutshell.forwardHooks');

interface ForwardHooks {
  pre: ((module: Module, inputs: unknown[]) => unknown[] | void)[];
  post: ((module: Module, inputs: unknown[], output: unknown) => unknown)[];
  /** Backward hooks run through identities around the forward (Note [module backward hooks]). */
  backward: BackwardHook<Module>[];
  backwardPre: BackwardPreHook<Module>[];
  /** The module's own `forward` before the hooks wrapped it (an arrow-function field), put back when the last hook goes. */
  ownForward: PropertyDescriptor | undefined;
}

/** What a register…Hook call returns. */
export interface RemovableHandle {
  remove(): void;
}

export abstract class Module {
  training = true;
  private readonly _bufferNames = new Set<string>();
  private readonly _transientBuffers = new Set<string>();

  abstract forward(...inputs: any[]): any;

  constructor() {
    return new Proxy(this, registrationGuard);
  }

  /** A scope's result search skips modules: parameters and buffers outlive scopes already (Note [module registration]). */
  declare readonly [SCOPE_OPAQUE]: true;

  declare [HOOKS]?: ForwardHooks;

  /**
   * Calls `hook(module, inputs, output)` after each forward; a value it returns replaces the
   * output (PyTorch's register_forward_hook): intermediate features for transfer learning,
   * activation statistics. Modules are called through forward(), so the first hook wraps this
   * module's forward in an own, non-enumerable property, and removing the last unwraps it. Hooks
   * are not copied by clone() (weight and spectral norm's are: they make the weight).
   */
  registerForwardHook(hook: (module: this, inputs: unknown[], output: any) => unknown): RemovableHandle {
    return this.addHook('post', hook as ForwardHooks['post'][number], 'registerForwardHook');
  }
  /** Calls `hook(module, inputs)` before each forward; an array it returns replaces the inputs (PyTorch's register_forward_pre_hook). */
  registerForwardPreHook(hook: (module: this, inputs: unknown[]) => unknown[] | void): RemovableHandle {
    return this.addHook('pre', hook as ForwardHooks['pre'][number], 'registerForwardPreHook');
  }
  /**
   * Calls `hook(module, gradInput, gradOutput)` when backward has the gradients of this module's
   * inputs (one per positional input, null for non-tensors) and outputs; an array it returns
   * replaces the input gradients (PyTorch's register_full_backward_hook: Grad-CAM, gradient
   * inspection). The forward must return a tensor or an array of tensors.
   */
  registerFullBackwardHook(hook: BackwardHook<this>): RemovableHandle {
    return this.addHook('backward', hook as unknown as ForwardHooks['backward'][number], 'registerFullBackwardHook');
  }
  /** Calls `hook(module, gradOutput)` when backward reaches this module's outputs; an array it returns replaces those gradients (register_full_backward_pre_hook). */
  registerFullBackwardPreHook(hook: BackwardPreHook<this>): RemovableHandle {
    return this.addHook('backwardPre', hook as unknown as ForwardHooks['backwardPre'][number], 'registerFullBackwardPreHook');
  }

  private addHook<K extends 'pre' | 'post' | 'backward' | 'backwardPre'>(kind: K, hook: ForwardHooks[K][number], method: string): RemovableHandle {
    if (typeof hook !== 'function') throw new ValueError(`${method}: hook expected a function, got ${hook === null ? 'null' : typeof hook}`);
    let hooks = this[HOOKS];
    if (!hooks) {
      hooks = { pre: [], post: [], backward: [], backwardPre: [], ownForward: Object.getOwnPropertyDescriptor(this, 'forward') };
      Object.defineProperty(this, HOOKS, { value: hooks, enumerable: false, configurable: true });
      const original = this.forward;
      const self = this;
      const list = hooks;
      Object.defineProperty(this, 'forward', {
        value: function forward(...inputs: unknown[]) {
          for (const pre of [...list.pre]) {
            const replaced = pre(self, inputs);
            if (replaced !== undefined) {
              if (!Array.isArray(replaced)) throw new ValueError(`${self.constructor.name}: a forward pre-hook expected to return an array of inputs or nothing, got ${typeof replaced}`);
              inputs = replaced;
            }
          }
          const run = (args: unknown[]) => original.apply(self, args);
          let output = list.backward.length + list.backwardPre.length > 0 ? withBackwardHooks(self, inputs, { full: list.backward, pre: list.backwardPre }, run) : run(inputs);
          for (const post of [...list.post]) {
            const replaced = post(self, inputs, output);
            if (replaced !== undefined) output = replaced;
          }
          return output;
        },
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
    (hooks[kind] as unknown[]).push(hook);
    const list = hooks[kind] as unknown[];
    const all = hooks;
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
        // The last hook gone, the module is as it was: its own forward back, or the prototype's.
        if (all.pre.length + all.post.length + all.backward.length + all.backwardPre.length === 0 && this[HOOKS] === all) {
          delete this[HOOKS];
          if (all.ownForward) Object.defineProperty(this, 'forward', all.ownForward);
          else delete (this as { forward?: unknown }).forward;
        }
      },
    };
  }

  /** The submodule at a dotted path ('' is this one), as PyTorch's get_submodule. */
  getSubmodule(path: string): Module {
    if (typeof path !== 'string') throw new ValueError(`getSubmodule: path expected a dotted string ('encoder.layers.0'), got ${Array.isArray(path) ? 'an array' : typeof path}`);
    if (path === '') return this;
    let m: Module = this;
    for (const part of path.split('.')) {
      const next = (m as unknown as Record<string, unknown>)[part];
      if (!(next instanceof Module)) throw new ValueError(`getSubmodule: ${m.constructor.name} has no submodule '${part}' (path '${path}')`);
      m = next;
    }
    return m;
  }
  /** The parameter at a dotted path ('layer1.0.weight'), as PyTorch's get_parameter. */
  getParameter(path: string): Tensor {
    if (typeof path !== 'string') throw new ValueError(`getParameter: path expected a dotted string ('fc.weight'), got ${Array.isArray(path) ? 'an array' : typeof path}`);
    const dot = path.lastIndexOf('.');
    const owner = this.getSubmodule(dot < 0 ? '' : path.slice(0, dot));
    const p = (owner as unknown as Record<string, unknown>)[path.slice(dot + 1)];
    if (!isParameter(p)) throw new ValueError(`getParameter: ${owner.constructor.name} has no parameter '${path.slice(dot + 1)}' (path '${path}')`);
    return p;
  }

  /**
   * A deep copy (PyTorch's copy.deepcopy(model)): the same classes and settings, its own copies of
   * every parameter and buffer (values and requiresGrad; gradients are not copied), tied
   * parameters still tied — for an EMA or teacher model, or a snapshot. Classes holding #private
   * fields cannot be copied this way (JavaScript gives no access to them).
   */
  clone(): this {
    const copies = new Map<unknown, unknown>();
    const copy = noGrad(() => deepCopy(this, copies)) as this;
    for (const [from, to] of copies) if (from instanceof Module) copyReparametrisations(from, to as Module);
    return copy;
  }

  /**
   * Registers a non-learnable tensor (e.g. running_mean), moved by to() and, unless `persistent` is
   * false, saved in stateDict. Like a parameter it outlives the scope it was made in.
   */
  registerBuffer(name: string, value: Tensor | null, options: { persistent?: boolean } = {}): void {
    if (options === null || typeof options !== 'object') throw new ValueError(`registerBuffer: options expected { persistent }, got ${String(options)}`);
    for (const key of Object.keys(options)) if (key !== 'persistent') throw new ValueError(`registerBuffer: unknown option '${key}' (it takes 'persistent')`);
    this._bufferNames.add(name);
    if (options.persistent === false) this._transientBuffers.add(name);
    else this._transientBuffers.delete(name);
    if (value) keep(value);
    (this as Record<string, unknown>)[name] = value;
  }

  /**
   * Releases every parameter, buffer and gradient of the tree now, rather than at garbage
   * collection; the module is unusable afterwards. `using model = new Net()` calls it at block end.
   */
  dispose(): void {
    for (const t of [...this.parameters(), ...this.buffers()]) {
      t.grad?.dispose();
      t.dispose();
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  *namedChildren(): Generator<[string, Module]> {
    let arrays: [string, unknown[]][] | undefined;
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) yield [k, v];
      else if (Array.isArray(v) && v[0] instanceof Module) (arrays ??= []).push([k, v]);
    }
    // An array that only refers to children registered under names of their own is fine (fc1, fc2 … and layers = [fc1, fc2]).
    for (const [k, list] of arrays ?? []) {
      const own = new Set(Object.values(this));
      if (list.some((m) => m instanceof Module && !own.has(m))) warnModuleArray(this, k);
    }
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  /**
   * This module and every submodule, by path. A module registered under two names is listed (and
   * walked into) once, at its first name, as PyTorch's named_modules; `removeDuplicate: false`
   * lists every name.
   */
  *namedModules(prefix = '', removeDuplicate = true): Generator<[string, Module]> {
    yield* this.walkModules(prefix, removeDuplicate ? new Set<Module>() : null);
  }
  private *walkModules(prefix: string, seen: Set<Module> | null): Generator<[string, Module]> {
    if (seen) {
      if (seen.has(this)) return;
      seen.add(this);
    }
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.walkModules(prefix ? `${prefix}.${k}` : k, seen);
  }
  /** Every module of the tree once, this one first (a module registered under two names too, as PyTorch's modules()). */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** This module's own parameters (not its children's), in definition order. */
  protected *ownParameters(): Generator<[string, Tensor]> {
    for (const [k, v] of Object.entries(this)) if (isParameter(v)) yield [k, v];
  }
  protected *ownBuffers(): Generator<[string, Tensor]> {
    for (const k of this._bufferNames) {
      const v = (this as Record<string, unknown>)[k];
      if (isTensor(v)) yield [k, v];
    }
  }

  /** This module and, with `recurse` (default), every submodule, by path. */
  private *walk(method: string, prefix: unknown, recurse: unknown): Generator<[string, Module]> {
    if (typeof prefix !== 'string') throw new ValueError(`${method}: prefix expected a string, got ${prefix === null ? 'null' : typeof prefix} (PyTorch's recurse=False is ${method}('', false))`);
    if (typeof recurse !== 'boolean') throw new ValueError(`${method}: recurse expected a boolean, got ${typeof recurse}`);
    if (recurse) yield* this.namedModules(prefix);
    else yield [prefix, this];
  }

  *namedParameters(prefix = '', recurse = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, m] of this.walk('namedParameters', prefix, recurse)) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue; // shared (tied) parameters are listed once, as in PyTorch
        seen.add(p);
        yield [path ? `${path}.${k}` : k, p];
      }
    }
  }
  *parameters(recurse = true): Generator<Tensor> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }
  *namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, m] of this.walk('namedBuffers', prefix, recurse)) {
      for (const [k, b] of m.ownBuffers()) {
        if (seen.has(b)) continue; // a shared module's buffers are listed once, as in PyTorch
        seen.add(b);
        yield [path ? `${path}.${k}` : k, b];
      }
    }
  }
  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Applies fn to every submodule (children first) and to this one, each module once. */
  apply(fn: (m: Module) => void, visited = new Set<Module>()): this {
    if (visited.has(this)) return this;
    visited.add(this);
    for (const c of this.children()) c.apply(fn, visited);
    fn(this);
    return this;
  }

  /** Sets requiresGrad on every parameter (false freezes the module). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Clears the parameters' gradients (disposed and null by default, or zeros); PyTorch's zero_grad(False) is zeroGrad(false). */
  zeroGrad(options: ZeroGradOptions | boolean = {}): void {
    zeroGrads(`${this.constructor.name}.zeroGrad`, this.parameters(), options);
  }

  /** Moves parameters and buffers to a device in place (the same Tensor objects stay referenced). */
  to(device: DeviceLike): this {
    const d = Device.of(device, 'Module.to');
    for (const t of [...this.parameters(), ...this.buffers()]) {
      if (t.device !== d) t.adoptStorage(t.to(d));
      if (t.grad && t.grad.device !== d) t.grad.adoptStorage(t.grad.to(d));
    }
    return this;
  }

  /** Parameters then buffers of every module, keyed like PyTorch (`conv1.weight`, `bn.running_mean`). */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    // Every name of a shared module has its keys, as in PyTorch's state_dict.
    for (const [path, m] of this.namedModules('', false)) {
      for (const [k, p] of m.ownParameters()) out.set(path ? `${path}.${k}` : k, p);
      for (const [k, b] of m.ownBuffers()) if (!m._transientBuffers.has(k)) out.set(path ? `${path}.${k}` : k, b);
    }
    return out;
  }

  /**
   * State-dict keys a checkpoint may lack without being incomplete: BatchNorm's
   * num_batches_tracked, which older and converted checkpoints omit (PyTorch's BatchNorm fills it
   * in the same way, keeping the module's own count).
   */
  protected optionalStateKeys(): string[] {
    return [];
  }

  /**
   * Copies values into the existing parameters and buffers (so optimisers keep their references).
   * strict (default): missing or unexpected keys are an error; shapes must always match. Given a
   * path, reads that safetensors file and releases what it read once copied (load(path) hands the
   * tensors to you, and a Map left to the collector holds them until it runs).
   */
  loadStateDict(state: Map<string, Tensor> | Record<string, Tensor> | string, options: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    if (typeof state === 'string') {
      const read = new Map([...readSafetensorsFile(state).tensors].map(([k, raw]) => [k, tensor(raw.data, { shape: raw.shape, dtype: raw.dtype })]));
      try {
        return this.loadStateDict(read, options);
      } finally {
        for (const t of read.values()) t.dispose();
      }
    }
    const given = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const optional = new Set<string>();
    for (const [path, m] of this.namedModules('', false)) for (const k of m.optionalStateKeys()) optional.add(path ? `${path}.${k}` : k);
    const missingKeys = [...own.keys()].filter((k) => !given.has(k) && !optional.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    // Every entry is checked before any is copied: a refused load leaves the model as it was,
    // and one message lists every problem — keys and shapes together, as PyTorch's does (a
    // user saw only the missing key, then the three shape mismatches on the next try).
    const mismatches: string[] = [];
    for (const [k, dst] of own) {
      const src = given.get(k);
      if (src === undefined) continue;
      if (!isTensor(src)) throw new ValueError(`loadStateDict: '${k}' expected a Tensor, got ${describeStateValue(src)}`);
      if (!sameShape(src.shape, dst.shape)) {
        mismatches.push(`'${k}' has shape ${fmtShape(src.shape)} in the state dict but ${fmtShape(dst.shape)} in the model`);
      }
    }
    const shapes = mismatches.length === 1 ? mismatches[0] : mismatches.length > 1 ? `${mismatches.length} shape mismatches: ${mismatches.join('; ')}` : '';
    if ((options.strict ?? true) && (missingKeys.length || unexpectedKeys.length)) {
      const parts = [missingKeys.length ? `missing keys: ${missingKeys.join(', ')}` : '', unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '', shapes].filter(Boolean);
      // Object.entries(model.stateDict()) of the Map stateDict() returns is [], so a snapshot made
      // that way is an empty object.
      const emptyHint = given.size === 0 && !(state instanceof Map) ? ' (the state is an empty object: stateDict() returns a Map, which Object.entries() sees as empty; keep the Map, or new Map(model.stateDict()))' : '';
      throw new ValueError(`loadStateDict: ${parts.join('; ')}${emptyHint}`);
    }
    if (shapes) throw new ShapeError(`loadStateDict: ${shapes}`);
    noGrad(() => {
      for (const [k, dst] of own) {
        const src = given.get(k);
        if (!src) continue;
        const moved = src.device === dst.device ? src : src.to(dst.device);
        copyInto(dst, moved);
        if (moved !== src) moved.dispose();
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** console.log(model) prints the layer summary, as PyTorch's print(model) (it dumped the internals). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** One line per module: PyTorch-like repr. */
  toString(): string {
    const kids = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (kids.length === 0) return `${this.constructor.name}(${extra})`;
    const inner = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`).join('\n');
    // As PyTorch: the settings on their own line above the children.
    return `${this.constructor.name}(\n${extra ? `  ${extra}\n` : ''}${inner}\n)`;
  }
  protected extraRepr(): string {
    return '';
  }
}
Object.defineProperty(Module.prototype, SCOPE_OPAQUE, { value: true });
