// Note [apply]: every op passes through here. It checks inputs, devices, dtypes and attributes
// synchronously (so errors surface at the call site, naming the op and argument), computes output
// shapes, asks the device to allocate and enqueue the kernel, and records a graph node only when
// grad mode is on and an input requires grad. Profiling and leak accounting belong here too.
import { GraphNode, type Edge } from '../autograd/node.js';
import { isCreatingGraph, isGradEnabled } from '../autograd/grad-mode.js';
import type { NativeHandle } from '@nutshell/native';
import type { Device } from '../device.js';
import { totalmem } from 'node:os';
import { dtypeId, dtypeSize } from '../dtype.js';
import { DTypeError, DeviceError, ValueError, fromNative } from '../errors.js';
import { keep as untrack } from '../memory.js';
import { opCallTimes } from '../profile.js';
import { native, opId } from '../native.js';
import { isViewCopy, markViewCopy } from '../view-copies.js';
import { Tensor } from '../tensor.js';
import { PROMISE_HINT } from './check-args.js';
import { inputSpec, type AttrSpec, type AttrValue, type OpDecl, type OutputMeta, type TensorMeta } from './declare.js';

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : v === undefined
      ? 'undefined'
      : v instanceof Promise
        ? PROMISE_HINT
        : Array.isArray(v)
          ? v.length <= 8 && v.every((e) => typeof e === 'number')
            ? `[${v.join(',')}]` // the numbers themselves: [1.5,1.5] says what is wrong
            : 'an array'
          : typeof v === 'object'
            ? (v.constructor?.name ?? 'an object')
            : `${typeof v} ${String(v)}`;

// What apply needs of a declaration on every call, worked out once per declaration.
interface DeclInfo {
  entries: [string, AttrSpec][];
  id: number | undefined; // native op id (views have none)
}
const declInfo = new WeakMap<OpDecl<any>, DeclInfo>();
function infoOf(decl: OpDecl<any>): DeclInfo {
  let i = declInfo.get(decl);
  if (!i) declInfo.set(decl, (i = { entries: Object.entries(decl.attrs) as [string, AttrSpec][], id: decl.view ? undefined : opId(decl.name) }));
  return i;
}
const NO_ATTRS: Record<string, AttrValue> = Object.freeze({}) as Record<string, AttrValue>;

export function resolveAttrs(decl: OpDecl<any>, given: Record<string, AttrValue | undefined>): Record<string, AttrValue> {
  return resolveWith(infoOf(decl).entries, decl, given);
}

function resolveWith(entries: [string, AttrSpec][], decl: OpDecl<any>, given: Record<string, AttrValue | undefined>): Record<string, AttrValue> {
  if (entries.length === 0) {
    for (const key in given) throw new ValueError(`${decl.name}: unknown option '${key}' (options: none)`);
    return NO_ATTRS;
  }
  for (const key of Object.keys(given)) {
    if (!(key in decl.attrs)) throw new ValueError(`${decl.name}: unknown option '${key}' (options: ${Object.keys(decl.attrs).join(', ') || 'none'})`);
  }
  const out: Record<string, AttrValue> = {};
  for (const [key, spec] of entries) {
    const value = given[key] ?? spec.default;
    if (value === undefined) throw new ValueError(`${decl.name}: option '${key}' is required`);
    out[key] = checkAttr(decl.name, key, spec, value);
  }
  return out;
}

function checkAttr(op: string, key: string, spec: AttrSpec, value: AttrValue): AttrValue {
  const fail = (want: string): never => {
    // softplus(x, { beta: 2 }): PyTorch's keyword habit, where the function takes the value itself.
    const keyword = value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && !Array.isArray(value);
    const hint = keyword ? `; '${key}' is positional here: pass ${key in (value as object) ? JSON.stringify((value as unknown as Record<string, unknown>)[key]) : 'the value'} itself where the object went` : '';
    throw new ValueError(`${op}: option '${key}' expected ${want}, got ${describe(value)}${hint}`);
  };
  const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);
  switch (spec.kind) {
    case 'int':
      return isInt(value) ? value : fail('an integer');
    case 'float':
      return typeof value === 'number' && (spec.nan || !Number.isNaN(value)) ? value : fail('a number');
    case 'bool':
      return typeof value === 'boolean' ? value : fail('a boolean');
    case 'ints':
      return Array.isArray(value) && value.every(isInt) ? value : fail('an array of integers');
    case 'floats':
      return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : fail('an array of numbers');
    default:
      return typeof value === 'string' && spec.kind.includes(value) ? value : fail(`one of ${spec.kind.map((k) => `'${k}'`).join(', ')}`);
  }
}

// Note [one buffer per call] (native/src/binding/addon.cc): handles, metadata and attributes of
// every op go to native code in one reused Float64Array, which grows when an op needs more.
let packed = new Float64Array(1024);

function ensure(n: number): Float64Array {
  if (n > packed.length) packed = new Float64Array(Math.max(n, 2 * packed.length));
  return packed;
}

/** Writes [handles…][meta…][attrs…] into the packed buffer; returns [metaLength, attrsLength]. */
function pack(entries: [string, AttrSpec][], decl: OpDecl<any>, inputs: readonly Tensor[], outputs: readonly OutputMeta[], attrs: Record<string, AttrValue>): [number, number] {
  let metaLength = 1;
  for (const t of inputs) metaLength += 2 + t.shape.length;
  for (const t of outputs) metaLength += 2 + t.shape.length;
  let attrsLength = 0;
  for (const [key] of entries) {
    const v = attrs[key];
    attrsLength += Array.isArray(v) ? 1 + v.length : 1;
  }
  const buf = ensure(inputs.length + metaLength + attrsLength);
  let p = 0;
  for (const t of inputs) buf[p++] = t.handle(decl.name);
  const put = (t: TensorMeta) => {
    buf[p++] = dtypeId(t.dtype);
    buf[p++] = t.shape.length;
    for (const d of t.shape) buf[p++] = d;
  };
  for (const t of inputs) put(t);
  buf[p++] = outputs.length;
  for (const t of outputs) put(t);
  for (const [key, spec] of entries) {
    const v = attrs[key];
    if (Array.isArray(v)) {
      buf[p++] = v.length;
      for (const x of v) buf[p++] = x;
    } else if (typeof v === 'boolean') buf[p++] = v ? 1 : 0;
    else if (typeof v === 'string') buf[p++] = (spec.kind as readonly string[]).indexOf(v);
    else buf[p++] = v as number;
  }
  return [metaLength, attrsLength];
}

function checkInputs(decl: OpDecl<any>, inputs: readonly unknown[]): Device | undefined {
  const variadic = decl.inputs[decl.inputs.length - 1]?.variadic === true;
  if (variadic ? inputs.length < decl.inputs.length : inputs.length !== decl.inputs.length) {
    throw new ValueError(`${decl.name}: expected ${variadic ? 'at least ' : ''}${decl.inputs.length} tensor arguments, got ${inputs.length}`);
  }
  let device: Device | undefined;
  let deviceArg = '';
  for (let i = 0; i < inputs.length; i++) {
    const spec = inputSpec(decl, i);
    const t = inputs[i] as Tensor;
    if (!(t instanceof Tensor)) throw new ValueError(`${decl.name}: argument '${spec.name}' expected a Tensor, got ${describe(t)}`);
    if (t.isDisposed) t.handle(`${decl.name}: argument '${spec.name}'`); // throws DisposedError naming the argument
    if (!spec.dtypes.includes(t.dtype)) {
      throw new DTypeError(`${decl.name}: argument '${spec.name}' expected dtype ${spec.dtypes.join(' or ')}, got ${t.dtype}`);
    }
    if (device === undefined) {
      device = t.device;
      deviceArg = spec.name;
    } else if (t.device !== device) {
      throw new DeviceError(`${decl.name}: argument '${spec.name}' is on ${t.device} but '${deviceArg}' is on ${device}; move them with .to()`);
    }
  }
  return device;
}

function inplaceAliases(decl: OpDecl<any>, inputs: readonly Tensor[], outMeta: readonly OutputMeta[]): Int32Array {
  const aliases = new Int32Array(outMeta.length).fill(-1);
  const map = typeof decl.inplace === 'function' ? decl.inplace(inputs.length) : decl.inplace!;
  for (const [out, inp] of Object.entries(map)) {
    const t = inputs[inp];
    if (t.requiresGrad && isGradEnabled()) {
      throw new ValueError(`${decl.name}: argument '${inputSpec(decl, inp).name}' requires grad and is updated in place; run it inside noGrad()`);
    }
    aliases[Number(out)] = inp;
  }
  return aliases;
}

// An output larger than the machine's memory would be granted by overcommit and then thrash or
// get the process killed when written: refuse it at the call site instead. In a container the
// limit is the cgroup's, not the host's (process.constrainedMemory; 0 or absent when unlimited).
const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
const hostMemory = constrained > 0 && constrained < totalmem() ? constrained : totalmem();
export function checkFits(op: string, outMeta: readonly OutputMeta[]): void {
  for (const o of outMeta) {
    const bytes = o.shape.reduce((a, b) => a * b, 1) * dtypeSize(o.dtype);
    if (bytes > hostMemory) {
      throw new ValueError(`${op}: output [${o.shape.join(',')}] ${o.dtype} would need ${bytes} bytes, more than the ${hostMemory} bytes of memory this process may use`);
    }
  }
}

/** Shares a tensor's storage under a new handle (views, saved tensors). Not scope-tracked when internal. */
export function shareStorage(t: Tensor, shape: readonly number[]): Tensor {
  const out = new Tensor(native().share(t.handle('share')), shape, t.dtype, t.device);
  out.version = t.version; // Note [version counter]
  return out;
}

/** Runs one declared op on tensors; returns its visible outputs. */
export function apply<A extends Record<string, AttrValue>>(decl: OpDecl<A>, inputs: readonly Tensor[], attrs: Partial<A> = {}): Tensor[] {
  return applyOn(undefined, decl, inputs, attrs);
}

/**
 * @internal Runs one declared op outside the graph and returns all its outputs, the hidden ones
 * (workspaces) too: for a composition that reads a workspace (maxPool3d's returnIndices).
 */
export function applyWithHidden<A extends Record<string, AttrValue>>(decl: OpDecl<A>, inputs: readonly Tensor[], attrs: Partial<A> = {}): Tensor[] {
  return timed(undefined, decl, inputs, attrs, true);
}

/**
 * What apply() checks and the outputs it would make, without running the op: for a composition
 * that needs only an op's output shape (and its refusals), not its values.
 */
export function outputsOf<A extends Record<string, AttrValue>>(decl: OpDecl<A>, inputs: readonly Tensor[], attrs: Partial<A> = {}): OutputMeta[] {
  let device: Device | undefined;
  try {
    device = checkInputs(decl, inputs);
  } catch (err) {
    device = movableOrRethrow(err, decl, inputs).target; // the call itself would move them
  }
  const outMeta = decl.outputs(inputs, resolveWith(infoOf(decl).entries, decl, attrs as Record<string, AttrValue | undefined>) as A);
  if (device?.type === 'cpu') checkFits(decl.name, outMeta);
  return outMeta;
}

/** apply() for ops whose device does not follow from their inputs (creation ops). */
export function applyOn<A extends Record<string, AttrValue>>(
  on: Device | undefined,
  decl: OpDecl<A>,
  inputs: readonly Tensor[],
  attrs: Partial<A> = {},
): Tensor[] {
  return timed(on, decl, inputs, attrs, false);
}

/** run(), counted in the profile's per-op call times when a profile is on. */
function timed<A extends Record<string, AttrValue>>(on: Device | undefined, decl: OpDecl<A>, inputs: readonly Tensor[], attrs: Partial<A>, keepHidden: boolean): Tensor[] {
  const times = opCallTimes();
  if (times === null) return run(on, decl, inputs, attrs, keepHidden);
  const start = performance.now();
  try {
    return run(on, decl, inputs, attrs, keepHidden);
  } finally {
    const t = times.get(decl.name) ?? { calls: 0, ms: 0 };
    t.calls++;
    t.ms += performance.now() - start;
    times.set(decl.name, t);
  }
}

// Note [cpu scalars on other devices]: PyTorch lets a 0-dim cpu tensor take part in an op on
// cuda tensors as the number it holds (x_cuda * torch.tensor(0.5); a distribution made from
// numbers, whose parameters are 0-dim cpu tensors, scoring a cuda value). Here such a tensor is
// copied to the op's device for the call. The mix is looked for only where checkInputs refuses
// it, so no other call pays for the check. Not for a tensor that requires grad (a transfer
// records no graph: the refusal stands, naming .to()) or that the op writes in place.
type MovableScalars = { target: Device; moves: boolean[] };

function movableScalars(decl: OpDecl<any>, inputs: readonly Tensor[]): MovableScalars | null {
  const isCpuScalar = (t: Tensor) => t instanceof Tensor && t.device.type === 'cpu' && t.shape.length === 0;
  const target = inputs.find((t) => t instanceof Tensor && !isCpuScalar(t))?.device;
  if (!target || target.type === 'cpu') return null;
  const written = decl.inplace ? Object.values(typeof decl.inplace === 'function' ? decl.inplace(inputs.length) : decl.inplace) : [];
  const moves = inputs.map((t, i) => t instanceof Tensor && t.device !== target && isCpuScalar(t) && !t.isDisposed && !t.requiresGrad && !written.includes(i));
  return moves.some(Boolean) ? { target, moves } : null;
}

/** The movable cpu scalars behind checkInputs' refusal `err` (Note [cpu scalars on other devices]), or `err` rethrown. */
function movableOrRethrow(err: unknown, decl: OpDecl<any>, inputs: readonly Tensor[]): MovableScalars {
  const movable = err instanceof DeviceError ? movableScalars(decl, inputs) : null;
  if (!movable) throw err;
  return movable;
}

/** `inputs` with the movable cpu scalars copied to the op's device. */
function moveScalars(decl: OpDecl<any>, inputs: readonly Tensor[], { target, moves }: MovableScalars): Tensor[] {
  return inputs.map((t, i) => {
    if (!moves[i]) return t;
    try {
      return new Tensor(native().transfer(t.handle(decl.name), t.nbytes, target.typeId, target.index), t.shape, t.dtype, target);
    } catch (err) {
      throw fromNative(err);
    }
  });
}

function run<A extends Record<string, AttrValue>>(on: Device | undefined, decl: OpDecl<A>, inputs: readonly Tensor[], attrs: Partial<A>, keepHidden = false): Tensor[] {
  let device: Device | undefined;
  try {
    device = checkInputs(decl, inputs);
  } catch (err) {
    const moved = moveScalars(decl, inputs, movableOrRethrow(err, decl, inputs));
    try {
      // Checked again: checkInputs stopped at the mix, before the later inputs' dtypes.
      return runOn(checkInputs(decl, moved) ?? on, decl, moved, attrs, keepHidden);
    } finally {
      moved.forEach((t, i) => t !== inputs[i] && t.dispose());
    }
  }
  return runOn(device ?? on, decl, inputs, attrs, keepHidden);
}

function runOn<A extends Record<string, AttrValue>>(device: Device | undefined, decl: OpDecl<A>, inputs: readonly Tensor[], attrs: Partial<A>, keepHidden = false): Tensor[] {
  if (!device) throw new ValueError(`${decl.name}: has no tensor arguments and no device`);
  const info = infoOf(decl);
  const resolved = resolveWith(info.entries, decl, attrs as Record<string, AttrValue | undefined>) as A;
  const outMeta = decl.outputs(inputs, resolved);
  if (device.type === 'cpu') checkFits(decl.name, outMeta);

  let outputs: Tensor[];
  if (decl.view) {
    outputs = [shareStorage(inputs[0], outMeta[0].shape)];
  } else {
    const aliases = decl.inplace ? inplaceAliases(decl, inputs, outMeta) : undefined;
    const [metaLength, attrsLength] = pack(info.entries, decl, inputs, outMeta, resolved);
    try {
      native().run(info.id!, device.typeId, device.index, packed, inputs.length, metaLength, attrsLength, aliases);
    } catch (err) {
      throw fromNative(err);
    }
    outputs = new Array<Tensor>(outMeta.length);
    for (let i = 0; i < outMeta.length; i++) {
      const h = packed[i];
      outputs[i] = h < 0 ? inputs[aliases![i]] : new Tensor(h as unknown as NativeHandle, outMeta[i].shape, outMeta[i].dtype, device);
    }
    // Note [version counter]: each input written in place counts once.
    if (aliases) aliases.forEach((i, k) => i >= 0 && aliases.indexOf(i) === k && inputs[i].version.n++);
  }

  const visible = decl.visibleOutputs ?? outputs.length;
  if (decl.copiesAView || (decl.view && isViewCopy(inputs[0]))) for (let i = 0; i < visible; i++) markViewCopy(outputs[i]);
  if (!decl.grad && isCreatingGraph() && inputs.some((t) => t.requiresGrad) && outputs.some((t) => t.dtype === 'float32')) {
    for (const t of outputs) t.dispose();
    throw new ValueError(`backward: ${decl.name} has no gradient of its own, so a graph of the gradients through it cannot be created (createGraph: second derivatives through this op are not supported)`);
  }
  // Only a float output can carry a gradient: a node for an op whose outputs are all integers
  // (cast(y, 'int32'), an argmax) would hold the graph below it with nothing holding the node, so
  // that graph's saved tensors waited for the garbage collector (found by a user trial: 4
  // tensors a step escaped scope() in gridSample's index arithmetic).
  const differentiableOut = outputs.some((t, i) => i < visible && t.dtype === 'float32');
  if (keepHidden) return outputs;
  if (decl.grad && isGradEnabled() && differentiableOut && inputs.some((t) => t.requiresGrad)) record(decl, inputs, resolved, outputs, visible);
  else for (let i = visible; i < outputs.length; i++) outputs[i].dispose();
  if (visible < outputs.length) outputs.length = visible;
  return outputs;
}

const NONE_SAVED: readonly number[] = [];

function record(decl: OpDecl<any>, inputs: readonly Tensor[], attrs: Record<string, AttrValue>, outputs: Tensor[], visible: number): void {
  const keepInputs = decl.saves?.inputs ?? NONE_SAVED;
  const saved = decl.saves?.outputs ?? NONE_SAVED;
  const keepOutputs = typeof saved === 'function' ? saved(attrs) : saved;
  const internal = (t: Tensor) => untrack(shareStorage(t, t.shape));
  const savedInputs = inputs.map((t, i) => (keepInputs.includes(i) ? internal(t) : null));
  const savedOutputs = outputs.map((t, i) => (keepOutputs.includes(i) ? internal(t) : null));
  // Hidden outputs (workspaces, reserves) live on only as saved tensors of the node.
  for (let i = visible; i < outputs.length; i++) outputs[i].dispose();
  const next: Edge[] = inputs.map((t, i) => (inputSpec(decl, i).differentiable === false ? null : edgeOf(t)));
  connect(new GraphNode(decl, attrs, inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })), next, visible, savedInputs, savedOutputs), outputs.slice(0, visible));
}

/** Where a gradient for `t` goes: its node's output, its leaf, or nowhere. */
export function edgeOf(t: Tensor): Edge {
  if (!t.requiresGrad) return null;
  return t.gradFn ? { node: t.gradFn, index: t.outputIndex } : { leaf: t.gradLeaf ?? t };
}

/** Makes `node` the gradFn of its float32 outputs (null: not differentiable) and holds what it reaches (Note [graph lifetime]). */
export function connect(node: GraphNode, outputs: readonly (Tensor | null)[]): void {
  for (const e of node.next) if (e && 'node' in e) e.node.hold();
  outputs.forEach((t, i) => {
    if (!t || t.dtype !== 'float32') return;
    t.gradFn = node;
    t.outputIndex = i;
    t.setRequiresGrad(true);
    node.hold();
  });
}
