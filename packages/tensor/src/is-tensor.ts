import type { Tensor } from './tensor.js';

/**
 * Whether `v` is a tensor — of this copy of the package or another (the isTensor mark, not
 * instanceof) — and not a plain object carrying a tensor's fields: structuredClone copies
 * `isTensor` but not the prototype, and such a copy failed deep inside ("src.to is not a function").
 */
export function isTensor(v: unknown): v is Tensor {
  if (v === null || typeof v !== 'object' || (v as { isTensor?: unknown }).isTensor !== true) return false;
  const proto = Object.getPrototypeOf(v);
  return proto !== Object.prototype && proto !== null;
}
