// The argument checks the user functions composed in TypeScript share: a tensor (a float32 one)
// where one is expected, the refusal naming the function and the argument.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** What a refusal says of a Promise where a tensor belongs: the data-dependent functions are async. */
export const PROMISE_HINT = 'a Promise (did you forget await? nonzero, unique, maskedSelect and data() resolve later)';

export function tensorArg(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t as Tensor | null | undefined)?.isTensor) throw new ValueError(`${fn}: ${name} expected a tensor, got ${t === null ? 'null' : t instanceof Promise ? PROMISE_HINT : typeof t}`);
}

/** A float32 tensor argument. */
export function floatArg(fn: string, name: string, t: unknown): asserts t is Tensor {
  tensorArg(fn, name, t);
  if (t.dtype !== 'float32') throw new DTypeError(`${fn}: ${name} expected float32, got ${t.dtype}`);
}

/**
 * A target may broadcast to the input's shape (a target [C] against input [N, C]) but not make
 * the input broadcast too: [N, 1] against [N] gives an [N, N] loss, every input against every
 * target. PyTorch computes that with a warning that it is likely wrong; it always is.
 */
export function checkTargetBroadcast(name: string, input: readonly number[], target: readonly number[]): void {
  const shape = broadcastShapes(name, input, target);
  if (!sameShape(shape, input)) {
    throw new ShapeError(
      `${name}: target ${fmtShape(target)} would broadcast input ${fmtShape(input)} to ${fmtShape(shape)}, comparing every input with every target; give them one shape (e.g. target.reshape(${fmtShape(input)}))`,
    );
  }
}

/**
 * A per-axis option (a kernel size, stride, padding, dilation) as `n` numbers: one number for
 * every axis, or `n` of them ([h, w], [d, h, w]); `fallback` (one number for every axis, or the
 * numbers) where it is not given. Integer checks come later, with the op's geometry.
 */
export function perAxis(fn: string, name: string, v: unknown, n: number, fallback: number | readonly number[]): number[] {
  if (v === undefined) return typeof fallback === 'number' ? Array<number>(n).fill(fallback) : [...fallback];
  if (typeof v === 'number') return Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((d) => typeof d === 'number')) return [...v];
  throw new ValueError(`${fn}: option '${name}' expected a number or ${n === 3 ? '[d, h, w]' : '[h, w]'}, got ${JSON.stringify(v)}`);
}
