import { AsyncLocalStorage } from 'node:async_hooks';

// Grad mode follows async work (AsyncLocalStorage), so an awaited noGrad block stays gradless.
const mode = new AsyncLocalStorage<boolean>();

export const isGradEnabled = (): boolean => mode.getStore() ?? true;

/** Runs fn without recording a graph (inference, optimiser updates). */
export function noGrad<R>(fn: () => R): R {
  return mode.run(false, fn);
}

/** Runs fn with graph recording on or off. */
export function withGradEnabled<R>(enabled: boolean, fn: () => R): R {
  return mode.run(enabled, fn);
}
