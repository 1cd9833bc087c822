// The transforms built of other things (torch.distributions.transforms): IndependentTransform
// (a transform with more rightmost dims read as one event), ReshapeTransform (the event's shape),
// CatTransform and StackTransform (a transform per slice along a dim, as torch.cat and torch.stack
// join them) and CumulativeDistributionTransform (a distribution's cdf). PyTorch's rules for
// their event dims and log-Jacobians.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/table/binary.js';
import { select } from '../../ops/table/composed-shape.js';
import { zeros } from '../../ops/table/creation.js';
import { cat, narrow, reshape, stack } from '../../ops/table/shape.js';
import { Distribution } from '../distribution.js';
import { sumRightmost } from '../independent.js';
import { type Constraint, cat as catConstraint, real, stack as stackConstraint, unitInterval } from './constraint.js';
import { Transform, type TransformOptions, applyKeepingCaches, describe, transformsEqual } from './transform.js';

const numelOf = (shape: readonly number[]): number => shape.reduce((p, n) => p * n, 1);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Refuses anything but an array of Transforms. */
function checkTransforms(where: string, tseq: unknown): asserts tseq is readonly Transform[] {
  if (!Array.isArray(tseq) || tseq.length === 0) throw new ValueError(`${where}: tseq expected a non-empty array of Transforms, got ${Array.isArray(tseq) ? 'an empty array' : describe(tseq)}`);
  tseq.forEach((t, i) => {
    if (!(t instanceof Transform)) throw new ValueError(`${where}: tseq[${i}] expected a Transform, got ${describe(t)}`);
  });
}

function checkDim(where: string, dim: unknown): asserts dim is number {
  if (!Number.isSafeInteger(dim)) throw new ValueError(`${where}: dim expected an integer, got ${describe(dim)}`);
}

/**
 * baseTransform with `reinterpretedBatchNdims` more rightmost dims read as one event (PyTorch's
 * IndependentTransform): the same map; its log-Jacobian sums over those dims. Forward and
 * inverse go to the base, which holds the cache (as ComposeTransform's parts do).
 */
export class IndependentTransform extends Transform {
  readonly baseTransform: Transform;
  readonly reinterpretedBatchNdims: number;

  constructor(baseTransform: Transform, reinterpretedBatchNdims: number, options: TransformOptions = {}) {
    super(options);
    if (!(baseTransform instanceof Transform)) throw new ValueError(`IndependentTransform: baseTransform expected a Transform, got ${describe(baseTransform)}`);
    const n = reinterpretedBatchNdims;
    if (!Number.isSafeInteger(n) || n < 0) throw new ValueError(`IndependentTransform: reinterpretedBatchNdims expected a non-negative integer, got ${describe(n)}`);
    this.baseTransform = baseTransform.withCache(this.cacheSize);
    this.reinterpretedBatchNdims = n;
  }

  get domain(): Constraint {
    return this.baseTransform.domain.independent(this.reinterpretedBatchNdims);
  }

  get codomain(): Constraint {
    return this.baseTransform.codomain.independent(this.reinterpretedBatchNdims);
  }

  override get bijective(): boolean {
    return this.baseTransform.bijective;
  }

  override get sign(): number | Tensor {
    return this.baseTransform.sign;
  }

  override forward(x: Tensor): Tensor {
    this.checkInput('forward', 'x', x, this.domain);
    return applyKeepingCaches([this.baseTransform], () => this.baseTransform.forward(x));
  }

  override applyInverse(y: Tensor): Tensor {
    this.checkInput('inv.forward', 'y', y, this.codomain);
    return applyKeepingCaches([this.baseTransform], () => this.baseTransform.inv.forward(y));
  }

  /** The base's log|det J| summed over the reinterpreted dims. */
  protected override logAbsDet(x: Tensor, y: Tensor): Tensor {
    return sumRightmost(this.baseTransform.logAbsDetJacobian(x, y), this.reinterpretedBatchNdims);
  }

  override forwardShape(shape: readonly number[]): number[] {
    return this.baseTransform.forwardShape(shape);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return this.baseTransform.inverseShape(shape);
  }

  override equals(other: Transform): boolean {
    return other instanceof IndependentTransform && this.reinterpretedBatchNdims === other.reinterpretedBatchNdims && this.baseTransform.equals(other.baseTransform);
  }

  override cachedTensors(): Tensor[] {
    return this.baseTransform.cachedTensors();
  }

  override paramTensors(): Tensor[] {
    return this.baseTransform.paramTensors();
  }

  override toString(): string {
    return `IndependentTransform(${this.baseTransform.toString()}, ${this.reinterpretedBatchNdims})`;
  }

  protected map(x: Tensor): Tensor {
    return this.baseTransform.forward(x);
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new IndependentTransform(this.baseTransform, this.reinterpretedBatchNdims, { cacheSize });
  }
}

/** The rightmost dims [...inShape] reshaped to [...outShape] (PyTorch's ReshapeTransform): bijective, log|det J| 0. */
export class ReshapeTransform extends Transform {
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];

  constructor(inShape: readonly number[], outShape: readonly number[], options: TransformOptions = {}) {
    super(options);
    const inS = checkShape('ReshapeTransform', inShape, 'inShape');
    const outS = checkShape('ReshapeTransform', outShape, 'outShape');
    if (numelOf(inS) !== numelOf(outS)) {
      throw new ShapeError(`ReshapeTransform: inShape ${fmtShape(inS)} and outShape ${fmtShape(outS)} expected the same number of elements, got ${numelOf(inS)} and ${numelOf(outS)}`);
    }
    this.inShape = Object.freeze([...inS]);
    this.outShape = Object.freeze([...outS]);
  }

  get domain(): Constraint {
    return real.independent(this.inShape.length);
  }

  get codomain(): Constraint {
    return real.independent(this.outShape.length);
  }

  override get bijective(): boolean {
    return true;
  }

  override equals(other: Transform): boolean {
    return other instanceof ReshapeTransform && sameShape(this.inShape, other.inShape) && sameShape(this.outShape, other.outShape);
  }

  override forwardShape(shape: readonly number[]): number[] {
    return [...this.batchOf('forwardShape', 'shape', checkShape('ReshapeTransform.forwardShape', shape), this.inShape), ...this.outShape];
  }

  override inverseShape(shape: readonly number[]): number[] {
    return [...this.batchOf('inverseShape', 'shape', checkShape('ReshapeTransform.inverseShape', shape), this.outShape), ...this.inShape];
  }

  override toString(): string {
    return `ReshapeTransform(${fmtShape(this.inShape)}, ${fmtShape(this.outShape)})`;
  }

  protected override checkInput(method: string, arg: string, t: unknown, constraint: Constraint): asserts t is Tensor {
    super.checkInput(method, arg, t, constraint);
    // x is in the domain (forward, logAbsDetJacobian's x), y in the codomain.
    this.batchOf(method, arg, (t as Tensor).shape, arg === 'x' ? this.inShape : this.outShape);
  }

  protected map(x: Tensor): Tensor {
    return reshape(x, [...x.shape.slice(0, x.shape.length - this.inShape.length), ...this.outShape]);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return reshape(y, [...y.shape.slice(0, y.shape.length - this.outShape.length), ...this.inShape]);
  }

  protected override logAbsDet(x: Tensor): Tensor {
    return zeros(x.shape.slice(0, x.shape.length - this.inShape.length), { device: x.device });
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new ReshapeTransform(this.inShape, this.outShape, { cacheSize });
  }

  /** The dims of `shape` before `event`, refused unless shape ends in it. */
  private batchOf(method: string, arg: string, shape: readonly number[], event: readonly number[]): number[] {
    const cut = shape.length - event.length;
    if (cut < 0 || !sameShape(shape.slice(cut), event)) throw new ShapeError(`ReshapeTransform.${method}: ${arg} ${fmtShape(shape)} expected to end in ${fmtShape(event)}`);
    return shape.slice(0, cut);
  }
}

/** dim of a tensor of `rank` dims, refused where out of range. */
function dimIn(where: string, arg: string, dim: number, t: Tensor): number {
  const rank = t.shape.length;
  if (dim < -rank || dim >= rank) throw new ShapeError(`${where}: dim ${dim} out of range for ${arg} ${fmtShape(t.shape)}`);
  return dim < 0 ? dim + rank : dim;
}

/**
 * tseq[i] applied to the i-th slice of lengths[i] along dim, joined as torch.cat (PyTorch's
 * CatTransform(tseq, dim, lengths)). Its eventDim is the parts' largest; log|det J| is joined
 * along dim where dim lies outside the event dims, summed otherwise (PyTorch's rule).
 */
export class CatTransform extends Transform {
  readonly transforms: readonly Transform[];
  readonly dim: number;
  readonly lengths: readonly number[];

  /** PyTorch's CatTransform(tseq, dim=0, lengths=None, cache_size=0): lengths default to 1 each. */
  constructor(tseq: readonly Transform[], dim = 0, lengths?: readonly number[], options: TransformOptions = {}) {
    super(options);
    checkTransforms('CatTransform', tseq);
    checkDim('CatTransform', dim);
    const ls = lengths ?? tseq.map(() => 1);
    if (!Array.isArray(ls) || ls.length !== tseq.length || !ls.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new ValueError(`CatTransform: lengths expected ${tseq.length} non-negative integers (one per transform), got ${Array.isArray(ls) ? `[${ls.join(', ')}]` : describe(ls)}`);
    }
    this.transforms = Object.freeze([...tseq]);
    this.dim = dim;
    this.lengths = Object.freeze([...ls]);
  }

  /** The sum of lengths: the size along dim. */
  get length(): number {
    return this.lengths.reduce((a, b) => a + b, 0);
  }

  get domain(): Constraint {
    return catConstraint(this.transforms.map((t) => t.domain), this.dim, this.lengths);
  }

  get codomain(): Constraint {
    return catConstraint(this.transforms.map((t) => t.codomain), this.dim, this.lengths);
  }

  override get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }

  override equals(other: Transform): boolean {
    return other instanceof CatTransform && this.dim === other.dim && sameShape(this.lengths, other.lengths) && transformsEqual(this.transforms, other.transforms);
  }

  override paramTensors(): Tensor[] {
    return this.transforms.flatMap((t) => t.paramTensors());
  }

  override toString(): string {
    return `CatTransform([${this.transforms.map(String).join(', ')}], dim: ${this.dim}, lengths: [${this.lengths.join(', ')}])`;
  }

  protected override checkInput(method: string, arg: string, t: unknown, constraint: Constraint): asserts t is Tensor {
    super.checkInput(method, arg, t, constraint);
    const x = t as Tensor;
    const d = dimIn(`${this.name}.${method}`, arg, this.dim, x);
    if (x.shape[d] !== this.length) throw new ShapeError(`${this.name}.${method}: ${arg} ${fmtShape(x.shape)} expected ${this.length} (the lengths' sum) along dim ${this.dim}, got ${x.shape[d]}`);
  }

  protected map(x: Tensor): Tensor {
    return this.joined(x, (t, slice) => t.forward(slice));
  }

  protected override mapInverse(y: Tensor): Tensor {
    return this.joined(y, (t, slice) => t.inv.forward(slice));
  }

  protected override logAbsDet(x: Tensor, y: Tensor): Tensor {
    const eventDim = this.domain.eventDim;
    const ys = this.slices(y);
    const terms = this.slices(x).map((xs, i) => {
      const t = this.transforms[i];
      const term = t.logAbsDetJacobian(xs, ys[i]);
      return t.domain.eventDim < eventDim ? sumRightmost(term, eventDim - t.domain.eventDim) : term;
    });
    const dim = (this.dim >= 0 ? this.dim - x.shape.length : this.dim) + eventDim;
    return dim < 0 ? cat(terms, dim) : terms.reduce((a, b) => add(a, b));
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new CatTransform(this.transforms, this.dim, this.lengths, { cacheSize });
  }

  private slices(z: Tensor): Tensor[] {
    let start = 0;
    return this.lengths.map((n) => {
      const s = narrow(z, this.dim, start, n);
      start += n;
      return s;
    });
  }

  private joined(z: Tensor, each: (t: Transform, slice: Tensor) => Tensor): Tensor {
    return cat(this.slices(z).map((s, i) => each(this.transforms[i], s)), this.dim);
  }
}

/**
 * tseq[i] applied to the i-th slice along dim, joined as torch.stack (PyTorch's
 * StackTransform(tseq, dim)); the slices' log|det J| stacked along dim.
 */
export class StackTransform extends Transform {
  readonly transforms: readonly Transform[];
  readonly dim: number;

  /** PyTorch's StackTransform(tseq, dim=0, cache_size=0). */
  constructor(tseq: readonly Transform[], dim = 0, options: TransformOptions = {}) {
    super(options);
    checkTransforms('StackTransform', tseq);
    checkDim('StackTransform', dim);
    this.transforms = Object.freeze([...tseq]);
    this.dim = dim;
  }

  get domain(): Constraint {
    return stackConstraint(this.transforms.map((t) => t.domain), this.dim);
  }

  get codomain(): Constraint {
    return stackConstraint(this.transforms.map((t) => t.codomain), this.dim);
  }

  override get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }

  override equals(other: Transform): boolean {
    return other instanceof StackTransform && this.dim === other.dim && transformsEqual(this.transforms, other.transforms);
  }

  override paramTensors(): Tensor[] {
    return this.transforms.flatMap((t) => t.paramTensors());
  }

  override toString(): string {
    return `StackTransform([${this.transforms.map(String).join(', ')}], dim: ${this.dim})`;
  }

  protected override checkInput(method: string, arg: string, t: unknown, constraint: Constraint): asserts t is Tensor {
    super.checkInput(method, arg, t, constraint);
    const x = t as Tensor;
    const d = dimIn(`${this.name}.${method}`, arg, this.dim, x);
    if (x.shape[d] !== this.transforms.length) throw new ShapeError(`${this.name}.${method}: ${arg} ${fmtShape(x.shape)} expected ${this.transforms.length} (one per transform) along dim ${this.dim}, got ${x.shape[d]}`);
  }

  protected map(x: Tensor): Tensor {
    return stack(this.slices(x).map((s, i) => this.transforms[i].forward(s)), this.dim);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return stack(this.slices(y).map((s, i) => this.transforms[i].inv.forward(s)), this.dim);
  }

  protected override logAbsDet(x: Tensor, y: Tensor): Tensor {
    const ys = this.slices(y);
    return stack(this.slices(x).map((xs, i) => this.transforms[i].logAbsDetJacobian(xs, ys[i])), this.dim);
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new StackTransform(this.transforms, this.dim, { cacheSize });
  }

  private slices(z: Tensor): Tensor[] {
    const d = this.dim < 0 ? this.dim + z.shape.length : this.dim;
    return Array.from({ length: z.shape[d] }, (_, i) => select(z, d, i));
  }
}

/**
 * y = distribution.cdf(x) (PyTorch's CumulativeDistributionTransform): from the distribution's
 * support onto [0, 1], increasing, inverse its icdf, log|det J| its logProb. A Gaussian copula
 * is a MultivariateNormal through CumulativeDistributionTransform(new Normal(0, 1)).
 */
export class CumulativeDistributionTransform extends Transform {
  readonly distribution: Distribution;

  constructor(distribution: Distribution, options: TransformOptions = {}) {
    super(options);
    if (!(distribution instanceof Distribution)) throw new ValueError(`CumulativeDistributionTransform: distribution expected a Distribution, got ${describe(distribution)}`);
    this.distribution = distribution;
  }

  get domain(): Constraint {
    return this.distribution.support;
  }

  get codomain(): Constraint {
    return unitInterval;
  }

  override get bijective(): boolean {
    return true;
  }

  override get sign(): number {
    return 1;
  }

  override equals(other: Transform): boolean {
    return other instanceof CumulativeDistributionTransform && other.distribution === this.distribution;
  }

  override toString(): string {
    return `CumulativeDistributionTransform(${this.distribution.toString()})`;
  }

  protected map(x: Tensor): Tensor {
    return this.distribution.cdf(x);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return this.distribution.icdf(y);
  }

  protected override logAbsDet(x: Tensor): Tensor {
    return scope(() => this.distribution.logProb(x));
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new CumulativeDistributionTransform(this.distribution, { cacheSize });
  }
}
