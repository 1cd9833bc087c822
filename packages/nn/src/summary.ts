// summary(model, inputShape): runs one forward pass on zeros and prints each layer's output shape
// and parameter count, like torchinfo / Keras' summary.
import { noGrad, scope, zeros, type Tensor } from '@nutshell/tensor';
import { Module } from './module.js';

export interface LayerSummary {
  name: string;
  type: string;
  outputShape: number[] | null;
  params: number;
}

export interface ModelSummary {
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  text: string;
}

const shapeOf = (v: unknown): number[] | null => {
  if (v && typeof v === 'object' && (v as Tensor).isTensor) return [...(v as Tensor).shape];
  if (Array.isArray(v) && v[0]?.isTensor) return [...v[0].shape];
  if (v && typeof v === 'object' && (v as { output?: Tensor }).output?.isTensor) return [...(v as { output: Tensor }).output.shape];
  return null;
};

export function summary(model: Module, inputShape: readonly number[]): ModelSummary {
  const layers: LayerSummary[] = [];
  const restore: (() => void)[] = [];
  for (const [name, m] of model.namedModules()) {
    if (m === model) continue;
    const own = [...m.namedParameters()].filter(([k]) => !k.includes('.')).reduce((n, [, p]) => n + p.numel, 0);
    const entry: LayerSummary = { name, type: m.constructor.name, outputShape: null, params: own };
    layers.push(entry);
    const original = m.forward;
    m.forward = (...args: unknown[]) => {
      const out = original.apply(m, args);
      entry.outputShape = shapeOf(out);
      return out;
    };
    restore.push(() => {
      delete (m as { forward?: unknown }).forward; // back to the prototype's method
    });
  }
  try {
    noGrad(() => scope(() => void model.forward(zeros(inputShape))));
  } finally {
    restore.forEach((r) => r());
  }
  const params = [...model.parameters()];
  const totalParams = params.reduce((n, p) => n + p.numel, 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel, 0);
  const rows = layers.map((l) => [`${l.name} (${l.type})`, l.outputShape ? `[${l.outputShape.join(', ')}]` : '-', l.params.toLocaleString('en-US')]);
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
