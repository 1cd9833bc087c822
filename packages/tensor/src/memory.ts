// Deterministic release (DESIGN §5): dispose(), Symbol.dispose, and scope(fn), which disposes
// every tensor made inside except what fn returns (those move to the enclosing scope). Scopes
// follow async work through AsyncLocalStorage, so `await` inside a scope is safe.
import { AsyncLocalStorage } from 'node:async_hooks';
import { cudaAvailable, native } from './native.js';
import { Device, type DeviceLike } from './device.js';
import { checkOptions } from './options.js';
import type { Tensor } from './tensor.js';

interface Scope {
  tensors: Set<Tensor>;
  /**
   * Set when the scope ends. Work it started and did not await (a timer, a promise left running)
   * still sees it as the current scope; what that work makes must not join a scope nobody will
   * close again, so it goes to the GC backstop instead.
   */
  closed: boolean;
}

const current = new AsyncLocalStorage<Scope>();

/**
 * Called by the Tensor constructor; true when a scope took the tensor. Note [backstop]: a tensor
 * inside a scope is disposed by the scope or leaves it through keep() or the scope's result, so
 * only then does it need the FinalizationRegistry backstop (registering costs more than a tiny
 * op's kernel, and most tensors of a training step never leave their scope).
 */
export function track(t: Tensor): boolean {
  const s = current.getStore();
  if (!s || s.closed) return false;
  s.tensors.add(t);
  t.scopeOwner = s;
  return true;
}

/**
 * Keeps `t` alive past the end of the scope that holds it — the current one or one outside it, as
 * for a parameter made from a tensor of an outer scope — so it joins no scope.
 */
export function keep<T extends Tensor>(t: T): T {
  const s = t.scopeOwner as Scope | undefined;
  if (s && !s.closed && s.tensors.delete(t)) t.registerBackstop();
  t.scopeOwner = undefined;
  return t;
}

/**
 * Marks a class whose instances a scope's result search skips (nn's Module: its parameters and
 * buffers outlive scopes anyway, and walking a deep model on every step costs time).
 */
export const SCOPE_OPAQUE = Symbol.for('nutshell.scopeOpaque');

function collectTensors(value: unknown, into: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ((value as { isTensor?: boolean }).isTensor === true) {
    into.add(value as Tensor);
    return;
  }
  // Only objects are descended into: a long array of numbers costs a type check per element.
  const visit = (v: unknown) => {
    if (v !== null && typeof v === 'object') collectTensors(v, into, seen);
  };
  if (Array.isArray(value)) for (const v of value) visit(v);
  else if (value instanceof Map) for (const v of value.values()) visit(v);
  else if (value instanceof Set) for (const v of value) visit(v);
  else if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (value as Record<symbol, unknown>)[SCOPE_OPAQUE] === true) return;
  else {
    // Instances of classes too (a PackedSequence an LSTM returns held its padded batch, which the
    // scope disposed), through their data properties only: a getter is not run.
    for (const key of Object.keys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (d && 'value' in d) visit(d.value);
    }
  }
}

function close(scope: Scope, result: unknown): void {
  scope.closed = true;
  const kept = new Set<Tensor>();
  collectTensors(result, kept);
  const parent = current.getStore();
  for (const t of scope.tensors) {
    if (!kept.has(t)) {
      // A disposed tensor disposes its .grad, unless that is what the scope returns (a retained
      // gradient of an intermediate: found by a user trial).
      if (t.grad && kept.has(t.grad)) t.grad = null;
      t.dispose();
    } else if (parent && !parent.closed) {
      parent.tensors.add(t);
      t.scopeOwner = parent;
    } else {
      t.scopeOwner = undefined;
      t.registerBackstop();
    }
  }
  scope.tensors.clear();
}

/**
 * Runs fn and disposes every tensor created inside it except those in its result (arrays, Maps,
 * Sets and the own properties of objects, class instances included, are searched). Nests; exception-safe; awaits fn when it returns a promise.
 */
export function scope<R>(fn: () => R): R {
  const s: Scope = { tensors: new Set(), closed: false };
  let result: R;
  try {
    result = current.run(s, fn);
  } catch (err) {
    close(s, undefined);
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(
      (v) => {
        close(s, v);
        return v;
      },
      (err) => {
        close(s, undefined);
        throw err;
      },
    ) as R;
  }
  close(s, result);
  return result;
}

export interface MemoryReport {
  liveTensors: number;
  liveBytes: number;
  peakBytes: number;
  reservedBytes: number;
}

/**
 * Live tensors and bytes held natively on a device (storages shared by views count once). On cpu
 * it waits for queued ops first: until they run they hold their tensors, and the count would
 * depend on timing. A cuda op lets go of its tensors once its kernels are enqueued (the caching
 * allocator reuses memory in stream order), so on cuda the count is exact at once and nothing
 * waits for the GPU: a training loop may log it every step without stalling the stream. On cpu,
 * `{ wait: false }` reads the counts at once: queued ops' inputs included, their outputs not yet
 * (a cpu op takes its output bytes when it runs: Note [deferred host memory] in
 * native/src/core/storage.h).
 */
export function memory(device: DeviceLike = 'cpu', options: { wait?: boolean } = {}): MemoryReport {
  checkOptions('memory', options, ['wait']);
  const d = Device.of(device, 'memory');
  const n = native();
  // wait: false — a /metrics endpoint beside training: the counts include what queued ops still hold, but nothing stalls.
  if (d.type === 'cpu' && (options.wait ?? true)) n.synchronize(d.typeId, d.index);
  return n.memory(d.typeId, d.index);
}


/**
 * Starts peakBytes over from the bytes live now (torch.cuda.reset_peak_memory_stats), to find
 * the peak of one phase — an epoch, an evaluation. On cpu it waits for queued ops first, as
 * memory() does. A device without cuda has no peak to reset and does nothing.
 */
export function resetPeakMemoryStats(device: DeviceLike = 'cpu'): void {
  const d = Device.of(device, 'resetPeakMemoryStats');
  if (d.type === 'cuda' && !cudaAvailable()) return;
  const n = native();
  if (d.type === 'cpu') n.synchronize(d.typeId, d.index);
  n.resetPeakMemory(d.typeId, d.index);
}

/**
 * Returns a caching allocator's free blocks to the system: `device`'s, or with no argument every
 * device's — the cpu's host cache (memory('cpu').reservedBytes) and cuda's where it runs (a user
 * trial's emptyCache() freed nothing on a cpu machine: it meant cuda alone). Where cuda cannot run
 * emptyCache('cuda') has nothing to return and does nothing, as torch.cuda.empty_cache(), so GPU
 * code runs unchanged on a cpu machine.
 */
export function emptyCache(device?: DeviceLike): void {
  if (device === undefined) {
    native().emptyCache(Device.of('cpu', 'emptyCache').typeId);
    if (cudaAvailable()) native().emptyCache(Device.of('cuda', 'emptyCache').typeId);
    return;
  }
  const d = Device.of(device, 'emptyCache');
  if (d.type === 'cuda' && !cudaAvailable()) return;
  native().emptyCache(d.typeId);
}

/**
 * OpenMP threads used by this thread's cpu ops (default: NUTSHELL_NUM_THREADS or the core count).
 * Each worker_thread has its own cpu stream and sets its own: workers that run at once should
 * share the cores out between them.
 */
export function setNumThreads(n: number): void {
  native().setNumThreads(n);
}

/** The OpenMP threads this thread's cpu ops use (torch.get_num_threads). */
export function getNumThreads(): number {
  // Asked of the cpu backend alone: backends() also loads the cuda one (a user trial: +150 MB).
  return Number((JSON.parse(native().control(0, 'numThreads', '{}')) as { threads: number }).threads);
}
