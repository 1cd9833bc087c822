// Note [backward]: reverse-mode over the recorded graph. Nodes run in reverse topological order;
// each node's rule (ops composed in its declaration) runs in a scope so temporaries die at once;
// gradients of broadcast inputs are summed back to the input's shape here, in one place; leaf
// gradients accumulate into `.grad` (kept out of any user scope); saved tensors are released
// after the node ran unless retainGraph.
import { ValueError } from '../errors.js';
import { keep, scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import type { GraphNode } from './node.js';
import { addGrads, onesLike, shareOf, sumToShape } from './grad-ops.js';

export interface BackwardOptions {
  retainGraph?: boolean;
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

export function backward(root: Tensor, grad?: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) throw new ValueError('backward: tensor does not require grad (no op that made it had an input with requiresGrad)');
  if (!grad && root.numel !== 1) throw new ValueError(`backward: grad can be implied only for one-element outputs, got shape [${root.shape.join(',')}]`);
  if (grad && !sameShape(grad.shape, root.shape)) throw new ValueError(`backward: grad shape [${grad.shape.join(',')}] does not match tensor shape [${root.shape.join(',')}]`);

  noGrad(() => {
    const seed = grad ? shareOf(grad) : onesLike(root);
    if (!root.gradFn) {
      accumulateLeaf(root, seed);
      return;
    }
    const rootNode = root.gradFn;
    if (rootNode.released) throw new ValueError('backward: the graph was already freed by an earlier backward; pass {retainGraph: true} to the first one');
    const pending = new Map<GraphNode, (Tensor | null)[]>();
    pending.set(rootNode, Array.from({ length: rootNode.visibleOutputs }, (_, i) => (i === root.outputIndex ? seed : null)));

    for (const node of topoOrder(rootNode)) {
      const grads = pending.get(node);
      pending.delete(node);
      if (!grads || grads.every((g) => g === null)) {
        if (!options.retainGraph) node.release();
        continue;
      }
      if (node.released) throw new ValueError(`backward: the graph through ${node.name} was already freed; use {retainGraph: true}`);
      node.checkSavedVersions();
      const inputGrads = scope(() =>
        node.decl.grad!({ inputs: node.savedInputs, outputs: node.savedOutputs, inputMeta: node.inputMeta, attrs: node.attrs, grads, needsGrad: node.next.map((e) => e !== null) }),
      );
      for (let i = 0; i < node.next.length; i++) {
        const edge = node.next[i];
        const g = inputGrads[i] ?? null;
        if (!edge || !g) continue;
        // Each destination gets a reference of its own: the rule may return one tensor for
        // several inputs, or pass an incoming gradient straight through.
        const placed = sameShape(g.shape, node.inputMeta[i].shape) ? shareOf(g) : sumToShape(g, node.inputMeta[i].shape, node.name);
        if ('leaf' in edge) accumulateLeaf(edge.leaf, placed);
        else {
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
      if (!options.retainGraph) node.release();
    }
  });
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (!leaf.grad) {
    leaf.grad = keep(g);
    return;
  }
  leaf.grad = keep(addGrads(leaf.grad, g));
}
