// Note [backward]: reverse-mode over the recorded graph. Nodes run in reverse topological order;
// each node's rule (ops composed in its declaration) runs in a scope so temporaries die at once;
// gradients of broadcast inputs are summed back to the input's shape here, in one place; leaf
// gradients accumulate into `.grad` (kept out of any user scope) or, for grad(), are handed back;
// saved tensors are released after the node ran unless retainGraph. With createGraph the rules
// record a graph of their own (Note [create graph] in grad-mode.ts).
import { ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import { keep, scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { creatingGraphDuring, noGrad } from './grad-mode.js';
import type { GraphNode } from './node.js';
import { addGrads, onesLike, shareOf, sumToShape } from './grad-ops.js';
import { applyHooks } from './hooks.js';

export interface BackwardOptions {
  /** Keep the graph for another backward through it (default: createGraph). */
  retainGraph?: boolean;
  /**
   * Record the gradient computation itself, so that the gradients have a graph and can be
   * differentiated again (PyTorch's create_graph: gradient penalties, Hessian-vector products).
   */
  createGraph?: boolean;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function topoOrder(root: GraphNode): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  const stack: [GraphNode, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.next.length) {
      top[1]++;
      const e = node.next[i];
      if (e && 'node' in e && !seen.has(e.node)) {
        seen.add(e.node);
        stack.push([e.node, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse(); // root first
}

function checkRoot(op: string, root: Tensor, grad: Tensor | undefined): void {
  if (!root?.isTensor) throw new ValueError(`${op}: expected a tensor, got ${root === null ? 'null' : typeof root}`);
  if (!root.requiresGrad) throw new ValueError(`${op}: tensor does not require grad (no op that made it had an input with requiresGrad)`);
  if (grad !== undefined && grad !== null && !(grad as Tensor).isTensor) throw new ValueError(`${op}: grad expected a tensor, got ${Array.isArray(grad) ? 'an array' : typeof grad}`);
  if (!grad && root.numel !== 1) throw new ValueError(`${op}: grad can be implied only for one-element outputs, got shape [${root.shape.join(',')}]`);
  if (grad && !sameShape(grad.shape, root.shape)) throw new ValueError(`${op}: grad shape [${grad.shape.join(',')}] does not match tensor shape [${root.shape.join(',')}]`);
}

/**
 * Where the engine delivers gradients that reach a leaf (accumulate into .grad, or hand to grad())
 * and which non-leaf outputs' total gradients it hands over.
 */
interface Sink {
  leaf(leaf: Tensor, g: Tensor): void;
  /** The total gradient of output `index` of `node`, before the node's rule runs; null: not wanted. */
  wants(node: GraphNode, index: number): ((g: Tensor) => void) | null;
  /** Whether the node's rule must run: some gradient the sink wants flows through it (default: all). */
  needs?(node: GraphNode): boolean;
  /** Sees the nodes about to be walked (root first), before any runs. */
  plan?(order: readonly GraphNode[]): void;
  /** Leaf gradients arrive without the leaves' hooks applied (a walk nested in another's rule: the outer walk applies them to the total). */
  leafHooksOff?: boolean;
}

/** Gradients of `root` (seeded by `grad`, or 1) with respect to every leaf it depends on, accumulated into their .grad. */
export function backward(root: Tensor, grad?: Tensor, options: BackwardOptions = {}): void {
  checkRoot('backward', root, grad);
  checkOptions('backward', options, ['retainGraph', 'createGraph']);
  run(root, grad, options, { leaf: accumulateLeaf, wants: () => null });
}

export interface GradOptions extends BackwardOptions {
  /** The gradient of `output` to start from (needed unless it has one element). */
  gradOutput?: Tensor;
  /** An input the output does not depend on gets null instead of an error. */
  allowUnused?: boolean;
}

/**
 * The gradients of `output` with respect to `inputs` (leaves or intermediate tensors), returned
 * instead of accumulated into .grad (PyTorch's torch.autograd.grad). With createGraph they have a
 * graph of their own: grad(sum(mul(g, g)), …) or g.backward() differentiates them again.
 */
export function grad(output: Tensor, inputs: readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  return gradOf(output, inputs, options, true);
}

/**
 * @internal grad() for a walk inside another walk's rule (checkpoint's recomputation): the leaves'
 * hooks are left to the outer walk, which applies them to the leaf's total gradient once.
 */
export function gradWithoutLeafHooks(output: Tensor, inputs: readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  return gradOf(output, inputs, options, false);
}

function gradOf(output: Tensor, inputs: readonly Tensor[], options: GradOptions, leafHooks: boolean): (Tensor | null)[] {
  checkRoot('grad', output, options.gradOutput);
  inputs.forEach((t, i) => {
    if (!t?.isTensor) throw new ValueError(`grad: inputs[${i}] expected a tensor, got ${t === null ? 'null' : typeof t}`);
    if (!t.requiresGrad) throw new ValueError(`grad: inputs[${i}] does not require grad`);
  });
  const results: (Tensor | null)[] = inputs.map(() => null);
  const add = (i: number, g: Tensor) => {
    results[i] = results[i] ? addGrads(results[i]!, g) : g;
  };
  const leafOf = (t: Tensor) => t.gradLeaf ?? t;
  // Only the nodes on a path to an input run (PyTorch's exec_info): the rest of the graph may
  // hold ops without a second derivative, or tensors written since, that these gradients never use.
  const leaves = new Set(inputs.filter((t) => !t.gradFn).map(leafOf));
  const owners = new Set(inputs.map((t) => t.gradFn).filter((n): n is GraphNode => n !== null));
  const needed = new Set<GraphNode>();
  try {
    run(output, options.gradOutput, options, {
      leafHooksOff: !leafHooks,
      // Children before parents (the walk's order reversed), so each node's next ones are known.
      plan: (order) => {
        for (let k = order.length - 1; k >= 0; k--) {
          const node = order[k];
          if (node.next.some((e) => e !== null && ('leaf' in e ? leaves.has(e.leaf) : owners.has(e.node) || needed.has(e.node)))) needed.add(node);
        }
      },
      needs: (node) => needed.has(node),
      leaf: (leaf, g) => {
        const hits = inputs.flatMap((t, i) => (!t.gradFn && leafOf(t) === leaf ? [i] : []));
        hits.forEach((i, k) => add(i, k === hits.length - 1 ? g : shareOf(g)));
        if (hits.length === 0) g.dispose();
      },
      wants: (node, index) => {
        const hits = inputs.flatMap((t, i) => (t.gradFn === node && t.outputIndex === index ? [i] : []));
        return hits.length ? (g) => hits.forEach((i) => add(i, shareOf(g))) : null;
      },
    });
  } catch (err) {
    for (const r of results) r?.dispose();
    throw err;
  }
  if (!options.allowUnused) {
    const unused = results.findIndex((r) => r === null);
    if (unused >= 0) {
      for (const r of results) r?.dispose();
      throw new ValueError(`grad: output does not depend on inputs[${unused}] (allowUnused: true gives null for it)`);
    }
  }
  return results;
}

function run(root: Tensor, grad: Tensor | undefined, options: BackwardOptions, sink: Sink): void {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  // Note [create graph]: the rules run with grad mode on and record what they compute.
  const during = createGraph ? creatingGraphDuring : noGrad;
  during(() => {
    const seed = grad ? shareOf(grad) : onesLike(root);
    if (!root.gradFn) {
      const leaf = root.gradLeaf ?? root;
      sink.leaf(leaf, sink.leafHooksOff ? seed : applyHooks(leaf, seed));
      return;
    }
    const rootNode = root.gradFn;
    if (rootNode.released) throw new ValueError('backward: the graph was already freed by an earlier backward; pass {retainGraph: true} to the first one');
    const pending = new Map<GraphNode, (Tensor | null)[]>();
    pending.set(rootNode, Array.from({ length: rootNode.visibleOutputs }, (_, i) => (i === root.outputIndex ? seed : null)));

    // Leaf gradients are summed over the whole walk and delivered at its end, so a leaf's hooks
    // see its total gradient once (Note [gradient hooks]).
    const leafGrads = new Map<Tensor, Tensor>();
    try {
      walk(rootNode, pending, leafGrads, retainGraph, createGraph, sink);
      for (const [leaf, g] of leafGrads) {
        leafGrads.delete(leaf);
        sink.leaf(leaf, sink.leafHooksOff ? g : applyHooks(leaf, g));
      }
    } catch (err) {
      // A refusal half-way (a tensor written in place, an op with no second derivative): the
      // gradients still waiting would hold their graphs until the collector found them.
      for (const slots of pending.values()) for (const g of slots) g?.dispose();
      for (const g of leafGrads.values()) g.dispose();
      throw err;
    }
  });
}

/** Runs the rules of every node below the root, in reverse topological order (Note [backward]). */
function walk(rootNode: GraphNode, pending: Map<GraphNode, (Tensor | null)[]>, leafGrads: Map<Tensor, Tensor>, retainGraph: boolean, createGraph: boolean, sink: Sink): void {
  const order = topoOrder(rootNode);
  sink.plan?.(order);
  for (const node of order) {
    const grads = pending.get(node);
    pending.delete(node);
    if (grads && node.watched) for (const [i, t] of node.watched) if (grads[i]) grads[i] = applyHooks(t, grads[i]!);
    grads?.forEach((g, i) => {
      const take = g && sink.wants(node, i);
      if (take) take(g!);
    });
    if (!grads || grads.every((g) => g === null) || (sink.needs && !sink.needs(node))) {
      for (const g of grads ?? []) g?.dispose();
      if (!retainGraph) node.release();
      continue;
    }
    if (node.released) throw new ValueError(`backward: the graph through ${node.name} was already freed; use {retainGraph: true}`);
    node.checkSavedVersions();
    const inputGrads = scope(() => {
      const saved = node.unpackSaved(createGraph);
      return node.decl.grad!({ inputs: saved.inputs, outputs: saved.outputs, inputMeta: node.inputMeta, attrs: node.attrs, grads, needsGrad: node.next.map((e) => e !== null) });
    });
    for (let i = 0; i < node.next.length; i++) {
      const edge = node.next[i];
      const g = inputGrads[i] ?? null;
      if (!edge || !g) continue;
      // Each destination gets a reference of its own: the rule may return one tensor for
      // several inputs, or pass an incoming gradient straight through.
      const placed = sameShape(g.shape, node.inputMeta[i].shape) ? shareOf(g) : sumToShape(g, node.inputMeta[i].shape, node.name);
      if ('leaf' in edge) {
        const prev = leafGrads.get(edge.leaf);
        leafGrads.set(edge.leaf, prev ? addGrads(prev, placed) : placed);
      } else {
        let slots = pending.get(edge.node);
        if (!slots) {
          slots = new Array(edge.node.visibleOutputs).fill(null);
          pending.set(edge.node, slots);
        }
        const prev = slots[edge.index];
        slots[edge.index] = prev ? addGrads(prev, placed) : placed;
      }
    }
    for (const g of grads) g?.dispose();
    for (const g of inputGrads) g?.dispose();
    if (!retainGraph) node.release();
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (!leaf.grad) {
    leaf.grad = keep(g);
    return;
  }
  leaf.grad = keep(addGrads(leaf.grad, g));
}
