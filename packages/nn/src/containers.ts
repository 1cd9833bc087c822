import { ValueError, type Tensor } from '@nutshell/tensor';
import { AFTER_DELETE, LAYOUT, Module } from './module.js';

// Sequential and ModuleList name their modules "0", "1", … and keep the numbers contiguous, as
// PyTorch does: `delete seq[1]` (PyTorch's `del seq[1]`), pop and insert renumber the rest, so
// push never lands on a name still in use and the state-dict keys stay those of the same model
// built in PyTorch.

const INDEX_KEY = /^(0|[1-9][0-9]*)$/;
let renumbering = false;

/** The list operations Sequential and ModuleList share (PyTorch's append, extend, insert, pop, slicing). */
abstract class IndexedModules extends Module {
  /** The number of modules. */
  get length(): number {
    return [...this.children()].length;
  }
  /** The module at index i (negative counts from the end; undefined past either end, as Array's at). */
  at(i: number): Module {
    return [...this.children()][i < 0 ? i + this.length : i];
  }
  /** Appends a module under the next index, as PyTorch's append. */
  push(m: Module): this {
    checkModule(`${this.constructor.name}.push`, m);
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }
  /** PyTorch's name for push. */
  append(m: Module): this {
    return this.push(m);
  }
  /** Appends each module in order. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.push(m);
    return this;
  }
  /** Puts m before the module at index (negative counts from the end; length appends), renumbering those after it. */
  insert(index: number, m: Module): this {
    const name = `${this.constructor.name}.insert`;
    checkModule(name, m);
    const modules = this.numbered(name);
    const n = modules.length;
    if (!Number.isInteger(index) || index < -n || index > n) throw new ValueError(`${name}: index expected an integer from ${-n} to ${n}, got ${index}`);
    const at = index < 0 ? index + n : index;
    modules.splice(at, 0, m);
    this.renumber(modules);
    return this;
  }
  /** Removes and returns the module at index (default: the last), renumbering those after it. */
  pop(index = -1): Module {
    const name = `${this.constructor.name}.pop`;
    const entries = [...this.namedChildren()];
    const n = entries.length;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new ValueError(`${name}: index expected an integer from ${-n} to ${n - 1}, got ${index}`);
    const at = index < 0 ? index + n : index;
    delete (this as unknown as Record<string, Module>)[entries[at][0]]; // renumbers (Note above)
    return entries[at][1];
  }
  /** A new container of the same kind holding modules [start, end) (PyTorch's seq[a:b]); the modules are shared, not copied. */
  slice(start?: number, end?: number): this {
    return this.sameKind([...this.children()].slice(start, end));
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }

  protected abstract sameKind(modules: Module[]): this;

  /** Called by the registration guard after `delete container[key]`: closes the gap. */
  [AFTER_DELETE](key: string): void {
    if (renumbering || !INDEX_KEY.test(key)) return;
    this.renumber([...this.namedChildren()].filter(([k]) => INDEX_KEY.test(k)).map(([, m]) => m));
  }

  private renumber(modules: Module[]): void {
    const self = this as unknown as Record<string, Module>;
    renumbering = true;
    try {
      for (const [k] of [...this.namedChildren()]) if (INDEX_KEY.test(k)) delete self[k];
      modules.forEach((m, i) => (self[String(i)] = m));
    } finally {
      renumbering = false;
    }
  }
  private numbered(name: string): Module[] {
    const entries = [...this.namedChildren()];
    const named = entries.filter(([k]) => !INDEX_KEY.test(k)).map(([k]) => k);
    if (named.length) throw new ValueError(`${name}: works on numbered modules, but these have names (${named.join(', ')}); build a new ${this.constructor.name} instead`);
    return entries.map(([, m]) => m);
  }
}

/**
 * Modules applied in order; children are named "0", "1", … as in PyTorch, or by the keys of one
 * record given instead (PyTorch's Sequential(OrderedDict(...))).
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0] as unknown;
    if (modules.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module) && !Array.isArray(first)) {
      for (const [k, m] of Object.entries(first as Record<string, Module>)) {
        if (!(m instanceof Module)) throw new ValueError(`Sequential: entry '${k}' expected a Module, got ${describe(m)}`);
        // JavaScript lists integer-like keys before all others, whatever order they were written
        // in, so such a key would silently change the order the modules run in.
        if (INDEX_KEY.test(k)) throw new ValueError(`Sequential: entry '${k}' has an integer-like name, which JavaScript orders before the other names (the modules would run out of order); name it (e.g. 'layer${k}') or pass the modules positionally`);
        checkChildName('Sequential', this, k);
        (this as unknown as Record<string, Module>)[k] = m;
      }
      return;
    }
    (modules as unknown[]).forEach((m, i) => {
      if (!(m instanceof Module)) throw new ValueError(`Sequential: argument ${i} expected a Module, got ${describe(m)}`);
      (this as unknown as Record<string, Module>)[String(i)] = m;
    });
  }
  protected sameKind(modules: Module[]): this {
    return new Sequential(...modules) as this;
  }
  /** Each module's output is the next one's input; typed for tensors, so model.forward(x) is a Tensor. */
  forward(x: Tensor): Tensor {
    // Walking the children through the module's proxy cost 2–4 µs a call, as much as a batch-1
    // policy's whole forward in an RL trial: the list is kept until a property changes (LAYOUT).
    const layout = (this as unknown as { [LAYOUT]?: number })[LAYOUT] ?? 0;
    let plan = forwardPlans.get(this);
    if (plan?.layout !== layout) forwardPlans.set(this, (plan = { layout, modules: [...this.children()] }));
    let y: unknown = x;
    for (const m of plan.modules) y = m.forward(y);
    return y as Tensor;
  }
}

const forwardPlans = new WeakMap<Sequential, { layout: number; modules: Module[] }>();

function checkModule(name: string, m: unknown): void {
  if (!(m instanceof Module)) throw new ValueError(`${name}: expected a Module, got ${describe(m)}`);
}

function describe(m: unknown): string {
  return m === null ? 'null' : typeof m === 'object' ? ((m as object).constructor?.name ?? 'an object') : typeof m === 'function' ? `the function ${m.name || '(anonymous)'}` : JSON.stringify(m);
}

/**
 * A child's name becomes a property of its parent and a state-dict path segment: one that would
 * hide a member (training, to, forward …) or holds a '.' would break the module or its keys.
 */
function checkChildName(owner: string, parent: Module, key: string): void {
  if (typeof key !== 'string' || key === '') throw new ValueError(`${owner}: key expected a non-empty string, got ${JSON.stringify(key)}`);
  if (key.includes('.')) throw new ValueError(`${owner}: key '${key}' contains '.', which separates state-dict names`);
  const existing = (parent as unknown as Record<string, unknown>)[key];
  if (key in parent && !(existing instanceof Module)) throw new ValueError(`${owner}: key '${key}' would hide the module's own '${key}'; choose another name`);
}

/** A list of modules whose parameters are registered ("0", "1", …); it has no forward of its own. */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }
  protected sameKind(modules: Module[]): this {
    return new ModuleList(modules) as this;
  }
  forward(): never {
    throw new Error('ModuleList has no forward: iterate over it');
  }
}

/** Named modules; keys become stateDict prefixes, in insertion order (integer-like keys too, as PyTorch). */
export class ModuleDict extends Module {
  private readonly _order: string[] = [];
  constructor(modules: Record<string, Module> | Map<string, Module> = {}) {
    super();
    for (const [k, m] of modules instanceof Map ? modules : Object.entries(modules)) this.set(k, m);
  }
  set(key: string, m: Module): this {
    if (!(m instanceof Module)) throw new ValueError(`ModuleDict: '${key}' expected a Module, got ${describe(m)}`);
    checkChildName('ModuleDict', this, key);
    if (!this._order.includes(key)) this._order.push(key);
    (this as unknown as Record<string, Module>)[key] = m;
    return this;
  }
  get(key: string): Module | undefined {
    return this._order.includes(key) ? (this as unknown as Record<string, Module>)[key] : undefined;
  }
  has(key: string): boolean {
    return this._order.includes(key);
  }
  delete(key: string): boolean {
    const i = this._order.indexOf(key);
    if (i < 0) return false;
    this._order.splice(i, 1);
    delete (this as unknown as Record<string, Module>)[key];
    return true;
  }
  get size(): number {
    return this._order.length;
  }
  keys(): string[] {
    return [...this._order];
  }
  values(): Module[] {
    return this._order.map((k) => (this as unknown as Record<string, Module>)[k]);
  }
  items(): [string, Module][] {
    return this._order.map((k) => [k, (this as unknown as Record<string, Module>)[k]]);
  }
  override *namedChildren(): Generator<[string, Module]> {
    yield* this.items();
  }
  [Symbol.iterator](): Iterator<string> {
    return this._order[Symbol.iterator]();
  }
  forward(): never {
    throw new Error('ModuleDict has no forward: look modules up by key');
  }
}

/** Returns its input unchanged (a placeholder, e.g. for a removed head). */
export class Identity extends Module {
  forward<T>(x: T): T {
    return x;
  }
}
