// Note [activation checkpointing]: PyTorch's torch.utils.checkpoint — a block's activations are
// not kept for backward but recomputed from its inputs when backward reaches it, trading compute
// for memory in deep networks. checkpoint(fn, ...args) runs fn once with recording on, so that
// what fn's result depends on is known: the walk from its outputs down to nodes made before the
// call finds the leaves it reached — the inputs (passed in detached) and parameters fn closes
// over. Then that graph is let go at once (its saved activations with it) and the outputs hang
// off one node whose edges are those leaves. Its rule restores the random state of the forward
// (dropout draws the same masks), runs fn again with recording on, and takes the gradients of
// the recomputation with respect to the same leaves. Unlike PyTorch's reentrant form,
// parameters get gradients when no input requires one (a first block fed data). A tensor
// computed outside fn that fn closes over is refused (pass it as an argument): its gradient
// would otherwise be lost. fn should do the same thing twice: a training-mode BatchNorm inside
// updates its running statistics again on recomputation, as in PyTorch.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { sameShape } from '../shape.js';
import { keep, scope } from '../memory.js';
import { connect, edgeOf, shareStorage } from '../ops/apply.js';
import type { OpDecl } from '../ops/declare.js';
import { add, mul } from '../ops/table/binary.js';
import { getRngState, setRngState } from '../ops/table/random.js';
import { sum } from '../ops/table/reduce.js';
import { Tensor } from '../tensor.js';
import { gradWithoutLeafHooks } from './backward.js';
import { FunctionNode } from './function.js';
import { isCreatingGraph, isGradEnabled, withGradEnabled } from './grad-mode.js';
import { GraphNode, type Edge } from './node.js';

/** What a checkpointed block's gradient goes to: one of its arguments, or a leaf fn closes over. */
type Target = { arg: number } | { leaf: Tensor };

const asList = (out: unknown): Tensor[] | null => (out instanceof Tensor ? [out] : Array.isArray(out) && out.length > 0 && out.every((t) => t instanceof Tensor) ? out : null);

/** The leaves fn's recorded graph reaches (from node serial `since` on), in a stable order; refuses outside nodes. */
function leavesOf(outputs: readonly Tensor[], since: number, detached: readonly unknown[]): Target[] {
  const targets: Target[] = [];
  const seenLeaves = new Set<Tensor>();
  const seenNodes = new Set<GraphNode>();
  const stack: GraphNode[] = [];
  for (const t of outputs) {
    if (!t.gradFn) continue;
    if (t.gradFn.serial < since) throw new ValueError(`checkpoint: fn returns a tensor computed outside it that requires grad (made by ${t.gradFn.name}); pass it to checkpoint as an argument, or return it beside the checkpoint`);
    stack.push(t.gradFn);
  }
  const visitLeaf = (leaf: Tensor) => {
    if (seenLeaves.has(leaf)) return;
    seenLeaves.add(leaf);
    const arg = detached.indexOf(leaf);
    targets.push(arg >= 0 ? { arg } : { leaf });
  };
  for (const t of outputs) if (!t.gradFn && t.requiresGrad) visitLeaf(t.gradLeaf ?? t);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seenNodes.has(node)) continue;
    seenNodes.add(node);
    for (const e of node.next) {
      if (!e) continue;
      if ('leaf' in e) visitLeaf(e.leaf);
      else if (e.node.serial >= since) stack.push(e.node);
      else {
        throw new ValueError(
          `checkpoint: fn uses a tensor computed outside it that requires grad (made by ${e.node.name}); pass it to checkpoint as an argument, or its gradient would be lost`,
        );
      }
    }
  }
  return targets;
}

/**
 * Runs `fn(...args)` without keeping its activations for backward; backward recomputes them
 * (Note [activation checkpointing]). Tensors among `args` are its inputs; other values pass
 * through. Returns what fn returns: a tensor or an array of tensors.
 */
export function checkpoint<A extends unknown[], O extends Tensor | Tensor[]>(fn: (...args: A) => O, ...args: A): O {
  if (typeof fn !== 'function') throw new ValueError(`checkpoint: fn expected a function, got ${fn === null ? 'null' : typeof fn}`);
  if (!isGradEnabled()) return fn(...args);
  const rng = getRngState();
  const since = GraphNode.made;
  const madeSince = Tensor.made;
  const detach = (a: unknown) => (a instanceof Tensor ? (a.requiresGrad ? a.detach().requiresGrad_() : a.detach()) : a);
  const detached = args.map(detach);
  // In a scope of its own: the block's intermediates go now, not with the caller's scope.
  const returned = scope(() => fn(...(detached as A)));
  const recorded = asList(returned);
  if (!recorded) throw new ValueError(`checkpoint: fn expected to return a Tensor or a non-empty array of Tensors, got ${returned === null ? 'null' : Array.isArray(returned) ? 'another array' : typeof returned}`);
  // Only what fn made is disposed here; a tensor it returns from outside (a mask it closes over) stays the caller's.
  const madeByFn = (t: Tensor) => t.serial >= madeSince;
  let targets: Target[];
  try {
    targets = leavesOf(recorded, since, detached);
  } catch (err) {
    for (const t of recorded) if (madeByFn(t)) t.dispose();
    throw err;
  }
  // The outputs again, as tensors of their own: disposing the recorded ones lets their graph go.
  const outputs = recorded.map((t) => shareStorage(t, t.shape));
  for (const t of recorded) if (madeByFn(t)) t.dispose();
  for (const d of detached) if (d instanceof Tensor && !recorded.includes(d)) d.dispose();
  if (targets.length > 0) attach(fn, args, rng, targets, outputs);
  return (returned instanceof Tensor ? outputs[0] : outputs) as O;
}

function attach<A extends unknown[]>(fn: (...args: A) => Tensor | Tensor[], args: A, rng: ReturnType<typeof getRngState>, targets: Target[], outputs: Tensor[]): void {
  const internal = (t: Tensor) => keep(shareStorage(t, t.shape));
  // Every tensor argument is kept for the recomputation (the data a first block is fed needs no
  // gradient but is read again); parameters are kept as shares too, so that a step taken on them
  // before this backward is refused by the version check instead of recomputed with new values.
  const argShares = args.map((a) => (a instanceof Tensor ? internal(a) : null));
  const leafShares = targets.flatMap((t) => ('leaf' in t ? [internal(t.leaf)] : []));
  const targetTensor = (t: Target, recomputedArgs: unknown[]) => ('leaf' in t ? t.leaf : (recomputedArgs[t.arg] as Tensor));
  const next: Edge[] = targets.map((t) => ('leaf' in t ? { leaf: t.leaf } : edgeOf(args[t.arg] as Tensor)));
  const inputMeta = targets.map((t) => {
    const x = 'leaf' in t ? t.leaf : (args[t.arg] as Tensor);
    return { shape: x.shape, dtype: x.dtype };
  });
  const decl = {
    name: 'checkpoint',
    grad: ({ grads }: { grads: (Tensor | null)[] }) => {
      if (isCreatingGraph()) throw new ValueError('checkpoint: second derivatives through a checkpointed block are not supported (createGraph); run the block without checkpoint');
      const now = getRngState();
      setRngState(rng);
      try {
        return withGradEnabled(true, () =>
          scope(() => {
            const again = args.map((a, i) => {
              const share = argShares[i];
              if (!share) return a;
              const wanted = targets.some((t) => 'arg' in t && t.arg === i);
              return wanted ? share.detach().requiresGrad_() : share.detach();
            });
            const recomputed = asList(fn(...(again as A)));
            if (!recomputed || recomputed.length !== outputs.length) throw new ValueError('checkpoint: fn returned something else when recomputed in backward; it must do the same thing each time');
            recomputed.forEach((t, i) => {
              if (!sameShape(t.shape, outputs[i].shape)) {
                throw new ShapeError(`checkpoint: output ${i} was ${fmtShape(outputs[i].shape)} and is ${fmtShape(t.shape)} when recomputed; fn must do the same thing each time`);
              }
            });
            // One root whose gradient is the vector-Jacobian product of every output with its incoming gradient.
            const reached = recomputed.flatMap((t, i) => (grads[i] && t.requiresGrad ? [{ t, g: grads[i]! }] : []));
            if (reached.length === 0) return targets.map(() => null);
            const wanted = targets.map((t) => targetTensor(t, again));
            if (reached.length === 1) return gradWithoutLeafHooks(reached[0].t, wanted, { gradOutput: reached[0].g, allowUnused: true });
            const root = reached.map(({ t, g }) => sum(mul(t, g))).reduce((a, b) => add(a, b));
            return gradWithoutLeafHooks(root, wanted, { allowUnused: true });
          }),
        );
      } finally {
        setRngState(now);
      }
    },
  } as unknown as OpDecl<any>;
  const others = [...argShares.filter((t): t is Tensor => t !== null), ...leafShares];
  const node = new FunctionNode(decl, inputMeta, next, outputs.length, targets.map(() => null), outputs.map(() => null), others);
  connect(node, outputs);
}
