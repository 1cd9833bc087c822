// Note [copies of views]: narrow, slice, transpose, permute, expand, split and chunk return views
// in PyTorch but dense copies here (every tensor is dense), as do select, unbind and diagonal,
// which are built on them. Reading them is the same; writing into one in place is not — the
// change would never reach the tensor it was taken from. Their results (and true views of those
// results: reshape, squeeze …) are remembered here, and in-place methods refuse them.
import type { Tensor } from './tensor.js';

// A field of the tensor rather than a WeakSet: marking was 2 % of a backward of tiny ops.
export const markViewCopy = (t: Tensor): void => void (t.viewCopy = true);
export const isViewCopy = (t: Tensor): boolean => t.viewCopy;
/** A composition's result that PyTorch returns as new storage (interpolate's repeat by expand): writable in place. */
export const notAViewCopy = (t: Tensor): Tensor => ((t.viewCopy = false), t);
