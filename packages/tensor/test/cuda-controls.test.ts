// The cuda backend's controls (src/cuda-controls.ts): argument checks run on every machine; the
// cuDNN algorithm report, the policy (determinism, workspace limit, cache) and every forced
// convolution algorithm against cpu run where a GPU is present, and skip with the reason
// elsewhere.
import { afterEach, describe, expect, it } from 'vitest';
import {
  apply,
  backends,
  clearConvAlgorithmCache,
  convAlgorithmCache,
  convAlgorithms,
  convAlgos,
  convWorkspaceLimit,
  isDeterministic,
  scope,
  setConvWorkspaceLimit,
  setDeterministic,
  tensor,
  type OpDecl,
  type Tensor,
} from '../src/index.js';
// Op declarations are internal (Note [public op table]): from the op table itself.
import { conv2dBackwardDataOp, conv2dBackwardWeightsOp, conv2dOp, conv3dBackwardDataOp, conv3dBackwardWeightsOp, conv3dOp } from '../src/ops/table/index.js';
import { expectClose, seededRandom } from '../src/testing/index.js';

const cuda = backends().cuda;
const noGpu = cuda.available ? '' : `cuda unavailable: ${cuda.reason}`;
const gpuIt = (name: string, fn: () => void) => it.skipIf(!cuda.available)(`${name}${noGpu ? ` (skipped: ${noGpu})` : ''}`, fn);

const DEFAULT_LIMIT = 2 ** 30;

afterEach(() => {
  setDeterministic(false);
  setConvWorkspaceLimit(DEFAULT_LIMIT);
});

describe('cuda controls: argument checks (every machine)', () => {
  it('setDeterministic takes a boolean', () => {
    expect(() => setDeterministic('yes' as never)).toThrowError(expect.objectContaining({ name: 'ValueError', message: 'setDeterministic: expected a boolean, got string yes' }));
    expect(() => setDeterministic(undefined as never)).toThrowError(/setDeterministic: expected a boolean, got undefined/);
  });

  it('setConvWorkspaceLimit takes a non-negative integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, '8' as never]) {
      expect(() => setConvWorkspaceLimit(bad)).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/^setConvWorkspaceLimit: expected a non-negative integer number of bytes, got /) }));
    }
  });

  it('settings read back what was set', () => {
    setDeterministic(true);
    setConvWorkspaceLimit(12345);
    expect(isDeterministic()).toBe(true);
    expect(convWorkspaceLimit()).toBe(12345);
    setDeterministic(false);
    expect(isDeterministic()).toBe(false);
  });

  it('convAlgorithms refuses bad shapes, naming the argument', () => {
    const shape = (re: RegExp) => expect.objectContaining({ name: 'ShapeError', message: expect.stringMatching(re) });
    expect(() => convAlgorithms([1, 1, 8], [1, 1, 3, 3])).toThrowError(shape(/^convAlgorithms: input expected 4 dimensions \[N,C,H,W\], got \[1,1,8\]$/));
    expect(() => convAlgorithms([1, 1, 8, 8], [1, 1, 3])).toThrowError(shape(/^convAlgorithms: weight expected 4 dimensions \[O,C\/groups,kH,kW\], got \[1,1,3\]$/));
    expect(() => convAlgorithms([0, 1, 8, 8], [1, 1, 3, 3])).toThrowError(shape(/^convAlgorithms: input expected sizes of at least 1, got \[0,1,8,8\]$/));
    expect(() => convAlgorithms([2, 1, 6, 6], [6, 3, 5, 5])).toThrowError(
      shape(/^convAlgorithms: weight has 3 input channels but input has 1 \(input \[2,1,6,6\], weight \[6,3,5,5\]\)$/),
    );
    expect(() => convAlgorithms([1, 4, 6, 6], [3, 2, 3, 3], { groups: 2 })).toThrowError(shape(/not divisible by groups 2/));
    expect(() => convAlgorithms([1, 3, 2, 2], [4, 3, 3, 3])).toThrowError(shape(/^convAlgorithms: kernel 3x3 \(dilated\) is larger than the padded input 2x2/));
    expect(() => convAlgorithms('x' as never, [1, 1, 3, 3])).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/^convAlgorithms: input expected a Tensor or a shape/) }));
  });

  it('convAlgorithms refuses bad options, naming the option', () => {
    const value = (re: RegExp) => expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(re) });
    const x = [1, 1, 8, 8];
    const w = [1, 1, 3, 3];
    expect(() => convAlgorithms(x, w, { stride: 0 })).toThrowError(value(/^convAlgorithms: option 'stride' expected an integer >= 1 or a pair of them, got number 0$/));
    expect(() => convAlgorithms(x, w, { dilation: [1, 1, 1] as never })).toThrowError(value(/option 'dilation'/));
    expect(() => convAlgorithms(x, w, { padding: [1, 1, 1] })).toThrowError(value(/option 'padding' expected an integer >= 0, \[h, w\] or \[top, left, bottom, right\], got \[1,1,1\]/));
    expect(() => convAlgorithms(x, w, { groups: 0 })).toThrowError(value(/option 'groups' expected an integer >= 1, got number 0/));
    expect(() => convAlgorithms(x, w, { repeats: 1000 })).toThrowError(value(/option 'repeats' expected an integer from 1 to 100/));
    expect(() => convAlgorithms(x, w, { bogus: 1 } as never)).toThrowError(value(/^convAlgorithms: unknown option 'bogus'/));
    expect(() => convAlgorithms(x, w, { device: 'cpu' })).toThrowError(expect.objectContaining({ name: 'DeviceError', message: 'convAlgorithms: device expected a cuda device, got cpu' }));
  });
});

describe('cuda controls without a GPU', () => {
  it.skipIf(cuda.available)(`convAlgorithms says why cuda is unavailable${cuda.available ? ' (skipped: a GPU is present)' : ''}`, () => {
    expect(() => convAlgorithms([1, 1, 8, 8], [1, 1, 3, 3])).toThrowError(expect.objectContaining({ name: 'DeviceError', message: expect.stringMatching(/cuda backend unavailable/) }));
    expect(convAlgorithmCache()).toEqual([]);
    expect(() => clearConvAlgorithmCache()).not.toThrow();
  });
});

// ---- on a GPU ----

function filled(shape: number[], seed: number, device: 'cpu' | 'cuda'): Tensor {
  const rng = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => rng() * 2 - 1), { shape, device });
}

type ConvAttrs = { stride?: number[]; padding?: number[]; dilation?: number[]; groups?: number };
type ConvCase = { x: number[]; w: number[]; y: number[]; attrs: ConvAttrs };

/** A 2-d (4-d x) or 3-d (5-d x) convolution; padding one per axis, or (2-d) before and after each. */
function convCase(x: number[], w: number[], attrs: ConvAttrs = {}): ConvCase {
  const spatial = x.length - 2;
  const one = (v: number[] | undefined, fill: number) => v ?? Array<number>(spatial).fill(fill);
  const stride = one(attrs.stride, 1);
  const dilation = one(attrs.dilation, 1);
  const p = one(attrs.padding, 0);
  const [before, after] = p.length === spatial ? [p, p] : [p.slice(0, spatial), p.slice(spatial)];
  const out = x.slice(2).map((size, i) => Math.floor((size + before[i] + after[i] - dilation[i] * (w[2 + i] - 1) - 1) / stride[i]) + 1);
  return { x, w, y: [x[0], w[0], ...out], attrs };
}

const forwardOps: OpDecl<any>[] = [conv2dOp, conv3dOp];
const backwardDataOps: OpDecl<any>[] = [conv2dBackwardDataOp, conv3dBackwardDataOp];
const backwardWeightsOps: OpDecl<any>[] = [conv2dBackwardWeightsOp, conv3dBackwardWeightsOp];

/** One op of the six on both devices with `algo`: the cuda result, or the error cuda threw. */
function both(decl: OpDecl<any>, c: ConvCase, algo: string): { cpu: Float32Array; gpu: Float32Array | Error } {
  return scope(() => {
    const ins = (device: 'cpu' | 'cuda'): Tensor[] => {
      if (forwardOps.includes(decl)) return [filled(c.x, 1, device), filled(c.w, 2, device), filled([c.w[0]], 3, device)];
      if (backwardDataOps.includes(decl)) return [filled(c.y, 4, device), filled(c.w, 2, device)];
      return [filled(c.y, 4, device), filled(c.x, 1, device)];
    };
    const extra = backwardDataOps.includes(decl) ? { inputShape: c.x } : backwardWeightsOps.includes(decl) ? { weightShape: c.w } : {};
    const cpu = apply(decl, ins('cpu'), { ...c.attrs, ...extra, algo: 'auto' })[0].dataSync() as Float32Array;
    try {
      const gpu = apply(decl, ins('cuda'), { ...c.attrs, ...extra, algo })[0].dataSync() as Float32Array;
      return { cpu, gpu };
    } catch (err) {
      return { cpu, gpu: err as Error };
    }
  });
}

// Shapes where cuDNN's FFT algorithms apply (stride 1, no dilation, small input), one with
// asymmetric padding, and a strided, dilated, grouped one where most of them do not.
const cases: [string, ConvCase][] = [
  ['fft-friendly', convCase([2, 3, 12, 12], [4, 3, 5, 5], { padding: [2, 2] })],
  ['3x3', convCase([2, 8, 10, 10], [8, 8, 3, 3], { padding: [1, 1] })],
  ['asymmetric', convCase([1, 2, 9, 8], [3, 2, 2, 3], { padding: [0, 1, 1, 2] })],
  ['strided-dilated-grouped', convCase([2, 4, 11, 11], [6, 2, 3, 3], { stride: [2, 2], dilation: [2, 2], padding: [1, 1], groups: 2 })],
  // 3-d: cuDNN's Nd descriptors, where fewer algorithms apply (FFT tiling at unit stride).
  ['3d-unit-stride', convCase([2, 3, 5, 6, 6], [4, 3, 3, 3, 3], { padding: [1, 1, 1] })],
  ['3d-strided-grouped', convCase([1, 4, 6, 7, 5], [4, 2, 2, 3, 3], { stride: [2, 1, 2], dilation: [1, 2, 1], padding: [0, 1, 1], groups: 2 })],
];

const refused = /not supported by cuDNN for these shapes|has no cuDNN (backward-data|backward-filter) algorithm|bytes of workspace for these shapes/;

describe('cuDNN convolution algorithms on a GPU', () => {
  for (const [name, c] of cases) {
    for (const decl of c.x.length === 5 ? [conv3dOp, conv3dBackwardDataOp, conv3dBackwardWeightsOp] : [conv2dOp, conv2dBackwardDataOp, conv2dBackwardWeightsOp]) {
      gpuIt(`${decl.name} ${name}: every algo matches cpu or is refused clearly`, () => {
        const results: string[] = [];
        for (const algo of convAlgos) {
          const r = both(decl, c, algo);
          if (r.gpu instanceof Error) {
            expect(r.gpu.name, `${algo}: ${r.gpu.message}`).toBe('ValueError');
            expect(r.gpu.message).toMatch(refused);
            expect(r.gpu.message).toContain(`algo '${algo}'`);
            expect(r.gpu.message).toContain(`input [${c.x.join(',')}]`);
            results.push(`${algo}: refused`);
          } else {
            expectClose(r.gpu, r.cpu, 1e-3, 1e-3, `${decl.name} ${name} algo ${algo}`);
            results.push(`${algo}: ok`);
          }
        }
        // 'auto' and 'heuristic' always run.
        expect(results).toContain('auto: ok');
        expect(results).toContain('heuristic: ok');
      });
    }
  }

  gpuIt('convAlgorithms lists every algorithm of every direction, and FFT runs where it applies', () => {
    const r = convAlgorithms([8, 16, 32, 32], [16, 16, 5, 5], { padding: 2 });
    expect(r.forward.algorithms.map((a) => a.algo)).toHaveLength(8);
    expect(r.backwardData.algorithms).toHaveLength(6);
    expect(r.backwardWeights.algorithms).toHaveLength(7);
    expect(r.output).toEqual([8, 16, 32, 32]);
    for (const dir of [r.forward, r.backwardData, r.backwardWeights]) {
      expect(dir.auto).not.toBeNull();
      expect(dir.heuristic).not.toBeNull();
      const timed = dir.algorithms.filter((a) => a.timeMs !== null);
      expect(timed.length).toBeGreaterThan(0);
      for (const a of timed) {
        expect(a.supported).toBe(true);
        expect(a.timeMs).toBeGreaterThan(0);
        expect(a.workspaceBytes).not.toBeNull();
      }
      for (const a of dir.algorithms) if (!a.supported) expect(a.status).toMatch(/^CUDNN_STATUS_/);
    }
    const fft = r.forward.algorithms.filter((a) => a.names.includes('fft') || a.names.includes('fftTiling'));
    expect(fft.some((a) => a.supported && a.timeMs !== null), JSON.stringify(fft)).toBe(true);
    // every name of the option appears in the forward report
    const names = r.forward.algorithms.flatMap((a) => a.names);
    for (const algo of convAlgos.filter((a) => a !== 'auto' && a !== 'heuristic')) expect(names).toContain(algo);
  });

  gpuIt("'auto' caches its measured choice; clearConvAlgorithmCache forgets it", () => {
    clearConvAlgorithmCache();
    both(conv2dOp, cases[1][1], 'auto');
    const entries = convAlgorithmCache().filter((e) => e.direction === 'forward' && e.policy === 'auto');
    expect(entries).toHaveLength(1);
    expect(entries[0].input).toEqual([2, 8, 10, 10]);
    expect(entries[0].timeMs).toBeGreaterThan(0);
    expect(entries[0].algo).toMatch(/^CUDNN_CONVOLUTION_FWD_ALGO_/);
    clearConvAlgorithmCache();
    expect(convAlgorithmCache()).toEqual([]);
  });

  gpuIt('setDeterministic(true) restricts choices to deterministic algorithms and refuses forced ones', () => {
    setDeterministic(true);
    const c = cases[1][1];
    const first = both(conv2dBackwardWeightsOp, c, 'auto').gpu as Float32Array;
    const again = both(conv2dBackwardWeightsOp, c, 'auto').gpu as Float32Array;
    expect(Array.from(again)).toEqual(Array.from(first));
    for (const e of convAlgorithmCache()) expect(e.deterministic).toBe(true);
    // gemm forces BWD_FILTER_ALGO_0, which sums with atomics
    const forced = both(conv2dBackwardWeightsOp, c, 'gemm').gpu;
    expect(forced).toBeInstanceOf(Error);
    expect((forced as Error).message).toMatch(/CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, which is not deterministic, and setDeterministic\(true\) is on/);
  });

  gpuIt("a workspace limit of 0 leaves 'auto' the algorithms that need none", () => {
    setConvWorkspaceLimit(0);
    const c = cases[0][1];
    const r = both(conv2dOp, c, 'auto');
    expect(r.gpu).toBeInstanceOf(Float32Array);
    expectClose(r.gpu as Float32Array, r.cpu, 1e-3, 1e-3, 'limited workspace');
    for (const e of convAlgorithmCache()) expect(e.workspaceBytes).toBe(0);
  });
});
