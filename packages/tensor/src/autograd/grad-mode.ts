import { ValueError } from '../errors.js';
import { AsyncLocalStorage } from 'node:async_hooks';

// Grad mode follows async work (AsyncLocalStorage), so an awaited noGrad block stays gradless.
const mode = new AsyncLocalStorage<boolean>();

export const isGradEnabled = (): boolean => mode.getStore() ?? true;

/** Runs fn without recording a graph (inference, optimiser updates). */
export function noGrad<R>(fn: () => R): R {
  checkRunnable('noGrad', fn);
  return mode.run(false, fn);
}

/** Runs fn with graph recording on (PyTorch's torch.enable_grad(), inside a noGrad block). */
export function enableGrad<R>(fn: () => R): R {
  checkRunnable('enableGrad', fn);
  return mode.run(true, fn);
}

/** Runs fn with graph recording on or off (PyTorch's torch.set_grad_enabled(mode)). */
export function withGradEnabled<R>(enabled: boolean, fn: () => R): R {
  checkRunnable('withGradEnabled', fn);
  return mode.run(enabled, fn);
}

// PyTorch's `with torch.no_grad():` has no JavaScript form: the block is a function given here.
function checkRunnable(name: string, fn: unknown): void {
  if (typeof fn !== 'function') {
    throw new ValueError(`${name}: expected the code to run as a function, ${name}(() => …) (PyTorch's with-block), got ${fn === null ? 'null' : fn === undefined ? 'nothing' : typeof fn}`);
  }
}

// Note [create graph]: while a backward with createGraph runs, the gradient rules record a graph
// of their own (grad mode on); an op with no gradient rule of its own would cut that graph
// silently, so it is refused then (apply.ts). Backward is synchronous: a depth counter suffices.
let creatingGraph = 0;
export const isCreatingGraph = (): boolean => creatingGraph > 0;
export function creatingGraphDuring<R>(fn: () => R): R {
  creatingGraph++;
  try {
    return withGradEnabled(true, fn);
  } finally {
    creatingGraph--;
  }
}
