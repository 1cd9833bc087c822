// More of PyTorch's in-place Tensor methods, for ported code that calls them: the in-place form of
// an out-of-place method (x.fmod_(3), x.scatter_(1, idx, src), x.tril_(), x.eq_(y) …) writes that
// method's result back through writeBack (ops/table/inplace.ts: not recorded by autograd, refused
// where PyTorch would record it, the result's shape and dtype kept); and the random refills
// (x.exponential_(), x.bernoulli_(p), x.geometric_(p), x.cauchy_(), x.logNormal_(), x.random_(lo, hi))
// draw from the counter-based generator like uniform_ and normal_. A user trial found
// logicalOr_ and scatter_ missing: a TypeError naming nothing. And fillDiagonal_ (PyTorch's
// fill_diagonal_), which has no out-of-place form: a scatter of the value at the diagonal's flat
// positions, written back.
import { maxArguments, guardArity } from './arity.js';
import { checkOptions } from './options.js';
import { isFloating } from './dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors.js';
import * as ops from './ops/table/index.js';
import type { Tensor } from './tensor.js';

/** Out-of-place methods whose in-place form is the same call written back (PyTorch has each). */
const writtenBack = [
  // elementwise
  'expm1', 'log1p', 'log2', 'log10', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh',
  'erfc', 'erfinv', 'lgamma', 'digamma', 'polygamma', 'logicalNot', 'nanToNum',
  // with an operand
  'fmod', 'remainder', 'atan2', 'floorDivide', 'logicalAnd', 'logicalOr', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
  // index and shape-keeping
  'scatter', 'scatterAdd', 'scatterReduce', 'indexAdd', 'indexCopy', 'tril', 'triu', 'cumsum', 'cumprod', 'addmm', 'baddbmm',
] as const;

type InPlaceName = `${(typeof writtenBack)[number]}_`;

type RandomOptions = { generator?: ops.Generator };

declare module './tensor.js' {
  interface Tensor {
    expm1_(): Tensor;
    log1p_(): Tensor;
    log2_(): Tensor;
    log10_(): Tensor;
    tan_(): Tensor;
    asin_(): Tensor;
    acos_(): Tensor;
    atan_(): Tensor;
    sinh_(): Tensor;
    cosh_(): Tensor;
    asinh_(): Tensor;
    acosh_(): Tensor;
    atanh_(): Tensor;
    erfc_(): Tensor;
    erfinv_(): Tensor;
    lgamma_(): Tensor;
    digamma_(): Tensor;
    polygamma_(n: number): Tensor;
    /** 1 where this is 0, else 0, in this tensor's dtype (PyTorch's logical_not_). */
    logicalNot_(): Tensor;
    nanToNum_(options?: ops.NanToNumOptions): Tensor;
    fmod_(other: ops.Operand): Tensor;
    remainder_(other: ops.Operand): Tensor;
    atan2_(other: ops.Operand): Tensor;
    floorDivide_(other: ops.Operand): Tensor;
    logicalAnd_(other: ops.Operand): Tensor;
    logicalOr_(other: ops.Operand): Tensor;
    /** The comparisons in place write 1 or 0 in this tensor's dtype, as PyTorch's eq_ … */
    eq_(other: ops.Operand): Tensor;
    ne_(other: ops.Operand): Tensor;
    lt_(other: ops.Operand): Tensor;
    le_(other: ops.Operand): Tensor;
    gt_(other: ops.Operand): Tensor;
    ge_(other: ops.Operand): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterReduce_(dim: number, index: Tensor, src: Tensor, reduce: ops.ScatterReduction, options?: ops.ScatterReduceOptions): Tensor;
    indexAdd_(dim: number, index: Tensor, source: Tensor, options?: ops.IndexAddOptions): Tensor;
    indexCopy_(dim: number, index: Tensor, source: Tensor): Tensor;
    tril_(diagonal?: number): Tensor;
    triu_(diagonal?: number): Tensor;
    cumsum_(dim: number): Tensor;
    cumprod_(dim: number): Tensor;
    addmm_(mat1: Tensor, mat2: Tensor, options?: ops.AddmmOptions): Tensor;
    baddbmm_(batch1: Tensor, batch2: Tensor, options?: ops.AddmmOptions): Tensor;
    /** Refills with 0/1 draws of probability p (a number or a tensor broadcast to this shape; default ½), in this tensor's dtype. */
    bernoulli_(p?: number | Tensor, options?: RandomOptions): Tensor;
    /** Refills with exponential draws of rate lambd (default 1): −log(1 − U)/λ. */
    exponential_(lambd?: number, options?: RandomOptions): Tensor;
    /** Refills with the number of Bernoulli(p) trials up to the first success (1, 2, …). */
    geometric_(p: number, options?: RandomOptions): Tensor;
    /** Refills with Cauchy draws: median + sigma·tan(π(U − ½)). */
    cauchy_(median?: number, sigma?: number, options?: RandomOptions): Tensor;
    /** Refills with exp(N(mean, std)) draws (PyTorch's defaults: mean 1, std 2). */
    logNormal_(mean?: number, std?: number, options?: RandomOptions): Tensor;
    /** Refills with integers uniform in [from, to) (from 0 when one bound is given; a range of at most 2^24), in this tensor's dtype. */
    random_(from: number, to?: number, options?: RandomOptions): Tensor;
    /**
     * Writes `value` on the main diagonal (PyTorch's fill_diagonal_): of a 2-d tensor, or of an
     * n-d one whose dims are all equal (elements [i, i, …, i]). With `wrap`, a tall matrix's
     * diagonal starts again N + 1 rows down (N the column count), as numpy's and PyTorch's.
     */
    fillDiagonal_(value: number, wrap?: boolean): Tensor;
  }
}

function finite(op: string, name: string, v: unknown, check: (v: number) => boolean, want: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new ValueError(`${op}: ${name} expected ${want}, got ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  return v;
}

function floatTarget(op: string, x: Tensor): void {
  if (x?.isTensor && !isFloating(x.dtype)) throw new DTypeError(`${op}: expected a float tensor to refill, got ${x.dtype}`);
}

/** Uniform draws U in [0, 1) shaped and placed like `x`. */
function uniformLike(x: Tensor, options: RandomOptions): Tensor {
  return ops.uniform(x.shape, 0, 1, { device: x.device, generator: options.generator });
}

/** Adds the methods to Tensor's prototype; methods.ts calls it before it guards every method's arity. */
export function addInPlaceMethods(proto: Tensor): void {
  const methods = proto as unknown as Record<string, (this: Tensor, ...args: unknown[]) => Tensor>;
  for (const name of writtenBack) {
    const outOfPlace = methods[name];
    const inPlace = `${name}_` as InPlaceName;
    // The out-of-place method's argument limit, refused under the in-place name.
    methods[inPlace] = guardArity(
      inPlace,
      function (this: Tensor, ...args: unknown[]) {
        return ops.writeBack(inPlace, this, () => outOfPlace.apply(this, args), args);
      },
      maxArguments(outOfPlace),
    );
  }

  proto.fillDiagonal_ = function (value, wrap = false) {
    const op = 'fillDiagonal_';
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new ValueError(`${op}: value expected a number, got ${value === null ? 'null' : (value as Tensor)?.isTensor ? 'a tensor (PyTorch takes a number here too)' : typeof value}`);
    if (typeof wrap !== 'boolean') throw new ValueError(`${op}: wrap expected true or false, got ${JSON.stringify(wrap)}`);
    const shape = this?.isTensor ? this.shape : [];
    if (this?.isTensor && shape.length < 2) throw new ShapeError(`${op}: expected a tensor of at least 2 dims, got shape ${fmtShape(shape)}`);
    if (shape.length > 2 && !shape.every((d) => d === shape[0])) throw new ShapeError(`${op}: expected all dims of equal length for a tensor of more than 2 dims, got shape ${fmtShape(shape)}`);
    // The diagonal's flat positions are k·step, step the sum of the row-major strides; with wrap,
    // a 2-d tensor's run on to its end (PyTorch's second strided fill, past the N × N block).
    let step = 0;
    for (let d = shape.length - 1, stride = 1; d >= 0; stride *= shape[d], d--) step += stride;
    if (this?.isTensor && typeof value === 'number') ops.checkFillValue(op, value, this.dtype);
    const numel = this?.isTensor ? this.numel : 0;
    const count = numel === 0 ? 0 : wrap && shape.length === 2 ? Math.ceil(numel / step) : Math.min(...shape);
    return ops.writeBack(op, this, () => {
      if (count === 0) return ops.clone(this);
      const at = ops.mul(ops.arange(count, { dtype: 'int64', device: this.device }), step);
      return ops.reshape(ops.scatter(ops.reshape(this, [numel]), 0, at, typeof value === 'boolean' ? Number(value) : value), shape);
    });
  };
  proto.bernoulli_ = function (p = 0.5, options = {}) {
    checkOptions('bernoulli_', options, ['generator']);
    if (typeof p === 'number') finite('bernoulli_', 'p', p, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]');
    const probs = () => (typeof p === 'number' ? ops.full(this.shape, p, { device: this.device }) : ops.expand(ops.cast(p, 'float32'), this.shape));
    return ops.writeBack('bernoulli_', this, () => ops.cast(ops.bernoulli(probs(), options), this.dtype), [p]);
  };
  proto.exponential_ = function (lambd = 1, options = {}) {
    checkOptions('exponential_', options, ['generator']);
    floatTarget('exponential_', this);
    finite('exponential_', 'lambd', lambd, (v) => v > 0, 'a positive rate');
    return ops.writeBack('exponential_', this, () => ops.div(ops.neg(ops.log1p(ops.neg(uniformLike(this, options)))), lambd));
  };
  proto.geometric_ = function (p, options = {}) {
    checkOptions('geometric_', options, ['generator']);
    floatTarget('geometric_', this);
    finite('geometric_', 'p', p, (v) => v > 0 && v <= 1, 'a probability in (0, 1]');
    if (p === 1) return ops.writeBack('geometric_', this, () => ops.onesLike(this));
    // ⌈log(1 − U)/log(1 − p)⌉, at least 1 (U = 0 would give 0).
    return ops.writeBack('geometric_', this, () => ops.clampMin(ops.ceil(ops.div(ops.log1p(ops.neg(uniformLike(this, options))), Math.log1p(-p))), 1));
  };
  proto.cauchy_ = function (median = 0, sigma = 1, options = {}) {
    checkOptions('cauchy_', options, ['generator']);
    floatTarget('cauchy_', this);
    finite('cauchy_', 'median', median, () => true, 'a finite number');
    finite('cauchy_', 'sigma', sigma, (v) => v > 0, 'a positive scale');
    return ops.writeBack('cauchy_', this, () => ops.add(ops.mul(ops.tan(ops.mul(ops.sub(uniformLike(this, options), 0.5), Math.PI)), sigma), median));
  };
  proto.logNormal_ = function (mean = 1, std = 2, options = {}) {
    checkOptions('logNormal_', options, ['generator']);
    floatTarget('logNormal_', this);
    finite('logNormal_', 'mean', mean, () => true, 'a finite number');
    finite('logNormal_', 'std', std, (v) => v > 0, 'a positive standard deviation');
    return ops.writeBack('logNormal_', this, () => ops.exp(ops.normal(mean, std, this.shape, { device: this.device, generator: options.generator })));
  };
  proto.random_ = function (from, to, options = {}) {
    checkOptions('random_', options, ['generator']);
    const [low, high] = to === undefined ? [0, from] : [from, to];
    finite('random_', 'from', low, Number.isSafeInteger, 'an integer');
    finite('random_', 'to', high, (v) => Number.isSafeInteger(v) && v > low && v - low <= 2 ** 24, `an integer above from (${low}), at most 2^24 past it (float32 draws)`);
    // floor(low + U·(high − low)) in float32 could round up to high; clamped.
    return ops.writeBack('random_', this, () => ops.cast(ops.clampMax(ops.floor(ops.add(ops.mul(uniformLike(this, options), high - low), low)), high - 1), this.dtype));
  };
}
