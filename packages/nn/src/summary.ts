// summary(model, inputShape): runs one forward pass on zeros and prints each layer call's output
// shape and parameter count, in call order, like torchinfo / Keras' summary.
import { ValueError, checkOptions, isTensor, noGrad, scope, zeros, type DType, type Tensor } from '@nutshell/tensor';
import { Module, type RemovableHandle } from './module.js';

export interface LayerSummary {
  name: string;
  type: string;
  outputShape: number[] | null;
  /** The module's own parameters, counted on its first call only (0 on the calls after it). */
  params: number;
  /** A later call of a module already listed (torchinfo's "(recursive)"). */
  recursive: boolean;
}

export interface ModelSummary {
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  text: string;
}

// The shape a row shows: a tensor's, a PackedSequence's packed data, or the first of a tuple
// (a recurrent layer's [output, h]) or of an { output } result, looked into in turn.
const shapeOf = (v: unknown): number[] | null => {
  if (!v || typeof v !== 'object') return null;
  if ((v as Tensor).isTensor) return [...(v as Tensor).shape];
  if ((v as { data?: Tensor }).data?.isTensor && (v as { batchSizes?: unknown }).batchSizes) return [...(v as { data: Tensor }).data.shape];
  if (Array.isArray(v)) return shapeOf(v[0]);
  if ('output' in v) return shapeOf((v as { output: unknown }).output);
  return null;
};

type SummaryInput = readonly number[] | readonly (readonly number[])[] | Tensor | readonly unknown[];

/**
 * The forward's arguments: the tensors given — with any other arguments beside them passed as
 * they are (lengths, options: torchinfo's input_data) — or zeros of each shape (in `dtypes`,
 * default float32).
 */
function inputsOf(input: SummaryInput, dtypes: DType | readonly DType[] | undefined): unknown[] {
  if (isTensor(input)) return [input];
  if (!Array.isArray(input)) throw new ValueError(`summary: input expected a shape, a list of shapes, a tensor or a list of arguments with tensors among them, got ${typeof input}`);
  if (input.some(isTensor)) return [...input];
  const shapes = input.length > 0 && input.every((s) => Array.isArray(s)) ? (input as readonly (readonly number[])[]) : [input as readonly number[]];
  shapes.forEach((shape, i) => {
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ValueError(`summary: shape ${i} expected non-negative integers, got [${shape.map((d) => (typeof d === 'number' ? d : typeof d)).join(', ')}]; to pass other arguments, give the forward's arguments with tensors among them`);
    }
  });
  return shapes.map((shape, i) => zeros(shape, { dtype: (Array.isArray(dtypes) ? dtypes[i] : (dtypes as DType | undefined)) ?? 'float32' }));
}

/**
 * Runs the model once in eval mode and without gradients (so batch norm's running statistics and
 * dropout are untouched), then puts every module's mode and `forward` back as they were. `input`:
 * a shape, or one per forward argument (`[[3, 1, 8], [2, 1, 8]]` for a seq2seq model) made of zeros
 * in `dtypes` (int64 for token ids; zeros are valid indices), or the tensors themselves.
 */
export function summary(model: Module, input: SummaryInput, options: { dtypes?: DType | readonly DType[] } = {}): ModelSummary {
  checkOptions('summary', options, ['dtypes']);
  // Rows in call order, one per call, as torchinfo lists them: a pre-hook opens a row when a
  // module's forward starts (so a parent comes before its children), the hook after it fills in
  // the output shape. A module called twice (a shared pooling layer) gets a row per call, its
  // parameters counted on the first. Modules the forward never called follow, without a shape.
  const layers: LayerSummary[] = [];
  const handles: RemovableHandle[] = [];
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  const named: [string, Module, number][] = [];
  for (const [name, m] of model.namedModules()) { // a module registered under two names comes once
    const own = [...m.namedParameters()].filter(([k]) => !k.includes('.')).reduce((n, [, p]) => n + p.numel, 0);
    // The model itself has a row only for parameters of its own (a positional embedding, say),
    // which would otherwise count in the total without appearing anywhere.
    if (m === model && own === 0) continue;
    named.push([m === model ? '(own)' : name, m, own]);
  }
  const called = new Set<Module>();
  try {
    for (const [name, m, own] of named) {
      const open: LayerSummary[] = [];
      handles.push(m.registerForwardPreHook(() => {
        const row: LayerSummary = { name, type: m.constructor.name, outputShape: null, params: called.has(m) ? 0 : own, recursive: called.has(m) };
        called.add(m);
        layers.push(row);
        open.push(row);
      }));
      handles.push(m.registerForwardHook((_m, _inputs, out) => {
        const row = open.pop();
        if (row) row.outputShape = shapeOf(out);
      }));
    }
    model.eval();
    noGrad(() => scope(() => void model.forward(...inputsOf(input, options.dtypes))));
  } finally {
    handles.forEach((h) => h.remove()); // the last hook removed unwraps each forward
    for (const [m, training] of modes) m.training = training;
  }
  for (const [name, m, own] of named) {
    if (!called.has(m)) layers.push({ name, type: m.constructor.name, outputShape: null, params: own, recursive: false });
  }
  const params = [...model.parameters()];
  const totalParams = params.reduce((n, p) => n + p.numel, 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel, 0);
  const rows = layers.map((l) => [`${l.name} (${l.type})`, l.outputShape ? `[${l.outputShape.join(', ')}]` : '-', l.recursive ? '(recursive)' : l.params.toLocaleString('en-US')]);
  const header = ['Layer (type)', 'Output shape', 'Param #'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const text = [
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${totalParams.toLocaleString('en-US')}`,
    `Trainable params: ${trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${(totalParams - trainableParams).toLocaleString('en-US')}`,
  ].join('\n');
  return { layers, totalParams, trainableParams, text };
}
