// Note [autograd functional]: PyTorch's torch.autograd.functional — jacobian, hessian, vjp, jvp,
// vhp, hvp — built on grad() the way PyTorch builds them on torch.autograd.grad, with its
// semantics: `inputs` is one tensor or an array of them, given to fn spread (fn(...inputs)); fn
// returns one tensor or an array; a single tensor in gives a tensor back where an array gives an
// array (PyTorch's tuples), so jacobian of fn: [O] → [O'] w.r.t. [I] is one tensor of shape O+I,
// and with arrays on both sides jac[i][j] (output i, input j). fn runs on copies of the inputs
// (PyTorch's _grad_preprocess): detached copies that require grad, or with createGraph, for an
// input that requires grad, a view of it recorded in the graph, so the results have a graph back to
// the caller's tensors; either way a tensor fn closes over is not one of the inputs. Without
// createGraph what comes back has no graph (detached). Forward-mode products (jvp, hvp) use the
// double-backward trick, as PyTorch's: the gradient of a vjp with respect to its (zero) seed.
// Everything made on the way is disposed when the call returns (one scope); only the results
// leave it.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { namedTuple, type NamedTuple } from '../named-tuple.js';
import { apply } from '../ops/apply.js';
import { select } from '../ops/table/composed-shape.js';
import { eye, zeros, zerosLike } from '../ops/table/creation.js';
import { reshape, reshapeOp, squeeze, stack } from '../ops/table/shape.js';
import type { Tensor } from '../tensor.js';
import { checkGradOptions, grad, kindOf, markPlainGradient } from './backward.js';
import { enableGrad } from './grad-mode.js';

/** One tensor or an array of them: what fn takes and returns, what v is. */
export type Tensors = Tensor | readonly Tensor[];
/** The function differentiated: called with the inputs spread, fn(...inputs). */
export type DifferentiableFn<O extends Tensors = Tensors> = (...inputs: Tensor[]) => O;
/** A per-input (or per-output) result: a tensor for a single tensor, an array for an array. */
export type Like<T extends Tensors> = T extends Tensor ? Tensor : Tensor[];
/** jacobian's result: Tensor, Tensor[] (one per input, or per output) or Tensor[][] ([output][input]). */
export type JacobianOf<O extends Tensors, I extends Tensors> = O extends Tensor ? (I extends Tensor ? Tensor : Tensor[]) : I extends Tensor ? Tensor[] : Tensor[][];
/** hessian's result: one tensor for one input, hess[i][j] for an array. */
export type HessianOf<I extends Tensors> = I extends Tensor ? Tensor : Tensor[][];

export interface FunctionalOptions {
  /** Give the results a graph of their own, to be differentiated again (PyTorch's create_graph). */
  createGraph?: boolean;
  /** Refuse an output independent of an input instead of answering zeros (PyTorch's strict). */
  strict?: boolean;
}

export interface JacobianOptions extends FunctionalOptions {
  /**
   * PyTorch computes the rows in one batched backward (vmap); here it is accepted and the rows are
   * computed one backward each, as without it (same values). Not with strict, as in PyTorch.
   */
  vectorize?: boolean;
  /** 'reverse-mode' (the default; the only one here: there is no forward-mode AD). */
  strategy?: 'reverse-mode' | 'forward-mode';
}

export interface HessianOptions extends FunctionalOptions {
  /** As jacobian's vectorize. */
  vectorize?: boolean;
  /** 'reverse-mode' (the default, the only one here). */
  outerJacobianStrategy?: 'reverse-mode' | 'forward-mode';
}

/** A tensor or an array of tensors as a list, and which it was (PyTorch's _as_tuple). */
function asList(fn: string, what: string, value: unknown): { many: boolean; list: Tensor[] } {
  if ((value as Tensor | null)?.isTensor) return { many: false, list: [value as Tensor] };
  if (!Array.isArray(value)) throw new ValueError(`${fn}: ${what} expected a tensor or an array of tensors, got ${kindOf(value)}`);
  if (value.length === 0) throw new ValueError(`${fn}: ${what} expected a tensor or a non-empty array of tensors, got an empty array`);
  value.forEach((t, i) => {
    if (!(t as Tensor | null)?.isTensor) throw new ValueError(`${fn}: ${what}[${i}] expected a tensor, got ${kindOf(t)}`);
  });
  return { many: true, list: [...(value as Tensor[])] };
}

function checkFn(fn: string, f: unknown): void {
  if (typeof f !== 'function') throw new ValueError(`${fn}: fn expected a function of the inputs, got ${kindOf(f)}`);
}

function checkFlags(fn: string, options: object, known: readonly string[]): void {
  checkGradOptions(fn, options, known);
  for (const key of ['createGraph', 'strict', 'vectorize']) {
    const v = (options as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'boolean') throw new ValueError(`${fn}: option '${key}' expected a boolean, got ${kindOf(v)}`);
  }
}

function checkStrategy(fn: string, option: string, value: unknown): void {
  if (value === undefined || value === 'reverse-mode') return;
  if (value === 'forward-mode') throw new ValueError(`${fn}: ${option} 'forward-mode' is not supported (there is no forward-mode AD here); 'reverse-mode', the default, gives the same values`);
  throw new ValueError(`${fn}: option '${option}' expected 'reverse-mode' or 'forward-mode', got ${typeof value === 'string' ? `'${value}'` : kindOf(value)}`);
}

/**
 * The copies fn runs on (Note [autograd functional]): with createGraph an input that requires grad
 * is seen through a recorded view (gradients flow back to it), any other through a detached copy
 * that requires grad.
 */
function prepareInputs(fn: string, inputs: readonly Tensor[], createGraph: boolean, many: boolean): Tensor[] {
  return inputs.map((x, i) => {
    if (x.dtype !== 'float32') throw new ValueError(`${fn}: inputs${many ? `[${i}]` : ''} expected a float32 tensor (only float32 tensors can require gradients), got ${x.dtype}`);
    return createGraph && x.requiresGrad ? apply(reshapeOp, [x], { shape: x.shape })[0] : x.detach().requiresGrad_(true);
  });
}

/** fn(...inputs) with recording on, its outputs as a list. */
function callFn(fn: string, f: DifferentiableFn, inputs: readonly Tensor[]): { many: boolean; list: Tensor[] } {
  const out = enableGrad(() => f(...inputs)) as unknown;
  if (typeof (out as Promise<unknown> | null)?.then === 'function') throw new ValueError(`${fn}: fn returned a Promise; it must compute its outputs synchronously`);
  return asList(fn, "fn's output", out);
}

/** v checked against what it stands for (fn's outputs for vjp, the inputs for jvp, vhp, hvp): count and shapes. */
function checkV(fn: string, v: unknown, others: readonly Tensor[], othersMany: boolean, what: string): Tensor[] {
  const { list } = asList(fn, 'v', v);
  if (list.length !== others.length) {
    throw new ValueError(othersMany ? `${fn}: v expected an array of ${others.length} tensors (one per ${what}), got ${list.length}` : `${fn}: v expected a single tensor (${what} is one tensor), got an array of ${list.length}`);
  }
  list.forEach((t, i) => {
    if (t.shape.length !== others[i].shape.length || t.shape.some((d, k) => d !== others[i].shape[k])) {
      throw new ShapeError(`${fn}: v${othersMany ? `[${i}]` : ''} expected shape ${fmtShape(others[i].shape)} (the shape of ${what}${othersMany ? `[${i}]` : ''}), got ${fmtShape(t.shape)}`);
    }
  });
  return list;
}

/** v may be left out only where every seed is implied: one tensor of one element. */
function impliedV(fn: string, others: readonly Tensor[], what: string): void {
  if (others.length !== 1 || others[0].numel !== 1) {
    throw new ValueError(`${fn}: v can be left out only when ${what} is a single tensor with one element, got ${others.length === 1 ? `shape ${fmtShape(others[0].shape)}` : `${others.length} tensors`}`);
  }
}

/**
 * grad() of the outputs that require grad with respect to the inputs that do, seeded by `seeds`
 * (null: ones); null for an input none of them reaches (PyTorch's _autograd_grad).
 */
function gradOfSome(outputs: readonly (Tensor | null)[], inputs: readonly Tensor[], seeds: readonly (Tensor | null | undefined)[] | null, createGraph: boolean, retainGraph = createGraph): (Tensor | null)[] {
  const outs = outputs.flatMap((o, i) => (o?.requiresGrad ? [i] : []));
  const ins = inputs.flatMap((x, i) => (x.requiresGrad ? [i] : []));
  const result: (Tensor | null)[] = inputs.map(() => null);
  if (outs.length === 0 || ins.length === 0) return result;
  const gs = grad(
    outs.map((i) => outputs[i]!),
    ins.map((i) => inputs[i]),
    { gradOutput: seeds ? outs.map((i) => seeds[i] ?? null) : undefined, createGraph, retainGraph, allowUnused: true },
  );
  ins.forEach((i, k) => (result[i] = gs[k]));
  return result;
}

type Checked = 'outputs' | 'gradInputs' | 'jacobian' | 'hessian';

/** With strict, every tensor of `ts` must be there and require grad (PyTorch's _check_requires_grad). */
function checkRequiresGrad(fn: string, ts: readonly (Tensor | null)[], kind: Checked, strict: boolean): void {
  if (!strict) return;
  ts.forEach((t, i) => {
    if (!t) throw new ValueError(`${fn}: the output of fn is independent of input ${i} (not allowed with strict: true)`);
    if (t.requiresGrad) return;
    const why = {
      outputs: `output ${i} of fn does not require grad: with strict: true the outputs must be computed differentiably from the inputs`,
      gradInputs: `the gradient with respect to input ${i} is independent of fn's inputs (not allowed with strict: true)`,
      jacobian: `the Jacobian of fn with respect to input ${i} is independent of the input (not allowed with strict: true: fn must be twice differentiable and its Jacobian depend on the inputs, which a linear fn's does not)`,
      hessian: `the Hessian of fn with respect to input ${i} is independent of the input (not allowed with strict: true: fn must be thrice differentiable and its Hessian depend on the inputs)`,
    }[kind];
    throw new ValueError(`${fn}: ${why}`);
  });
}

type Stage = 'back' | 'backTrick' | 'doubleBack' | 'doubleBackTrick';

/** Zeros where no gradient came (or, with strict, a refusal saying why); PyTorch's _fill_in_zeros. */
function fillInZeros(fn: string, grads: readonly (Tensor | null)[], refs: readonly Tensor[], strict: boolean, createGraph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (!g) {
      if (strict) {
        const why = {
          back: `the output of fn is independent of input ${i}`,
          backTrick: `the gradient with respect to the inputs is independent of entry ${i} of the outputs' seed, so the double-backward trick cannot give the forward-mode product`,
          doubleBack: `the Jacobian of fn is independent of input ${i}`,
          doubleBackTrick: `the Hessian of fn is independent of entry ${i} of the Jacobian's seed, so the double-backward trick cannot replace forward mode`,
        }[stage];
        throw new ValueError(`${fn}: ${why} (not allowed with strict: true)`);
      }
      return zerosLike(refs[i]);
    }
    if (strict && createGraph && !g.requiresGrad) {
      throw new ValueError(`${fn}: the ${stage.startsWith('double') ? 'Hessian' : 'Jacobian'} of fn is independent of input ${i} (not allowed with strict: true and createGraph: true)`);
    }
    return g;
  });
}

/** Results without a graph are detached and marked (Note [grad hints] in backward.ts). */
function finish(ts: readonly Tensor[], createGraph: boolean, origin: string): Tensor[] {
  return createGraph ? [...ts] : ts.map((t) => markPlainGradient(t.requiresGrad ? t.detach() : t, origin));
}

const pick = <T>(list: readonly T[], many: boolean): T | T[] => (many ? [...list] : list[0]);

/** jacobian's body, its rows as [output][input]; `fn` names the public function for messages. */
function jacobianRows(name: string, f: DifferentiableFn, inputs: readonly Tensor[], inputsMany: boolean, createGraph: boolean, strict: boolean, check?: (outs: Tensor[]) => void): { rows: Tensor[][]; outputsMany: boolean } {
  const xs = prepareInputs(name, inputs, createGraph, inputsMany);
  const outs = callFn(name, f, xs);
  check?.(outs.list);
  checkRequiresGrad(name, outs.list, 'outputs', strict);
  const rows = outs.list.map((out, i) => {
    const n = out.numel;
    // Row j: the gradient of output element j, seeded by the j-th basis vector.
    const perInput: (Tensor | null)[][] = xs.map(() => []);
    if (out.requiresGrad && n > 0) {
      const basis = eye(n, { device: out.device });
      for (let j = 0; j < n; j++) {
        const vj = scope(() => gradOfSome([out], xs, [reshape(select(basis, 0, j), out.shape)], createGraph, true));
        vj.forEach((g, k) => {
          if (!g && strict) throw new ValueError(`${name}: output ${i} of fn is independent of input ${k} (not allowed with strict: true)`);
          if (g && strict && createGraph && !g.requiresGrad) throw new ValueError(`${name}: the Jacobian of fn is independent of input ${k} (not allowed with strict: true and createGraph: true)`);
          perInput[k].push(g);
        });
      }
    }
    return xs.map((x, k) => {
      const shape = [...out.shape, ...x.shape];
      const got = perInput[k];
      if (got.every((g) => g === null)) return zeros(shape, { device: x.device });
      return reshape(stack(got.map((g) => g ?? zerosLike(x)), 0), shape);
    });
  });
  return { rows: rows.map((r) => finish(r, createGraph, `${name}()`)), outputsMany: outs.many };
}

/**
 * The Jacobian of fn at `inputs` (PyTorch's torch.autograd.functional.jacobian): for one input of
 * shape I and one output of shape O, a tensor of shape [...O, ...I]; with an array of inputs an
 * array (one per input), with an array of outputs an array (one per output), with both
 * jac[output][input]. One backward per output element.
 */
export function jacobian<I extends Tensors, O extends Tensors>(fn: DifferentiableFn<O>, inputs: I, options: JacobianOptions = {}): JacobianOf<O, I> {
  checkFn('jacobian', fn);
  checkFlags('jacobian', options, ['createGraph', 'strict', 'vectorize', 'strategy']);
  checkStrategy('jacobian', 'strategy', options.strategy);
  if (options.strict && options.vectorize) throw new ValueError('jacobian: strict: true and vectorize: true are not supported together (as in PyTorch); leave one out');
  const ins = asList('jacobian', 'inputs', inputs);
  const createGraph = options.createGraph ?? false;
  const { rows, outputsMany } = enableGrad(() => scope(() => jacobianRows('jacobian', fn, ins.list, ins.many, createGraph, options.strict ?? false)));
  const perOutput = rows.map((r) => pick(r, ins.many));
  return pick(perOutput, outputsMany) as JacobianOf<O, I>;
}

/**
 * The Hessian of a scalar fn at `inputs` (PyTorch's torch.autograd.functional.hessian): for one
 * input of shape I a tensor of shape [...I, ...I]; for an array of inputs hess[i][j] of shape
 * [...Ii, ...Ij]. fn must return one tensor of one element. The Jacobian of the Jacobian, as PyTorch.
 */
export function hessian<I extends Tensors>(fn: DifferentiableFn<Tensor>, inputs: I, options: HessianOptions = {}): HessianOf<I> {
  checkFn('hessian', fn);
  checkFlags('hessian', options, ['createGraph', 'strict', 'vectorize', 'outerJacobianStrategy']);
  checkStrategy('hessian', 'outerJacobianStrategy', options.outerJacobianStrategy);
  if (options.strict && options.vectorize) throw new ValueError('hessian: strict: true and vectorize: true are not supported together (as in PyTorch); leave one out');
  const ins = asList('hessian', 'inputs', inputs);
  const strict = options.strict ?? false;
  // fn's output: one tensor (an array is refused by squeezeOne) of one element.
  const single = (outs: Tensor[]) => {
    checkRequiresGrad('hessian', outs, 'outputs', strict);
    if (outs[0].numel !== 1) throw new ValueError(`hessian: fn's output expected one element, got shape ${fmtShape(outs[0].shape)}`);
  };
  // The inner Jacobian, with a graph, as fn of the outer one: one tensor per input.
  const jacFn = (...xs: Tensor[]): Tensor[] => {
    const { rows } = jacobianRows('hessian', (...ys) => squeezeOne(fn(...ys)), xs, true, true, false, single);
    checkRequiresGrad('hessian', rows[0], 'jacobian', strict);
    return rows[0];
  };
  const createGraph = options.createGraph ?? false;
  const { rows } = enableGrad(() => scope(() => jacobianRows('hessian', jacFn, ins.list, ins.many, createGraph, strict)));
  return (ins.many ? rows : rows[0][0]) as HessianOf<I>;
}

/** fn's single output with its one-element dims removed (PyTorch's out.squeeze()); an array refused, anything else left to callFn's checks. */
function squeezeOne(out: unknown): Tensor | readonly Tensor[] {
  if (Array.isArray(out)) throw new ValueError('hessian: fn expected to return a single tensor, got an array');
  const t = out as Tensor;
  return t?.isTensor && t.numel === 1 && t.shape.length > 0 ? squeeze(t) : t;
}

/** v, or the options where v was left out: vjp(fn, x, { createGraph: true }). */
function splitV<T extends object>(v: unknown, options: T | undefined): { v: unknown; options: T } {
  if (options === undefined && v !== null && typeof v === 'object' && !Array.isArray(v) && !(v as Tensor).isTensor) return { v: undefined, options: v as T };
  return { v, options: options ?? ({} as T) };
}

/** The result of vjp: fn's output and the vector-Jacobian product, as [output, vjp] or by name. */
export type VjpResult<O extends Tensors, I extends Tensors> = NamedTuple<[output: O extends Tensor ? Tensor : Tensor[], vjp: Like<I>], { output: O extends Tensor ? Tensor : Tensor[]; vjp: Like<I> }>;
/** The result of jvp: fn's output and the Jacobian-vector product (shaped as the output). */
export type JvpResult<O extends Tensors> = NamedTuple<[output: Like<O>, jvp: Like<O>], { output: Like<O>; jvp: Like<O> }>;
/** The result of vhp: fn's output and vᵀH (shaped as the inputs). */
export type VhpResult<I extends Tensors> = NamedTuple<[output: Tensor, vhp: Like<I>], { output: Tensor; vhp: Like<I> }>;
/** The result of hvp: fn's output and Hv (shaped as the inputs). */
export type HvpResult<I extends Tensors> = NamedTuple<[output: Tensor, hvp: Like<I>], { output: Tensor; hvp: Like<I> }>;

/**
 * fn's output and the vector-Jacobian product vᵀ·J at `inputs` (PyTorch's
 * torch.autograd.functional.vjp): v is shaped as fn's output (one per output for an array),
 * optional when the output has one element; the product is shaped as the inputs.
 * `const [out, g] = vjp(fn, x, v)` or `.output`, `.vjp`.
 */
export function vjp<I extends Tensors, O extends Tensors>(fn: DifferentiableFn<O>, inputs: I, v?: Tensors | null | FunctionalOptions, options?: FunctionalOptions): VjpResult<O, I> {
  const args = splitV<FunctionalOptions>(v, options);
  checkFn('vjp', fn);
  checkFlags('vjp', args.options, ['createGraph', 'strict']);
  const { createGraph = false, strict = false } = args.options;
  const ins = asList('vjp', 'inputs', inputs);
  const r = enableGrad(() =>
    scope(() => {
      const xs = prepareInputs('vjp', ins.list, createGraph, ins.many);
      const outs = callFn('vjp', fn, xs);
      checkRequiresGrad('vjp', outs.list, 'outputs', strict);
      const vs = args.v == null ? (impliedV('vjp', outs.list, "fn's output"), null) : checkV('vjp', args.v, outs.list, outs.many, "fn's output");
      const res = fillInZeros('vjp', gradOfSome(outs.list, xs, vs, createGraph), xs, strict, createGraph, 'back');
      return { outputs: finish(outs.list, createGraph, 'vjp()'), res: finish(res, createGraph, 'vjp()'), many: outs.many };
    }),
  );
  const output = pick(r.outputs, r.many);
  const product = pick(r.res, ins.many);
  return namedTuple([output, product], { output, vjp: product }) as unknown as VjpResult<O, I>;
}

/**
 * fn's output and the Jacobian-vector product J·v at `inputs` (PyTorch's
 * torch.autograd.functional.jvp, by the double-backward trick): v is shaped as the inputs,
 * optional when the input is one tensor of one element; the product is shaped as fn's output.
 */
export function jvp<I extends Tensors, O extends Tensors>(fn: DifferentiableFn<O>, inputs: I, v?: Tensors | null | FunctionalOptions, options?: FunctionalOptions): JvpResult<O> {
  const args = splitV<FunctionalOptions>(v, options);
  checkFn('jvp', fn);
  checkFlags('jvp', args.options, ['createGraph', 'strict']);
  const { createGraph = false, strict = false } = args.options;
  const ins = asList('jvp', 'inputs', inputs);
  const r = enableGrad(() =>
    scope(() => {
      const xs = prepareInputs('jvp', ins.list, createGraph, ins.many);
      const vs = args.v == null ? (impliedV('jvp', xs, 'inputs'), null) : checkV('jvp', args.v, xs, ins.many, 'inputs');
      const outs = callFn('jvp', fn, xs);
      checkRequiresGrad('jvp', outs.list, 'outputs', strict);
      // The vjp is linear in its seed u, so u's value (zeros) does not matter: ∂(uᵀJ)/∂u · v = J·v.
      const us = outs.list.map((o) => (o.requiresGrad ? zerosLike(o).requiresGrad_(true) : zerosLike(o)));
      const gradInputs = gradOfSome(outs.list, xs, us, true);
      checkRequiresGrad('jvp', gradInputs, 'gradInputs', strict);
      const res = fillInZeros('jvp', gradOfSome(gradInputs, us, vs, createGraph), outs.list, strict, createGraph, 'backTrick');
      return { outputs: finish(outs.list, createGraph, 'jvp()'), res: finish(res, createGraph, 'jvp()'), many: outs.many };
    }),
  );
  const output = pick(r.outputs, r.many);
  const product = pick(r.res, r.many);
  return namedTuple([output, product], { output, jvp: product }) as unknown as JvpResult<O>;
}

/** vhp's and hvp's common part: the inputs, v, fn's scalar output and its gradient with a graph. */
function secondOrderStart(name: string, fn: DifferentiableFn<Tensor>, inputs: { many: boolean; list: Tensor[] }, v: unknown, createGraph: boolean, strict: boolean) {
  const xs = prepareInputs(name, inputs.list, createGraph, inputs.many);
  const vs = v == null ? (impliedV(name, xs, 'inputs'), null) : checkV(name, v, xs, inputs.many, 'inputs');
  const outs = callFn(name, fn, xs);
  checkRequiresGrad(name, outs.list, 'outputs', strict);
  if (outs.many) throw new ValueError(`${name}: fn expected to return a single tensor, got an array`);
  if (outs.list[0].numel !== 1) throw new ValueError(`${name}: fn's output expected one element, got shape ${fmtShape(outs.list[0].shape)}`);
  const jac = gradOfSome(outs.list, xs, null, true);
  checkRequiresGrad(name, jac, 'jacobian', strict);
  return { xs, vs, output: outs.list[0], jac };
}

/**
 * fn's (scalar) output and the vector-Hessian product vᵀ·H at `inputs` (PyTorch's
 * torch.autograd.functional.vhp): v is shaped as the inputs, as is the product.
 */
export function vhp<I extends Tensors>(fn: DifferentiableFn<Tensor>, inputs: I, v?: Tensors | null | FunctionalOptions, options?: FunctionalOptions): VhpResult<I> {
  const args = splitV<FunctionalOptions>(v, options);
  checkFn('vhp', fn);
  checkFlags('vhp', args.options, ['createGraph', 'strict']);
  const { createGraph = false, strict = false } = args.options;
  const ins = asList('vhp', 'inputs', inputs);
  const r = enableGrad(() =>
    scope(() => {
      const { xs, vs, output, jac } = secondOrderStart('vhp', fn, ins, args.v, createGraph, strict);
      const res = fillInZeros('vhp', gradOfSome(jac, xs, vs, createGraph), xs, strict, createGraph, 'doubleBack');
      return { output: finish([output], createGraph, 'vhp()')[0], res: finish(res, createGraph, 'vhp()') };
    }),
  );
  const product = pick(r.res, ins.many);
  return namedTuple([r.output, product], { output: r.output, vhp: product }) as unknown as VhpResult<I>;
}

/**
 * fn's (scalar) output and the Hessian-vector product H·v at `inputs` (PyTorch's
 * torch.autograd.functional.hvp, by the double-backward trick; for a twice continuously
 * differentiable fn it equals vhp, which costs one backward less).
 */
export function hvp<I extends Tensors>(fn: DifferentiableFn<Tensor>, inputs: I, v?: Tensors | null | FunctionalOptions, options?: FunctionalOptions): HvpResult<I> {
  const args = splitV<FunctionalOptions>(v, options);
  checkFn('hvp', fn);
  checkFlags('hvp', args.options, ['createGraph', 'strict']);
  const { createGraph = false, strict = false } = args.options;
  const ins = asList('hvp', 'inputs', inputs);
  const r = enableGrad(() =>
    scope(() => {
      const { xs, vs, output, jac } = secondOrderStart('hvp', fn, ins, args.v, createGraph, strict);
      const us = xs.map((x) => zerosLike(x).requiresGrad_(true));
      const doubleBack = gradOfSome(jac, xs, us, true);
      checkRequiresGrad('hvp', doubleBack, 'hessian', strict);
      const res = fillInZeros('hvp', gradOfSome(doubleBack, us, vs, createGraph), xs, strict, createGraph, 'doubleBackTrick');
      return { output: finish([output], createGraph, 'hvp()')[0], res: finish(res, createGraph, 'hvp()') };
    }),
  );
  const product = pick(r.res, ins.many);
  return namedTuple([r.output, product], { output: r.output, hvp: product }) as unknown as HvpResult<I>;
}
