// The machinery the PyTorch-golden tests share (composed-fourth, composed-sequences,
// composed-unpool, composed-grid-sample, losses-more, composed-pool3d): a fixture
// test/fixtures/<name>.safetensors as scripts/golden_cases.py writes it — per case
// `<case>.input.<i>`, `<case>.output.<j>`, the upstream gradients `<case>.upstream.<j>` and the
// input gradients `<case>.grad.<i>`, metadata `cases` JSON {case: meta} — and the per-case forward
// and backward comparison. Each test keeps its own table of calls (case name → the nutshell call
// on the loaded inputs) and its special cases.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { backends, noGrad, readSafetensorsFile, scope, tensor, type RawTensor, type Tensor } from '../src/index.js';
import { expectClose, hashString, normal, seededRandom } from '../src/testing/index.js';

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

/** Inputs of a function whose gradients are checked: shapes and values. */
export type GradInput = { shape: number[]; values: number[] };

/**
 * Directional finite-difference check of f's gradients with respect to every input: three random
 * directions (seeded by `label`), Σ u·f(x ± eps·d) against the analytic Σ grad·d. NaN inputs are
 * held still (their direction is 0).
 */
export function checkGradFn(label: string, f: (...xs: Tensor[]) => Tensor, inputs: GradInput[], options: { device?: string; tolerance?: number; eps?: number } = {}): void {
  const { device = 'cpu', tolerance = 1e-2, eps = 1e-2 } = options;
  scope(() => {
    const rand = seededRandom(hashString(label));
    const xs = inputs.map((x) => tensor(x.values, { shape: x.shape, device, requiresGrad: true }));
    const y = f(...xs);
    const u = tensor(Array.from({ length: y.numel }, () => normal(rand)), { shape: y.shape, device });
    T.sum(T.mul(y, u)).backward();
    for (let trial = 0; trial < 3; trial++) {
      const dirs = inputs.map((x) => x.values.map((v) => (Number.isNaN(v) ? 0 : normal(rand))));
      const at = (sign: number) =>
        noGrad(() => T.sum(T.mul(f(...inputs.map((x, i) => tensor(x.values.map((v, k) => v + sign * eps * dirs[i][k]), { shape: x.shape, device }))), u)).itemSync());
      const numeric = (at(1) - at(-1)) / (2 * eps);
      const analytic = xs.reduce((acc, x, i) => acc + nums(x.grad!).reduce((sum, g, k) => sum + (dirs[i][k] === 0 ? 0 : g * dirs[i][k]), 0), 0);
      const name = label.slice(label.indexOf('/') + 1);
      expect(Math.abs(numeric - analytic), `${name} trial ${trial}: numeric ${numeric} vs analytic ${analytic}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(numeric) + Math.abs(analytic)));
    }
  });
}

