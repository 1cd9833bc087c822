// The workloads of the ops and overhead suites, each with its nutshell side here and its
// PyTorch side described for python/ops.py (same shapes, same det() inputs). Each workload is
// built for a device: on cuda its id starts with 'cuda.', PyTorch runs it on the GPU too, and the
// convolutions get one row per cuDNN algorithm.
import { DEVICES } from '../args.js';
import { shapes, type PoolShape } from '../paths.js';
import { T, checksum, clearGrad, detTensor, needOps, op, synchronize, type BenchDevice, type Tensor } from '../nut.js';
import type { Workload, TimingSpec } from '../timing.js';
import { NotApplicable } from '../suite.js';

export interface NutCase {
  workload: Workload;
  /** Checksums of outputs/gradients after one more call (outside timing). */
  check?: () => Promise<Record<string, [number, number]>>;
  dispose: () => void;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface PeerCase {
  workload: Workload;
  dispose?: () => unknown;
}

export interface OpCase {
  id: string;
  label: string;
  suite: 'ops' | 'overhead';
  spec: TimingSpec;
  flops?: number;
  /** Request for python/ops.py (kind + shape); absent: no PyTorch row. */
  py?: Record<string, unknown>;
  numpy?: boolean;
  nutshell: () => NutCase;
  ort?: { model: string; input: () => Float32Array; dims: number[] };
  tfjs?: (tf: any) => PeerCase;
  /** Too slow for tfjs's pure-JS backend in --quick mode. */
  heavy?: boolean;
}

type ConvShape = (typeof shapes.conv)[number];
/** A convolution's spatial sizes (D, H, W for a 3-d one), its output's, and its kernel's. */
const convSpatial = (s: ConvShape) => {
  const input = s.d === undefined ? [s.h, s.w] : [s.d, s.h, s.w];
  return { input, output: input.map((v) => v + 2 * s.pad - s.k + 1), kernel: input.map(() => s.k) };
};
const product = (v: number[]) => v.reduce((a, b) => a * b, 1);
const convFlops = (s: ConvShape) => {
  const g = convSpatial(s);
  return 2 * s.n * s.o * product(g.output) * s.c * product(g.kernel);
};

/** Workload ids and labels on cuda carry the device (the cpu ones keep their historical ids). */
const onDevice = (device: BenchDevice, id: string, label: string) => (device === 'cpu' ? { id, label } : { id: `${device}.${id}`, label: `${device} ${label}` });

/**
 * A forced cuDNN algorithm that cannot run these shapes (FFT's size limits, Winograd on Hopper,
 * 'direct' almost everywhere) is n/a in the table, not a failure.
 */
function unsupportedAsNotApplicable<R>(algo: string, call: () => R): R {
  try {
    return call();
  } catch (err) {
    if (algo !== 'auto' && /not supported|unsupported|NOT_SUPPORTED/i.test((err as Error).message)) throw new NotApplicable(`algo ${algo}: ${(err as Error).message.slice(0, 120)}`);
    throw err;
  }
}

/** cuDNN's forward algorithms, one row each on cuda, so that the FFT trade-off is visible. */
export const CUDA_ALGOS = ['auto', 'implicitGemm', 'implicitPrecompGemm', 'gemm', 'direct', 'fft', 'fftTiling', 'winograd', 'winogradNonfused'] as const;
type ConvAlgo = (typeof CUDA_ALGOS)[number];

/**
 * One convolution layer, forward or forward+backward. On cpu: compared with PyTorch, ONNX
 * Runtime and tfjs. On cuda: one case per algorithm (`algo`); 'auto' (measure once per shape,
 * like cudnn.benchmark) is the row compared with PyTorch under cudnn.benchmark.
 */
function convCase(s: ConvShape, backward: boolean, device: BenchDevice = 'cpu', algo: ConvAlgo = 'auto'): OpCase {
  const g = convSpatial(s);
  const volumetric = s.d !== undefined;
  const flops = convFlops(s) * (backward ? 3 : 1);
  const heavy = convFlops(s) > 1e9;
  const cpu = device === 'cpu';
  const pass = backward ? 'fwdbwd' : 'fwd';
  const named = onDevice(device, `conv.${s.name}.${pass}${cpu ? '' : `.${algo}`}`, `conv ${s.label} ${backward ? 'fwd+bwd' : 'fwd'}${cpu ? '' : ` algo=${algo}`}`);
  return {
    ...named,
    suite: 'ops',
    spec: cpu ? { warmup: 3, reps: 10, inner: 1 } : { warmup: 3, reps: 20, inner: 5 },
    flops,
    heavy,
    py: cpu || algo === 'auto' ? { kind: 'conv', backward, device, ...s } : undefined,
    nutshell: () => {
      const conv = op(volumetric ? 'conv3d' : 'conv2d');
      const x = detTensor([s.n, s.c, ...g.input], 0.37, 1, backward, device);
      const w = detTensor([s.o, s.c, ...g.kernel], 0.11, 0.1, backward, device);
      const b = detTensor([s.o], 0.23, 1, backward, device);
      const attrs = cpu ? { padding: s.pad } : { padding: s.pad, algo };
      const call = () => unsupportedAsNotApplicable(algo, () => conv(x, w, b, attrs));
      const sync = () => synchronize(device);
      if (!backward) {
        let y: Tensor | null = null;
        const run = () => {
          y?.dispose();
          y = call();
        };
        return {
          workload: { run, sync },
          check: async () => (run(), { y: await checksum(y!) }),
          dispose: () => [x, w, b, y].forEach((t) => t?.dispose()),
        };
      }
      const gy = detTensor([s.n, s.o, ...g.output], 0.53, 1, false, device);
      const run = () => {
        clearGrad(x, w, b);
        T.scope(() => call().backward(gy));
      };
      return {
        workload: { run, sync },
        check: async () => (run(), { dx: await checksum(x.grad!), dw: await checksum(w.grad!), db: await checksum(b.grad!) }),
        dispose: () => [x, w, b, gy].forEach((t) => t.dispose()),
      };
    },
    ort: backward || !cpu ? undefined : { model: `conv_${s.name}.onnx`, input: () => detF32([s.n, s.c, ...g.input], 0.37), dims: [s.n, s.c, ...g.input] },
    tfjs:
      backward || !cpu || volumetric
        ? undefined
        : (tf) => {
            // tfjs computes NHWC (its cpu and wasm kernels have no NCHW convolution).
            const x = tf.tensor4d(detF32([s.n, s.h, s.w, s.c], 0.37), [s.n, s.h, s.w, s.c]);
            const f = tf.tensor4d(detF32([s.k, s.k, s.c, s.o], 0.11, 0.1), [s.k, s.k, s.c, s.o]);
            const b = tf.tensor1d(detF32([s.o], 0.23));
            const pad = [[0, 0], [s.pad, s.pad], [s.pad, s.pad], [0, 0]];
            let y: any = null;
            return {
              workload: {
                run: () => {
                  y?.dispose();
                  y = tf.tidy(() => tf.add(tf.conv2d(x, f, 1, s.pad ? pad : 'valid'), b));
                },
                sync: () => y.data(),
              },
              dispose: () => [x, f, b, y].forEach((t) => t?.dispose()),
            };
          },
  };
}

export function detF32(shape: readonly number[], a: number, scale = 1): Float32Array {
  const n = shape.reduce((x, y) => x * y, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin((i + 1) * a) * scale;
  return out;
}

/** Max pooling, 2-d (`maxpool.*`) or, where the shape has a depth, 3-d (`maxpool3d.*`). */
function maxPoolCase(s: PoolShape, backward: boolean, device: BenchDevice = 'cpu'): OpCase {
  const spatial = s.d === undefined ? [s.h, s.w] : [s.d, s.h, s.w];
  const out = spatial.map((v) => Math.floor((v - s.k) / s.stride) + 1);
  const prefix = s.d === undefined ? 'maxpool' : 'maxpool3d';
  return {
    ...onDevice(device, `${prefix}.${backward ? 'fwdbwd' : 'fwd'}`, `${s.label} ${backward ? 'fwd+bwd' : 'fwd'}`),
    suite: 'ops',
    spec: { warmup: 3, reps: 10, inner: device === 'cpu' ? 2 : 10 },
    py: { kind: 'maxpool', backward, device, ...s },
    nutshell: () => {
      const pool = op(s.d === undefined ? 'maxPool2d' : 'maxPool3d');
      const sync = () => synchronize(device);
      const x = detTensor([s.n, s.c, ...spatial], 0.37, 1, backward, device);
      if (!backward) {
        let y: Tensor | null = null;
        const run = () => {
          y?.dispose();
          y = pool(x, s.k, { stride: s.stride });
        };
        return { workload: { run, sync }, check: async () => (run(), { y: await checksum(y!) }), dispose: () => [x, y].forEach((t) => t?.dispose()) };
      }
      const gy = detTensor([s.n, s.c, ...out], 0.53, 1, false, device);
      const run = () => {
        clearGrad(x);
        T.scope(() => pool(x, s.k, { stride: s.stride }).backward(gy));
      };
      return { workload: { run, sync }, check: async () => (run(), { dx: await checksum(x.grad!) }), dispose: () => [x, gy].forEach((t) => t.dispose()) };
    },
    tfjs: backward || device !== 'cpu' || s.d !== undefined
      ? undefined
      : (tf) => {
          const x = tf.tensor4d(detF32([s.n, s.h, s.w, s.c], 0.37), [s.n, s.h, s.w, s.c]);
          let y: any = null;
          return {
            workload: {
              run: () => {
                y?.dispose();
                y = tf.maxPool(x, s.k, s.stride, 'valid');
              },
              sync: () => y.data(),
            },
            dispose: () => [x, y].forEach((t) => t?.dispose()),
          };
        },
  };
}

/** Batch norm at a ResNet stage's size: training forward (batch statistics), eval forward, training forward+backward. */
function batchNormCase(mode: 'train' | 'eval' | 'fwdbwd', device: BenchDevice = 'cpu'): OpCase {
  const s = shapes.batchnorm;
  const what = { train: 'train fwd', eval: 'eval fwd', fwdbwd: 'train fwd+bwd' }[mode];
  return {
    ...onDevice(device, `batchnorm.${mode}`, `${s.label} ${what}`),
    suite: 'ops',
    spec: { warmup: 3, reps: 10, inner: device === 'cpu' ? 2 : 10 },
    py: { kind: 'batchnorm', mode, device, ...s },
    nutshell: () => {
      const batchNorm = op('batchNorm');
      const sync = () => synchronize(device);
      const grad = mode === 'fwdbwd';
      const x = detTensor([s.n, s.c, s.h, s.w], 0.41, 1, grad, device);
      const rm = T.zeros([s.c], { device });
      const rv = T.ones([s.c], { device });
      const w = detTensor([s.c], 0.17, 1, grad, device);
      const b = detTensor([s.c], 0.23, 0.1, grad, device);
      const own = [x, rm, rv, w, b];
      if (!grad) {
        let y: Tensor | null = null;
        const run = () => {
          y?.dispose();
          y = T.noGrad(() => {
            const r = batchNorm(x, rm, rv, w, b, { training: mode === 'train', momentum: 0.1, eps: 1e-5 });
            if (r.runningMean !== rm) r.runningMean?.dispose();
            if (r.runningVar !== rv) r.runningVar?.dispose();
            return r.output;
          });
        };
        return { workload: { run, sync }, check: async () => (run(), { y: await checksum(y!) }), dispose: () => [...own, y].forEach((t) => t?.dispose()) };
      }
      const gy = detTensor([s.n, s.c, s.h, s.w], 0.53, 1, false, device);
      const run = () => {
        clearGrad(x, w, b);
        T.scope(() => batchNorm(x, rm, rv, w, b, { training: true, momentum: 0.1, eps: 1e-5 }).output.backward(gy));
      };
      return {
        workload: { run, sync },
        check: async () => (run(), { dx: await checksum(x.grad!), dw: await checksum(w.grad!), db: await checksum(b.grad!) }),
        dispose: () => [...own, gy].forEach((t) => t.dispose()),
      };
    },
  };
}

function lstmCase(backward: boolean, device: BenchDevice = 'cpu'): OpCase {
  const s = shapes.lstm;
  const H = s.hidden;
  const I = s.input;
  // Per step: two GEMMs [B, I|H] x [I|H, 4H]; backward is about twice the forward.
  const flops = s.seq * s.batch * 2 * 4 * H * (I + H) * (backward ? 3 : 1);
  return {
    ...onDevice(device, `lstm.${backward ? 'fwdbwd' : 'fwd'}`, `LSTM seq ${s.seq} batch ${s.batch} ${I}->${H} ${backward ? 'fwd+bwd' : 'fwd'}`),
    suite: 'ops',
    // More runs than the convolutions: a layer's steps meet (or finish) together, so a core lent
    // to another process for a moment delays the whole call, and on a shared 2-core machine such
    // moments come in bursts; 20 runs keep the median on the steady ones, on both sides.
    spec: { warmup: 5, reps: 20, inner: 1 },
    flops,
    py: { kind: 'lstm', backward, device, ...s },
    nutshell: () => {
      const lstm = op('lstm');
      const sync = () => synchronize(device);
      const weights = {
        weight_ih_l0: detTensor([4 * H, I], 0.11, 0.1, backward, device),
        weight_hh_l0: detTensor([4 * H, H], 0.13, 0.1, backward, device),
        bias_ih_l0: detTensor([4 * H], 0.17, 0.1, backward, device),
        bias_hh_l0: detTensor([4 * H], 0.19, 0.1, backward, device),
      };
      const ws = Object.values(weights);
      const x = detTensor([s.seq, s.batch, I], 0.37, 1, backward, device);
      if (!backward) {
        let y: Tensor | null = null;
        const run = () => {
          y?.dispose();
          y = T.scope(() => lstm(x, weights).output);
        };
        return { workload: { run, sync }, check: async () => (run(), { y: await checksum(y!) }), dispose: () => [x, y, ...ws].forEach((t) => t?.dispose()) };
      }
      const gy = detTensor([s.seq, s.batch, H], 0.53, 1, false, device);
      const run = () => {
        clearGrad(x, ...ws);
        T.scope(() => lstm(x, weights).output.backward(gy));
      };
      return {
        workload: { run, sync },
        check: async () => (
          run(),
          { dx: await checksum(x.grad!), dw_ih: await checksum(weights.weight_ih_l0.grad!), dw_hh: await checksum(weights.weight_hh_l0.grad!), db_ih: await checksum(weights.bias_ih_l0.grad!) }
        ),
        dispose: () => [x, gy, ...ws].forEach((t) => t.dispose()),
      };
    },
  };
}

function matmulCase(id: string, label: string, m: number, k: number, n: number, spec: TimingSpec, device: BenchDevice = 'cpu'): OpCase {
  const cpu = device === 'cpu';
  return {
    ...onDevice(device, id, label),
    suite: 'ops',
    spec: cpu ? spec : { ...spec, inner: spec.inner * 20 },
    flops: 2 * m * k * n,
    heavy: true,
    py: { kind: 'matmul', m, k, n, device },
    numpy: cpu,
    nutshell: () => {
      const matmul = op('matmul');
      const a = detTensor([m, k], 0.37, 1, false, device);
      const b = detTensor([k, n], 0.11, 1, false, device);
      let y: Tensor | null = null;
      const run = () => {
        y?.dispose();
        y = matmul(a, b);
      };
      return { workload: { run, sync: () => synchronize(device) }, check: async () => (run(), { y: await checksum(y!) }), dispose: () => [a, b, y].forEach((t) => t?.dispose()) };
    },
    tfjs: !cpu ? undefined : (tf) => {
      const a = tf.tensor2d(detF32([m, k], 0.37), [m, k]);
      const b = tf.tensor2d(detF32([k, n], 0.11), [k, n]);
      let y: any = null;
      return {
        workload: {
          run: () => {
            y?.dispose();
            y = tf.matMul(a, b);
          },
          sync: () => y.data(),
        },
        dispose: () => [a, b, y].forEach((t) => t?.dispose()),
      };
    },
  };
}

// The scans, decompositions and special functions: one input made from det() values ('spd':
// X·Xᵀ + n·I, 'sym': (X + Xᵀ)/2, 'plain': X, 'positive': |X| + ½, away from the gamma functions'
// poles, 'wide': 3·X, erf's polynomial and tail regions both), one call; the checksum reads only what is unique (eigenvalues, singular values, |R|),
// since vector signs are each library's own choice.
type FnPrep = 'plain' | 'spd' | 'sym' | 'positive' | 'wide';
type FnName = 'cumsum' | 'logcumsumexp' | 'cummax' | 'cholesky' | 'eigh' | 'svd' | 'qr' | 'solve' | 'inv' | 'solveTriangular' | 'sin' | 'lgamma' | 'digamma' | 'erf' | 'erfc';

function fnCase(id: string, label: string, fn: FnName, shape: number[], prep: FnPrep, spec: TimingSpec): OpCase {
  return {
    id,
    label,
    suite: 'ops',
    spec,
    py: { kind: 'fn', fn, shape, prep },
    nutshell: () => {
      needOps(fn);
      const raw = detTensor(shape, 0.37, 1);
      const n = shape[shape.length - 1];
      const x = T.scope(() => {
        if (prep === 'plain') return raw.clone();
        if (prep === 'positive') return T.add(T.abs(raw), 0.5);
        if (prep === 'wide') return T.mul(raw, 3);
        const t = T.transpose(raw, -2, -1);
        return prep === 'spd' ? T.add(T.matmul(raw, t), T.mul(T.eye(n), n)) : T.mul(T.add(raw, t), 0.5);
      });
      raw.dispose();
      // solveTriangular's lower factor, made once: the prepared matrix's lower triangle.
      const lower = fn === 'solveTriangular' ? T.tril(x) : null;
      const call = (): Tensor[] => {
        switch (fn) {
          case 'cumsum':
            return [T.cumsum(x, -1)];
          case 'logcumsumexp':
            return [T.logcumsumexp(x, -1)];
          case 'cummax':
            return [...T.cummax(x, -1)];
          case 'cholesky':
            return [T.cholesky(x)];
          case 'eigh':
            return [...T.eigh(x)];
          case 'svd':
            return [...T.svd(x, { fullMatrices: false })];
          case 'qr':
            return [...T.qr(x)];
          case 'solve':
            return [T.linalg.solve(x, x)];
          case 'inv':
            return [T.linalg.inv(x)];
          case 'solveTriangular':
            return [T.linalg.solveTriangular(lower!, x, { upper: false })];
          case 'sin':
            return [T.sin(x)];
          case 'lgamma':
            return [T.lgamma(x)];
          case 'digamma':
            return [T.digamma(x)];
          case 'erf':
            return [T.erf(x)];
          case 'erfc':
            return [T.erfc(x)];
        }
      };
      let out: Tensor[] = [];
      const run = () => {
        out.forEach((t) => t.dispose());
        out = call();
      };
      const unique = (): Tensor => (fn === 'eigh' ? out[0] : fn === 'svd' ? out[1] : fn === 'qr' ? T.abs(out[1]) : out[0]);
      return {
        workload: { run, sync: () => synchronize('cpu') },
        check: async () => (run(), { y: await checksum(unique()) }),
        dispose: () => [x, ...(lower ? [lower] : []), ...out].forEach((t) => t.dispose()),
      };
    },
  };
}

const tinyAdd = (device: BenchDevice = 'cpu'): OpCase => ({
  ...onDevice(device, 'overhead.add', 'tiny add (1-element tensors), per op'),
  suite: 'overhead',
  spec: { warmup: 3, reps: 15, inner: 2000, warmupMs: 500 },
  py: { kind: 'add', device },
  nutshell: () => {
    needOps('add');
    const a = T.tensor([1], { device });
    const b = T.tensor([2], { device });
    let c: Tensor | null = null;
    const run = () => {
      c?.dispose();
      c = T.add(a, b);
    };
    return { workload: { run, sync: () => synchronize(device) }, check: async () => (run(), { y: await checksum(c!) }), dispose: () => [a, b, c].forEach((t) => t?.dispose()) };
  },
  tfjs: device !== 'cpu' ? undefined : (tf) => {
    const a = tf.tensor1d([1]);
    const b = tf.tensor1d([2]);
    let c: any = null;
    return {
      workload: {
        run: () => {
          c?.dispose();
          c = tf.add(a, b);
        },
        sync: () => c.data(),
      },
      dispose: () => [a, b, c].forEach((t) => t?.dispose()),
    };
  },
});

function tinyAutograd(device: BenchDevice = 'cpu'): OpCase {
  return {
    ...onDevice(device, 'overhead.autograd', 'tiny autograd step (mul, add, sum, backward)'),
    suite: 'overhead',
    spec: { warmup: 3, reps: 15, inner: 500, warmupMs: 500 },
    py: { kind: 'autograd', device },
    nutshell: () => {
      needOps('add', 'mul', 'sum');
      const a = T.tensor([1.5], { requiresGrad: true, device });
      const b = T.tensor([0.5], { requiresGrad: true, device });
      const run = () => {
        clearGrad(a, b);
        T.scope(() => T.sum(T.add(T.mul(a, b), b)).backward());
      };
      return { workload: { run, sync: () => synchronize(device) }, check: async () => (run(), { da: await checksum(a.grad!), db: await checksum(b.grad!) }), dispose: () => [a, b].forEach((t) => t.dispose()) };
    },
  };
}

/** The ops suite on a device; on cuda each convolution has one case per cuDNN algorithm. */
export function opCases(device: BenchDevice = 'cpu'): OpCase[] {
  const m = shapes.matmul;
  const p = shapes.peak;
  const convs = device === 'cpu' ? shapes.conv.flatMap((s) => [convCase(s, false), convCase(s, true)]) : shapes.conv.flatMap((s) => [false, true].flatMap((bwd) => CUDA_ALGOS.map((a) => convCase(s, bwd, device, a))));
  return [
    ...convs,
    maxPoolCase(shapes.maxpool, false, device),
    maxPoolCase(shapes.maxpool, true, device),
    maxPoolCase(shapes.maxpool3d, false, device),
    maxPoolCase(shapes.maxpool3d, true, device),
    batchNormCase('train', device),
    batchNormCase('eval', device),
    batchNormCase('fwdbwd', device),
    lstmCase(false, device),
    lstmCase(true, device),
    matmulCase('matmul.1024', `matmul ${m.m}x${m.k} @ ${m.k}x${m.n}`, m.m, m.k, m.n, { warmup: 3, reps: 10, inner: 1 }, device),
    matmulCase('peak.sgemm', `peak sgemm ${p.m}x${p.k} @ ${p.k}x${p.n}`, p.m, p.k, p.n, { warmup: 2, reps: 7, inner: 1 }, device),
    ...(device === 'cpu' ? scanAndLinalgCases() : []),
  ];
}

const scanSpec: TimingSpec = { warmup: 3, reps: 15, inner: 1 };
const linalgSpec: TimingSpec = { warmup: 2, reps: 9, inner: 1 };
const scanAndLinalgCases = (): OpCase[] => [
  fnCase('scan.cumsum', 'cumsum 1000x1000 along rows', 'cumsum', [1000, 1000], 'plain', scanSpec),
  fnCase('scan.logcumsumexp', 'logcumsumexp 1000x1000 along rows', 'logcumsumexp', [1000, 1000], 'plain', scanSpec),
  fnCase('scan.cummax', 'cummax 1000x1000 along rows', 'cummax', [1000, 1000], 'plain', scanSpec),
  fnCase('linalg.cholesky.256', 'cholesky 256x256', 'cholesky', [256, 256], 'spd', linalgSpec),
  fnCase('linalg.cholesky.batched', 'cholesky 256 x 32x32', 'cholesky', [256, 32, 32], 'spd', linalgSpec),
  fnCase('linalg.eigh.128', 'eigh 128x128', 'eigh', [128, 128], 'sym', linalgSpec),
  fnCase('linalg.svd.256x128', 'svd 256x128 (reduced)', 'svd', [256, 128], 'plain', linalgSpec),
  fnCase('linalg.qr.256x128', 'qr 256x128 (reduced)', 'qr', [256, 128], 'plain', linalgSpec),
  fnCase('linalg.solve.512', 'solve 512x512, 512 right-hand sides', 'solve', [512, 512], 'spd', linalgSpec),
  fnCase('linalg.inv.512', 'inv 512x512', 'inv', [512, 512], 'spd', linalgSpec),
  fnCase('linalg.solveTriangular.1000', 'solveTriangular 1000x1000, 1000 right-hand sides', 'solveTriangular', [1000, 1000], 'spd', linalgSpec),
  fnCase('math.sin', 'sin 1000x1000', 'sin', [1000, 1000], 'plain', scanSpec),
  fnCase('math.lgamma', 'lgamma 1000x1000', 'lgamma', [1000, 1000], 'positive', scanSpec),
  fnCase('math.digamma', 'digamma 1000x1000', 'digamma', [1000, 1000], 'positive', scanSpec),
  fnCase('math.erf', 'erf 1000x1000 (x in [-3, 3])', 'erf', [1000, 1000], 'wide', scanSpec),
  fnCase('math.erfc', 'erfc 1000x1000 (x in [-3, 3])', 'erfc', [1000, 1000], 'wide', scanSpec),
];

export function overheadCases(device: BenchDevice = 'cpu'): OpCase[] {
  return [tinyAdd(device), tinyAutograd(device)];
}

/** Every case on every device, for looking one up by id. */
export const allCases = (): OpCase[] => DEVICES.flatMap((d) => [...opCases(d), ...overheadCases(d)]);

export { NotApplicable };
