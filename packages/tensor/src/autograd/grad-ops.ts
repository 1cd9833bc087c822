// The few ops the backward engine itself needs.
import { scope } from '../memory.js';
import { shareStorage } from '../ops/apply.js';
import { add } from '../ops/table/binary.js';
import { onesLike as ones } from '../ops/table/creation.js';
import { sumToShape as reduceTo } from '../ops/table/shape.js';
import type { Tensor } from '../tensor.js';

export const onesLike = (t: Tensor): Tensor => ones(t);
export const shareOf = (t: Tensor): Tensor => shareStorage(t, t.shape);

/** a + b, consuming both. */
export function addGrads(a: Tensor, b: Tensor): Tensor {
  const out = add(a, b);
  a.dispose();
  b.dispose();
  return out;
}

export function sumToShape(g: Tensor, shape: readonly number[], op: string): Tensor {
  return scope(() => reduceTo(g, shape, op));
}
