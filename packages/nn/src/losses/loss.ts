// The base of the loss modules: options checked when a loss is made (their keys, and each value by
// its rule), as PyTorch's constructors check theirs, rather than at the first forward, far from
// the line that wrote `reduction: 'avg'`. A loss checks options with no rule here itself.
import { checkOptions, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';

/** What an option must be: a test and the words for it. */
export type Rule = [test: (v: unknown) => boolean, expected: string];
export const isNumber = (v: unknown): v is number => typeof v === 'number';
const RULES: Record<string, Rule> = {
  reduction: [(v) => v === 'mean' || v === 'sum' || v === 'none', "one of 'mean', 'sum', 'none'"],
  margin: [(v) => isNumber(v) && Number.isFinite(v), 'a finite number'],
  full: [(v) => typeof v === 'boolean', 'a boolean'],
  logInput: [(v) => typeof v === 'boolean', 'a boolean'],
  swap: [(v) => typeof v === 'boolean', 'a boolean'],
  eps: [(v) => isNumber(v) && v >= 0 && v < Infinity, 'a finite number >= 0'],
  weight: [(v) => v === null || ((v as Tensor | null)?.isTensor === true && (v as Tensor).dtype === 'float32'), 'a float32 tensor or null'],
};

function describe(v: unknown): string {
  if ((v as Tensor | null)?.isTensor) return `${(v as Tensor).dtype.startsWith('int') ? 'an' : 'a'} ${(v as Tensor).dtype} tensor`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v;
}

/** A loss module whose options are checked against `keys`, each by its rule (`rules` overriding the common ones). */
export abstract class Loss<O extends object> extends Module {
  protected constructor(readonly options: O, keys: readonly string[], rules: Record<string, Rule> = {}) {
    super();
    const name = this.constructor.name;
    checkOptions(name, options, keys);
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      const rule = rules[key] ?? RULES[key];
      if (!rule) continue;
      const [test, expected] = rule;
      if (!test(value)) throw new ValueError(`${name}: ${key} expected ${expected}, got ${describe(value)}`);
    }
  }
}

