import { keep, type Tensor } from '@nutshell/tensor';

const parameters = new WeakSet<Tensor>();

/**
 * Marks a tensor as a learnable parameter (requires grad; found by Module.parameters()). A
 * parameter outlives the scope it was made in — a model built or given a new head inside
 * scope(() => …) keeps its weights — and is released by Module.dispose() (or the GC backstop).
 */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  parameters.add(t);
  keep(t);
  if (t.isLeaf) t.requiresGrad_(requiresGrad);
  return t;
}

export const isParameter = (value: unknown): value is Tensor => typeof value === 'object' && value !== null && parameters.has(value as Tensor);
