// Optimiser checkpoints, so training resumes where it stopped: the per-parameter state (moments,
// momentum buffers, step counts) and each param group's options, in one safetensors file written
// atomically, under the names of PyTorch's optimizer.state_dict(): tensors `state.<index>.<name>`
// (exp_avg, exp_avg_sq, momentum_buffer … and step, a float32 scalar as PyTorch keeps it), the
// groups as JSON in the metadata entry `param_groups` (snake_case options, `params` as indices).
import { DataError, ValueError, checkSafetensorsMetadata, encodeSafetensors, readTogether, readSafetensorsFile, tensor, writeFileAtomic, type RawTensor, type Tensor } from '@nutshell/tensor';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { toCamel, toSnake } from './names.js';


/** State kept as numbers here and as 0-d float32 tensors by PyTorch: step counts, NAdam's mu_product. */
const SCALAR_STATE = new Set(['step', 'muProduct']);

/** Writes `optimizer`'s state to `path` (reads every state tensor without blocking the event loop). */
export async function saveOptimizer(optimizer: Optimizer<{ lr: number }>, path: string, metadata: Record<string, string> = {}): Promise<void> {
  checkSafetensorsMetadata('saveOptimizer', metadata);
  const sd = optimizer.stateDict();
  const entries: [string, RawTensor][] = [];
  const pending: [number, Tensor][] = []; // entries whose values are read together, as of this call
  for (const [index, st] of Object.entries(sd.state)) {
    for (const [key, v] of Object.entries(st)) {
      const name = `state.${index}.${toSnake(key)}`;
      if (typeof v === 'number') entries.push([name, { dtype: 'float32', shape: [], data: new Float32Array([v]) }]);
      else {
        if (v.isDisposed) throw new DataError(`saveOptimizer: state tensor '${name}' has been disposed`);
        pending.push([entries.length, v]);
        entries.push([name, { dtype: v.dtype, shape: [...v.shape], data: new Float32Array(0) }]);
      }
    }
  }
  const values = await readTogether(pending.map(([, t]) => t));
  pending.forEach(([at], i) => (entries[at][1] = { ...entries[at][1], data: values[i] }));
  const groups = sd.paramGroups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [toSnake(k), v])));
  writeFileAtomic(path, encodeSafetensors(entries, { ...metadata, optimizer: optimizer.constructor.name, param_groups: JSON.stringify(groups) }));
}

/** Reads a file saveOptimizer wrote (or one laid out the same way) into `optimizer`, which must have the same param groups. */
export function loadOptimizer(optimizer: Optimizer<{ lr: number }>, path: string): void {
  const file = readSafetensorsFile(path);
  const saved = file.metadata.optimizer;
  if (saved && saved !== optimizer.constructor.name) throw new ValueError(`loadOptimizer: ${path} holds ${saved} state, not ${optimizer.constructor.name}'s`);
  if (file.metadata.param_groups === undefined) throw new DataError(`loadOptimizer: ${path} has no 'param_groups' metadata (not an optimiser checkpoint)`);
  let groups: Record<string, unknown>[];
  try {
    groups = JSON.parse(file.metadata.param_groups);
  } catch {
    throw new DataError(`loadOptimizer: ${path}: 'param_groups' metadata is not JSON`);
  }
  const state: OptimizerState['state'] = {};
  const made: Tensor[] = [];
  try {
    for (const [name, raw] of file.tensors) {
      const m = /^state\.(\d+)\.([a-z_]+)$/.exec(name);
      if (!m) throw new DataError(`loadOptimizer: ${path}: unexpected tensor '${name}' (expected state.<index>.<name>)`);
      const key = toCamel(m[2]);
      const entry = (state[Number(m[1])] ??= {});
      if (SCALAR_STATE.has(key)) entry[key] = Number(raw.data[0]);
      else made.push((entry[key] = tensor(raw.data, { shape: raw.shape, dtype: raw.dtype })));
    }
    optimizer.loadStateDict({
      state,
      paramGroups: groups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [toCamel(k), v]))) as OptimizerState['paramGroups'],
    });
  } finally {
    for (const t of made) t.dispose(); // loadStateDict copied them into the optimiser's own tensors
  }
}
