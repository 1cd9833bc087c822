// Checkpoints are safetensors files with PyTorch's key names, written atomically (temp file,
// fsync, rename), so weights move between PyTorch and nutshell both ways and a crash during save
// leaves the previous file intact.
import { readFile } from 'node:fs/promises';
import {
  DataError, ValueError, checkOptions, checkSafetensorsMetadata, decodeSafetensors, encodeSafetensors, isTensor, readSafetensorsFile, readTogether, tensor, trackSave, writeFileAtomic,
  type DeviceLike, type RawTensor, type SafetensorsFile, type Tensor,
} from '@nutshell/tensor';
import { Module } from './module.js';
import { describeStateValue } from './state-values.js';

export type StateDict = Map<string, Tensor>;

/** Why a value that is not a tensor cannot go in the file, and what does (a checkpoint of several parts, an epoch). */
function notATensor(name: string, v: unknown): string {
  const got = describeStateValue(v);
  if (v instanceof Map || (typeof v === 'object' && v !== null && !Array.isArray(v) && !isTensor(v) && !got.includes('structuredClone'))) {
    // PyTorch's torch.save({'model': …, 'optimizer': …, 'epoch': …}) habit: safetensors holds one flat
    // dict of tensors, so a nested one is refused rather than flattened under names of our own.
    return (
      `save: '${name}' expected a tensor, got ${got} (a nested state dict): save each part to its own file ` +
      `(save(model, path), saveOptimizer(optimizer, path) from @nutshell/optim), or flatten it under a prefix ` +
      `(Object.fromEntries([...model.stateDict()].map(([k, t]) => ['${name}.' + k, t]))); plain values go in the metadata argument`
    );
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') {
    return `save: '${name}' expected a tensor, got ${got}: plain values go in the metadata argument, as text (save(state, path, { ${name}: '${String(v)}' }))`;
  }
  return `save: '${name}' expected a tensor, got ${got}`;
}

export interface SaveOptions {
  /**
   * Store the float32 tensors as 'float16' (PyTorch's .half()) or 'bfloat16', rounded to nearest
   * even: half the file, for serving or sharing; loading widens them back to float32 (exactly).
   * Integer tensors (BatchNorm's num_batches_tracked) stay as they are. Default: float32.
   */
  dtype?: 'float32' | 'float16' | 'bfloat16';
}

const STORED_AS = { float32: undefined, float16: 'F16', bfloat16: 'BF16' } as const;

/**
 * Saves a state dict (a Map, a plain object of tensors, or a module's) as safetensors, creating
 * the folder if needed. The values are those at the call, all of them (readTogether: training
 * that goes on meanwhile does not reach the file); they are read without blocking the event loop,
 * so await it: a process that exits first writes nothing (and says so, Note [pending saves]).
 */
export function save(state: StateDict | Record<string, Tensor> | Module, path: string, metadata: Record<string, string> = {}, options: SaveOptions = {}): Promise<void> {
  return trackSave(String(path), () => saveNow(state, path, metadata, options));
}

async function saveNow(state: StateDict | Record<string, Tensor> | Module, path: string, metadata: Record<string, string>, options: SaveOptions): Promise<void> {
  checkOptions('save', options, ['dtype']);
  const dtype = options.dtype ?? 'float32';
  if (!Object.hasOwn(STORED_AS, dtype)) throw new ValueError(`save: dtype expected 'float32', 'float16' or 'bfloat16', got ${JSON.stringify(dtype)}`);
  const storedAs = STORED_AS[dtype];
  const dict: Iterable<[string, Tensor]> =
    state instanceof Module ? state.stateDict() : state instanceof Map ? state : typeof state === 'object' && state !== null ? Object.entries(state) : [];
  if (!(state instanceof Module) && !(state instanceof Map) && (typeof state !== 'object' || state === null)) {
    throw new DataError(`save: expected a module, a Map or an object of tensors, got ${state === null ? 'null' : typeof state}`);
  }
  checkSafetensorsMetadata('save', metadata);
  const named = [...dict];
  for (const [name, t] of named) {
    if (!isTensor(t)) throw new DataError(notATensor(name, t));
    if (t.isDisposed) throw new DataError(`save: tensor '${name}' has been disposed`);
  }
  const values = await readTogether(named.map(([, t]) => t));
  const entries: [string, RawTensor][] = named.map(([name, t], i) => [
    name,
    { dtype: t.dtype, shape: [...t.shape], data: values[i], ...(storedAs && t.dtype === 'float32' ? { storedAs } : {}) },
  ]);
  writeFileAtomic(path, encodeSafetensors(entries, { format: 'pt', ...metadata }));
}

/** Loads a safetensors file into tensors on `device` (default cpu). Hostile files are a DataError. */
export function load(path: string, options: { device?: DeviceLike } = {}): StateDict {
  return toStateDict(readSafetensorsFile(path), options.device);
}

/** load, with the file read off the JS thread: a service swapping in new weights keeps answering. */
export async function loadAsync(path: string, options: { device?: DeviceLike } = {}): Promise<StateDict> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new DataError(`${path}: cannot read (${(err as Error).message})`);
  }
  return toStateDict(decodeSafetensors(buf, path), options.device);
}

function toStateDict(file: SafetensorsFile, device: DeviceLike | undefined): StateDict {
  const out: StateDict = new Map();
  for (const [name, raw] of file.tensors) out.set(name, tensor(raw.data, { shape: raw.shape, dtype: raw.dtype, device }));
  return out;
}

/** The metadata block of a safetensors file. */
export function loadMetadata(path: string): Record<string, string> {
  return readSafetensorsFile(path).metadata;
}
