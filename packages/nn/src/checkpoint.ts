// Checkpoints are safetensors files with PyTorch's key names, written atomically (temp file,
// fsync, rename), so weights move between PyTorch and nutshell both ways and a crash during save
// leaves the previous file intact.
import { readFile } from 'node:fs/promises';
import {
  DataError, checkSafetensorsMetadata, decodeSafetensors, encodeSafetensors, readSafetensorsFile, readTogether, tensor, writeFileAtomic,
  type DeviceLike, type RawTensor, type SafetensorsFile, type Tensor,
} from '@nutshell/tensor';
import { Module } from './module.js';

export type StateDict = Map<string, Tensor>;

/**
 * Saves a state dict (a Map, a plain object of tensors, or a module's) as safetensors, creating
 * the folder if needed. The values are those at the call, all of them (readTogether: training
 * that goes on meanwhile does not reach the file); they are read without blocking the event loop.
 */
export async function save(state: StateDict | Record<string, Tensor> | Module, path: string, metadata: Record<string, string> = {}): Promise<void> {
  const dict: Iterable<[string, Tensor]> =
    state instanceof Module ? state.stateDict() : state instanceof Map ? state : typeof state === 'object' && state !== null ? Object.entries(state) : [];
  if (!(state instanceof Module) && !(state instanceof Map) && (typeof state !== 'object' || state === null)) {
    throw new DataError(`save: expected a module, a Map or an object of tensors, got ${state === null ? 'null' : typeof state}`);
  }
  checkSafetensorsMetadata('save', metadata);
  const named = [...dict];
  for (const [name, t] of named) {
    if (!(t as Tensor | null)?.isTensor) throw new DataError(`save: '${name}' expected a tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.isDisposed) throw new DataError(`save: tensor '${name}' has been disposed`);
  }
  const values = await readTogether(named.map(([, t]) => t));
  const entries: [string, RawTensor][] = named.map(([name, t], i) => [name, { dtype: t.dtype, shape: [...t.shape], data: values[i] }]);
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
