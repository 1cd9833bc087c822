// Note [gradient hooks]: PyTorch's Tensor.register_hook and retain_grad. A hook sees the total
// gradient of its tensor in one backward (or grad()) pass — for a leaf, the sum of every path's
// contribution, before it reaches .grad; for an intermediate tensor, the sum its node's rule is
// about to use — and may return a replacement. retainGrad() keeps an intermediate tensor's
// gradient in its .grad, accumulated like a leaf's. Intermediate tensors are found through their
// node: the node keeps the tensors watched per output, so the engine needs no search.
import { ValueError } from '../errors.js';
import { keep } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { addGrads, shareOf } from './grad-ops.js';

export type GradHook = (grad: Tensor) => Tensor | void | undefined;

export interface HookHandle {
  /** Stops calling the hook. */
  remove(): void;
}

const hooksOf = new WeakMap<Tensor, GradHook[]>();
const retaining = new WeakSet<Tensor>();

function watchThrough(t: Tensor): void {
  if (t.gradFn) t.gradFn.watch(t.outputIndex, t);
}

export function registerHook(t: Tensor, hook: GradHook): HookHandle {
  if (typeof hook !== 'function') throw new ValueError(`registerHook: hook expected a function, got ${typeof hook}`);
  if (!t.requiresGrad) throw new ValueError("registerHook: the tensor does not require grad, so no gradient will reach the hook");
  const list = hooksOf.get(t) ?? [];
  list.push(hook);
  hooksOf.set(t, list);
  watchThrough(t);
  return {
    remove() {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

export function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) throw new ValueError("retainGrad: the tensor does not require grad, so it has no gradient to keep");
  if (!t.gradFn) return; // a leaf keeps its gradient anyway
  retaining.add(t);
  watchThrough(t);
}

export const retainsGrad = (t: Tensor): boolean => retaining.has(t);

/**
 * `g` passed through t's hooks, in registration order; the tensor the engine goes on with (the
 * replaced one disposed). Then, for a retaining intermediate tensor, a share kept in its .grad.
 */
export function applyHooks(t: Tensor, g: Tensor): Tensor {
  let current = g;
  for (const hook of hooksOf.get(t) ?? []) {
    const r = hook(current);
    if (r === undefined || r === current) continue;
    if (!(r as Tensor | null)?.isTensor) throw new ValueError(`registerHook: a hook returned ${r === null ? 'null' : typeof r}, expected a tensor or nothing`);
    if (r.shape.length !== current.shape.length || r.shape.some((d, i) => d !== current.shape[i])) {
      throw new ValueError(`registerHook: a hook returned shape [${r.shape.join(',')}] for a gradient of shape [${current.shape.join(',')}]`);
    }
    current.dispose();
    current = r;
  }
  if (retaining.has(t)) t.grad = keep(t.grad ? addGrads(t.grad, shareOf(current)) : shareOf(current));
  return current;
}
