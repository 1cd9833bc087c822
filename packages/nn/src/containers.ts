import { ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from './module.js';

/** Modules applied in order; children are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new ValueError(`Sequential: argument ${i} expected a Module, got ${m === null ? 'null' : typeof m === 'object' ? (m as object).constructor?.name ?? 'an object' : JSON.stringify(m)}`);
      (this as unknown as Record<string, Module>)[String(i)] = m;
    });
  }
  get length(): number {
    return [...this.children()].length;
  }
  at(i: number): Module {
    return [...this.children()][i < 0 ? i + this.length : i];
  }
  /** Each module's output is the next one's input; typed for tensors, so model.forward(x) is a Tensor. */
  forward(x: Tensor): Tensor {
    let y: unknown = x;
    for (const m of this.children()) y = m.forward(y);
    return y as Tensor;
  }
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

/** Named modules; keys become stateDict prefixes. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }
  set(key: string, m: Module): this {
    (this as unknown as Record<string, Module>)[key] = m;
    return this;
  }
  get(key: string): Module | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Module ? v : undefined;
  }
  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
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
