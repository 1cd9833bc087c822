// Positional constructor arguments of the simple layers, checked when the layer is made rather
// than at its first forward: new ELU({ alpha: 2 }) (PyTorch's keyword habit) is refused at once.
import { ValueError } from '@nutshell/tensor';

function got(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${Object.keys(v as object).join(', ')}); this argument is positional`;
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
