// Note [backward]: reverse-mode over the recorded graph, from one root or several seeded together
// (grad() of several outputs, as PyTorch's graph root). Nodes run in reverse topological order;
// each node's rule (ops composed in its declaration) runs in a scope so temporaries die at once;
// gradients of broadcast inputs are summed back to the input's shape here, in one place; leaf
// gradients accumulate into `.grad` (kept out of any user scope) or, for grad(), are handed back;
// saved tensors are released after the node ran unless retainGraph. With createGraph the rules
// record a graph of their own (Note [create graph] in grad-mode.ts).
import { ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import { keep, scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { creatingGraphDuring, isGradEnabled, noGrad } from './grad-mode.js';
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

/** The nodes below `roots`, each after every node that feeds it a gradient (roots first). */
function topoOrder(roots: readonly GraphNode[]): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  // Depth first from each root in turn: the reverse of the finishing order of a search over all
  // of them is a topological order of their union.
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: [GraphNode, number][] = [[root, 0]];
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
  }
  return order.reverse(); // roots first
}

// Note [grad hints]: "does not require grad" is the refusal a PINN meets most, one line after
// the mistake: a first derivative taken without createGraph (du = grad(u, [x])[0]) has no graph,
// so d²u cannot be taken from it. Gradients handed back without a graph are marked with what made
// them, so the refusal can say so; otherwise it says whether grad mode is off. The mark is a field
// of the tensor, not a WeakMap entry: backward marks every leaf's .grad on every step, and a
// WeakMap set cost a tiny training step 8% of its time.

/** @internal Marks `t` as a gradient `origin` handed back without a graph (Note [grad hints]); the same tensor. */
export function markPlainGradient<T extends Tensor | null>(t: T, origin: string): T {
  if (t && !t.requiresGrad) t.plainGradientOf = origin;
  return t;
}

/** Why `t` may not require grad, where it can be told (Note [grad hints]). */
function noGraphHint(t: Tensor): string {
  const origin = t.plainGradientOf;
  if (origin) return `: this tensor came from ${origin} without createGraph: true, so it has no graph to differentiate again; pass { createGraph: true } to that call`;
  if (!isGradEnabled()) return ': grad mode is off here (inside noGrad), so the ops that made it recorded no graph; compute it outside noGrad or inside enableGrad(() => …)';
  return ' (no op that made it had an input with requiresGrad: a leaf needs { requiresGrad: true }, and a tensor computed from a gradient needs that grad() or backward() to pass { createGraph: true })';
}

/** @internal What an argument that should have been a tensor (or an array of them) was, for refusals here and in functional.ts. */
export const kindOf = (v: unknown): string =>
  v === null ? 'null' : v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : (v as Tensor).isTensor ? 'a tensor' : typeof (v as Promise<unknown>)?.then === 'function' ? 'a Promise' : typeof v;

/**
 * A root of a walk refused unless it can start one. `name` names it in the message ('tensor', or
 * 'outputs[1]'), `gradName` its seed ('grad' for backward, 'gradOutput' for grad()).
 */
function checkRoot(op: string, root: Tensor, grad: Tensor | null | undefined, name = 'tensor', gradName = 'grad'): void {
  if (!root?.isTensor) throw new ValueError(`${op}: ${name === 'tensor' ? '' : `${name} `}expected a tensor, got ${root === null ? 'null' : typeof root}`);
  if (!root.requiresGrad) throw new ValueError(`${op}: ${name} does not require grad${noGraphHint(root)}`);
  if (grad !== undefined && grad !== null && !(grad as Tensor).isTensor) throw new ValueError(`${op}: ${gradName} expected a tensor, got ${kindOf(grad)}`);
  if (!grad && root.numel !== 1) throw new ValueError(`${op}: ${gradName} can be implied only for one-element outputs, got shape [${root.shape.join(',')}]${name === 'tensor' ? '' : ` for ${name}`}`);
  if (grad && !sameShape(grad.shape, root.shape)) throw new ValueError(`${op}: ${gradName} shape [${grad.shape.join(',')}] does not match ${name === 'tensor' ? 'tensor' : name} shape [${root.shape.join(',')}]`);
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
  checkGradOptions('backward', options, ['retainGraph', 'createGraph']);
  const origin = options.createGraph ? null : 'backward() (a .grad)';
  run([{ root, grad }], options, { leaf: (leaf, g) => accumulateLeaf(leaf, g, origin), wants: () => null });
}

export interface GradOptions extends BackwardOptions {
  /**
   * The gradient of `output` to start from (needed unless it has one element); for several
   * outputs, one per output (null for a one-element output). PyTorch's grad_outputs.
   */
  gradOutput?: Tensor | null | readonly (Tensor | null | undefined)[];
  /** An input the output does not depend on gets null instead of an error. */
  allowUnused?: boolean;
}

const GRAD_OPTIONS = ['gradOutput', 'retainGraph', 'createGraph', 'allowUnused'];

/** PyTorch's keywords and near misses that checkOptions has no hint for (Note [grad hints]). */
const GRAD_SPELLINGS: Record<string, string> = {
  grad_outputs: 'gradOutput',
  gradOutputs: 'gradOutput',
  grad_output: 'gradOutput',
  grad_tensors: 'gradOutput',
  gradient: 'gradOutput',
};

/** checkOptions with PyTorch's grad keywords (grad_outputs) among its did-you-means: a misspelt createGraph would otherwise surface one call later as "does not require grad". */
export function checkGradOptions(fn: string, options: object, known: readonly string[]): void {
  checkOptions(fn, options, known, GRAD_SPELLINGS);
}

/**
 * The gradients of `outputs` with respect to `inputs` (leaves or intermediate tensors), returned
 * instead of accumulated into .grad (PyTorch's torch.autograd.grad), one per input (an array even
 * for a single input tensor, as PyTorch's 1-tuple). Several outputs are differentiated in one walk,
 * their contributions summed: grad([a, b], [x], { gradOutput: [ga, gb] }) is the gradient of
 * Σ(ga·a) + Σ(gb·b). With createGraph the gradients have a graph of their own:
 * grad(sum(mul(g, g)), …) or g.backward() differentiates them again.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  if (arguments.length > 3) throw new ValueError(`grad: takes at most 3 arguments, got ${arguments.length} (PyTorch's grad_outputs, retain_graph, create_graph … go in one options object here: { gradOutput, retainGraph, createGraph, allowUnused })`);
  return gradOf(outputs, inputs, options, true);
}

/**
 * @internal grad() for a walk inside another walk's rule (checkpoint's recomputation): the leaves'
 * hooks are left to the outer walk, which applies them to the leaf's total gradient once.
 */
export function gradWithoutLeafHooks(output: Tensor, inputs: readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  return gradOf(output, inputs, options, false);
}

/** grad()'s arguments, checked: the roots with their seeds, and the inputs as a list. */
function gradArgs(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions): { roots: Root[]; inputs: readonly Tensor[] } {
  if ((options as Tensor | null)?.isTensor || (Array.isArray(options) && options.some((t) => (t as Tensor | null)?.isTensor))) {
    throw new ValueError(`grad: options expected an object ({ gradOutput, retainGraph, createGraph, allowUnused }), got ${Array.isArray(options) ? 'an array of tensors' : 'a tensor'}; PyTorch's positional grad_outputs is grad(output, inputs, { gradOutput: g }) here`);
  }
  checkGradOptions('grad', options, GRAD_OPTIONS);
  const many = Array.isArray(outputs);
  const outs: readonly Tensor[] = many ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  if (!many && !(outputs as Tensor | null)?.isTensor) throw new ValueError(`grad: outputs expected a tensor or an array of tensors, got ${kindOf(outputs)}`);
  if (outs.length === 0) throw new ValueError('grad: outputs expected a tensor or a non-empty array of tensors, got an empty array');
  const g = options.gradOutput;
  let seeds: readonly (Tensor | null | undefined)[];
  if (g === undefined || g === null) seeds = outs.map(() => undefined);
  else if (Array.isArray(g)) {
    if (g.length !== outs.length) throw new ValueError(`grad: gradOutput expected ${outs.length} entr${outs.length === 1 ? 'y' : 'ies'} (one per output, null for a one-element output), got ${g.length}`);
    seeds = g;
  } else if ((g as Tensor).isTensor && outs.length > 1) {
    throw new ValueError(`grad: gradOutput expected an array of ${outs.length} tensors (one per output, null for a one-element output), got a tensor`);
  } else seeds = [g as Tensor];
  const roots = outs.map((root, i) => {
    const name = many ? `outputs[${i}]` : 'tensor';
    const gradName = Array.isArray(g) ? `gradOutput[${i}]` : 'gradOutput';
    checkRoot('grad', root, seeds[i], name, gradName);
    return { root, grad: seeds[i] ?? undefined };
  });
  // A single input tensor as PyTorch takes it: its gradient comes back as an array of one.
  if (!Array.isArray(inputs) && !(inputs as Tensor | null)?.isTensor) throw new ValueError(`grad: inputs expected a tensor or an array of tensors, got ${kindOf(inputs)}`);
  const list: readonly Tensor[] = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  if (list.length === 0) throw new ValueError('grad: inputs expected a tensor or a non-empty array of tensors, got an empty array');
  list.forEach((t, i) => {
    if (!t?.isTensor) throw new ValueError(`grad: inputs[${i}] expected a tensor, got ${kindOf(t)}`);
    if (!t.requiresGrad) throw new ValueError(`grad: inputs[${i}] does not require grad${noGraphHint(t)}`);
  });
  return { roots, inputs: list };
}

function gradOf(outputs: Tensor | readonly Tensor[], inputArg: Tensor | readonly Tensor[], options: GradOptions, leafHooks: boolean): (Tensor | null)[] {
  const { roots, inputs } = gradArgs(outputs, inputArg, options);
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
    run(roots, options, {
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
      throw new ValueError(`grad: output${roots.length > 1 ? 's do' : ' does'} not depend on inputs[${unused}] (allowUnused: true gives null for it)`);
    }
  }
  if (!options.createGraph) for (const r of results) markPlainGradient(r, 'grad()');
  return results;
}

/** Where a walk starts: a tensor and its seed (undefined: ones). */
interface Root {
  root: Tensor;
  grad: Tensor | undefined;
}

function run(roots: readonly Root[], options: BackwardOptions, sink: Sink): void {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  // Note [create graph]: the rules run with grad mode on and record what they compute.
  const during = createGraph ? creatingGraphDuring : noGrad;
  during(() => {
    const pending = new Map<GraphNode, (Tensor | null)[]>();
    // Leaf gradients are summed over the whole walk and delivered at its end, so a leaf's hooks
    // see its total gradient once (Note [gradient hooks]).
    const leafGrads = new Map<Tensor, Tensor>();
    const rootNodes: GraphNode[] = [];
    try {
      // Several roots (grad() of several outputs) are seeded together, as PyTorch's graph root
      // with one edge per output: a node below two of them runs once, on the sum.
      for (const { root, grad } of roots) {
        if (root.gradFn?.released) throw new ValueError('backward: the graph was already freed by an earlier backward; pass {retainGraph: true} to the first one');
        const seed = grad ? shareOf(grad) : onesLike(root);
        if (!root.gradFn) {
          const leaf = root.gradLeaf ?? root;
          const prev = leafGrads.get(leaf);
          leafGrads.set(leaf, prev ? addGrads(prev, seed) : seed);
          continue;
        }
        const node = root.gradFn;
        let slots = pending.get(node);
        if (!slots) {
          slots = new Array<Tensor | null>(node.visibleOutputs).fill(null);
          pending.set(node, slots);
          rootNodes.push(node);
        }
        const prev = slots[root.outputIndex];
        slots[root.outputIndex] = prev ? addGrads(prev, seed) : seed;
      }
      if (rootNodes.length) walk(rootNodes, pending, leafGrads, retainGraph, createGraph, sink);
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
function walk(rootNodes: readonly GraphNode[], pending: Map<GraphNode, (Tensor | null)[]>, leafGrads: Map<Tensor, Tensor>, retainGraph: boolean, createGraph: boolean, sink: Sink): void {
  const order = topoOrder(rootNodes);
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
      // several inputs, or pass an incoming gradient straight through. A tensor the rule made for
      // this input alone is handed on as it is (a share and its release saved, per edge per step).
      let placed: Tensor;
      if (!sameShape(g.shape, node.inputMeta[i].shape)) placed = sumToShape(g, node.inputMeta[i].shape, node.name);
      else if (ownedByEdge(g, i, inputGrads, grads)) {
        placed = g;
        inputGrads[i] = null;
      } else placed = shareOf(g);
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

/** Whether `g`, the rule's gradient for input `i`, is that input's alone: not passed through from `incoming`, not returned for another input too. */
function ownedByEdge(g: Tensor, i: number, inputGrads: readonly (Tensor | null | undefined)[], incoming: readonly (Tensor | null)[] | undefined): boolean {
  for (let j = 0; j < inputGrads.length; j++) if (j !== i && inputGrads[j] === g) return false;
  return !incoming?.includes(g);
}

function accumulateLeaf(leaf: Tensor, g: Tensor, origin: string | null): void {
  // A leaf disposed since the graph was made (the copies autograd.functional runs fn on, which a
  // createGraph result's graph ends in): nothing can read its .grad, which would only leak.
  if (leaf.isDisposed) {
    g.dispose();
    return;
  }
  leaf.grad = keep(leaf.grad ? addGrads(leaf.grad, g) : g);
  if (origin) markPlainGradient(leaf.grad, origin);
}
