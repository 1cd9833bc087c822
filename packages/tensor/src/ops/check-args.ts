// The argument check the user functions composed in TypeScript share: a tensor where one is
// expected, the refusal naming the function and the argument.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';

export function tensorArg(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t as Tensor | null | undefined)?.isTensor) throw new ValueError(`${fn}: ${name} expected a tensor, got ${t === null ? 'null' : typeof t}`);
}
