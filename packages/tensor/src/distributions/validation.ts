// Note [distribution argument checks]: PyTorch's distributions validate by default, and eagerly:
// Normal(loc, scale) checks scale > 0 and logProb(x) checks x in the support, each by reading a
// tensor back from the device. Here a read waits for every op queued before it (the cpu worker,
// the cuda stream), so a check in the constructor would stall a training loop that builds a
// distribution per batch — a VAE's Normal(mu, sigma) every step. So the default checks only what
// costs no read: argument types, dtypes, devices and shapes always, and parameters given as
// numbers (Normal(0, -1) is refused at once). Tensor values are checked with `validateArgs: true`
// (one read per constructor or logProb call, however many constraints), or for every
// distribution after `setDefaultValidateArgs(true)`. `validateArgs: false` skips the number
// checks too, as PyTorch's validate_args=False skips everything (Normal(0, 0) then samples loc).
// Without a read, a bad parameter shows in the values instead: a log of a negative scale is NaN.
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { cast } from '../ops/table/cast.js';
import { ge, gt, le, logicalAnd, logicalNot } from '../ops/table/compare.js';
import { isnan } from '../ops/table/composed-ops.js';
import { sum } from '../ops/table/reduce.js';
import { stack } from '../ops/table/shape.js';

let defaultValidateArgs = false;

/** Whether distributions read tensor arguments back to check them when not told (PyTorch's Distribution.set_default_validate_args; off here: Note [distribution argument checks]). */
export function setDefaultValidateArgs(value: boolean): void {
  if (typeof value !== 'boolean') throw new ValueError(`setDefaultValidateArgs: value expected a boolean, got ${value === null ? 'null' : typeof value}`);
  defaultValidateArgs = value;
}

export function getDefaultValidateArgs(): boolean {
  return defaultValidateArgs;
}

/** What a distribution checks: numbers given as parameters (free), and tensor values (a read). */
export interface Checks {
  numbers: boolean;
  tensors: boolean;
}

export function checksOf(cls: string, validateArgs: unknown): Checks {
  if (validateArgs !== undefined && typeof validateArgs !== 'boolean') {
    throw new ValueError(`${cls}: option 'validateArgs' expected a boolean, got ${validateArgs === null ? 'null' : typeof validateArgs}`);
  }
  return { numbers: validateArgs !== false, tensors: validateArgs ?? defaultValidateArgs };
}

/** A constraint broken where `bad` is true: `name` expected `expected`. */
export interface Violation {
  name: string;
  bad: Tensor;
  expected: string;
  /** What one element of `bad` stands for, singular and plural (default ['value', 'values']; a mask over a batch of matrices counts matrices). */
  unit?: readonly [string, string];
}

/** Reads the count of broken elements of every constraint `make` builds at once and refuses the first broken one. */
export function refuseViolations(where: string, make: () => readonly Violation[]): void {
  const counts = scope(() => {
    const violations = make();
    if (violations.length === 0) return { read: [], totals: [], names: [], expected: [], units: [] };
    const perConstraint = violations.map((v) => sum(cast(v.bad, 'int64')));
    const totals = violations.map((v) => v.bad.numel);
    return {
      read: Array.from(stack(perConstraint).dataSync() as BigInt64Array, Number),
      totals,
      names: violations.map((v) => v.name),
      expected: violations.map((v) => v.expected),
      units: violations.map((v) => v.unit ?? (['value', 'values'] as const)),
    };
  });
  counts.read.forEach((n, i) => {
    const total = counts.totals[i];
    const [one, many] = counts.units[i];
    if (n > 0) throw new ValueError(`${where}: ${counts.names[i]} expected ${counts.expected[i]}, got ${n} of ${total} ${total === 1 ? one : many} outside (found by validateArgs)`);
  });
}

// The masks of broken elements for the constraints the distributions use (NaN breaks each).
export const notReal = (x: Tensor): Tensor => isnan(x);
export const notPositive = (x: Tensor): Tensor => logicalNot(gt(x, 0));
export const notNonNegative = (x: Tensor): Tensor => logicalNot(ge(x, 0));
export const notProbability = (x: Tensor): Tensor => logicalNot(logicalAnd(ge(x, 0), le(x, 1)));

/** A number parameter checked for free (Note [distribution argument checks]). */
export function checkNumber(cls: string, name: string, value: unknown, ok: (v: number) => boolean, expected: string, checks: Checks): void {
  if (typeof value !== 'number' || !checks.numbers || ok(value)) return;
  throw new ValueError(`${cls}: ${name} expected ${expected}, got ${value}`);
}
