// What a state dict holds: tensors, checked by name in loadStateDict and save. A structuredClone
// of a state dict copies each tensor's own fields into a plain object — `isTensor` among them, the
// methods not — so `isTensor` alone let one through to fail deep inside ("src.to is not a
// function"). A real tensor's prototype is the Tensor class (of whichever copy of the tensor
// package made it), never Object's.
import type { Tensor } from '@nutshell/tensor';

/** Whether `v` is a tensor, not a copy of one's fields. */
export function isTensorValue(v: unknown): v is Tensor {
  if (v === null || typeof v !== 'object' || (v as { isTensor?: unknown }).isTensor !== true) return false;
  const proto = Object.getPrototypeOf(v);
  return proto !== Object.prototype && proto !== null;
}

/** For "expected a Tensor, got …": what `v` is, with the way out for a cloned tensor. */
export function describeStateValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'a Map';
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return `a ${proto.constructor?.name ?? 'non-tensor'} object`;
    if ((v as { isTensor?: unknown }).isTensor === true) {
      return 'a plain object (structuredClone does not copy tensors: use model.clone() or map each value with t.clone())';
    }
    return 'a plain object';
  }
  if (typeof v === 'string') return `a string ('${v.length > 40 ? `${v.slice(0, 40)}…` : v}')`;
  return `a ${typeof v} (${String(v)})`;
}
