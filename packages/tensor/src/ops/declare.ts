// Note [one declaration per op]: every op is one `defineOp` value: its name, inputs and their
// dtypes, attributes with defaults, output rule, backends, gradient (written with other ops),
// and test samples. The TS function, the native dispatch ids and parameter structs
// (scripts/gen-native.ts), the kernel registrations and the test table all follow from it.
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';

export type AttrKind = 'int' | 'float' | 'bool' | 'ints' | 'floats' | readonly string[];
export type AttrValue = number | boolean | readonly number[] | string;

export interface AttrSpec {
  kind: AttrKind;
  /** Absent means required. */
  default?: AttrValue;
  /** A float that is a value the op computes with (a fill, a bound), so NaN is one too; other floats refuse NaN. */
  nan?: true;
}

export type DTypeSet = readonly DType[];
export const FLOAT: DTypeSet = ['float32'];
export const NUMERIC: DTypeSet = ['float32', 'int32', 'int64', 'uint8'];
export const ALL: DTypeSet = ['float32', 'int32', 'int64', 'uint8', 'bool'];
export const INDEX: DTypeSet = ['int32', 'int64'];

export interface InputSpec {
  name: string;
  dtypes: DTypeSet;
  /** When false, backward never produces a gradient for it (indices, masks). */
  differentiable?: boolean;
  /** Only on the last input: it takes one or more tensors (cat, stack), each checked against this spec. */
  variadic?: boolean;
}

/** The spec of tensor argument i (a variadic last input serves every position from its own on). */
export function inputSpec(decl: { inputs: readonly InputSpec[] }, i: number): InputSpec {
  return decl.inputs[Math.min(i, decl.inputs.length - 1)];
}

/** What an output rule sees of an input: enough to compute shapes, nothing to read values. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface OutputMeta {
  shape: number[];
  dtype: DType;
}

export interface GradContext<A> {
  /** Saved inputs (null where the declaration did not ask to save them). */
  inputs: (Tensor | null)[];
  /** Saved outputs, hidden ones included. */
  outputs: (Tensor | null)[];
  inputMeta: TensorMeta[];
  attrs: A;
  /** Gradient for each visible output (null where nothing flowed back). */
  grads: (Tensor | null)[];
  /** Which inputs need a gradient (PyTorch's output_mask): rules may skip work for the rest. */
  needsGrad: boolean[];
}

/** One input of a test sample: a shape and how to fill it (seeded). */
export interface SampleInput {
  shape: number[];
  dtype?: DType;
  /** normal (default), positive (0.5..2), uniform (-1..1), int:<lo>:<hi> (hi excluded), or explicit values. */
  fill?: 'normal' | 'positive' | 'uniform' | `int:${number}:${number}` | number[];
  /** Excluded from the gradient check (indices, masks, or spots with kinks). */
  noGrad?: boolean;
}

export interface Sample {
  name: string;
  inputs: SampleInput[];
  attrs?: Record<string, AttrValue>;
  /** Why this sample is not compared across backends (e.g. an algorithm only cpu has). */
  noParity?: string;
}

/** An input the op must refuse: the error class name and a pattern its message must match. */
export interface BadSample extends Sample {
  error: 'ShapeError' | 'DTypeError' | 'ValueError' | 'DeviceError';
  message: RegExp;
}

export interface OpTest {
  samples: Sample[];
  bad?: BadSample[];
  /** Why there are no PyTorch goldens (only for ops PyTorch has no counterpart of). */
  noGolden?: string;
  /** Absolute/relative tolerance of the finite-difference gradient check (float32). */
  gradTolerance?: number;
  /** Tolerance of golden comparisons with PyTorch. */
  goldenTolerance?: number;
  /** Why the op's outputs may differ between backends by design (e.g. backend-specific sizes). */
  noParity?: string;
  /** The name of the PyTorch reference in scripts/fixtures/ops.py (defaults to the op name). */
  torch?: string;
}

export interface OpDecl<A extends Record<string, AttrValue> = Record<string, AttrValue>> {
  name: string;
  inputs: readonly InputSpec[];
  attrs: { readonly [K in keyof A]: AttrSpec };
  /** Shapes and dtypes of the outputs; throws ShapeError/DTypeError (naming the op) on bad input. */
  outputs: (inputs: readonly TensorMeta[], attrs: A) => OutputMeta[];
  /** How many leading outputs the user sees; the rest are hidden state for backward. */
  visibleOutputs?: number;
  backends: readonly ('cpu' | 'cuda')[];
  /**
   * Outputs written in place into an input's storage: output index → input index. Only for
   * updates outside autograd (optimiser steps, loading weights); refused while the input
   * requires grad and grad mode is on. The op returns the input tensor itself for those outputs.
   * A function of the input count for a variadic op (the foreach optimiser steps).
   */
  inplace?: Readonly<Record<number, number>> | ((inputCount: number) => Readonly<Record<number, number>>);
  /**
   * How an input marked by an earlier failure is met (Note [marked inputs] in core/op_call.h);
   * default: the outputs take the mark and the kernel does not run. 'overwrite': input 0 is
   * written whole, never read (copyInto's dst), so its mark is not taken and a successful run
   * clears it. 'skipUpdate': an in-place update (the optimiser steps) does not run and leaves its
   * tensors as they were, unmarked — a failed backward makes no step, as in PyTorch.
   */
  markedInputs?: 'overwrite' | 'skipUpdate';
  /** A view: the output shares input 0's storage (same dense order, new shape); no kernel runs. */
  view?: boolean;
  /** A view in PyTorch, a copy here: in-place writes into the outputs are refused (Note [copies of views]). */
  copiesAView?: boolean;
  /** Gradients of the inputs, composed of other ops. Absent: not differentiable. */
  grad?: (ctx: GradContext<A>) => (Tensor | null)[];
  /** Which inputs/outputs backward reads; only those are kept alive by the graph. */
  saves?: { inputs?: readonly number[]; outputs?: readonly number[] | ((attrs: A) => readonly number[]) };
  test?: OpTest;
}

/** Registry of every declared op, in declaration order: the order gives the native ids. */
export const opTable: OpDecl<any>[] = [];

export function defineOp<A extends Record<string, AttrValue>>(decl: OpDecl<A>): OpDecl<A> {
  if (opTable.some((d) => d.name === decl.name)) throw new Error(`op ${decl.name} declared twice`);
  opTable.push(decl as OpDecl<any>);
  return decl;
}
