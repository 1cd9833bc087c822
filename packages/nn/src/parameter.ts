import type { Tensor } from '@nutshell/tensor';

const parameters = new WeakSet<Tensor>();

/** Marks a tensor as a learnable parameter (requires grad; found by Module.parameters()). */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  parameters.add(t);
  if (t.isLeaf) t.requiresGrad_(requiresGrad);
  return t;
}

export const isParameter = (value: unknown): value is Tensor => typeof value === 'object' && value !== null && parameters.has(value as Tensor);
