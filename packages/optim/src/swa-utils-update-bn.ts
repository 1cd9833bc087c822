// updateBn (PyTorch's torch.optim.swa_utils.update_bn): an averaged model's weights never saw
// BatchNorm statistics of their own, so one pass over the data recomputes them — every BatchNorm's
// running statistics reset, its momentum set to null (the cumulative average over batches), the
// model run in training mode on each batch under noGrad, then the momenta and the model's mode
// put back. They are put back even when a batch fails (PyTorch's leaves momentum None then, and
// the model in training mode).
//
// optim does not depend on nn, so a BatchNorm layer is found by its class names (BatchNorm1d,
// BatchNorm2d, their base and subclasses: PyTorch's isinstance(m, _BatchNorm)); InstanceNorm,
// which also keeps running statistics, is left alone, as in PyTorch.
import { Device, ValueError, checkOptions, isTensor, noGrad, scope, type DeviceLike, type Tensor } from '@nutshell/tensor';

/** What updateBn needs of a model: nn's Module, or an AveragedModel. */
export interface BatchNormHost {
  modules(): Iterable<object>;
  readonly training: boolean;
  train(mode?: boolean): unknown;
  forward(input: any): unknown;
}

export interface UpdateBnOptions {
  /** Moves each input there first (default: inputs are used where they are). */
  device?: DeviceLike;
  /** Picks the model's input from a batch (default: the batch's first element, as below). */
  input?: (batch: unknown) => unknown;
}

/**
 * The model's input in a batch: a tensor is one; an array's first element (`[x, y]`, PyTorch's
 * rule); a DataLoader's object batch (`{ image, label }`, which iterates its fields in order) its
 * first field; anything else is passed as it is.
 */
function inputOf(batch: unknown): unknown {
  if (isTensor(batch) || batch === null || typeof batch !== 'object') return batch;
  if (Array.isArray(batch)) return batch[0];
  if (typeof (batch as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
    for (const first of batch as Iterable<unknown>) return first;
  }
  return batch;
}

interface BatchNormLike {
  momentum: number | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;
}


function isBatchNorm(m: object): m is BatchNormLike {
  if (!('momentum' in m && 'running_mean' in m)) return false;
  for (let p = Object.getPrototypeOf(m); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (/BatchNorm/.test((p.constructor as { name?: string })?.name ?? '')) return true;
  }
  return false;
}

/** PyTorch's reset_running_stats: mean 0, variance 1, no batches counted (in place: the layer keeps its tensors). */
function resetRunningStats(bn: BatchNormLike): void {
  bn.running_mean?.zero_();
  bn.running_var?.fill_(1);
  bn.num_batches_tracked?.zero_();
}

/**
 * Recomputes every BatchNorm layer's running statistics over `loader` (an async iterable of
 * batches, such as a DataLoader, or an iterable): the input is a tensor batch itself, an array's
 * first element (`[x, y]`), an object batch's first field (`{ image, label }`), or what
 * `options.input` picks. `await updateBn(loader, swaModel)` after averaging.
 */
export async function updateBn(loader: AsyncIterable<unknown> | Iterable<unknown>, model: BatchNormHost, options: UpdateBnOptions = {}): Promise<void> {
  const iterable = loader as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (iterable === null || typeof iterable !== 'object' || (typeof iterable[Symbol.asyncIterator] !== 'function' && typeof iterable[Symbol.iterator] !== 'function')) {
    throw new ValueError(`updateBn: loader expected an async iterable of batches (a DataLoader) or an iterable, got ${loader === null ? 'null' : typeof loader}`);
  }
  const missing = model !== null && typeof model === 'object' ? ['modules', 'train', 'forward'].filter((k) => typeof (model as unknown as Record<string, unknown>)[k] !== 'function') : ['modules', 'train', 'forward'];
  if (missing.length > 0) {
    throw new ValueError(`updateBn: model expected a module (with modules(), train(), forward(), as nn's Module or an AveragedModel), got ${model === null ? 'null' : typeof model !== 'object' ? typeof model : `an object without ${missing.join(', ')}`}`);
  }
  checkOptions('updateBn', options ?? {}, ['device', 'input']);
  if (options?.input !== undefined && typeof options.input !== 'function') throw new ValueError(`updateBn: option 'input' expected a function (batch) => input, got ${typeof options.input}`);
  const pick = options?.input ?? inputOf;
  const device = options?.device === undefined ? null : Device.of(options.device, 'updateBn: device');

  const layers = [...model.modules()].filter(isBatchNorm);
  if (layers.length === 0) return;
  const momenta = layers.map((bn) => bn.momentum);
  const wasTraining = model.training;
  noGrad(() => layers.forEach(resetRunningStats));
  try {
    model.train(true);
    for (const bn of layers) bn.momentum = null;
    for await (const batch of iterable as AsyncIterable<unknown>) {
      const input = pick(batch);
      if (device && !isTensor(input)) throw new ValueError(`updateBn: the device option needs each batch's input to be a tensor, got ${input === null ? 'null' : typeof input}`);
      // The output, and the input's copy on `device`, are released with each batch.
      noGrad(() =>
        scope(() => {
          model.forward(device ? (input as Tensor).to(device) : input);
        }),
      );
    }
  } finally {
    layers.forEach((bn, i) => (bn.momentum = momenta[i]));
    model.train(wasTraining);
  }
}
