// Our vectorised math (cpu/vmath.h: exp, log, expm1, softplus, sigmoid, tanh, sin, cos, erf, erfc, lgamma,
// digamma and the kernels built
// on them — the recurrent cells, softmax, logsumexp, elu) is compiled for 16, 8 and 4 lanes and picks the widest
// the instruction set oneDNN runs with allows. A laptop without AVX-512 runs the 8-lane build,
// an old one the 4-lane build; ONEDNN_MAX_CPU_ISA selects them here, and each must agree with
// the widest. Sizes leave tails at every width (37 hidden units, 45 classes).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { backends } from '../src/index.js';

const script = `
  import { lstm, gru, rnn, tensor, sum, mul, softmax, logSoftmax, logsumexp, exp, log, elu, softplus, sin, cos, erf, erfc, lgamma, digamma, backends } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
  const values = (n, a, scale) => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(a * i + 0.1));
  const leaf = (shape, a, scale) => tensor(values(shape.reduce((p, d) => p * d, 1), a, scale), { shape, requiresGrad: true });
  const out = [];
  const [T, N, I, H] = [5, 3, 7, 37];
  // Weights large enough that gates reach both branches of tanh (|x| < 0.625 and above) and saturate.
  for (const [run, G] of [[lstm, 4], [gru, 3], [rnn, 1]]) {
    const x = leaf([T, N, I], 0.37, 1.5);
    const w = { weight_ih_l0: leaf([G * H, I], 0.53, 0.6), weight_hh_l0: leaf([G * H, H], 0.29, 0.4), bias_ih_l0: leaf([G * H], 1.7, 0.5), bias_hh_l0: leaf([G * H], 2.3, 0.5) };
    const r = run(x, w);
    sum(mul(r.output, r.output)).backward();
    out.push(r.output, x.grad, w.weight_ih_l0.grad, w.weight_hh_l0.grad, w.bias_hh_l0.grad);
  }
  const z = leaf([6, 45], 0.71, 6);
  out.push(softmax(z, 1), logSoftmax(z, 0), logSoftmax(z, 1), logsumexp(z, { dim: [1] }));
  const u = leaf([1, 9003], 0.013, 12); // more than one block of vmath::blocks, with a tail
  out.push(exp(u), log(mul(u, u)), elu(u), softplus(u), sin(mul(u, 900)), cos(mul(u, 900)));
  const w = mul(u, 0.9); // 12·sin(...) reaches −12 exactly, a pole
  out.push(erf(mul(u, 0.4)), erfc(u), lgamma(w), digamma(w)); // every region of each, negative lgamma/digamma included
  console.log(JSON.stringify({ isa: backends().cpu.facts.isa, arrays: out.map((t) => Array.from(t.dataSync())) }));`;

function runLimited(isa?: string): { isa: string; arrays: number[][] } {
  const env = { ...process.env };
  if (isa) env.ONEDNN_MAX_CPU_ISA = isa;
  else delete env.ONEDNN_MAX_CPU_ISA;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function largestDifference(a: number[][], b: number[][]): number {
  let diff = 0;
  a.forEach((xs, k) => {
    expect(xs.length).toBe(b[k].length);
    xs.forEach((v, i) => {
      diff = Math.max(diff, Number.isFinite(v) ? Math.abs(v - b[k][i]) / (1 + Math.abs(b[k][i])) : Infinity);
    });
  });
  return diff;
}

describe('vector math at every width (cpu/vmath.h)', () => {
  const isa = backends().cpu.facts.isa ?? '';
  it.skipIf(!/^avx512/.test(isa))(`the 8- and 4-lane builds agree with the 16-lane build (this cpu: ${isa})`, () => {
    const widest = runLimited();
    expect(widest.isa).toMatch(/^avx512/);
    for (const [limit, name] of [
      ['AVX2', 'avx2'],
      ['SSE41', 'sse41'],
    ]) {
      const limited = runLimited(limit);
      expect(limited.isa).toBe(name);
      // Elementwise the widths compute the same polynomials; what differs is oneDNN's GEMM
      // summation order under each instruction set, and FMA contraction (absent from the 4-lane build).
      expect(largestDifference(limited.arrays, widest.arrays), name).toBeLessThan(1e-4);
    }
  });
});
