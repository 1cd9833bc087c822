// What the composed losses (ops/table/composed-losses.ts, composed-losses-more.ts) share: their
// reduction option and applying it. Outside ops/table so it stays internal.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { mean, sum } from './table/reduce.js';
import { REDUCTIONS, type Reduction } from './table/loss.js';

/** The reduction option, 'mean' when absent; `allowed` for a loss that takes more (klDiv's 'batchmean'). */
export function reductionOf<R extends string = Reduction>(fn: string, r: unknown, allowed: readonly string[] = REDUCTIONS): R {
  const reduction = r ?? 'mean';
  if (!allowed.includes(reduction as string)) {
    throw new ValueError(`${fn}: reduction expected one of ${allowed.map((x) => `'${x}'`).join(', ')}, got ${JSON.stringify(reduction)}`);
  }
  return reduction as R;
}

/** An elementwise loss reduced: as it is, summed, or averaged. */
export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}
