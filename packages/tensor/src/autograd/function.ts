// Note [custom functions]: PyTorch's torch.autograd.Function — a forward written with any ops (or
// none: a straight-through estimator, a gradient reversal layer) and a backward of the user's own.
// defineFunction runs forward with recording off and, when an input needs a gradient, puts one
// GraphNode in the graph whose rule calls the user's backward. What forward saves with
// ctx.saveForBackward is placed among the node's saved inputs or outputs when it is one of them
// (by identity), so the engine's machinery applies unchanged: the version check refuses a saved
// tensor written in place since, the graph's lifetime frees them, and with createGraph they stand
// for their place in the graph, so a backward written with differentiable ops gives second
// derivatives. Other saved tensors (intermediates) are kept beside the node; through them a
// second derivative sees constants, as in PyTorch.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastsTo, sameShape } from '../shape.js';
import { keep } from '../memory.js';
import { connect, edgeOf, shareStorage } from '../ops/apply.js';
import type { OpDecl } from '../ops/declare.js';
import { zeros } from '../ops/table/creation.js';
import { Tensor } from '../tensor.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { GraphNode } from './node.js';
import { trapPyTorchSpellings } from '../pytorch-spellings.js';

/** What forward and backward share: saved tensors, flags, and any values forward sets on it. */
export interface FunctionContext {
  /** Keeps tensors for backward (PyTorch's ctx.save_for_backward); read them as savedTensors. */
  saveForBackward(...tensors: Tensor[]): void;
  /** In backward: the saved tensors, in the order saved. */
  readonly savedTensors: readonly Tensor[];
  /** In backward: for each forward argument, whether a gradient is wanted for it (PyTorch's needs_input_grad). */
  readonly needsInputGrad: readonly boolean[];
  /** Outputs that get no gradient (indices, masks), as PyTorch's ctx.mark_non_differentiable. */
  markNonDifferentiable(...outputs: Tensor[]): void;
  /** false: backward gets null for an output no gradient reached, instead of zeros (PyTorch's set_materialize_grads). */
  setMaterializeGrads(value: boolean): void;
  /** Values forward keeps for backward (a scale, a shape): ctx.lambda = 0.5. */
  [key: string]: unknown;
}

export interface FunctionSpec<A extends unknown[], O extends Tensor | Tensor[]> {
  /** Names the function in errors and in the graph (y.gradFn.name). */
  name: string;
  /** Runs without recording; returns a tensor or an array of tensors. */
  forward(ctx: FunctionContext, ...args: A): O;
  /**
   * One gradient per output in (null where none reached it, unless materialised as zeros); returns
   * one per forward argument (null for non-tensors and inputs without a gradient), or a single
   * tensor when forward takes one argument.
   */
  backward(ctx: FunctionContext, ...grads: (O extends Tensor ? [Tensor] : (Tensor | null)[])): Tensor | null | readonly (Tensor | null | undefined)[];
}

/** A callable custom function; `apply` is the same call under PyTorch's name. */
export type CustomFunction<A extends unknown[], O extends Tensor | Tensor[]> = ((...args: A) => O) & { apply(...args: A): O };

type SavedRef = { kind: 'input' | 'output' | 'other'; index: number };

class Context {
  private pending: Tensor[] = [];
  nonDifferentiable = new Set<Tensor>();
  materializeGrads = true;
  savedTensors: readonly Tensor[] = [];
  needsInputGrad: readonly boolean[] = [];

  constructor(private readonly name: string) {}

  saveForBackward(...tensors: Tensor[]): void {
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ValueError(`${this.name}: saveForBackward argument ${i} expected a Tensor, got ${t === null ? 'null' : typeof t}`);
    });
    this.pending = tensors;
  }

  markNonDifferentiable(...outputs: Tensor[]): void {
    for (const t of outputs) this.nonDifferentiable.add(t);
  }

  setMaterializeGrads(value: boolean): void {
    this.materializeGrads = value;
  }

  takeSaved(): Tensor[] {
    const saved = this.pending;
    this.pending = [];
    return saved;
  }
}

// ctx.save_for_backward(…), ctx.saved_tensors: refused naming ours (Note [PyTorch spellings]).
trapPyTorchSpellings([Context], { saved_tensors: 'savedTensors', needs_input_grad: 'needsInputGrad' });

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v);

/** Defines a function with a gradient of your own (Note [custom functions]). */
export function defineFunction<A extends unknown[], O extends Tensor | Tensor[]>(spec: FunctionSpec<A, O>): CustomFunction<A, O> {
  if (typeof spec?.name !== 'string' || typeof spec.forward !== 'function' || typeof spec.backward !== 'function') {
    throw new ValueError('defineFunction: expected { name, forward(ctx, ...args), backward(ctx, ...grads) }');
  }
  const { name } = spec;
  const call = (...args: A): O => {
    const ctx = new Context(name);
    const record = isGradEnabled() && args.some((a) => a instanceof Tensor && a.requiresGrad);
    const since = Tensor.made;
    const returned = noGrad(() => spec.forward(ctx as unknown as FunctionContext, ...args));
    const single = returned instanceof Tensor;
    const list = single ? [returned] : returned;
    if (!Array.isArray(list) || list.length === 0 || !list.every((t) => t instanceof Tensor)) {
      throw new ValueError(`${name}: forward expected to return a Tensor or a non-empty array of Tensors, got ${describe(returned)}`);
    }
    // A tensor forward did not make (an input, a parameter it closes over) is returned as a tensor
    // of its own, or it would take this node as its gradFn and stop being what it was.
    const outputs = list.map((t) => (t.serial < since ? shareStorage(t, t.shape) : t));
    const saved = ctx.takeSaved();
    if (record) attach(spec, ctx, args, outputs, saved);
    return (single ? outputs[0] : outputs) as O;
  };
  return Object.assign(call, { apply: call });
}

function attach<A extends unknown[], O extends Tensor | Tensor[]>(spec: FunctionSpec<A, O>, ctx: Context, args: A, outputs: Tensor[], saved: Tensor[]): void {
  const { name } = spec;
  const tensorArgs = args.map((a) => (a instanceof Tensor ? a : null));
  const internal = (t: Tensor) => keep(shareStorage(t, t.shape));
  const savedInputs: (Tensor | null)[] = tensorArgs.map(() => null);
  const savedOutputs: (Tensor | null)[] = outputs.map(() => null);
  const others: Tensor[] = [];
  const refs: SavedRef[] = saved.map((t) => {
    const o = outputs.indexOf(t);
    if (o >= 0) return { kind: 'output', index: o, t } as const;
    const i = tensorArgs.indexOf(t);
    if (i >= 0) return { kind: 'input', index: i, t } as const;
    return { kind: 'other', index: others.push(t) - 1, t } as const;
  }).map(({ kind, index, t }) => {
    if (kind === 'input') savedInputs[index] ??= internal(t);
    else if (kind === 'output') savedOutputs[index] ??= internal(t);
    else others[index] = internal(t);
    return { kind, index };
  });
  const outputMeta = outputs.map((t) => ({ shape: t.shape, device: t.device }));
  const differentiable = outputs.map((t) => !ctx.nonDifferentiable.has(t) && t.dtype === 'float32');
  const inputMeta = tensorArgs.map((t) => ({ shape: t?.shape ?? [], dtype: t?.dtype ?? 'float32' }));
  const decl = {
    name,
    grad: ({ inputs, outputs: savedOuts, grads, needsGrad }: { inputs: (Tensor | null)[]; outputs: (Tensor | null)[]; grads: (Tensor | null)[]; needsGrad: boolean[] }) => {
      ctx.savedTensors = refs.map((r) => (r.kind === 'input' ? inputs[r.index]! : r.kind === 'output' ? savedOuts[r.index]! : others[r.index]!));
      ctx.needsInputGrad = needsGrad;
      const given = grads.map((g, i) => g ?? (ctx.materializeGrads ? zeros([...outputMeta[i].shape], { device: outputMeta[i].device }) : null));
      const result = (spec.backward as (c: FunctionContext, ...g: (Tensor | null)[]) => unknown)(ctx as unknown as FunctionContext, ...given);
      return checkedGradients(name, result, args, inputMeta, needsGrad);
    },
  } as unknown as OpDecl<any>;
  const node = new FunctionNode(decl, inputMeta, tensorArgs.map((t) => (t ? edgeOf(t) : null)), outputs.length, savedInputs, savedOutputs, others);
  connect(node, outputs.map((t, i) => (differentiable[i] ? t : null)));
}

/** backward's result as one gradient (or null) per argument, checked against the inputs (PyTorch refuses a wrong count or shape too). */
function checkedGradients(name: string, result: unknown, args: unknown[], inputMeta: { shape: readonly number[] }[], needsGrad: boolean[]): (Tensor | null)[] {
  const list = Array.isArray(result) ? result : [result];
  if (list.length !== args.length) {
    throw new ValueError(`${name}: backward returned ${list.length} gradient${list.length === 1 ? '' : 's'}, expected ${args.length} (one per forward argument, null for those without one)`);
  }
  return list.map((g: unknown, i) => {
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor)) throw new ValueError(`${name}: backward's gradient ${i} expected a Tensor or null, got ${describe(g)}`);
    if (!(args[i] instanceof Tensor)) throw new ValueError(`${name}: backward returned a gradient for argument ${i}, which is not a tensor (expected null)`);
    if (!needsGrad[i]) return null;
    if (g.dtype !== 'float32') throw new DTypeError(`${name}: backward's gradient ${i} expected float32, got ${g.dtype}`);
    // A gradient of the broadcast shape is summed down to the input's by the engine, as PyTorch does.
    const want = inputMeta[i].shape;
    if (!sameShape(g.shape, want) && !broadcastsTo(want, g.shape)) {
      throw new ShapeError(`${name}: backward's gradient ${i} expected shape ${fmtShape(want)} (the input's, or one it broadcasts to), got ${fmtShape(g.shape)}`);
    }
    return g;
  });
}

/** A GraphNode that also keeps, checks and frees the intermediates forward saved. */
export class FunctionNode extends GraphNode {
  constructor(decl: OpDecl<any>, inputMeta: { shape: readonly number[]; dtype: Tensor['dtype'] }[], next: ConstructorParameters<typeof GraphNode>[3], visible: number, savedInputs: (Tensor | null)[], savedOutputs: (Tensor | null)[], private readonly others: Tensor[]) {
    super(decl, {}, inputMeta, next, visible, savedInputs, savedOutputs);
    this.otherVersions = others.map((t) => t.version.n);
  }

  private readonly otherVersions: number[];

  override release(): void {
    if (this.released) return;
    super.release();
    for (const t of this.others) t.dispose();
  }

  override checkSavedVersions(): void {
    super.checkSavedVersions();
    this.checkVersions('saved tensor', this.others, this.otherVersions);
  }
}
