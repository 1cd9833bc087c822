// Note [copies of views]: narrow, slice, transpose, permute, expand, split and chunk return views
// in PyTorch but dense copies here (every tensor is dense), as do select, unbind and diagonal,
// which are built on them. Reading them is the same; writing into one in place is not — the
// change would never reach the tensor it was taken from. Their results (and true views of those
// results: reshape, squeeze …) are remembered here, and in-place methods refuse them.
import type { Tensor } from './tensor.js';

const copies = new WeakSet<Tensor>();

export const markViewCopy = (t: Tensor): void => void copies.add(t);
export const isViewCopy = (t: Tensor): boolean => copies.has(t);
