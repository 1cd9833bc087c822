// What the loader and its worker threads say to each other. Errors cross as plain data and are
// rebuilt as the same nutshell error class on the main thread.
import { DTypeError, DataError, NutshellError, ShapeError, ValueError } from '@nutshell/tensor/errors';
import type { WorkerSpec } from '../worker-spec.js';

/** Worker's input, once: how to make the dataset, and how to hand batches back. */
export interface WorkerInit {
  readonly spec: WorkerSpec;
  readonly seed: number;
  /** 'stack': the default collate's first half runs in the worker; 'samples': samples come back as they are. */
  readonly mode: 'stack' | 'samples';
  /**
   * One int32: requests with a smaller id were abandoned (an epoch left early with persistent
   * workers) and are skipped unmade, so the next epoch's batches do not wait behind them.
   */
  readonly abandonedBelow: SharedArrayBuffer;
}

export interface BatchRequest {
  readonly id: number;
  readonly epoch: number;
  readonly indices: Int32Array;
}

export interface SerialisedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type BatchReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerialisedError }
  | { readonly id: number; readonly ok: false; readonly skipped: true };

export function serialiseError(err: unknown): SerialisedError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

const classes: Record<string, new (message: string) => Error> = { DataError, ValueError, ShapeError, DTypeError, NutshellError };

export function reviveError(e: SerialisedError, where: string): Error {
  const Cls = classes[e.name] ?? Error;
  // A dataset module in TypeScript run through tsx: its loader does not reach worker threads.
  const hint = /Unknown file extension "\.[mc]?ts"/.test(e.message) ? ' (worker threads do not get tsx\'s TypeScript loader: compile the dataset\'s module to JavaScript, or use workers: 0)' : '';
  const err = new Cls(`${e.message}${hint} [${where}]`);
  if (e.stack) err.stack = `${err.name}: ${err.message}\n    --- in ${where} ---\n${e.stack.split('\n').slice(1).join('\n')}`;
  return err;
}
