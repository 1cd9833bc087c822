// The few ops the backward engine itself needs.
import { scope } from '../memory.js';
import { shareStorage } from '../ops/apply.js';
import { add } from '../ops/table/binary.js';
import { onesLike as ones } from '../ops/table/creation.js';
import { sumToShape as reduceTo } from '../ops/table/shape.js';
import type { Tensor } from '../tensor.js';
import type { Edge } from './node.js';
import { isCreatingGraph } from './grad-mode.js';

export const onesLike = (t: Tensor): Tensor => ones(t);
/**
 * Another reference to t's storage; while a graph of the gradients is made (Note [create graph]),
 * t to autograd too: the same gradFn (held, Note [graph lifetime]) or, for a leaf, gradients
 * accumulate into t (gradLeaf). Otherwise a plain share.
 */
export function shareOf(t: Tensor): Tensor {
  const s = shareStorage(t, t.shape);
  // Only a graph of the gradients may link them to the graph (a .grad of a plain backward must
  // not stand for the tensor its seed came from).
  if (t.requiresGrad && isCreatingGraph()) asAutogradAlias(s, t.gradFn ? { node: t.gradFn, index: t.outputIndex } : { leaf: t.gradLeaf ?? t });
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
