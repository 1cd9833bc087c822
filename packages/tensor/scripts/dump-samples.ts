// Writes every op's concrete test samples (inputs, resolved attributes, upstream gradients) as
// JSON for scripts/fixtures_ops.py, which computes PyTorch's outputs and gradients from them.
import { writeFileSync } from 'node:fs';
import { opTable } from '../src/ops/declare.js';
import '../src/ops/table/index.js';
import { resolveAttrs } from '../src/ops/apply.js';
import { concreteSamples, upstreamValues } from '../src/testing/samples.js';

// JSON has no NaN, ±Infinity or -0: input values carry them as strings Python's float() reads back.
const exactNumber = (v: number): number | string => (Number.isFinite(v) && !Object.is(v, -0) ? v : Object.is(v, -0) ? '-0' : String(v));

const out = process.argv[2] ?? '/tmp/nutshell-samples.json';
const only = process.argv.slice(3);
const ops = opTable
  .filter((d) => !d.test?.noGolden && (only.length === 0 || only.includes(d.name)))
  .map((decl) => ({
    op: decl.name,
    torch: decl.test?.torch ?? decl.name,
    hasGrad: Boolean(decl.grad),
    samples: concreteSamples(decl).map((s) => {
      const attrs = resolveAttrs(decl, s.attrs as never);
      const outs = decl.outputs(s.inputs, attrs as never).slice(0, decl.visibleOutputs ?? undefined);
      const inputs = s.inputs.map((i) => ({ ...i, values: i.values.map(exactNumber) }));
      return { ...s, inputs, attrs, upstream: outs.map((o) => ({ shape: o.shape, dtype: o.dtype, values: upstreamValues(decl.name, s.name, o.shape) })) };
    }),
  }));
writeFileSync(out, JSON.stringify({ ops }));
console.log(`wrote ${ops.length} ops' samples to ${out}`);
