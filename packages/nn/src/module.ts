// Note [module registration]: a Module finds its parameters, buffers and submodules by walking
// its own properties in definition order (the order PyTorch registers them in), so assignment is
// registration: `this.fc = new Linear(4, 2)`, `this.weight = Parameter(randn(...))`. Buffers
// (running statistics) are tensors named with registerBuffer. stateDict() keys are PyTorch's.
import { Device, ShapeError, ValueError, copyInto, fmtShape, noGrad, scope, type DeviceLike, type Tensor } from '@nutshell/tensor';
import { isParameter } from './parameter.js';

const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && (v as { isTensor?: boolean }).isTensor === true;

export abstract class Module {
  training = true;
  private readonly _bufferNames = new Set<string>();

  abstract forward(...inputs: any[]): any;

  /** Registers a non-learnable tensor (e.g. running_mean) that is saved in stateDict and moved by to(). */
  registerBuffer(name: string, value: Tensor | null): void {
    this._bufferNames.add(name);
    (this as Record<string, unknown>)[name] = value;
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of Object.entries(this)) if (v instanceof Module) yield [k, v];
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k);
  }
  /** Every module of the tree once, this one first (a module registered under two names too, as PyTorch's modules()). */
  *modules(): Generator<Module> {
    const seen = new Set<Module>();
    for (const [, m] of this.namedModules()) {
      if (seen.has(m)) continue;
      seen.add(m);
      yield m;
    }
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

  *namedParameters(prefix = ''): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue; // shared (tied) parameters are listed once, as in PyTorch
        seen.add(p);
        yield [path ? `${path}.${k}` : k, p];
      }
    }
  }
  *parameters(): Generator<Tensor> {
    for (const [, p] of this.namedParameters()) yield p;
  }
  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [path, m] of this.namedModules(prefix)) for (const [k, b] of m.ownBuffers()) yield [path ? `${path}.${k}` : k, b];
  }
  *buffers(): Generator<Tensor> {
    for (const [, b] of this.namedBuffers()) yield b;
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

  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (options.setToNone ?? true) {
        p.grad.dispose();
        p.grad = null;
      } else {
        noGrad(() => scope(() => copyInto(p.grad!, p.grad!.mul(0))));
      }
    }
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
    for (const [path, m] of this.namedModules()) {
      for (const [k, p] of m.ownParameters()) out.set(path ? `${path}.${k}` : k, p);
      for (const [k, b] of m.ownBuffers()) out.set(path ? `${path}.${k}` : k, b);
    }
    return out;
  }

  /**
   * Copies values into the existing parameters and buffers (so optimisers keep their references).
   * strict (default): missing or unexpected keys are an error; shapes must always match.
   */
  loadStateDict(state: Map<string, Tensor> | Record<string, Tensor>, options: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const given = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    if ((options.strict ?? true) && (missingKeys.length || unexpectedKeys.length)) {
      throw new ValueError(
        `loadStateDict: ${missingKeys.length ? `missing keys: ${missingKeys.join(', ')}` : ''}${missingKeys.length && unexpectedKeys.length ? '; ' : ''}${unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : ''}`,
      );
    }
    noGrad(() => {
      for (const [k, dst] of own) {
        const src = given.get(k);
        if (!src) continue;
        if (!src.isTensor) throw new ValueError(`loadStateDict: '${k}' expected a Tensor, got ${Array.isArray(src) ? 'an array' : typeof src}`);
        if (src.shape.length !== dst.shape.length || src.shape.some((d, i) => d !== dst.shape[i])) {
          throw new ShapeError(`loadStateDict: '${k}' has shape ${fmtShape(src.shape)} in the state dict but ${fmtShape(dst.shape)} in the model`);
        }
        const moved = src.device === dst.device ? src : src.to(dst.device);
        copyInto(dst, moved);
        if (moved !== src) moved.dispose();
      }
    });
    return { missingKeys, unexpectedKeys };
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
