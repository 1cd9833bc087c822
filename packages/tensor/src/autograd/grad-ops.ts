// The few ops the backward engine itself needs.
import { scope } from '../memory.js';
import { shareStorage } from '../ops/apply.js';
import { add } from '../ops/table/binary.js';
import { onesLike as ones } from '../ops/table/creation.js';
import { sumToShape as reduceTo } from '../ops/table/shape.js';
import type { Tensor } from '../tensor.js';
import type { Edge } from './node.js';

export const onesLike = (t: Tensor): Tensor => ones(t);
/**
 * Another reference to t's storage that is t to autograd too: the same gradFn (held, Note [graph
 * lifetime]) or, for a leaf, gradients accumulate into t (gradLeaf). Without a graph, a plain share.
 */
export function shareOf(t: Tensor): Tensor {
  const s = shareStorage(t, t.shape);
  if (t.requiresGrad) asAutogradAlias(s, t.gradFn ? { node: t.gradFn, index: t.outputIndex } : { leaf: t.gradLeaf ?? t });
  return s;
}

/** Makes `s` stand for an edge of the graph: the output of a node (held), or a leaf. */
export function asAutogradAlias(s: Tensor, origin: Exclude<Edge, null>): void {
  s.setRequiresGrad(true);
  if ('node' in origin) {
    s.gradFn = origin.node;
    s.outputIndex = origin.index;
    origin.node.hold();
  } else {
    s.gradLeaf = origin.leaf;
  }
}

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
