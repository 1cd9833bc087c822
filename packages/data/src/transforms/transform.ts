// A transform maps one sample array (CHW) to another, drawing any randomness from the rng it is
// handed, so the same (seed, epoch, index) gives the same result on any thread. Transforms never
// write to their input: it may be a view of a whole dataset's memory.
import type { NDArray } from '../ndarray.js';
import { Rng } from '../rng.js';
import type { WorkerSpec } from '../worker-spec.js';

export interface Transform {
  /** Without `rng` (a sample looked at by hand, a dataset that passes none on) the draws come from a process-wide generator, as torchvision's come from the global one. */
  (x: NDArray, rng?: Rng): NDArray;
  /** How to re-create this transform in a worker (the built-in transforms have one). */
  workerSpec?(): WorkerSpec;
}

/**
 * Attaches a worker spec to a transform function: `module`'s export `name`, called with `args`,
 * must return an equivalent transform. The built-in transforms are made this way.
 */
export function defineTransform(fn: (x: NDArray, rng: Rng) => NDArray, spec: Omit<WorkerSpec, 'construct'> | (() => Omit<WorkerSpec, 'construct'>)): Transform {
  const t: Transform = (x, rng) => fn(x, rng ?? unseeded());
  t.workerSpec = () => ({ ...(typeof spec === 'function' ? spec() : spec), construct: false });
  return t;
}

let shared: Rng | undefined;
/** The process-wide generator of calls without an rng, seeded once from Math.random. */
function unseeded(): Rng {
  return (shared ??= new Rng(Math.floor(Math.random() * 2 ** 32), Math.floor(Math.random() * 2 ** 32)));
}
