// Positional constructor arguments of the layers, checked when the layer is made rather than at
// its first forward: new ELU({ alpha: 2 }) or new Dropout({ p: 0.2 }) (PyTorch's keyword habit)
// is refused at once, with the call that works.
import { ValueError } from '@nutshell/tensor';

/** An object literal, as a keyword habit passes one (not a tensor, an array or a module). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `v` as source text, or `name` where it has none (a module, a function). */
function literal(v: unknown, name: string): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null || v === undefined) return String(v);
  if (Array.isArray(v) && v.every((e) => typeof e === 'number' || typeof e === 'string' || e === null)) return `[${v.map((e) => literal(e, name)).join(', ')}]`;
  return name;
}

/**
 * Refuses an options object where `layer` takes its numbers positionally, naming the argument
 * and writing the call that works from the object's values:
 * "Linear: inFeatures is positional: new Linear(4, 2, { bias: false })".
 * `names` are the positional parameters in order; `takesOptions` whether an options object follows.
 */
export function positionalArgs(layer: string, names: readonly string[], values: readonly unknown[], takesOptions = false): void {
  const at = names.findIndex((_, i) => isPlainObject(values[i]));
  if (at < 0) return;
  const given = values[at] as Record<string, unknown>;
  const args = names.map((name, i) => (i < at ? literal(values[i], name) : name in given ? literal(given[name], name) : name));
  const rest = Object.keys(given).filter((k) => !names.includes(k));
  if (takesOptions && rest.length > 0) args.push(`{ ${rest.map((k) => `${k}: ${literal(given[k], k)}`).join(', ')} }`);
  throw new ValueError(`${layer}: ${names[at]} is positional: new ${layer}(${args.join(', ')})`);
}

function got(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${Object.keys(v as object).join(', ')})`;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** A finite number (a slope, an alpha, a bound). */
export function numberArg(layer: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${layer}: ${name} expected a number, got ${got(v)}`);
}

/** An integer (a dim). */
export function intArg(layer: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(`${layer}: ${name} expected an integer, got ${got(v)}`);
}

/**
 * An adaptive pooling layer takes its output size alone: JavaScript would drop PyTorch's second
 * argument (AdaptiveMaxPool3d(2, return_indices=True) written new AdaptiveMaxPool3d(2, { returnIndices: true }))
 * without a word (user trial AP).
 */
export function outputSizeOnly(layer: string, extra: readonly unknown[]): void {
  if (extra.length === 0) return;
  throw new ValueError(`${layer}: takes one argument (outputSize), got ${1 + extra.length}; PyTorch's return_indices is not offered for adaptive pooling here (there is no unpooling to use them)`);
}
