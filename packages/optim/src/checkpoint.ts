// Optimiser checkpoints, so training resumes where it stopped: the per-parameter state (moments,
// momentum buffers, step counts) and each param group's options, in one safetensors file written
// atomically, under the names of PyTorch's optimizer.state_dict(): tensors `state.<index>.<name>`
// (exp_avg, exp_avg_sq, momentum_buffer … and step, a float32 scalar as PyTorch keeps it), the
// groups as JSON in the metadata entry `param_groups` (snake_case options, `params` as indices).
// LBFGS's lists of tensors (PyTorch's old_dirs, old_stps, ro) are one tensor per entry,
// `state.0.old_dirs.<k>`; its counters n_iter and func_evals are int64 scalars.
import { DataError, ValueError, checkSafetensorsMetadata, encodeSafetensors, readTogether, readSafetensorsFile, tensor, trackSave, writeFileAtomic, type RawTensor, type SafetensorsFile, type Tensor } from '@nutshell/tensor';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { LBFGS, type LBFGSStateDict } from './lbfgs.js';
import { toCamel, toSnake } from './names.js';

/** What saveOptimizer and loadOptimizer take: every Optimizer, and LBFGS (whose step is async). */
export type AnyOptimizer = Optimizer<{ lr: number }> | LBFGS;

/**
 * State kept as numbers here and as 0-d float32 tensors in the file: step counts, NAdam's
 * mu_product, LBFGS's t and prev_loss (Python floats in PyTorch), and LBFGS's counters (int64).
 */
const SCALAR_STATE = new Set(['step', 'muProduct', 't', 'prevLoss', 'nIter', 'funcEvals']);
const INTEGER_STATE = new Set(['nIter', 'funcEvals']);
/** PyTorch's names that are not the snake_case of ours. */
const TORCH_NAME: Record<string, string> = { hDiag: 'H_diag' };
const OUR_NAME: Record<string, string> = Object.fromEntries(Object.entries(TORCH_NAME).map(([ours, theirs]) => [theirs, ours]));
const torchName = (key: string): string => TORCH_NAME[key] ?? toSnake(key);
const ourName = (name: string): string => OUR_NAME[name] ?? toCamel(name);

type StateValue = Tensor | number | readonly Tensor[] | undefined;

/** Writes `optimizer`'s state to `path` (reads every state tensor without blocking the event loop). */
export async function saveOptimizer(optimizer: AnyOptimizer, path: string, metadata: Record<string, string> = {}): Promise<void> {
  checkSafetensorsMetadata('saveOptimizer', metadata);
  return trackSave(String(path), () => saveOptimizerNow(optimizer, path, metadata)); // Note [pending saves]
}

async function saveOptimizerNow(optimizer: AnyOptimizer, path: string, metadata: Record<string, string>): Promise<void> {
  const parts = optimizerParts('saveOptimizer', optimizer, '');
  const values = await readTogether(parts.pending.map(([, t]) => t));
  writeFileAtomic(path, encodeSafetensors(parts.fill(values), { ...metadata, ...parts.metadata }));
}

/** What a file holds of an optimiser: its entries (tensor values to be read), its metadata. */
export interface OptimizerParts {
  /** The state tensors whose values are still to be read, by entry index. */
  pending: [number, Tensor][];
  /** The entries, with `values` (of `pending`, in order) filled in. */
  fill(values: readonly RawTensor['data'][]): [string, RawTensor][];
  metadata: { optimizer: string; param_groups: string };
}

/** @internal saveOptimizer's layout under `prefix` (saveCheckpoint's 'optimizer.'). */
export function optimizerParts(fn: string, optimizer: AnyOptimizer, prefix: string): OptimizerParts {
  const sd = optimizer.stateDict() as { state: Record<number, Record<string, StateValue>>; paramGroups: Record<string, unknown>[] };
  const entries: [string, RawTensor][] = [];
  const pending: [number, Tensor][] = []; // entries whose values are read together, as of this call
  const addTensor = (name: string, v: Tensor): void => {
    if (v.isDisposed) throw new DataError(`${fn}: state tensor '${name}' has been disposed`);
    pending.push([entries.length, v]);
    entries.push([name, { dtype: v.dtype, shape: [...v.shape], data: new Float32Array(0) }]);
  };
  for (const [index, st] of Object.entries(sd.state)) {
    for (const [key, v] of Object.entries(st)) {
      const name = `${prefix}state.${index}.${torchName(key)}`;
      if (v === undefined) continue;
      if (typeof v === 'number') {
        if (INTEGER_STATE.has(key)) entries.push([name, { dtype: 'int64', shape: [], data: new BigInt64Array([BigInt(v)]) }]);
        else entries.push([name, { dtype: 'float32', shape: [], data: new Float32Array([v]) }]);
      } else if (Array.isArray(v)) v.forEach((t: Tensor, k: number) => addTensor(`${name}.${k}`, t));
      else addTensor(name, v as Tensor);
    }
  }
  const groups = sd.paramGroups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [toSnake(k), v])));
  return {
    pending,
    fill: (values) => {
      pending.forEach(([at], i) => (entries[at][1] = { ...entries[at][1], data: values[i] }));
      return entries;
    },
    metadata: { optimizer: optimizer.constructor.name, param_groups: JSON.stringify(groups) },
  };
}

/** Reads a file saveOptimizer wrote (or one laid out the same way) into `optimizer`, which must have the same param groups. */
export function loadOptimizer(optimizer: AnyOptimizer, path: string): void {
  restoreOptimizer('loadOptimizer', optimizer, readSafetensorsFile(path), path, '');
}

/**
 * @internal Loads the optimiser state of `file` stored under `prefix` (saveCheckpoint's
 * 'optimizer.'; its other tensors are not the optimiser's) into `optimizer`.
 */
export function restoreOptimizer(fn: string, optimizer: AnyOptimizer, file: SafetensorsFile, path: string, prefix: string): void {
  const saved = file.metadata.optimizer;
  if (saved && saved !== optimizer.constructor.name) throw new ValueError(`${fn}: ${path} holds ${saved} state, not ${optimizer.constructor.name}'s`);
  if (file.metadata.param_groups === undefined) throw new DataError(`${fn}: ${path} has no 'param_groups' metadata (not an optimiser checkpoint)`);
  let groups: Record<string, unknown>[];
  try {
    groups = JSON.parse(file.metadata.param_groups);
  } catch {
    throw new DataError(`${fn}: ${path}: 'param_groups' metadata is not JSON`);
  }
  const state: Record<number, Record<string, Tensor | number | Tensor[]>> = {};
  const made: Tensor[] = [];
  try {
    for (const [fullName, raw] of file.tensors) {
      if (!fullName.startsWith(prefix)) continue;
      const name = fullName.slice(prefix.length);
      // state.<index>.<name>, or state.<index>.<name>.<k> for entry k of a list (LBFGS's history)
      const m = /^state\.(\d+)\.([A-Za-z_]+)(?:\.(\d+))?$/.exec(name);
      if (!m) throw new DataError(`${fn}: ${path}: unexpected tensor '${fullName}' (expected ${prefix}state.<index>.<name>, or ${prefix}state.<index>.<name>.<k> for a list)`);
      const key = ourName(m[2]);
      const entry = (state[Number(m[1])] ??= {});
      if (m[3] !== undefined) {
        const list = entry[key] ?? (entry[key] = []);
        if (!Array.isArray(list)) throw new DataError(`${fn}: ${path}: '${fullName}' is an entry of a list, but ${prefix}state.${m[1]}.${m[2]} is not a list`);
        const t = tensor(raw.data, { shape: raw.shape, dtype: raw.dtype });
        made.push(t);
        list[Number(m[3])] = t;
      } else {
        if (Array.isArray(entry[key])) throw new DataError(`${fn}: ${path}: '${fullName}' is both a list and a tensor`);
        if (SCALAR_STATE.has(key)) entry[key] = Number(raw.data[0]);
        else made.push((entry[key] = tensor(raw.data, { shape: raw.shape, dtype: raw.dtype })) as Tensor);
      }
    }
    const paramGroups = groups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [toCamel(k), v])));
    // Each checks what it is given (an Optimizer refuses a list, LBFGS an entry it does not keep).
    if (optimizer instanceof LBFGS) optimizer.loadStateDict({ state, paramGroups } as unknown as LBFGSStateDict);
    else optimizer.loadStateDict({ state, paramGroups } as unknown as OptimizerState);
  } finally {
    for (const t of made) t.dispose(); // loadStateDict copied them into the optimiser's own tensors
  }
}
