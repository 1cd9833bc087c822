// A transform maps one sample array (CHW) to another, drawing any randomness from the rng it is
// handed, so the same (seed, epoch, index) gives the same result on any thread. Transforms never
// write to their input: it may be a view of a whole dataset's memory.
import type { NDArray } from '../ndarray.js';
import type { Rng } from '../rng.js';
import type { WorkerSpec } from '../worker-spec.js';

export interface Transform {
  (x: NDArray, rng: Rng): NDArray;
  /** How to re-create this transform in a worker (the built-in transforms have one). */
  workerSpec?(): WorkerSpec;
}

/**
 * Attaches a worker spec to a transform function: `module`'s export `name`, called with `args`,
 * must return an equivalent transform. The built-in transforms are made this way.
 */
export function defineTransform(fn: (x: NDArray, rng: Rng) => NDArray, spec: Omit<WorkerSpec, 'construct'> | (() => Omit<WorkerSpec, 'construct'>)): Transform {
  const t = fn as Transform;
  t.workerSpec = () => ({ ...(typeof spec === 'function' ? spec() : spec), construct: false });
  return t;
}
