// Note [double backward by composition]: several ops (crossEntropy, binaryCrossEntropy, layerNorm, batchNorm) take
// their gradient from a fused backward op, which has no gradient of its own; a graph of the
// gradients (Note [create graph] in autograd/grad-mode.ts) through them was refused. Their rules
// keep the fused op when no graph is made (the fast path, and the only one a plain backward
// takes), and while one is made they call gradByComposition instead: the forward is computed
// again as a composition of differentiable ops (crossEntropy as nllLoss(logSoftmax(x)) …), and
// the engine takes its gradient, seeded with the rule's incoming gradient, with createGraph on,
// so every op of that gradient records a graph. The result is the exact gradient of the same
// function, so a second derivative is the composition's, which is PyTorch's. (Where the formula
// is short, the rule writes it with differentiable ops instead, with no inner walk:
// binaryCrossEntropyWithLogits, logsumexp's g·exp(x − y), maxPool2d's scatterAdd through its
// workspace.) Options the composition expresses are all of the op's: nothing stays refused.
//
// The saved inputs a rule sees then are aliases standing for their place in the graph (a node's
// output, or a leaf). The composition runs on a stand-in for each: a reshape to the same shape,
// recorded as a node of its own whose edge leads to that place. The inner grad() is asked for the
// gradients of the stand-ins, so it stops there (it takes the gradient arriving at a stand-in
// before its rule would run, and runs nothing below: nothing below leads to a stand-in), and the
// graph of what it returns reaches the outer graph through the stand-ins' edges. Asking for the
// aliases themselves instead would run the nodes below them whenever one input's place lies below
// another's (x = f(w), then layerNorm(x, w)), adding their gradients twice. The inner walk still
// visits (without running) the nodes below, once per composed rule.
import type { Tensor } from '../tensor.js';
import { grad } from '../autograd/backward.js';
import { apply } from './apply.js';
import { reshapeOp } from './table/shape.js';

/**
 * The gradients of `forward(inputs)` with respect to the inputs marked in `wanted`, seeded with
 * `gradOutput`, as tensors with a graph of their own (Note [double backward by composition]).
 * `inputs` are a gradient rule's saved inputs while a graph of the gradients is made; an input
 * that does not require grad (a target, a weight outside the graph) is passed through as it is
 * and gets null, as does an input not wanted.
 */
export function gradByComposition(
  inputs: readonly (Tensor | null)[],
  wanted: readonly boolean[],
  forward: (inputs: (Tensor | null)[]) => Tensor,
  gradOutput: Tensor,
): (Tensor | null)[] {
  const differentiated = inputs.map((t, i) => Boolean(wanted[i] && t?.requiresGrad));
  // A node of its own per input (reshape() to the same shape would return the tensor itself).
  const stands = inputs.map((t, i) => (differentiated[i] ? apply(reshapeOp, [t!], { shape: t!.shape })[0] : t));
  const targets = stands.filter((_, i) => differentiated[i]) as Tensor[];
  if (targets.length === 0) return inputs.map(() => null);
  const output = forward(stands);
  if (!output.requiresGrad) return inputs.map(() => null);
  const grads = grad(output, targets, { gradOutput, createGraph: true, allowUnused: true });
  let k = 0;
  return inputs.map((_, i) => (differentiated[i] ? grads[k++] : null));
}
