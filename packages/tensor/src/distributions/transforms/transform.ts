// The base of the transforms (torch.distributions.transforms): maps y = f(x) with their inverse
// and log|det ∂y/∂x|, which TransformedDistribution carries a base distribution through; the
// inverse of one (InverseTransform) and a chain of them (ComposeTransform). PyTorch's formulas and
// event-dim rules; PyTorch calls a transform, t(x), where here it is t.forward(x) (and t.inv(y) is
// t.inv.forward(y)). A transform's domain and codomain are Constraints: what values it takes and
// gives, and how many rightmost dims make one event of them (eventDim).
//
// Note [transform caches]: with { cacheSize: 1 } a transform keeps its last pair (x, y), and
// t.inv.forward(y) of that very tensor y returns x instead of computing it. TanhTransform needs it
// for SAC's squashed Gaussian: atanh(tanh(x)) is ±∞ in float32 once |x| passes ~9, so logProb of a
// draw is finite only through the cache. The pair is the two tensors themselves (no copy): a pair
// that a scope or dispose() has freed is not used (the value is computed again), and
// TransformedDistribution's sample and rsample leave the pairs their cached transforms keep in
// the caller's scope, with the draw, so that logProb(draw) finds them. Without a cache nothing
// beyond each method's result is left.
import { DeviceError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { checkShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { PROMISE_HINT } from '../../ops/check-args.js';
import { add, mul } from '../../ops/table/binary.js';
import { zeros } from '../../ops/table/creation.js';
import { neg } from '../../ops/table/unary.js';
import { sumRightmost } from '../independent.js';
import { type Constraint, real } from './constraint.js';

/** A value's kind, for messages. */
export const describe = (v: unknown): string => (v === null ? 'null' : v instanceof Promise ? PROMISE_HINT : typeof v === 'object' || typeof v === 'function' ? ((v as object).constructor?.name ?? typeof v) : typeof v);

export interface TransformOptions {
  /** 1: keep the last (x, y) pair, so that t.inv.forward(y) of that y returns x (Note [transform caches]); 0 (the default): keep nothing. */
  cacheSize?: 0 | 1;
}

/**
 * A map y = f(x) (PyTorch's Transform). A subclass gives domain and codomain, `map` (f) and
 * `mapInverse`, and, where f is bijective, `logAbsDet` and `sign`; the public methods check their
 * arguments, run those in a scope and keep the cache.
 */
export abstract class Transform {
  /** 0 or 1: whether the last (x, y) pair is kept (Note [transform caches]). */
  readonly cacheSize: 0 | 1;
  #cache: { x: Tensor; y: Tensor } | undefined;
  #inverse: Transform | undefined;

  constructor(options: TransformOptions = {}) {
    const cls = new.target.name;
    checkOptions(cls, options, ['cacheSize'], { cache_size: 'cacheSize' });
    const size = options.cacheSize ?? 0;
    if (size !== 0 && size !== 1) throw new ValueError(`${cls}: option 'cacheSize' expected 0 or 1 (PyTorch's only sizes), got ${String(size)}`);
    this.cacheSize = size;
  }

  /** The values it takes, with their eventDim. */
  abstract get domain(): Constraint;
  /** The values it gives, with their eventDim. */
  abstract get codomain(): Constraint;

  /** Whether inv.forward(forward(x)) is x for every x of the domain (and logAbsDetJacobian defined). */
  get bijective(): boolean {
    return false;
  }

  /** +1 or −1 as the (one-dimensional, monotone) map increases or decreases; a tensor where that differs per element. */
  get sign(): number | Tensor {
    throw new ValueError(`${this.name}.sign: not defined for ${this.name} (only a monotone elementwise transform has one)`);
  }

  /** The eventDim of domain and codomain, where they agree (otherwise read theirs). */
  get eventDim(): number {
    const [d, c] = [this.domain.eventDim, this.codomain.eventDim];
    if (d !== c) throw new ValueError(`${this.name}.eventDim: domain and codomain differ (${d} and ${c}): read domain.eventDim or codomain.eventDim`);
    return d;
  }

  /** The inverse transform, y ↦ x (the same object each read; its inv is this). */
  get inv(): Transform {
    this.#inverse ??= this.makeInverse();
    return this.#inverse;
  }

  /** y = f(x) (PyTorch's t(x)). */
  forward(x: Tensor): Tensor {
    this.checkInput('forward', 'x', x, this.domain);
    const cached = this.#cache;
    if (cached && cached.x === x && !cached.y.isDisposed) return cached.y;
    const y = scope(() => this.map(x));
    if (this.cacheSize === 1) this.#cache = { x, y };
    return y;
  }

  /** log |det ∂y/∂x| at the pair (x, y = forward(x)), of x's shape less the domain's event dims. */
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    this.checkInput('logAbsDetJacobian', 'x', x, this.domain);
    this.checkInput('logAbsDetJacobian', 'y', y, this.codomain);
    return scope(() => this.logAbsDet(x, y));
  }

  /** The shape forward gives for an input of `shape` (broadcast against the transform's parameters). */
  forwardShape(shape: readonly number[]): number[] {
    return this.shapeFor('forwardShape', shape, this.domain);
  }

  /** The shape of the input that forward maps to `shape`. */
  inverseShape(shape: readonly number[]): number[] {
    return this.shapeFor('inverseShape', shape, this.codomain);
  }

  /** Whether `other` is the same map (PyTorch's ==): same class and parameters (AffineTransform's eventDim too, which PyTorch's == skips); parameter tensors are read (one read each). */
  equals(other: Transform): boolean {
    return this === other;
  }

  /** This transform with the given cacheSize (itself when it has it already). */
  withCache(cacheSize: 0 | 1 = 1): Transform {
    if (cacheSize === this.cacheSize) return this;
    return this.copyWithCache(cacheSize);
  }

  /** @internal x = f⁻¹(y), the cache's x where `y` is its y (Note [transform caches]). */
  applyInverse(y: Tensor): Tensor {
    this.checkInput('inv.forward', 'y', y, this.codomain);
    const cached = this.#cache;
    if (cached && cached.y === y && !cached.x.isDisposed) return cached.x;
    const x = scope(() => this.mapInverse(y));
    if (this.cacheSize === 1) this.#cache = { x, y };
    return x;
  }

  /** @internal The tensors of the kept pair (none without a cache, or once freed). */
  cachedTensors(): Tensor[] {
    const c = this.#cache;
    return c ? [c.x, c.y].filter((t) => !t.isDisposed) : [];
  }

  /** @internal The parameter tensors (their device must be the inputs'). */
  paramTensors(): Tensor[] {
    return [];
  }

  toString(): string {
    return `${this.name}()`;
  }

  /** f(x), run in a scope. */
  protected abstract map(x: Tensor): Tensor;

  /** f⁻¹(y), run in a scope. */
  protected mapInverse(_y: Tensor): Tensor {
    throw new ValueError(`${this.name}.inv.forward: ${this.name} has no inverse`);
  }

  /** log |det ∂y/∂x|, run in a scope; defined only for bijective transforms. */
  protected logAbsDet(_x: Tensor, _y: Tensor): Tensor {
    throw new ValueError(`${this.name}.logAbsDetJacobian: not defined for ${this.name} (it is not bijective, as in PyTorch)`);
  }

  /** Makes `inverse` what inv returns (ComposeTransform's inverse, whose inv is the composition). */
  protected linkInverse(inverse: Transform): void {
    this.#inverse = inverse;
  }

  /** The inverse `inv` returns (once). */
  protected makeInverse(): Transform {
    return new InverseTransform(this);
  }

  /**
   * A copy with another cacheSize: a transform without parameters is made again with it. A
   * subclass whose constructor takes arguments of its own overrides this (PyTorch's with_cache
   * raises NotImplementedError there): made again from { cacheSize } alone, a user's Shift(c) got
   * the options object as its c and failed later, far from the cause (a user trial).
   */
  protected copyWithCache(cacheSize: 0 | 1): Transform {
    const cls = this.constructor as new (options: TransformOptions) => Transform;
    const refuse = (): never => {
      throw new ValueError(
        `${this.name}.withCache: ${this.name} cannot be made again from { cacheSize } alone (its constructor takes arguments of its own, or drops the options); override copyWithCache(cacheSize) to build the copy, as PyTorch asks with_cache to be implemented`,
      );
    };
    if (cls.length > 0) refuse();
    const copy = new cls({ cacheSize });
    return copy.cacheSize === cacheSize ? copy : refuse();
  }

  /** forwardShape and inverseShape: the shape unchanged, once it has the constraint's event dims. */
  protected shapeFor(method: string, shape: readonly number[], constraint: Constraint): number[] {
    checkShape(`${this.name}.${method}`, shape);
    if (shape.length < constraint.eventDim) {
      throw new ShapeError(`${this.name}.${method}: shape ${fmtShape(shape)} expected at least ${constraint.eventDim} dims (the event dims of ${constraint.name})`);
    }
    return [...shape];
  }

  /** The class's name, for messages. */
  protected get name(): string {
    return this.constructor.name;
  }

  /** Refuses a non-tensor, too few dims for the constraint's events, or a device other than the parameters'. */
  protected checkInput(method: string, arg: string, t: unknown, constraint: Constraint): asserts t is Tensor {
    const where = `${this.name}.${method}`;
    if (!(t as Tensor | null | undefined)?.isTensor) throw new ValueError(`${where}: ${arg} expected a tensor, got ${describe(t)}`);
    const x = t as Tensor;
    if (x.shape.length < constraint.eventDim) {
      throw new ShapeError(`${where}: ${arg} ${fmtShape(x.shape)} expected at least ${constraint.eventDim} dims (the event dims of ${constraint.name})`);
    }
    for (const p of this.paramTensors()) {
      if (p.device !== x.device) throw new DeviceError(`${where}: ${arg} expected a tensor on the transform's device ${p.device}, got one on ${x.device}`);
    }
  }
}

/** The inverse of a transform (PyTorch's _InverseTransform): its domain is the other's codomain, its forward the other's inverse. */
export class InverseTransform extends Transform {
  /** The transform this inverts (its inv). */
  readonly base: Transform;

  constructor(base: Transform) {
    if (!(base instanceof Transform)) throw new ValueError(`InverseTransform: base expected a Transform, got ${describe(base)}`);
    super({ cacheSize: base.cacheSize });
    this.base = base;
  }

  get domain(): Constraint {
    return this.base.codomain;
  }

  get codomain(): Constraint {
    return this.base.domain;
  }

  override get bijective(): boolean {
    return this.base.bijective;
  }

  override get sign(): number | Tensor {
    return this.base.sign;
  }

  override get inv(): Transform {
    return this.base;
  }

  override forward(x: Tensor): Tensor {
    return this.base.applyInverse(x);
  }

  /** −(the base's log|det J| at (y, x)). */
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    this.checkInput('logAbsDetJacobian', 'x', x, this.domain);
    this.checkInput('logAbsDetJacobian', 'y', y, this.codomain);
    return scope(() => neg(this.base.logAbsDetJacobian(y, x)));
  }

  override forwardShape(shape: readonly number[]): number[] {
    return this.base.inverseShape(shape);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return this.base.forwardShape(shape);
  }

  override equals(other: Transform): boolean {
    return other instanceof InverseTransform && this.base.equals(other.base);
  }

  override withCache(cacheSize: 0 | 1 = 1): Transform {
    return this.base.withCache(cacheSize).inv;
  }

  override applyInverse(y: Tensor): Tensor {
    return this.base.forward(y);
  }

  override cachedTensors(): Tensor[] {
    return this.base.cachedTensors();
  }

  override paramTensors(): Tensor[] {
    return this.base.paramTensors();
  }

  override toString(): string {
    return `InverseTransform(${this.base.toString()})`;
  }

  protected map(x: Tensor): Tensor {
    return this.base.applyInverse(x);
  }
}

/** parts applied in order (PyTorch's ComposeTransform): its log|det J| sums the parts' at the intermediate values. */
export class ComposeTransform extends Transform {
  readonly parts: readonly Transform[];

  constructor(parts: readonly Transform[], options: TransformOptions = {}) {
    super(options);
    if (!Array.isArray(parts)) throw new ValueError(`ComposeTransform: parts expected an array of Transforms, got ${describe(parts)}`);
    parts.forEach((p, i) => {
      if (!(p instanceof Transform)) throw new ValueError(`ComposeTransform: parts[${i}] expected a Transform, got ${describe(p)}`);
    });
    // PyTorch gives the parts the cache size given here (the parts cache; the composition does not).
    this.parts = Object.freeze(this.cacheSize === 1 ? parts.map((p) => p.withCache(1)) : [...parts]);
  }

  /** The first part's domain, with as many event dims as the parts need together (PyTorch's rule). */
  get domain(): Constraint {
    if (this.parts.length === 0) return real;
    const domain = this.parts[0].domain;
    let eventDim = this.parts[this.parts.length - 1].codomain.eventDim;
    for (const part of [...this.parts].reverse()) {
      eventDim += part.domain.eventDim - part.codomain.eventDim;
      eventDim = Math.max(eventDim, part.domain.eventDim);
    }
    return domain.independent(eventDim - domain.eventDim);
  }

  /** The last part's codomain, with as many event dims as the parts give together. */
  get codomain(): Constraint {
    if (this.parts.length === 0) return real;
    const codomain = this.parts[this.parts.length - 1].codomain;
    let eventDim = this.parts[0].domain.eventDim;
    for (const part of this.parts) {
      eventDim += part.codomain.eventDim - part.domain.eventDim;
      eventDim = Math.max(eventDim, part.codomain.eventDim);
    }
    return codomain.independent(eventDim - codomain.eventDim);
  }

  override get bijective(): boolean {
    return this.parts.every((p) => p.bijective);
  }

  /** The product of the parts' signs (a tensor where one is). */
  override get sign(): number | Tensor {
    return scope(() => this.parts.reduce<number | Tensor>((s, p) => multiplySigns(s, p.sign), 1));
  }

  /** The parts applied in turn; the pairs that cached parts keep are left in the caller's scope (Note [transform caches]). */
  override forward(x: Tensor): Tensor {
    this.checkInput('forward', 'x', x, this.domain);
    return applyKeepingCaches(this.parts, () => this.parts.reduce((z, p) => p.forward(z), x));
  }

  override applyInverse(y: Tensor): Tensor {
    return this.inv.forward(y);
  }

  /** Σ over the parts of each part's log|det J| at its input and output, summed down to this domain's event dims. */
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    this.checkInput('logAbsDetJacobian', 'x', x, this.domain);
    this.checkInput('logAbsDetJacobian', 'y', y, this.codomain);
    return scope(() => {
      if (this.parts.length === 0) return zeros(x.shape, { device: x.device });
      // The intermediates: free where the parts before the last are cached with these values.
      const xs = [x];
      for (const part of this.parts.slice(0, -1)) xs.push(part.forward(xs[xs.length - 1]));
      xs.push(y);
      let eventDim = this.domain.eventDim;
      let total: Tensor | undefined;
      this.parts.forEach((part, i) => {
        const term = sumRightmost(part.logAbsDetJacobian(xs[i], xs[i + 1]), eventDim - part.domain.eventDim);
        total = total ? add(total, term) : term;
        eventDim += part.codomain.eventDim - part.domain.eventDim;
      });
      return total!;
    });
  }

  override forwardShape(shape: readonly number[]): number[] {
    return this.parts.reduce<number[]>((s, p) => p.forwardShape(s), checkShape('ComposeTransform.forwardShape', shape));
  }

  override inverseShape(shape: readonly number[]): number[] {
    return [...this.parts].reverse().reduce<number[]>((s, p) => p.inverseShape(s), checkShape('ComposeTransform.inverseShape', shape));
  }

  override equals(other: Transform): boolean {
    return other instanceof ComposeTransform && transformsEqual(this.parts, other.parts);
  }

  override cachedTensors(): Tensor[] {
    return this.parts.flatMap((p) => p.cachedTensors());
  }

  override paramTensors(): Tensor[] {
    return this.parts.flatMap((p) => p.paramTensors());
  }

  override toString(): string {
    return `ComposeTransform([${this.parts.map(String).join(', ')}])`;
  }

  protected map(x: Tensor): Tensor {
    return this.parts.reduce((z, p) => p.forward(z), x);
  }

  /** The parts' inverses in reverse order, whose inv is this. */
  protected override makeInverse(): Transform {
    const inverse = new ComposeTransform([...this.parts].reverse().map((p) => p.inv));
    // inv of the inverse is this composition itself (PyTorch's inv._inv = self).
    inverse.linkInverse(this);
    return inverse;
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new ComposeTransform(this.parts, { cacheSize });
  }
}

/** The identity: ComposeTransform([]) (PyTorch's identity_transform). */
export const identityTransform = new ComposeTransform([]);

/** Whether two lists hold equal transforms, pairwise (PyTorch's list ==). */
export function transformsEqual(a: readonly Transform[], b: readonly Transform[]): boolean {
  return a.length === b.length && a.every((t, i) => t.equals(b[i]));
}

/**
 * Runs `fn` (which applies `transforms`) in a scope, leaving its result and the pairs the cached
 * transforms among them keep (Note [transform caches]).
 */
export function applyKeepingCaches(transforms: readonly Transform[], fn: () => Tensor): Tensor {
  return scope(() => {
    const y = fn();
    return [y, ...transforms.flatMap((t) => t.cachedTensors())];
  })[0];
}

/** s·t for signs that are numbers or tensors. */
export function multiplySigns(s: number | Tensor, t: number | Tensor): number | Tensor {
  if (typeof s === 'number' && typeof t === 'number') return s * t;
  return typeof s === 'number' ? mul(t as Tensor, s) : mul(s, t);
}
