// Note [arity guard]: ported PyTorch code passes positional extras that this API takes in an
// options object or not at all — x.sum(1, true) for keepdim, sort(x, 1, true) for descending,
// std(x, 1, false) for unbiased, x.add(y, 2) for alpha, x.reshape(4, 3) for a shape. JavaScript
// drops extra arguments silently, and the result is quietly wrong. Every public function and
// Tensor method is therefore wrapped to refuse more arguments than it declares. A function's
// limit is read from its own parameter list (Function.length stops at the first default value,
// so it cannot serve); a rest parameter means no limit.
import { ValueError } from './errors.js';

type AnyFunction = (...args: any[]) => any;

/** The most arguments `fn` takes: its declared parameters, defaults included; Infinity with a rest parameter. */
export function maxArguments(fn: AnyFunction): number {
  const src = Function.prototype.toString.call(fn);
  if (/^(async\s*)?[A-Za-z_$][\w$]*\s*=>/.test(src)) return 1; // x => …
  const open = src.indexOf('(');
  if (open < 0) return Infinity;
  let depth = 0, params = 0, current = '', quote = '';
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (depth === 0 && (c === ',' || c === ')')) {
      const p = current.trim();
      if (p.startsWith('...')) return Infinity;
      if (p) params++;
      if (c === ')') return params;
      current = '';
      continue;
    }
    current += c;
  }
  return Infinity;
}

/** The refusal: naming the function, its limit, and what to write instead. */
function tooMany(name: string, most: number, args: readonly unknown[]): ValueError {
  const got = args.length;
  const takes = most === 0 ? 'no arguments' : `at most ${most} argument${most > 1 ? 's' : ''}`;
  // The user's own dims echoed back (x.permute(0, 3, 1, 2) → x.permute([0, 3, 1, 2])).
  const dims = args.filter((a): a is number => typeof a === 'number');
  const isTensor = (a: unknown) => (a as { isTensor?: boolean } | null)?.isTensor === true;
  const hint = SHAPE_TAKERS.has(name)
    ? `pass the dims as one array, e.g. ${CREATORS.has(name) ? '' : 'x.'}${name}([${dims.length >= 2 ? dims.join(', ') : '4, 3'}])`
    : JOINERS.has(name) && isTensor(args[0]) && isTensor(args[1])
      ? `the tensors go in one array: ${name}([a, b, …], dim)`
      : REDUCERS.has(name)
      ? `the dim goes inside the options with keepdim and the rest: x.${name}({ dim: ${dims[0] ?? 1}, keepdim: true })`
      : "an extra argument would be ignored, so it is refused; PyTorch's keyword arguments (keepdim, descending, unbiased …) go in one options object here";
  return new ValueError(`${name}: takes ${takes}, got ${got} (${hint})`);
}

/** Reductions: PyTorch's x.sum(1, keepdim=True) is x.sum({ dim: 1, keepdim: true }) here. */
const REDUCERS = new Set(['sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'std', 'var', 'variance', 'prod', 'amax', 'amin', 'logsumexp', 'median', 'any', 'all', 'norm', 'nansum', 'nanmean']);

/** Functions that join a list of tensors: cat(a, b, 1) is a slip for cat([a, b], 1). */
const JOINERS = new Set(['cat', 'concat', 'concatenate', 'stack', 'hstack', 'vstack', 'dstack', 'columnStack']);

/** Of those, the ones that make a tensor rather than reshape one (zeros(2, 3) → zeros([2, 3])). */
const CREATORS = new Set(['zeros', 'ones', 'empty', 'rand', 'randn']);

/** Functions whose PyTorch form takes dims as separate arguments (x.reshape(4, 3)). */
const SHAPE_TAKERS = new Set(['reshape', 'view', 'permute', 'expand', 'repeat', 'flip', 'zeros', 'ones', 'empty', 'rand', 'randn']);

/** `fn` refusing more arguments than it declares (Note [arity guard]); the same function when it takes any number. */
export function guardArity<F extends AnyFunction>(name: string, fn: F, most = maxArguments(fn)): F {
  if (most === Infinity) return fn;
  const guarded = function (this: unknown, ...args: unknown[]) {
    if (args.length > most) throw tooMany(name, most, args);
    return fn.apply(this, args);
  };
  Object.defineProperty(guarded, 'name', { value: name });
  Object.defineProperty(guarded, 'length', { value: fn.length });
  return guarded as unknown as F;
}

/** Whether a function value is a class (called with new; never wrapped). */
export const isClass = (v: unknown): boolean => typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));

/** Every function of a module namespace behind guardArity (classes and other values as they are): for the other packages' exports. */
export function guardAll<M extends object>(namespace: M): M {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(namespace)) out[k] = typeof v === 'function' && !isClass(v) ? guardArity(k, v as AnyFunction) : v;
  return Object.freeze(out) as M;
}
