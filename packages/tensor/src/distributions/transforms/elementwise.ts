// The elementwise transforms and softmax (torch.distributions.transforms): Exp, Power, Sigmoid,
// Softplus, Tanh, Abs, Affine, Softmax, with PyTorch's formulas (Sigmoid clamped to [tiny, 1 − eps] both
// ways, Tanh's log-Jacobian in its stable form, Abs and Softmax not bijective).
import { DeviceError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { sigmoid, softplus, tanh } from '../../ops/table/activation.js';
import { add, div, mul, pow, sub } from '../../ops/table/binary.js';
import { eq } from '../../ops/table/compare.js';
import { all } from '../../ops/table/composed-ops.js';
import { full } from '../../ops/table/creation.js';
import { atanh, expm1, log1p } from '../../ops/table/math.js';
import { expand } from '../../ops/table/shape.js';
import { softmax } from '../../ops/table/softmax.js';
import { abs, clamp, exp, log, neg, sign as signOf } from '../../ops/table/unary.js';
import { sumRightmost } from '../independent.js';
import { type Param, checkParam } from '../params.js';
import { type Constraint, positive, real, simplex, symmetricUnit, unitInterval } from './constraint.js';
import { Transform, type TransformOptions, describe } from './transform.js';

/** float32's smallest positive normal number and its machine epsilon (PyTorch's torch.finfo(float32).tiny, .eps). */
const FLOAT32_TINY = 2 ** -126;
const FLOAT32_EPS = 2 ** -23;

/** y = exp(x). */
export class ExpTransform extends Transform {
  get domain(): Constraint {
    return real;
  }

  get codomain(): Constraint {
    return positive;
  }

  override get bijective(): boolean {
    return true;
  }

  override get sign(): number {
    return 1;
  }

  override equals(other: Transform): boolean {
    return other instanceof ExpTransform;
  }

  protected map(x: Tensor): Tensor {
    return exp(x);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return log(y);
  }

  /** x (a copy: PyTorch returns x itself). */
  protected override logAbsDet(x: Tensor): Tensor {
    return mul(x, 1);
  }
}

/** y = x^exponent on (0, ∞). */
export class PowerTransform extends Transform {
  /** The exponent: a float32 tensor (broadcast against x) or a number. */
  readonly exponent: Param;

  constructor(exponent: Param, options: TransformOptions = {}) {
    super(options);
    checkParam('PowerTransform', 'exponent', exponent);
    this.exponent = exponent;
  }

  get domain(): Constraint {
    return positive;
  }

  get codomain(): Constraint {
    return positive;
  }

  override get bijective(): boolean {
    return true;
  }

  /** sign(exponent): a number for a number exponent, else a new tensor. */
  override get sign(): number | Tensor {
    return typeof this.exponent === 'number' ? Math.sign(this.exponent) : signOf(this.exponent);
  }

  override equals(other: Transform): boolean {
    return other instanceof PowerTransform && paramsEqual(this.exponent, other.exponent);
  }

  override forwardShape(shape: readonly number[]): number[] {
    return broadcastWith('PowerTransform.forwardShape', super.forwardShape(shape), [['exponent', this.exponent]]);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return broadcastWith('PowerTransform.inverseShape', super.inverseShape(shape), [['exponent', this.exponent]]);
  }

  override paramTensors(): Tensor[] {
    return typeof this.exponent === 'number' ? [] : [this.exponent];
  }

  override toString(): string {
    return `PowerTransform(exponent: ${describeParam(this.exponent)})`;
  }

  protected map(x: Tensor): Tensor {
    return pow(x, this.exponent);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return pow(y, typeof this.exponent === 'number' ? 1 / this.exponent : div(1, this.exponent));
  }

  /** log |exponent·y/x|. */
  protected override logAbsDet(x: Tensor, y: Tensor): Tensor {
    return log(abs(mul(div(y, x), this.exponent)));
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new PowerTransform(this.exponent, { cacheSize });
  }
}

/** y = 1/(1 + e^−x), clamped to [tiny, 1 − eps] as PyTorch's (so the inverse stays finite); x = logit(y). */
export class SigmoidTransform extends Transform {
  get domain(): Constraint {
    return real;
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
    return other instanceof SigmoidTransform;
  }

  protected map(x: Tensor): Tensor {
    return clamp(sigmoid(x), { min: FLOAT32_TINY, max: 1 - FLOAT32_EPS });
  }

  /** log y − log1p(−y), y clamped to [tiny, 1 − eps] first. */
  protected override mapInverse(y: Tensor): Tensor {
    const c = clamp(y, { min: FLOAT32_TINY, max: 1 - FLOAT32_EPS });
    return sub(log(c), log1p(neg(c)));
  }

  /** −softplus(−x) − softplus(x). */
  protected override logAbsDet(x: Tensor): Tensor {
    return sub(neg(softplus(neg(x))), softplus(x));
  }
}

/** y = softplus(x) = log(1 + eˣ), onto (0, ∞) (PyTorch's SoftplusTransform); x = y + log(−expm1(−y)). */
export class SoftplusTransform extends Transform {
  get domain(): Constraint {
    return real;
  }

  get codomain(): Constraint {
    return positive;
  }

  override get bijective(): boolean {
    return true;
  }

  override get sign(): number {
    return 1;
  }

  override equals(other: Transform): boolean {
    return other instanceof SoftplusTransform;
  }

  protected map(x: Tensor): Tensor {
    return softplus(x);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return add(log(neg(expm1(neg(y)))), y);
  }

  /** −softplus(−x): log sigmoid(x). */
  protected override logAbsDet(x: Tensor): Tensor {
    return neg(softplus(neg(x)));
  }
}

/** y = tanh(x) (SAC's squashing of a Gaussian action); x = atanh(y), not clamped (±∞ at ±1: use { cacheSize: 1 }). */
export class TanhTransform extends Transform {
  get domain(): Constraint {
    return real;
  }

  get codomain(): Constraint {
    return symmetricUnit;
  }

  override get bijective(): boolean {
    return true;
  }

  override get sign(): number {
    return 1;
  }

  override equals(other: Transform): boolean {
    return other instanceof TanhTransform;
  }

  protected map(x: Tensor): Tensor {
    return tanh(x);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return atanh(y);
  }

  /** log(1 − tanh²x) as PyTorch's stable 2·(log 2 − x − softplus(−2x)): finite for every finite x. */
  protected override logAbsDet(x: Tensor): Tensor {
    return mul(sub(sub(Math.LN2, x), softplus(mul(x, -2))), 2);
  }
}

/** y = |x|: not bijective (no logAbsDetJacobian, no sign, as in PyTorch); its inverse gives y back. */
export class AbsTransform extends Transform {
  get domain(): Constraint {
    return real;
  }

  get codomain(): Constraint {
    return positive;
  }

  override equals(other: Transform): boolean {
    return other instanceof AbsTransform;
  }

  protected map(x: Tensor): Tensor {
    return abs(x);
  }

  /** y itself (PyTorch's: the non-negative branch). */
  protected override mapInverse(y: Tensor): Tensor {
    return y;
  }
}

export interface AffineTransformOptions extends TransformOptions {
  /** How many rightmost dims make one event (0: scalars, 1: vectors …); log|det J| sums over them. */
  eventDim?: number;
}

/** y = loc + scale·x, elementwise; with eventDim n the last n dims are one event (its log|det J| sums over them). */
export class AffineTransform extends Transform {
  readonly loc: Param;
  readonly scale: Param;
  readonly #eventDim: number;

  /** PyTorch's AffineTransform(loc, scale, event_dim): the third argument is eventDim or { eventDim, cacheSize }. */
  constructor(loc: Param, scale: Param, options: AffineTransformOptions | number = {}) {
    const opts = typeof options === 'number' ? { eventDim: options } : options;
    if (opts === null || typeof opts !== 'object') throw new ValueError(`AffineTransform: the third argument expected eventDim (a number) or { eventDim, cacheSize }, got ${describe(opts)}`);
    const { eventDim = 0, ...rest } = opts;
    checkOptions('AffineTransform', opts, ['eventDim', 'cacheSize'], { event_dim: 'eventDim', cache_size: 'cacheSize' });
    super(rest);
    checkParam('AffineTransform', 'loc', loc);
    checkParam('AffineTransform', 'scale', scale);
    if (!Number.isInteger(eventDim) || eventDim < 0) throw new ValueError(`AffineTransform: eventDim expected a non-negative integer, got ${String(eventDim)}`);
    if (typeof loc !== 'number' && typeof scale !== 'number' && loc.device !== scale.device) {
      throw new DeviceError(`AffineTransform: scale expected a tensor on loc's device ${loc.device}, got one on ${scale.device}`);
    }
    this.loc = loc;
    this.scale = scale;
    this.#eventDim = eventDim;
  }

  override get eventDim(): number {
    return this.#eventDim;
  }

  get domain(): Constraint {
    return real.independent(this.#eventDim);
  }

  get codomain(): Constraint {
    return real.independent(this.#eventDim);
  }

  override get bijective(): boolean {
    return true;
  }

  /** sign(scale): a number for a number scale, else a new tensor. */
  override get sign(): number | Tensor {
    return typeof this.scale === 'number' ? Math.sign(this.scale) : signOf(this.scale);
  }

  override equals(other: Transform): boolean {
    return other instanceof AffineTransform && this.#eventDim === other.eventDim && paramsEqual(this.loc, other.loc) && paramsEqual(this.scale, other.scale);
  }

  override forwardShape(shape: readonly number[]): number[] {
    return broadcastWith('AffineTransform.forwardShape', super.forwardShape(shape), [['loc', this.loc], ['scale', this.scale]]);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return broadcastWith('AffineTransform.inverseShape', super.inverseShape(shape), [['loc', this.loc], ['scale', this.scale]]);
  }

  override paramTensors(): Tensor[] {
    return [this.loc, this.scale].filter((p): p is Tensor => typeof p !== 'number');
  }

  override toString(): string {
    return `AffineTransform(loc: ${describeParam(this.loc)}, scale: ${describeParam(this.scale)}${this.#eventDim ? `, eventDim: ${this.#eventDim}` : ''})`;
  }

  protected map(x: Tensor): Tensor {
    return add(mul(x, this.scale), this.loc);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return div(sub(y, this.loc), this.scale);
  }

  /**
   * log|scale| at every element of broadcast(x, scale), summed over the eventDim rightmost dims.
   * (PyTorch sums a tensor scale over its own elements only, so a 0-d tensor scale with eventDim 1
   * counts log|scale| once per event, where a number scale counts it once per element; here both
   * count it per element.)
   */
  protected override logAbsDet(x: Tensor): Tensor {
    const s = this.scale;
    const values =
      typeof s === 'number'
        ? full(x.shape, Math.log(Math.abs(s)), { device: x.device })
        : expand(log(abs(s)), broadcastShapes('AffineTransform.logAbsDetJacobian', x.shape, s.shape));
    return sumRightmost(values, this.#eventDim);
  }

  protected override copyWithCache(cacheSize: 0 | 1): Transform {
    return new AffineTransform(this.loc, this.scale, { eventDim: this.#eventDim, cacheSize });
  }
}

/** y = softmax(x) over the last dim (exp, then normalised); not bijective: its inverse is log y, and there is no log|det J| (as in PyTorch). */
export class SoftmaxTransform extends Transform {
  get domain(): Constraint {
    return real.independent(1);
  }

  get codomain(): Constraint {
    return simplex;
  }

  override equals(other: Transform): boolean {
    return other instanceof SoftmaxTransform;
  }

  protected map(x: Tensor): Tensor {
    return softmax(x, -1);
  }

  protected override mapInverse(y: Tensor): Tensor {
    return log(y);
  }
}

/** PyTorch's parameter ==: numbers compared, else every element of the broadcast comparison (one read). */
function paramsEqual(a: Param, b: Param): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const ta = typeof a === 'number' ? undefined : a;
  const tb = typeof b === 'number' ? undefined : b;
  if (ta && tb) {
    if (ta.device !== tb.device) return false;
    try {
      broadcastShapes('equals', ta.shape, tb.shape);
    } catch {
      return false;
    }
  }
  return noGrad(() => scope(() => Boolean(all(eq(ta ?? (a as number), (tb ?? b) as Tensor | number)).itemSync())));
}

function broadcastWith(where: string, shape: number[], params: readonly (readonly [string, Param])[]): number[] {
  return params.reduce((out, [name, p]) => {
    if (typeof p === 'number') return out;
    try {
      return broadcastShapes(where, out, p.shape);
    } catch {
      throw new ShapeError(`${where}: shape ${fmtShape(out)} expected to broadcast with ${name} ${fmtShape(p.shape)}`);
    }
  }, shape);
}

const describeParam = (p: Param): string => (typeof p === 'number' ? String(p) : `tensor ${fmtShape(p.shape)}`);
