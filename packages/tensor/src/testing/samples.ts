// Turns a declaration's test samples into concrete values, deterministically (seeded by op and
// sample name): the fixture script and the tests build the very same inputs.
import type { DType } from '../dtype.js';
import type { OpDecl, Sample, SampleInput } from '../ops/declare.js';
import { numelOf } from '../shape.js';
import { hashString, normal, seededRandom } from './rng.js';

export interface ConcreteInput {
  shape: number[];
  dtype: DType;
  values: number[];
  noGrad: boolean;
}

export interface ConcreteSample {
  op: string;
  name: string;
  inputs: ConcreteInput[];
  attrs: Record<string, unknown>;
}

function fillValues(input: SampleInput, rand: () => number): number[] {
  const n = numelOf(input.shape);
  const fill = input.fill ?? 'normal';
  if (Array.isArray(fill)) {
    if (fill.length !== n) throw new Error(`sample fill has ${fill.length} values for shape [${input.shape}]`);
    return [...fill];
  }
  const out = new Array<number>(n);
  if (fill.startsWith('int:')) {
    const [, lo, hi] = fill.split(':').map(Number);
    for (let i = 0; i < n; i++) out[i] = lo + Math.floor(rand() * (hi - lo));
    return out;
  }
  for (let i = 0; i < n; i++) {
    if (fill === 'positive') out[i] = 0.5 + 1.5 * rand();
    else if (fill === 'uniform') out[i] = 2 * rand() - 1;
    else out[i] = normal(rand);
  }
  // Keep float samples a little away from 0 and from each other's ties (kinks of abs, relu, max).
  return out.map((v) => Math.round(v * 1e4) / 1e4);
}

export function concreteSamples(decl: OpDecl<any>): ConcreteSample[] {
  return (decl.test?.samples ?? []).map((s: Sample) => {
    const rand = seededRandom(hashString(`${decl.name}/${s.name}`));
    return {
      op: decl.name,
      name: s.name,
      inputs: s.inputs.map((inp) => ({
        shape: inp.shape,
        dtype: inp.dtype ?? 'float32',
        values: fillValues(inp, rand),
        noGrad: inp.noGrad ?? (inp.dtype !== undefined && inp.dtype !== 'float32'),
      })),
      attrs: s.attrs ?? {},
    };
  });
}

/** The upstream gradient used for golden backward values: seeded, one per visible output. */
export function upstreamValues(op: string, sample: string, shape: readonly number[]): number[] {
  const rand = seededRandom(hashString(`${op}/${sample}/upstream`));
  return Array.from({ length: numelOf(shape) }, () => Math.round(normal(rand) * 1e4) / 1e4);
}
