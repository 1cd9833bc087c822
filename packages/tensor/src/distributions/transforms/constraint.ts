// Constraints (torch.distributions.constraints): the set of values a distribution draws (its
// support) or a parameter takes, and a transform takes (its domain) or gives (its codomain); how
// many rightmost dims make one event of it, and the masks of what lies outside, which
// validateArgs reads. Each kind is a class of its own, as PyTorch's, so that bijectTo and
// transformTo (registry.ts) look a transform up by the constraint's class and read its bounds.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { remainder } from '../../ops/table/binary-math.js';
import { sub } from '../../ops/table/binary.js';
import { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, lt, ne } from '../../ops/table/compare.js';
import { all, any, isclose, tril } from '../../ops/table/composed-ops.js';
import { diagonal, select } from '../../ops/table/composed-shape.js';
import { choleskyEx, eigvalsh } from '../../ops/table/linalg-decomp.js';
import { vectorNorm } from '../../ops/table/linalg-norms.js';
import { sum } from '../../ops/table/reduce.js';
import { narrow, transpose } from '../../ops/table/shape.js';
import { abs } from '../../ops/table/unary.js';
import type { Param } from '../params.js';
import { type Violation, notPositive, notProbability, notReal } from '../validation.js';

const EVENT_UNIT = ['event', 'events'] as const;
const MATRIX_UNIT = ['matrix', 'matrices'] as const;
/** float32's machine epsilon. */
const FLOAT32_EPS = 2 ** -23;

export interface ConstraintOptions {
  /** The set is of integers (or booleans, one-hot vectors): PyTorch's is_discrete (default false). */
  isDiscrete?: boolean;
}

/**
 * A set of values (PyTorch's torch.distributions.constraints): its name, how many rightmost dims
 * make one event of it, and the check validateArgs reads. A constraint of your own is a
 * `new Constraint(name, eventDim, check)` or a subclass; bijectTo.register keys on the instance
 * (a plain Constraint, as real and simplex are) or on the class (a subclass, as PyTorch's registry
 * keys on every constraint's class: greaterThan's, interval's …).
 */
export class Constraint {
  /** PyTorch's name, camelCase: 'real', 'positive', 'interval(0, 1)', 'simplex', 'independent(real, 1)', 'lowerCholesky' … */
  readonly name: string;
  /** How many rightmost dims make one event (0: each element on its own). */
  readonly eventDim: number;
  readonly #check: (value: Tensor) => Violation[];
  readonly #discrete: boolean;

  constructor(name: string, eventDim: number, check: (value: Tensor) => Violation[], options: ConstraintOptions = {}) {
    if (typeof name !== 'string') throw new ValueError(`Constraint: name expected a string, got ${typeof name}`);
    if (!Number.isSafeInteger(eventDim) || eventDim < 0) throw new ValueError(`Constraint: eventDim expected a non-negative integer, got ${String(eventDim)}`);
    if (typeof check !== 'function') throw new ValueError(`Constraint: check expected a function (value) => Violation[], got ${typeof check}`);
    this.name = name;
    this.eventDim = eventDim;
    this.#check = check;
    this.#discrete = options.isDiscrete === true;
  }

  /** Whether the set is of integers (or booleans, one-hot vectors: PyTorch's is_discrete). */
  get isDiscrete(): boolean {
    return this.#discrete;
  }

  /** The masks of `value`'s elements (or events) outside the set, for refuseViolations. */
  violations(value: Tensor): Violation[] {
    return this.#check(value);
  }

  /** The same set with `n` more rightmost dims read as one event (PyTorch's constraints.independent). */
  independent(n: number): Constraint {
    return n === 0 ? this : new IndependentConstraint(this, n);
  }

  toString(): string {
    return this.name;
  }
}

/** A bound's name: the number, or the tensor's shape. */
const describeBound = (b: Param): string => (typeof b === 'number' ? String(b) : `tensor ${fmtShape(b.shape)}`);
/** One mask of elements outside the set, as 'value'. */
const valueMask = (bad: Tensor, expected: string): Violation[] => [{ name: 'value', bad, expected }];

/** The values > lowerBound (PyTorch's constraints.greater_than; positive is greaterThan(0)). */
export class GreaterThan extends Constraint {
  readonly lowerBound: Param;

  constructor(lowerBound: Param, name = `greaterThan(${describeBound(lowerBound)})`) {
    super(name, 0, (x) => valueMask(lowerBound === 0 ? notPositive(x) : logicalNot(gt(x, lowerBound)), `values > ${describeBound(lowerBound)}`));
    this.lowerBound = lowerBound;
  }
}

/** The values >= lowerBound (PyTorch's constraints.greater_than_eq; nonnegative is greaterThanEq(0)). */
export class GreaterThanEq extends Constraint {
  readonly lowerBound: Param;

  constructor(lowerBound: Param, name = `greaterThanEq(${describeBound(lowerBound)})`) {
    super(name, 0, (x) => valueMask(logicalNot(ge(x, lowerBound)), `values >= ${describeBound(lowerBound)}`));
    this.lowerBound = lowerBound;
  }
}

/** The values < upperBound (PyTorch's constraints.less_than). */
export class LessThan extends Constraint {
  readonly upperBound: Param;

  constructor(upperBound: Param) {
    super(`lessThan(${describeBound(upperBound)})`, 0, (x) => valueMask(logicalNot(lt(x, upperBound)), `values < ${describeBound(upperBound)}`));
    this.upperBound = upperBound;
  }
}

/** The values in [lowerBound, upperBound] (PyTorch's constraints.interval). */
export class Interval extends Constraint {
  readonly lowerBound: Param;
  readonly upperBound: Param;

  constructor(lowerBound: Param, upperBound: Param) {
    const [lo, hi] = [describeBound(lowerBound), describeBound(upperBound)];
    const check = (x: Tensor): Violation[] =>
      lowerBound === 0 && upperBound === 1 ? valueMask(notProbability(x), 'values in [0, 1]') : valueMask(logicalNot(logicalAnd(ge(x, lowerBound), le(x, upperBound))), `values in [${lo}, ${hi}]`);
    super(`interval(${lo}, ${hi})`, 0, check);
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
  }
}

/** The values in [lowerBound, upperBound) (PyTorch's constraints.half_open_interval). */
export class HalfOpenInterval extends Constraint {
  readonly lowerBound: Param;
  readonly upperBound: Param;

  constructor(lowerBound: Param, upperBound: Param) {
    const [lo, hi] = [describeBound(lowerBound), describeBound(upperBound)];
    super(`halfOpenInterval(${lo}, ${hi})`, 0, (x) => valueMask(logicalNot(logicalAnd(ge(x, lowerBound), lt(x, upperBound))), `values in [${lo}, ${hi})`));
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
  }
}

/** Square matrices [..., n, n], refused at once otherwise (their checks read matrices). */
function squareMatrices(what: string, x: Tensor): void {
  const s = x.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) throw new ShapeError(`constraints.${what}: value expected square matrices [..., n, n], got ${fmtShape(s)}`);
}
const notLowerTriangular = (x: Tensor): Tensor => any(ne(tril(x), x), [-2, -1]);
const notSymmetric = (x: Tensor): Tensor => any(logicalNot(isclose(x, transpose(x, -2, -1), { atol: 1e-6 })), [-2, -1]);
const lowerCholeskyViolations = (x: Tensor): Violation[] => [
  { name: 'value', bad: notLowerTriangular(x), expected: 'lower-triangular matrices (zeros above the diagonal)', unit: MATRIX_UNIT },
  { name: 'value', bad: any(logicalNot(gt(diagonal(x), 0)), -1), expected: 'matrices with a positive diagonal', unit: MATRIX_UNIT },
];

/** Symmetric positive-definite matrices, checked as PyTorch's: symmetric within atol 1e-6, a Cholesky factorisation succeeds. */
const positiveDefiniteViolations = (x: Tensor): Violation[] => {
  squareMatrices('positiveDefinite', x);
  return [
    { name: 'value', bad: notSymmetric(x), expected: 'symmetric matrices (within atol 1e-6, rtol 1e-5)', unit: MATRIX_UNIT },
    { name: 'value', bad: ne(choleskyEx(x).info, 0), expected: 'positive-definite matrices', unit: MATRIX_UNIT },
  ];
};

/** Symmetric positive-semidefinite matrices: eigenvalues >= 0. */
const positiveSemidefiniteViolations = (x: Tensor): Violation[] => {
  squareMatrices('positiveSemidefinite', x);
  return [
    { name: 'value', bad: notSymmetric(x), expected: 'symmetric matrices (within atol 1e-6, rtol 1e-5)', unit: MATRIX_UNIT },
    { name: 'value', bad: any(lt(eigvalsh(x), 0), -1), expected: 'positive-semidefinite matrices (eigenvalues >= 0)', unit: MATRIX_UNIT },
  ];
};

/** Cholesky factors of correlation matrices: lower-triangular, a positive diagonal, rows of unit length within 10·n·eps. */
const corrCholeskyViolations = (x: Tensor): Violation[] => {
  squareMatrices('corrCholesky', x);
  const tol = FLOAT32_EPS * x.shape[x.shape.length - 1] * 10;
  const rowNorm = vectorNorm(x, { dim: -1 });
  return [
    ...lowerCholeskyViolations(x),
    { name: 'value', bad: any(gt(abs(sub(rowNorm, 1)), tol), -1), expected: `matrices whose rows have unit length (within ${tol.toExponential(2)})`, unit: MATRIX_UNIT },
  ];
};

/** A constraint with `reinterpretedBatchNdims` more rightmost dims read as one event (PyTorch's constraints.independent). */
export class IndependentConstraint extends Constraint {
  readonly baseConstraint: Constraint;
  readonly reinterpretedBatchNdims: number;

  constructor(baseConstraint: Constraint, reinterpretedBatchNdims: number) {
    if (!(baseConstraint instanceof Constraint)) throw new ValueError(`constraints.independent: baseConstraint expected a Constraint, got ${typeof baseConstraint}`);
    const n = reinterpretedBatchNdims;
    if (!Number.isSafeInteger(n) || n < 0) throw new ValueError(`constraints.independent: reinterpretedBatchNdims expected a non-negative integer, got ${String(n)}`);
    super(`independent(${baseConstraint.name}, ${n})`, baseConstraint.eventDim + n, (x) => baseConstraint.violations(x), { isDiscrete: baseConstraint.isDiscrete });
    this.baseConstraint = baseConstraint;
    this.reinterpretedBatchNdims = n;
  }
}

function checkParts(where: string, parts: unknown): asserts parts is readonly Constraint[] {
  if (!Array.isArray(parts) || parts.length === 0) throw new ValueError(`${where}: parts expected a non-empty array of Constraints, got ${Array.isArray(parts) ? 'an empty array' : typeof parts}`);
  parts.forEach((c, i) => {
    if (!(c instanceof Constraint)) throw new ValueError(`${where}: parts[${i}] expected a Constraint, got ${c === null ? 'null' : typeof c}`);
  });
}

/** dim of a value of `rank` dims, refused where out of range. */
function dimOf(where: string, dim: number, rank: number): number {
  if (dim < -rank || dim >= rank) throw new ShapeError(`${where}: dim ${dim} out of range for a value of ${rank} dims`);
  return dim < 0 ? dim + rank : dim;
}

/**
 * parts[i] applied to the i-th slice of `lengths[i]` along `dim`, as torch.cat joins them
 * (PyTorch's constraints.cat); eventDim is the parts' largest.
 */
export class CatConstraint extends Constraint {
  readonly parts: readonly Constraint[];
  readonly dim: number;
  readonly lengths: readonly number[];

  constructor(parts: readonly Constraint[], dim = 0, lengths?: readonly number[]) {
    const where = 'constraints.cat';
    checkParts(where, parts);
    if (!Number.isSafeInteger(dim)) throw new ValueError(`${where}: dim expected an integer, got ${String(dim)}`);
    const ls = lengths ?? parts.map(() => 1);
    if (!Array.isArray(ls) || ls.length !== parts.length || !ls.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new ValueError(`${where}: lengths expected ${parts.length} non-negative integers (one per part), got ${Array.isArray(ls) ? `[${ls.join(', ')}]` : typeof ls}`);
    }
    const total = ls.reduce((a, b) => a + b, 0);
    const check = (x: Tensor): Violation[] => {
      const d = dimOf(where, dim, x.shape.length);
      if (x.shape[d] !== total) throw new ShapeError(`${where}: value ${fmtShape(x.shape)} expected ${total} (the lengths' sum) along dim ${dim}, got ${x.shape[d]}`);
      let start = 0;
      return parts.flatMap((c, i) => {
        const slice = narrow(x, d, start, ls[i]);
        start += ls[i];
        return c.violations(slice).map((v) => ({ ...v, name: `${v.name} (part ${i} along dim ${dim})` }));
      });
    };
    super(`cat([${parts.map((c) => c.name).join(', ')}], dim ${dim}, lengths [${ls.join(', ')}])`, Math.max(...parts.map((c) => c.eventDim)), check);
    this.parts = Object.freeze([...parts]);
    this.dim = dim;
    this.lengths = Object.freeze([...ls]);
  }
}

/**
 * parts[i] applied to the i-th slice along `dim`, as torch.stack joins them (PyTorch's
 * constraints.stack); eventDim is the parts' largest, plus the stacked dim where dim is counted
 * from the end and falls inside the events (PyTorch's rule).
 */
export class StackConstraint extends Constraint {
  readonly parts: readonly Constraint[];
  readonly dim: number;

  constructor(parts: readonly Constraint[], dim = 0) {
    const where = 'constraints.stack';
    checkParts(where, parts);
    if (!Number.isSafeInteger(dim)) throw new ValueError(`${where}: dim expected an integer, got ${String(dim)}`);
    const inner = Math.max(...parts.map((c) => c.eventDim));
    const check = (x: Tensor): Violation[] => {
      const d = dimOf(where, dim, x.shape.length);
      if (x.shape[d] !== parts.length) throw new ShapeError(`${where}: value ${fmtShape(x.shape)} expected ${parts.length} (one per part) along dim ${dim}, got ${x.shape[d]}`);
      return parts.flatMap((c, i) => c.violations(select(x, d, i)).map((v) => ({ ...v, name: `${v.name} (part ${i} along dim ${dim})` })));
    };
    super(`stack([${parts.map((c) => c.name).join(', ')}], dim ${dim})`, dim + inner < 0 ? inner + 1 : inner, check);
    this.parts = Object.freeze([...parts]);
    this.dim = dim;
  }
}

// The discrete sets (no transform maps onto them): the supports of the counting distributions.

const notInteger = (x: Tensor): Tensor => ne(remainder(x, 1), 0);

/** The integers >= lowerBound (PyTorch's constraints.nonnegative_integer and positive_integer). */
export class IntegerGreaterThanEq extends Constraint {
  readonly lowerBound: number;

  constructor(lowerBound: number, name: string) {
    super(name, 0, (x) => valueMask(logicalOr(notInteger(x), logicalNot(ge(x, lowerBound))), `integers >= ${lowerBound}`), { isDiscrete: true });
    this.lowerBound = lowerBound;
  }
}

/** The integers in [lowerBound, upperBound] (PyTorch's constraints.integer_interval). */
export class IntegerInterval extends Constraint {
  readonly lowerBound: Param;
  readonly upperBound: Param;

  constructor(lowerBound: Param, upperBound: Param) {
    const [lo, hi] = [describeBound(lowerBound), describeBound(upperBound)];
    super(`integerInterval(${lo}, ${hi})`, 0, (x) => valueMask(logicalOr(notInteger(x), logicalNot(logicalAnd(ge(x, lowerBound), le(x, upperBound)))), `integers in [${lo}, ${hi}]`), { isDiscrete: true });
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
  }
}

/** Vectors of counts >= 0 summing to at most upperBound (PyTorch's constraints.multinomial). */
export class MultinomialConstraint extends Constraint {
  readonly upperBound: number;

  constructor(upperBound: number) {
    super(`multinomial(${upperBound})`, 1, (x) => [
      { name: 'value', bad: any(lt(x, 0), -1), expected: 'counts >= 0', unit: EVENT_UNIT },
      { name: 'value', bad: gt(sum(x, -1), upperBound), expected: `counts summing to at most ${upperBound}`, unit: EVENT_UNIT },
    ], { isDiscrete: true });
    this.upperBound = upperBound;
  }
}

/** Refuses a bound that is neither a number nor a float32 tensor. */
function checkBound(where: string, name: string, b: unknown): asserts b is Param {
  if (typeof b === 'number' && !Number.isNaN(b)) return;
  if ((b as Tensor | null | undefined)?.isTensor) return;
  throw new ValueError(`${where}: ${name} expected a number or a tensor, got ${typeof b === 'number' ? 'NaN' : b === null ? 'null' : typeof b}`);
}

// The sets without parameters: plain Constraints (bijectTo's table keys on these instances).
/** Every real number (PyTorch's constraints.real): NaN lies outside. */
export const real = new Constraint('real', 0, (x) => valueMask(notReal(x), 'real values (not NaN)'));
export const positive: Constraint = new GreaterThan(0, 'positive');
export const nonnegative: Constraint = new GreaterThanEq(0, 'nonnegative');
export const unitInterval: Constraint = new Interval(0, 1);
export const symmetricUnit: Constraint = new Interval(-1, 1);
/** Vectors of values >= 0 summing to 1 over the last dim, within 1e-6 (PyTorch's constraints.simplex). */
export const simplex = new Constraint('simplex', 1, (x) => [
  { name: 'value', bad: any(lt(x, 0), -1), expected: 'points of the simplex (values >= 0)', unit: EVENT_UNIT },
  { name: 'value', bad: logicalNot(lt(abs(sub(sum(x, -1), 1)), 1e-6)), expected: 'points of the simplex (summing to 1 over the last dim, within 1e-6)', unit: EVENT_UNIT },
]);
/** Lower-triangular matrices with a positive diagonal: Cholesky factors (PyTorch's constraints.lower_cholesky). */
export const lowerCholesky = new Constraint('lowerCholesky', 2, (x) => {
  squareMatrices('lowerCholesky', x);
  return lowerCholeskyViolations(x);
});
/** Symmetric positive-definite matrices (PyTorch's constraints.positive_definite). */
export const positiveDefinite = new Constraint('positiveDefinite', 2, positiveDefiniteViolations);
/** Symmetric positive-semidefinite matrices (PyTorch's constraints.positive_semidefinite). */
export const positiveSemidefinite = new Constraint('positiveSemidefinite', 2, positiveSemidefiniteViolations);
/** Cholesky factors of correlation matrices (PyTorch's constraints.corr_cholesky). */
export const corrCholesky = new Constraint('corrCholesky', 2, corrCholeskyViolations);
/** 0 and 1 (PyTorch's constraints.boolean). */
export const boolean = new Constraint('boolean', 0, (x) => valueMask(logicalNot(logicalOr(eq(x, 0), eq(x, 1))), 'values 0 or 1'), { isDiscrete: true });
export const nonnegativeInteger: Constraint = new IntegerGreaterThanEq(0, 'nonnegativeInteger');
export const positiveInteger: Constraint = new IntegerGreaterThanEq(1, 'positiveInteger');
/** One-hot vectors: 0s and one 1 over the last dim (PyTorch's constraints.one_hot). */
export const oneHot = new Constraint('oneHot', 1, (x) => [
  { name: 'value', bad: any(logicalNot(logicalOr(eq(x, 0), eq(x, 1))), -1), expected: 'one-hot vectors (values 0 or 1)', unit: EVENT_UNIT },
  { name: 'value', bad: ne(sum(x, -1), 1), expected: 'one-hot vectors (a single 1 over the last dim)', unit: EVENT_UNIT },
], { isDiscrete: true });

/** The values in [lo, hi] (PyTorch's constraints.interval; bounds may be tensors, broadcast against the value). */
export function interval(lo: Param, hi: Param): Constraint {
  const tensors = (lo as Tensor | null)?.isTensor || (hi as Tensor | null)?.isTensor;
  if (!tensors && !(typeof lo === 'number' && typeof hi === 'number' && lo <= hi)) throw new ValueError(`constraints.interval: expected numbers lo <= hi, got ${String(lo)} and ${String(hi)}`);
  checkBound('constraints.interval', 'lo', lo);
  checkBound('constraints.interval', 'hi', hi);
  return new Interval(lo, hi);
}

/** The values in [lo, hi) (PyTorch's constraints.half_open_interval). */
export function halfOpenInterval(lo: Param, hi: Param): Constraint {
  const tensors = (lo as Tensor | null)?.isTensor || (hi as Tensor | null)?.isTensor;
  if (!tensors && !(typeof lo === 'number' && typeof hi === 'number' && lo < hi)) throw new ValueError(`constraints.halfOpenInterval: expected numbers lo < hi, got ${String(lo)} and ${String(hi)}`);
  checkBound('constraints.halfOpenInterval', 'lo', lo);
  checkBound('constraints.halfOpenInterval', 'hi', hi);
  return new HalfOpenInterval(lo, hi);
}

/** The values > lowerBound (PyTorch's constraints.greater_than). */
export function greaterThan(lowerBound: Param): Constraint {
  checkBound('constraints.greaterThan', 'lowerBound', lowerBound);
  return lowerBound === 0 ? positive : new GreaterThan(lowerBound);
}

/** The values >= lowerBound (PyTorch's constraints.greater_than_eq). */
export function greaterThanEq(lowerBound: Param): Constraint {
  checkBound('constraints.greaterThanEq', 'lowerBound', lowerBound);
  return lowerBound === 0 ? nonnegative : new GreaterThanEq(lowerBound);
}

/** The values < upperBound (PyTorch's constraints.less_than). */
export function lessThan(upperBound: Param): Constraint {
  checkBound('constraints.lessThan', 'upperBound', upperBound);
  return new LessThan(upperBound);
}

/** The integers in [lo, hi] (PyTorch's constraints.integer_interval). */
export function integerInterval(lo: Param, hi: Param): Constraint {
  checkBound('constraints.integerInterval', 'lo', lo);
  checkBound('constraints.integerInterval', 'hi', hi);
  return new IntegerInterval(lo, hi);
}

/** Counts >= 0 summing to at most upperBound over the last dim (PyTorch's constraints.multinomial). */
export function multinomial(upperBound: number): Constraint {
  if (typeof upperBound !== 'number' || !(upperBound >= 0)) throw new ValueError(`constraints.multinomial: upperBound expected a number >= 0, got ${String(upperBound)}`);
  return new MultinomialConstraint(upperBound);
}

/** `base` with n more rightmost dims read as one event (PyTorch's constraints.independent(base, n); also base.independent(n)). */
export function independent(base: Constraint, n: number): Constraint {
  if (!(base instanceof Constraint)) throw new ValueError(`constraints.independent: base expected a Constraint, got ${base === null ? 'null' : typeof base}`);
  return base.independent(n);
}

/** PyTorch's constraints.cat(parts, dim, lengths). */
export function cat(parts: readonly Constraint[], dim = 0, lengths?: readonly number[]): Constraint {
  return new CatConstraint(parts, dim, lengths);
}

/** PyTorch's constraints.stack(parts, dim). */
export function stack(parts: readonly Constraint[], dim = 0): Constraint {
  return new StackConstraint(parts, dim);
}
