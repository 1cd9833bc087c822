// Constraints (torch.distributions.constraints), as far as the transforms need them: the set of
// values a transform takes (its domain) or gives (its codomain), how many rightmost dims make one
// event of it, and the masks of what lies outside, which validateArgs reads.
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { sub } from '../../ops/table/binary.js';
import { ge, le, logicalAnd, logicalNot, lt } from '../../ops/table/compare.js';
import { any } from '../../ops/table/composed-ops.js';
import { sum } from '../../ops/table/reduce.js';
import { abs } from '../../ops/table/unary.js';
import { type Violation, notPositive, notProbability, notReal } from '../validation.js';

/**
 * A set of values (PyTorch's torch.distributions.constraints): its name, how many rightmost dims
 * make one event of it, and the check validateArgs reads.
 */
export class Constraint {
  /** PyTorch's name: 'real', 'positive', 'interval(0, 1)', 'interval(-1, 1)', 'simplex', 'independent(real, 1)'. */
  readonly name: string;
  /** How many rightmost dims make one event (0: each element on its own). */
  readonly eventDim: number;
  readonly #check: (value: Tensor) => Violation[];

  constructor(name: string, eventDim: number, check: (value: Tensor) => Violation[]) {
    this.name = name;
    this.eventDim = eventDim;
    this.#check = check;
  }

  /** The masks of `value`'s elements (or events) outside the set, for refuseViolations. */
  violations(value: Tensor): Violation[] {
    return this.#check(value);
  }

  /** The same set with `n` more rightmost dims read as one event (PyTorch's constraints.independent). */
  independent(n: number): Constraint {
    return n === 0 ? this : new Constraint(`independent(${this.name}, ${n})`, this.eventDim + n, this.#check);
  }

  toString(): string {
    return this.name;
  }
}

const value = (bad: Tensor, expected: string): Violation[] => [{ name: 'value', bad, expected }];
export const real = new Constraint('real', 0, (x) => value(notReal(x), 'real values (not NaN)'));
export const positive = new Constraint('positive', 0, (x) => value(notPositive(x), 'values > 0'));
export const unitInterval = new Constraint('interval(0, 1)', 0, (x) => value(notProbability(x), 'values in [0, 1]'));
/** The values in [lo, hi] (PyTorch's constraints.interval). */
export function interval(lo: number, hi: number): Constraint {
  if (!(typeof lo === 'number' && typeof hi === 'number' && lo <= hi)) throw new ValueError(`constraints.interval: expected numbers lo <= hi, got ${String(lo)} and ${String(hi)}`);
  return new Constraint(`interval(${lo}, ${hi})`, 0, (x) => value(logicalNot(logicalAnd(ge(x, lo), le(x, hi))), `values in [${lo}, ${hi}]`));
}
export const symmetricUnit = interval(-1, 1);
export const simplex = new Constraint('simplex', 1, (x) => [
  { name: 'value', bad: any(lt(x, 0), -1), expected: 'points of the simplex (values >= 0)', unit: ['event', 'events'] },
  { name: 'value', bad: logicalNot(lt(abs(sub(sum(x, -1), 1)), 1e-6)), expected: 'points of the simplex (summing to 1 over the last dim, within 1e-6)', unit: ['event', 'events'] },
]);
