import { ValueError, isTensor, keep, type Tensor } from '@nutshell/tensor';

const parameters = new WeakSet<Tensor>();

/**
 * Marks a tensor as a learnable parameter (requires grad; found by Module.parameters()). A
 * parameter outlives the scope it was made in — a model built or given a new head inside
 * scope(() => …) keeps its weights — and is released by Module.dispose() (or the GC backstop).
 */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  if (!isTensor(t)) {
    const got = t === undefined ? 'nothing' : t === null ? 'null' : Array.isArray(t) ? 'an array (make it a tensor first: Parameter(tensor([...])))' : typeof t;
    throw new ValueError(`Parameter: expected a Tensor, got ${got}`);
  }
  if (typeof requiresGrad !== 'boolean') throw new ValueError(`Parameter: requiresGrad expected a boolean, got ${typeof requiresGrad}`);
  parameters.add(t);
  keep(t);
  if (t.isLeaf) t.requiresGrad_(requiresGrad);
  return t;
}

export const isParameter = (value: unknown): value is Tensor => typeof value === 'object' && value !== null && parameters.has(value as Tensor);
