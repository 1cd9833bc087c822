import { ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from './module.js';

/**
 * Modules applied in order; children are named "0", "1", … as in PyTorch, or by the keys of one
 * record given instead (PyTorch's Sequential(OrderedDict(...))).
 */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0] as unknown;
    if (modules.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module) && !Array.isArray(first)) {
      for (const [k, m] of Object.entries(first as Record<string, Module>)) {
        if (!(m instanceof Module)) throw new ValueError(`Sequential: entry '${k}' expected a Module, got ${describe(m)}`);
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
  get length(): number {
    return [...this.children()].length;
  }
  at(i: number): Module {
    return [...this.children()][i < 0 ? i + this.length : i];
  }
  /** Appends a module under the next index, as PyTorch's append. */
  push(m: Module): this {
    if (!(m instanceof Module)) throw new ValueError(`Sequential.push: expected a Module, got ${describe(m)}`);
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }
  /** PyTorch's name for push. */
  append(m: Module): this {
    return this.push(m);
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
  /** Each module's output is the next one's input; typed for tensors, so model.forward(x) is a Tensor. */
  forward(x: Tensor): Tensor {
    let y: unknown = x;
    for (const m of this.children()) y = m.forward(y);
    return y as Tensor;
  }
}

function describe(m: unknown): string {
  return m === null ? 'null' : typeof m === 'object' ? ((m as object).constructor?.name ?? 'an object') : JSON.stringify(m);
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
export class ModuleList extends Module {
  constructor(modules: Module[] = []) {
    super();
    for (const m of modules) this.push(m);
  }
  get length(): number {
    return [...this.children()].length;
  }
  push(m: Module): this {
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }
  /** PyTorch's name for push. */
  append(m: Module): this {
    return this.push(m);
  }
  at(i: number): Module {
    return [...this.children()][i < 0 ? i + this.length : i];
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
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
