import type { NativeHandle } from '@nutshell/native';
import { Device } from './device.js';
import { type AnyTypedArray, type DType, dtypeSize, typedArrayFor } from './dtype.js';
import { DisposedError, ShapeError, ValueError, fromNative, fromNativeAtRead, fmtShape } from './errors.js';
import { track } from './memory.js';
import { native } from './native.js';
import type { GraphNode } from './autograd/node.js';
import { formatTensor } from './format.js';
import { PendingNumber } from './pending-number.js';

export type NestedArray = number | boolean | bigint | NestedArray[];

/** The part of a tensor the GC backstop needs: its handle (null once released) and its size. */
interface Slot {
  handle: NativeHandle | null;
  bytes: number;
}

// The backstop for tensors that were never disposed: when a Tensor is garbage-collected, its
// handle is released. dispose() unregisters, so disposed tensors leave nothing to finalise
// (Note [handles] in native/src/binding/addon.cc).
const backstop = new FinalizationRegistry<Slot>((slot) => {
  awaiting.tensors--;
  awaiting.bytes -= slot.bytes;
  if (slot.handle !== null) native().release(slot.handle);
});

// Note [backstop pressure]: finalisers run only when the event loop turns, so a synchronous loop
// that neither disposes nor scopes its tensors grows without bound (a user trial saw 3.8 GB after
// 20k steps). The collector cannot be made to run from here; what can be done is to say so, once,
// when the registered tensors pass a count or a size no training step holds on purpose. The size
// matters for large tensors: an MLP trial reached 6 GB before its 100k tensors did (views count
// their storage again, so the bytes are an upper bound). A loop that never yields would never
// see process.emitWarning's message (it prints on the next tick): it is written to stderr at
// once when the loop is still running a thousand tensors later (user trial AF).
const awaiting = { tensors: 0, bytes: 0 };
const kPressureTensors = 100_000;
const kPressureBytes = 2 ** 30;
/** Registrations after the warning with no turn of the event loop: the loop is synchronous. */
const kStillSynchronous = 1000;
let warning: { message: string; since: number; delivered: boolean } | null = null;
function noteRegistered(bytes: number): void {
  awaiting.tensors++;
  awaiting.bytes += bytes;
  if (warning) {
    if (!warning.delivered && awaiting.tensors - warning.since >= kStillSynchronous) printNow(warning);
    return;
  }
  if (awaiting.tensors < kPressureTensors && awaiting.bytes < kPressureBytes) return;
  const w = {
    message:
      `${awaiting.tensors} tensors (${(awaiting.bytes / 2 ** 20).toFixed(0)} MiB) were neither disposed nor made in a scope(); the garbage collector frees them only when the event loop turns, ` +
      'and never in a synchronous loop (itemSync() and dataSync() do not turn it). Wrap each step in scope(() => …) or dispose() what you no longer need: ' +
      'awaiting something each step lets the collector run, but V8 may still put it off while the tensors look small to it.',
    since: awaiting.tensors,
    delivered: false,
  };
  warning = w;
  // process.emitWarning prints on the next tick, which a loop that never yields never reaches:
  // such a loop gets the message written at once a little later (printNow) instead.
  process.nextTick(() => {
    if (w.delivered) return;
    w.delivered = true;
    process.emitWarning(w.message, { code: 'NUTSHELL_BACKSTOP_PRESSURE' });
  });
}

/** Writes the warning to stderr synchronously, as Node would print it (unless warnings are off). */
function printNow(w: { message: string; delivered: boolean }): void {
  w.delivered = true;
  const silenced = process.execArgv.includes('--no-warnings') || process.env.NODE_NO_WARNINGS === '1';
  if (!silenced) process.stderr.write(`(node:${process.pid}) [NUTSHELL_BACKSTOP_PRESSURE] Warning: ${w.message}\n`);
}

// Note [deferred backstop]: registering with the FinalizationRegistry (and unregistering on
// dispose) cost a fifth of a tiny op outside a scope, yet most such tensors are disposed within
// the same synchronous stretch of code (`c?.dispose(); c = add(a, b)`). So a tensor joins a
// pending list and is registered at the next microtask checkpoint, or when the list grows long;
// one disposed by then is skipped and never touches the registry. Nothing is lost by the delay:
// finalisers run only once the event loop turns, which comes after the checkpoint.
const enum Backstop {
  none,
  pending,
  registered,
}
const pending: Tensor[] = [];
const kMaxPending = 4096;

function registerPending(): void {
  for (const t of pending) t.registerNow();
  pending.length = 0;
}

// Note [reads of finished values] (binding/addon.cc): a value whose ops have all run is copied
// at the read instead of through the stream (an RL action step: 70–90 → 12–16 µs). Such a read
// settles without the event loop turning — and so, in effect, can a run of stream reads: Node
// delivers a thread-safe function's calls in one batch while more keep arriving, so a loop of
// small reads whose ops finish at once never left that batch (an L-BFGS step of tiny ops saw one
// turn in CI). So a read that comes before the event loop has turned since the previous one
// first waits for that turn (a setImmediate, microseconds): the loop turns at least once between
// any two reads.
let turnPending = false;
function markTurn(): void {
  turnPending = false;
}
/** Whether the event loop has turned since the last read; either way, the next turn is watched for. */
function turnedSinceLastRead(): boolean {
  const turned = !turnPending;
  if (turned) {
    turnPending = true;
    setImmediate(markTurn).unref();
  }
  return turned;
}
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * An n-dimensional array on a device. Ops return new tensors; only the in-place methods
 * (`add_`, `copy_` …, outside autograd), optimiser steps and `copyInto` write into an existing
 * one. Its storage is dense and row-major.
 */
export class Tensor {
  /** Duck-typing mark, cheaper than instanceof across package copies. */
  readonly isTensor = true;
  /** @internal Tensors made so far; a tensor's serial tells one made during a call from one made before it (defineFunction, checkpoint). */
  static made = 0;
  /** @internal */
  readonly serial = Tensor.made++;
  /** Set by autograd: the node that made this tensor (null for leaves). */
  gradFn: GraphNode | null = null;
  /** Which output of gradFn this tensor is. */
  outputIndex = 0;
  /** @internal A share standing for a leaf in a graph of gradients (Note [create graph]): gradients flowing into it go to that leaf. */
  gradLeaf: Tensor | null = null;
  grad: Tensor | null = null;
  /**
   * @internal Note [version counter]: in-place writes to this tensor's storage so far, one
   * counter shared by every tensor that shares the storage (views, detach(), saved tensors). A
   * graph node records it for what it saves; backward refuses a saved tensor written since.
   */
  get version(): { n: number } {
    return (this._version ??= { n: 0 }); // made when first asked: most tensors are never shared nor written
  }
  set version(shared: { n: number }) {
    this._version = shared;
  }
  private _version: { n: number } | undefined;
  private _requiresGrad = false;
  private readonly _slot: Slot;
  private _backstop = Backstop.none;

  private _device: Device;
  /** @internal The scope that holds this tensor (memory.ts), so keep() finds it from any depth. */
  scopeOwner: unknown = undefined;
  /** @internal Note [copies of views] (view-copies.ts): a dense copy of what PyTorch returns as a view. */
  viewCopy = false;
  /** @internal Note [grad hints] (backward.ts): what handed this tensor back as a gradient without a graph. */
  plainGradientOf: string | null = null;

  /** @internal Use the creation functions (tensor, zeros …) or ops. */
  constructor(handle: NativeHandle, readonly shape: readonly number[], readonly dtype: DType, device: Device) {
    this._slot = { handle, bytes: 0 };
    this._device = device;
    if (!track(this)) this.registerBackstop();
  }

  /** @internal Puts the tensor under the GC backstop (Note [backstop] in memory.ts). */
  registerBackstop(): void {
    if (this._backstop !== Backstop.none || this._slot.handle === null) return;
    this._backstop = Backstop.pending;
    pending.push(this);
    if (pending.length === 1) queueMicrotask(registerPending);
    else if (pending.length >= kMaxPending) registerPending();
  }

  /** Called once the handle is gone: a pending tensor is skipped when the list is registered. */
  private leaveBackstop(): void {
    if (this._backstop === Backstop.registered && backstop.unregister(this)) {
      awaiting.tensors--;
      awaiting.bytes -= this._slot.bytes;
    }
    this._backstop = Backstop.none;
  }

  /** @internal Registers a pending tensor still alive (Note [deferred backstop]). */
  registerNow(): void {
    if (this._backstop !== Backstop.pending) return;
    if (this._slot.handle === null) {
      this._backstop = Backstop.none;
      return;
    }
    this._slot.bytes = this.nbytes;
    backstop.register(this, this._slot, this);
    this._backstop = Backstop.registered;
    native().reportExternal(this._slot.handle); // Note [external memory] in binding/addon.cc
    noteRegistered(this._slot.bytes);
  }

  get device(): Device {
    return this._device;
  }

  /**
   * @internal Takes over `other`'s storage (same shape and dtype; any device), leaving `other`
   * disposed. Lets Module.to(device) move a parameter while optimisers keep referencing it.
   */
  adoptStorage(other: Tensor): void {
    if (other.dtype !== this.dtype || other.shape.length !== this.shape.length || other.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(`adoptStorage: ${fmtShape(other.shape)} ${other.dtype} cannot replace ${fmtShape(this.shape)} ${this.dtype}`);
    }
    const handle = other.handle('adoptStorage');
    if (this._slot.handle !== null) native().release(this._slot.handle);
    this._slot.handle = handle;
    this._device = other._device;
    this.version = other.version;
    other._slot.handle = null;
    other.leaveBackstop();
    // Note [external memory]: a tensor left to the collector tells V8 of its new storage too.
    if (this._backstop === Backstop.registered) native().reportExternal(handle);
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** `t.requiresGrad = false` freezes a leaf, as PyTorch's `t.requires_grad = False` (requiresGrad_'s checks apply). */
  set requiresGrad(value: boolean) {
    if (typeof value !== 'boolean') throw new ValueError(`requiresGrad: expected a boolean, got ${typeof value}`);
    this.requiresGrad_(value);
  }
  /**
   * PyTorch's spelling, which would otherwise read as undefined and, assigned, freeze nothing.
   * @deprecated refused: use requiresGrad.
   */
  get requires_grad(): never {
    throw new ValueError('requires_grad: this API spells it requiresGrad (t.requiresGrad, t.requiresGrad = false, t.requiresGrad_())');
  }
  set requires_grad(_value: unknown) {
    throw new ValueError('requires_grad: this API spells it requiresGrad (t.requiresGrad = false freezes a leaf)');
  }
  /** Marks a leaf as needing gradients (in place; returns this). */
  requiresGrad_(value = true): this {
    if (this.gradFn && !value) throw new ValueError('requiresGrad_: only leaves can stop requiring grad; use detach()');
    if (value && this.dtype !== 'float32') throw new ValueError(`requiresGrad_: only float32 tensors can require gradients, got ${this.dtype}`);
    this._requiresGrad = value;
    return this;
  }
  /** @internal */
  setRequiresGrad(value: boolean): void {
    this._requiresGrad = value;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }
  get nbytes(): number {
    return this.numel * dtypeSize(this.dtype);
  }
  /** The shape, as PyTorch's x.size(); with a dim (negative counts from the end), that dim's size. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    if (!Number.isInteger(dim) || dim < -this.shape.length || dim >= this.shape.length) {
      throw new ShapeError(`size: dim ${dim} is out of range for a tensor of rank ${this.shape.length} (expected ${-this.shape.length} to ${this.shape.length - 1})`);
    }
    return this.shape[dim < 0 ? dim + this.shape.length : dim];
  }
  get isDisposed(): boolean {
    return this._slot.handle === null;
  }

  /** @internal The native handle; throws if disposed. */
  handle(where: string): NativeHandle {
    const handle = this._slot.handle;
    if (handle === null) {
      throw new DisposedError(
        `${where}: tensor ${fmtShape(this.shape)} ${this.dtype} has been disposed (by dispose(), or by the end of the scope() it was made in: return it from the scope or keep() it to use it after)`,
      );
    }
    return handle;
  }

  /** Releases this tensor's storage reference now (idempotent). */
  dispose(): void {
    if (this._slot.handle === null) return;
    native().release(this._slot.handle);
    this._slot.handle = null;
    this.leaveBackstop();
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
    this.gradFn?.letGo(); // Note [graph lifetime] in autograd/node.ts
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The values, once the device's queue reaches this tensor (never blocks the event loop). */
  async data(): Promise<AnyTypedArray> {
    const handle = this.handle('data');
    checkReadable(this, 'data');
    try {
      if (!turnedSinceLastRead()) {
        await nextTurn();
        turnedSinceLastRead(); // watches for the turn after this read
      }
      const buf = native().readIfReady(handle, this.nbytes) ?? (await native().read(handle, this.nbytes));
      return typedArrayFor(this.dtype, buf, this.numel);
    } catch (err) {
      throw fromNativeAtRead(err);
    }
  }
  /** Like data(), but blocks until the values are ready (for scripts and tests). */
  dataSync(): AnyTypedArray {
    checkReadable(this, 'dataSync');
    try {
      return typedArrayFor(this.dtype, native().readSync(this.handle('dataSync'), this.nbytes), this.numel);
    } catch (err) {
      throw fromNativeAtRead(err);
    }
  }
  /** Nested arrays of numbers (booleans for bool). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape, this.dtype);
  }
  /** The single value of a one-element tensor (Note [item is a promise]: await it). */
  item(): Promise<number> {
    // The shape is known now: refused at the call, as PyTorch does. A rejected promise instead
    // became an unhandled rejection (exit 1) when `total += x.item()` was refused as a number.
    checkOneElement(this);
    return PendingNumber.of(this.data().then((values) => Number(values[0])));
  }
  itemSync(): number {
    checkOneElement(this);
    return Number(this.dataSync()[0]);
  }

  toString(): string {
    return formatTensor(this);
  }

  /** The number of dimensions (PyTorch's x.dim()). */
  dim(): number {
    return this.shape.length;
  }

  /**
   * Where JavaScript wants a number — `loss > 1`, `Number(t)`, `Math.max(t, …)` — a tensor is
   * refused: reading its value is an explicit `await t.item()` here (a comparison that silently
   * read NaN or a string would be wrong with no error, found by a user trial). Strings (template
   * literals, `'loss ' + t`) still show the values.
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'number') {
      throw new ValueError(`Tensor: a ${fmtShape(this.shape)} ${this.dtype} tensor used as a number; read it with await t.item() (t.itemSync() blocks), or compare with tensor ops (t.gt(1))`);
    }
    return formatTensor(this);
  }

  /**
   * JSON.stringify(t) (which passes the key) would write the tensor's internals and no value — a
   * server's response shipped them (a user trial). Refused, naming the read to use.
   */
  toJSON(_key?: string): never {
    throw new ValueError(`Tensor: JSON.stringify got a ${fmtShape(this.shape)} ${this.dtype} tensor; read its values first (await t.array(), or await t.data() for a typed array)`);
  }

  /** console.log(t) and util.inspect show the values, as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }
}

// A TypedArray holds at most 2^32 − 1 elements in Node 20.
function checkReadable(t: Tensor, where: string): void {
  if (t.numel > 2 ** 32 - 1) throw new ValueError(`${where}: tensor ${fmtShape(t.shape)} has ${t.numel} elements, more than a TypedArray can hold (2^32 − 1); read it in slices`);
}

function checkOneElement(t: Tensor): void {
  if (t.numel !== 1) throw new ShapeError(`item: expected a tensor with one element, got shape ${fmtShape(t.shape)}`);
}

function nest(values: AnyTypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number | bigint) => v !== 0 : (v: number | bigint) => Number(v);
  if (shape.length === 0) return conv(values[0]) as NestedArray;
  const build = (dim: number, offset: number): NestedArray[] => {
    const n = shape[dim];
    const out: NestedArray[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = conv(values[offset + i]) as NestedArray;
      return out;
    }
    let stride = 1;
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
    for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
    return out;
  };
  return build(0, 0);
}
