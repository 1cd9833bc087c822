// The machinery the PyTorch-golden tests share (composed-fourth, composed-sequences,
// composed-unpool, composed-grid-sample, losses-more): a fixture test/fixtures/<name>.safetensors
// as scripts/golden_cases.py writes it — per case `<case>.input.<i>`, `<case>.output.<j>`, the
// upstream gradients `<case>.upstream.<j>` and the input gradients `<case>.grad.<i>`, metadata
// `cases` JSON {case: meta} — and the per-case forward and backward comparison. Each test keeps its
// own table of calls (case name → the nutshell call on the loaded inputs) and its special cases.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { backends, readSafetensorsFile, scope, tensor, type RawTensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

/** cpu and, where available, cuda. */
export const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];

/** A tensor's (or a typed array's) values as numbers. */
export const nums = (t: Tensor | ArrayLike<number | bigint>): number[] => Array.from(((t as Tensor).isTensor ? (t as Tensor).dataSync() : t) as ArrayLike<number | bigint>, Number);

/** The metadata scripts/golden_cases.py's write_cases gives each case. */
export interface CaseMeta {
  inputs: number;
  /** Which inputs are differentiated (require grad). */
  grad: boolean[];
  outputs: number;
}

export interface GoldenFixture<M = CaseMeta> {
  golden: Map<string, RawTensor>;
  cases: Record<string, M>;
  /** The fixture's tensor `key` on `device`; throws where the fixture has none. */
  load(key: string, device: string, requiresGrad?: boolean): Tensor;
}

/** Reads test/fixtures/<name>.safetensors and its `cases` metadata. */
export function readGoldenFixture<M = CaseMeta>(name: string): GoldenFixture<M> {
  const { tensors: golden, metadata } = readSafetensorsFile(fileURLToPath(new URL(`./fixtures/${name}.safetensors`, import.meta.url)));
  const cases = JSON.parse(metadata.cases) as Record<string, M>;
  const load = (key: string, device: string, requiresGrad = false): Tensor => {
    const r = golden.get(key);
    if (!r) throw new Error(`fixture has no ${key}`);
    return tensor(r.data as never, { shape: r.shape, dtype: r.dtype, device, requiresGrad });
  };
  return { golden, cases, load };
}

export type GoldenCall = (...xs: Tensor[]) => Tensor | Tensor[];
export type AsyncGoldenCall = (...xs: Tensor[]) => Tensor | Tensor[] | Promise<Tensor | Tensor[]>;

export interface GoldenTolerances {
  /** atol and rtol of expectClose for the outputs ([0, 0]: exact, NaN where NaN). */
  output: [atol: number, rtol: number];
  /** atol and rtol of expectClose for the input gradients. */
  grad: [atol: number, rtol: number];
  /** An output without an upstream gradient (PyTorch's did not require grad) must not require grad here either. */
  strictRequiresGrad?: boolean;
  /**
   * The fixture holds zeros for a differentiated input no path reached (golden_cases.py's
   * zero_unreached): a missing gradient here compares as zeros; otherwise it must be there.
   */
  zeroUnreached?: boolean;
}

/** The outputs of case `name` against the fixture's, then the input gradients of Σ upstream ⊙ output. */
function compareCase(fx: GoldenFixture, name: string, xs: Tensor[], out: Tensor | Tensor[], device: string, tol: GoldenTolerances): void {
  const { golden, load } = fx;
  const m = fx.cases[name];
  const outs = Array.isArray(out) ? out : [out];
  expect(outs.length).toBe(m.outputs);
  let loss: Tensor | null = null;
  outs.forEach((o, j) => {
    const want = golden.get(`${name}.output.${j}`)!;
    expect(o.shape, `output ${j} shape`).toEqual(want.shape);
    expect(o.dtype, `output ${j} dtype`).toBe(want.dtype);
    expectClose(nums(o), nums(want.data as ArrayLike<number>), tol.output[0], tol.output[1], `output ${j}`);
    if (golden.has(`${name}.upstream.${j}`)) {
      const term = T.sum(T.mul(o, load(`${name}.upstream.${j}`, device)));
      loss = loss ? T.add(loss, term) : term;
    } else if (tol.strictRequiresGrad) {
      expect(o.requiresGrad, `output ${j} requires grad only where PyTorch's does`).toBe(false);
    }
  });
  if (loss) (loss as Tensor).backward();
  xs.forEach((x, i) => {
    const want = golden.get(`${name}.grad.${i}`);
    if (!want) return;
    if (!tol.zeroUnreached) expect(x.grad, `gradient of input ${i}`).not.toBeNull();
    const got = x.grad ? nums(x.grad) : Array<number>(x.numel).fill(0);
    expectClose(got, nums(want.data as ArrayLike<number>), tol.grad[0], tol.grad[1], `gradient of input ${i}`);
  });
}

const loadInputs = (fx: GoldenFixture, name: string, device: string): Tensor[] => {
  const m = fx.cases[name];
  return Array.from({ length: m.inputs }, (_, i) => fx.load(`${name}.input.${i}`, device, m.grad[i]));
};

/** Case `name` on `device`: load the inputs, make the call, compare, all in one scope. */
export function checkGoldenCase(fx: GoldenFixture, name: string, call: GoldenCall, device: string, tol: GoldenTolerances): void {
  scope(() => {
    const xs = loadInputs(fx, name, device);
    compareCase(fx, name, xs, call(...xs), device, tol);
  });
}

/** As checkGoldenCase for calls that may return a promise: the call is awaited outside the scope. */
export async function checkGoldenCaseAsync(fx: GoldenFixture, name: string, call: AsyncGoldenCall, device: string, tol: GoldenTolerances): Promise<void> {
  const xs = loadInputs(fx, name, device);
  const out = await call(...xs);
  scope(() => compareCase(fx, name, xs, out, device, tol));
}

/**
 * The golden tests of a fixture: that the fixture and `calls` name the same cases, then, on every
 * device, one test per case (`title(device)` names each device's describe). `async`: the calls may
 * return promises (checkGoldenCaseAsync).
 */
export function describeGoldenCases(fx: GoldenFixture, calls: Record<string, GoldenCall>, title: (device: string) => string, tol: GoldenTolerances): void;
export function describeGoldenCases(fx: GoldenFixture, calls: Record<string, AsyncGoldenCall>, title: (device: string) => string, tol: GoldenTolerances & { async: true }): void;
export function describeGoldenCases(fx: GoldenFixture, calls: Record<string, AsyncGoldenCall>, title: (device: string) => string, tol: GoldenTolerances & { async?: boolean }): void {
  describe('the fixture and the calls name the same cases', () => {
    it('every case has a call and every call a case', () => {
      expect(Object.keys(calls).sort()).toEqual(Object.keys(fx.cases).sort());
    });
  });
  for (const device of devices) {
    describe(title(device), () => {
      for (const [name, call] of Object.entries(calls)) {
        if (tol.async) it(name, () => checkGoldenCaseAsync(fx, name, call, device, tol));
        else it(name, () => checkGoldenCase(fx, name, call as GoldenCall, device, tol));
      }
    });
  }
}
