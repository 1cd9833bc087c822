// Note [training checkpoints]: a PyTorch run is saved as one torch.save({'model': …, 'optimizer':
// …, 'scheduler': …, 'epoch': …}). Two files written one after the other are not one save: a kill
// between them paired a model of step N with an optimiser of step N + 50, and the resume loaded
// them without a word (a user trial). saveCheckpoint writes one safetensors file, atomically: the
// model's tensors under `model.<name>` and the optimiser's under `optimizer.state.<i>.<name>`
// (saveOptimizer's names behind a prefix), all read together as of the call; the metadata holds
// the optimiser's class and param groups (`optimizer`, `param_groups`, as saveOptimizer's), each
// scheduler's stateDict() (`schedulers`, a JSON array), the default generator's state (`rng`) and
// the caller's JSON-able `extra` (epoch, step, best loss …). PyTorch reads it as in the README.
import {
  DataError, ValueError, checkOptions, encodeSafetensors, getRngState, isTensor, readSafetensorsFile, readTogether, setRngState, tensor, trackSave, writeFileAtomic,
  type RawTensor, type RngState, type SafetensorsFile, type Tensor,
} from '@nutshell/tensor';
import { optimizerParts, restoreOptimizer, type AnyOptimizer } from './checkpoint.js';

/** A model as a checkpoint sees it: nn's Module, or anything with its two methods. */
export interface CheckpointModel {
  stateDict(): Iterable<[string, Tensor]>;
  loadStateDict(state: Map<string, Tensor>): unknown;
}

/** A scheduler as a checkpoint sees it: every scheduler of this package. */
export interface CheckpointScheduler {
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}

/** The parts of a run saveCheckpoint writes and loadCheckpoint restores. */
export interface TrainingParts {
  model: CheckpointModel;
  optimizer?: AnyOptimizer;
  schedulers?: readonly CheckpointScheduler[];
}

export interface SaveCheckpointOptions {
  /** JSON-able values of yours (epoch, step, best validation loss …), handed back by loadCheckpoint. */
  extra?: Record<string, unknown>;
}

export interface LoadCheckpointOptions {
  /** Restore the default generator's state (dropout, shuffles); default true. */
  rng?: boolean;
}

export interface LoadedCheckpoint {
  /** What saveCheckpoint's `extra` held. */
  extra: Record<string, unknown>;
  /** The default generator's state at the save (restored unless rng: false). */
  rng: RngState;
}

const MODEL = 'model.';
const OPTIMIZER = 'optimizer.';

/**
 * Saves a run — model, optimiser, schedulers, the default generator's state and `extra` — as one
 * safetensors file, written atomically (Note [training checkpoints]). The values are those at the
 * call, read without blocking the event loop: await it.
 */
export function saveCheckpoint(path: string, parts: TrainingParts, options: SaveCheckpointOptions = {}): Promise<void> {
  checkOptions('saveCheckpoint', options, ['extra']);
  checkParts('saveCheckpoint', parts);
  const extra = options.extra ?? {};
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw new ValueError(`saveCheckpoint: extra expected an object of JSON-able values, got ${Array.isArray(extra) ? 'an array' : extra === null ? 'null' : typeof extra}`);
  let extraJson: string;
  try {
    extraJson = JSON.stringify(extra);
  } catch (err) {
    throw new ValueError(`saveCheckpoint: extra expected JSON-able values, got one JSON.stringify refuses (${(err as Error).message})`);
  }
  // Everything is taken now, synchronously: a step that runs while the values are read reaches
  // neither the tensors (readTogether) nor the schedulers' and generator's states.
  const model = [...parts.model.stateDict()].map(([name, t]) => {
    if (!isTensor(t)) throw new DataError(`saveCheckpoint: the model's '${name}' expected a tensor`);
    if (t.isDisposed) throw new DataError(`saveCheckpoint: the model's '${name}' has been disposed`);
    return [MODEL + name, t] as const;
  });
  const optimizer = parts.optimizer ? optimizerParts('saveCheckpoint', parts.optimizer, OPTIMIZER) : undefined;
  const metadata: Record<string, string> = {
    format: 'pt',
    ...(optimizer?.metadata ?? {}),
    schedulers: JSON.stringify((parts.schedulers ?? []).map((s) => s.stateDict())),
    rng: JSON.stringify(getRngState()),
    extra: extraJson,
  };
  return trackSave(String(path), async () => {
    const values = await readTogether([...model.map(([, t]) => t), ...(optimizer?.pending ?? []).map(([, t]) => t)]);
    const entries: [string, RawTensor][] = model.map(([name, t], i) => [name, { dtype: t.dtype, shape: [...t.shape], data: values[i] }]);
    if (optimizer) entries.push(...optimizer.fill(values.slice(model.length)));
    writeFileAtomic(path, encodeSafetensors(entries, metadata));
  });
}

/**
 * Restores what saveCheckpoint wrote into `parts` (the same kinds of model, optimiser and
 * schedulers, constructed as for the run) and the default generator; returns `extra`.
 */
export function loadCheckpoint(path: string, parts: TrainingParts, options: LoadCheckpointOptions = {}): LoadedCheckpoint {
  checkOptions('loadCheckpoint', options, ['rng']);
  checkParts('loadCheckpoint', parts);
  const file = readSafetensorsFile(path);
  const json = <T>(key: string): T => {
    const text = file.metadata[key];
    if (text === undefined) throw new DataError(`loadCheckpoint: ${path} has no '${key}' metadata (not a file saveCheckpoint wrote)`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new DataError(`loadCheckpoint: ${path}: '${key}' metadata is not JSON`);
    }
  };
  const schedulers = json<Record<string, unknown>[]>('schedulers');
  const rng = json<RngState>('rng');
  const extra = json<Record<string, unknown>>('extra');
  const given = parts.schedulers ?? [];
  if (!Array.isArray(schedulers) || schedulers.length !== given.length) {
    throw new ValueError(`loadCheckpoint: ${path} holds ${Array.isArray(schedulers) ? schedulers.length : 'no list of'} schedulers' states, got ${given.length} scheduler${given.length === 1 ? '' : 's'} to restore`);
  }
  const hasOptimizer = file.metadata.param_groups !== undefined;
  if (parts.optimizer && !hasOptimizer) throw new ValueError(`loadCheckpoint: ${path} holds no optimiser state (saved without one), got an optimizer to restore`);
  if (!parts.optimizer && hasOptimizer) throw new ValueError(`loadCheckpoint: ${path} holds ${file.metadata.optimizer ?? 'an optimiser'}'s state; pass the optimizer to restore it (a resumed run without it starts its moments over)`);
  loadModel(parts.model, file, path);
  if (parts.optimizer) restoreOptimizer('loadCheckpoint', parts.optimizer, file, path, OPTIMIZER);
  given.forEach((s, i) => s.loadStateDict(schedulers[i]));
  if (options.rng ?? true) setRngState(rng);
  return { extra, rng };
}

function loadModel(model: CheckpointModel, file: SafetensorsFile, path: string): void {
  const state = new Map<string, Tensor>();
  try {
    for (const [name, raw] of file.tensors) {
      if (name.startsWith(MODEL)) state.set(name.slice(MODEL.length), tensor(raw.data, { shape: raw.shape, dtype: raw.dtype }));
    }
    model.loadStateDict(state); // checks keys and shapes before it copies anything
  } catch (err) {
    if (err instanceof Error) err.message = `loadCheckpoint: the model does not match ${path}: ${err.message}`;
    throw err;
  } finally {
    for (const t of state.values()) t.dispose();
  }
}

function checkParts(fn: string, parts: TrainingParts): void {
  if (typeof parts !== 'object' || parts === null) throw new ValueError(`${fn}: expected { model, optimizer?, schedulers? }, got ${parts === null ? 'null' : typeof parts}`);
  checkOptions(fn, parts, ['model', 'optimizer', 'schedulers']);
  const m = parts.model as Partial<CheckpointModel> | undefined;
  if (typeof m?.stateDict !== 'function' || typeof m.loadStateDict !== 'function') throw new ValueError(`${fn}: model expected a module (with stateDict and loadStateDict), got ${m === undefined ? 'nothing' : typeof m}`);
  if (parts.schedulers !== undefined && !Array.isArray(parts.schedulers)) throw new ValueError(`${fn}: schedulers expected an array of schedulers, got ${typeof parts.schedulers}`);
}
