// The argument check the user functions composed in TypeScript share: a tensor where one is
// expected, the refusal naming the function and the argument.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** What a refusal says of a Promise where a tensor belongs: the data-dependent functions are async. */
export const PROMISE_HINT = 'a Promise (did you forget await? nonzero, unique, maskedSelect and data() resolve later)';

export function tensorArg(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t as Tensor | null | undefined)?.isTensor) throw new ValueError(`${fn}: ${name} expected a tensor, got ${t === null ? 'null' : t instanceof Promise ? PROMISE_HINT : typeof t}`);
}
