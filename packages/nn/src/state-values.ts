// What a state dict holds: tensors (isTensor from the tensor package refuses a structuredClone'd
// copy of one), checked by name in loadStateDict and save; this says what was there instead.

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
