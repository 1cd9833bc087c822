// The two ways Bernoulli and Categorical are given, as PyTorch's probs= or logits= (exactly one):
// new Bernoulli(p), new Bernoulli(p, options), or new Bernoulli({ probs | logits, validateArgs }).
import { ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import type { DistributionOptions } from './distribution.js';
import type { Param } from './params.js';

export type ProbsOrLogits<P = Param> = ({ probs: P; logits?: undefined } | { logits: P; probs?: undefined }) & DistributionOptions;

/** Which parameter was given, its value, and the options. */
export function probsOrLogits<O extends DistributionOptions = DistributionOptions>(
  cls: string,
  first: unknown,
  options: O | undefined,
  extra: readonly string[] = [],
): { given: 'probs' | 'logits'; value: unknown; options: O } {
  const isTensor = (first as Tensor | null | undefined)?.isTensor === true;
  if (typeof first === 'number' || isTensor) {
    const opts = options ?? ({} as O);
    checkOptions(cls, opts, ['validateArgs', ...extra]);
    return { given: 'probs', value: first, options: opts };
  }
  if (first === null || typeof first !== 'object' || Array.isArray(first)) {
    throw new ValueError(`${cls}: expected probs (a tensor or a number) or an object { probs } or { logits }, got ${first === null ? 'null' : Array.isArray(first) ? 'an array' : typeof first}`);
  }
  if (options !== undefined) throw new ValueError(`${cls}: options go in the object with probs or logits (new ${cls}({ logits, ${[...extra, 'validateArgs'].join(', ')} })), not in a second argument`);
  const spec = first as { probs?: unknown; logits?: unknown } & DistributionOptions;
  checkOptions(cls, spec, ['probs', 'logits', 'validateArgs', ...extra]);
  const hasProbs = spec.probs !== undefined;
  const hasLogits = spec.logits !== undefined;
  if (hasProbs === hasLogits) throw new ValueError(`${cls}: expected exactly one of probs or logits, got ${hasProbs ? 'both' : 'neither'}`);
  const rest = Object.fromEntries(['validateArgs', ...extra].map((k) => [k, (spec as Record<string, unknown>)[k]])) as unknown as O;
  return { given: hasProbs ? 'probs' : 'logits', value: hasProbs ? spec.probs : spec.logits, options: rest };
}
