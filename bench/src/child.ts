// The nutshell side of the training and memory suites, one task per process (like
// python/train.py) so that peak RSS belongs to that task alone. Request on stdin, one JSON reply
// on stdout after '@@RESULT@@'.
import { readFileSync } from 'node:fs';
import { T, needOps, op, setThreads, synchronize, type BenchDevice, type Tensor } from './nut.js';
import { readFashion } from './idx.js';
import { CHARLSTM_OPS, INCEPTION_OPS, LENET_OPS, charLstmForward, charLstmShapes, inceptionForward, inceptionShapes, initParams, lenetForward, LENET_SHAPES, loadParams, type Params } from './models.js';
import { measure, quickSpec, type TimingSpec } from './timing.js';
import { MARK } from './peers/node-child.js';
import { OpMissing } from './nut.js';

export interface ChildRequest {
  task: 'ops' | 'lenet-epoch' | 'lenet-infer' | 'charlstm' | 'inception' | 'transformer';
  threads: number;
  /** Where the training tasks run (default cpu); batches are copied from the host each step. */
  device?: BenchDevice;
  [k: string]: unknown;
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024; // KiB on Linux

async function optimizer(kind: 'sgd' | 'adam', params: Params, lr: number, momentum = 0) {
  const optim = await import('@nutshell/optim');
  const list = Object.values(params);
  return kind === 'sgd' ? new optim.SGD(list, { lr, momentum }) : new optim.Adam(list, { lr });
}

/** Mulberry32: a small seeded generator for batch order (both sides shuffle; orders need not match). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function labelsTensor(labels: ArrayLike<number>, shape: number[], device: BenchDevice): Tensor {
  const out = new BigInt64Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = BigInt(labels[i]);
  return T.tensor(out, { shape, device });
}

/** Peak bytes of tensors on the GPU, for the memory row on cuda (PyTorch: max_memory_allocated). */
const peakDeviceMiB = (device: BenchDevice) => (device === 'cpu' ? undefined : T.memory(device).peakBytes / 2 ** 20);

async function lenetEpoch(req: ChildRequest) {
  needOps(...LENET_OPS);
  const data = readFashion(String(req.data), 'train', Number(req.images));
  const bs = Number(req.batch);
  const steps = Math.floor(data.count / bs);
  const device = req.device ?? 'cpu';
  const params = initParams(LENET_SHAPES, 1, device);
  const opt = await optimizer('sgd', params, Number(req.lr), Number(req.momentum));
  const crossEntropy = op('crossEntropy');
  const baseline = rssMiB();
  const xb = new Float32Array(bs * 784);
  const yb = new Uint8Array(bs);

  const step = async (idx: ArrayLike<number>) => {
    for (let j = 0; j < bs; j++) {
      xb.set(data.images.subarray(idx[j] * 784, (idx[j] + 1) * 784), j * 784);
      yb[j] = data.labels[idx[j]];
    }
    const x = T.tensor(xb.slice(), { shape: [bs, 1, 28, 28], device });
    const y = labelsTensor(yb, [bs], device);
    opt.zeroGrad();
    const loss = T.scope(() => {
      const l = crossEntropy(lenetForward(params, x), y);
      l.backward();
      return l;
    });
    opt.step();
    const v = await loss.item();
    loss.dispose();
    x.dispose();
    y.dispose();
    return v;
  };

  const r = rng(1);
  for (let s = 0; s < Number(req.warmupSteps); s++) await step(Array.from({ length: bs }, () => Math.floor(r() * data.count)));
  const perm = Array.from({ length: data.count }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const samples: number[] = [];
  const losses: number[] = [];
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const ts = performance.now();
    losses.push(await step(perm.slice(s * bs, (s + 1) * bs)));
    samples.push(performance.now() - ts);
  }
  const epochMs = performance.now() - t0;
  const tail = losses.slice(-10);
  const result = {
    samples,
    epochMs,
    steps,
    images: steps * bs,
    baselineRssMiB: baseline,
    firstLoss: losses[0],
    lastLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
    liveTensorsAfter: T.memory(device).liveTensors,
    peakDeviceMiB: peakDeviceMiB(device),
  };
  // Where a step's time goes: a few more steps under profile() (per op, kernel time on the
  // device's stream and time in the call on the JS thread), per step.
  const profiledSteps = Math.min(PROFILED_STEPS, steps);
  const rep = await T.profile(async () => {
    for (let s = 0; s < profiledSteps; s++) await step(perm.slice(s * bs, (s + 1) * bs));
  });
  const perStep = (ms: number) => (1000 * ms) / profiledSteps;
  const stepProfile = rep.ops.map((o) => ({ op: o.op, calls: o.calls / profiledSteps, kernelUs: perStep(o.kernelMs), callUs: perStep(o.callMs) }));
  return { ...result, stepProfile, profiledStepMs: rep.wallMs / profiledSteps };
}

const PROFILED_STEPS = 20;

async function charLstm(req: ChildRequest) {
  needOps(...CHARLSTM_OPS);
  let text = '';
  for (const f of req.files as string[]) text += readFileSync(f, 'utf8');
  const vocab = [...new Set(text)].sort();
  const lut = new Map(vocab.map((c, i) => [c, i]));
  const ids = Int32Array.from(text, (c) => lut.get(c)!);
  const seq = Number(req.seq);
  const bs = Number(req.batch);
  const device = req.device ?? 'cpu';
  const params = initParams(charLstmShapes(vocab.length, Number(req.embed), Number(req.hidden)), 1, device);
  const opt = await optimizer('adam', params, 2e-3);
  const crossEntropy = op('crossEntropy');
  const r = rng(1);
  const xs = new BigInt64Array(seq * bs);
  const ys = new BigInt64Array(seq * bs);
  const timing = await measure(
    {
      run: async () => {
        for (let b = 0; b < bs; b++) {
          const start = Math.floor(r() * (ids.length - seq - 1));
          for (let t = 0; t < seq; t++) {
            xs[t * bs + b] = BigInt(ids[start + t]);
            ys[t * bs + b] = BigInt(ids[start + t + 1]);
          }
        }
        const x = T.tensor(xs.slice(), { shape: [seq, bs], device });
        const y = T.tensor(ys.slice(), { shape: [seq * bs], device });
        opt.zeroGrad();
        const loss = T.scope(() => {
          const l = crossEntropy(charLstmForward(params, x), y);
          l.backward();
          return l;
        });
        opt.step();
        await loss.item();
        loss.dispose();
        x.dispose();
        y.dispose();
      },
    },
    req.spec as TimingSpec,
  );
  return { samples: timing.samples, vocab: vocab.length, chars: text.length, peakDeviceMiB: peakDeviceMiB(device) };
}

async function inception(req: ChildRequest) {
  needOps(...INCEPTION_OPS);
  const n = Number(req.n);
  const c = Number(req.c);
  const device = req.device ?? 'cpu';
  const params = initParams(inceptionShapes(c), 1, device);
  const opt = await optimizer('sgd', params, 0.01, 0.9);
  const crossEntropy = op('crossEntropy');
  const xdata = new Float32Array(n * c * Number(req.h) * Number(req.w));
  for (let i = 0; i < xdata.length; i++) xdata[i] = Math.sin(i * 0.37);
  const x = T.tensor(xdata, { shape: [n, c, Number(req.h), Number(req.w)], device });
  const y = T.tensor(BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 10)), { shape: [n], device });
  const timing = await measure(
    {
      run: async () => {
        opt.zeroGrad();
        const loss = T.scope(() => {
          const l = crossEntropy(inceptionForward(params, x), y);
          l.backward();
          return l;
        });
        opt.step();
        await loss.item();
        loss.dispose();
      },
    },
    req.spec as TimingSpec,
  );
  return { samples: timing.samples, peakDeviceMiB: peakDeviceMiB(device) };
}

/**
 * One training step of a pre-norm TransformerEncoderLayer (GELU, feed-forward 4·d, no dropout)
 * from @nutshell/nn on [n, seq, d], loss mean(y²), AdamW: attention's batched matmuls, softmax,
 * layer norms and the optimiser, as python/train.py's twin with torch.nn.TransformerEncoderLayer.
 */
async function transformer(req: ChildRequest) {
  needOps('scaledDotProductAttention', 'layerNorm', 'gelu', 'linear', 'softmax');
  const nn = await import('@nutshell/nn');
  const optim = await import('@nutshell/optim');
  const [n, seq, d, heads] = [Number(req.n), Number(req.seq), Number(req.d), Number(req.heads)];
  const device = req.device ?? 'cpu';
  T.manualSeed(0);
  const layer = new nn.TransformerEncoderLayer(d, heads, { dimFeedforward: 4 * d, dropout: 0, activation: 'gelu', batchFirst: true, normFirst: true });
  layer.to(device);
  const opt = new optim.AdamW(layer.parameters(), { lr: 1e-3 });
  const xdata = new Float32Array(n * seq * d);
  for (let i = 0; i < xdata.length; i++) xdata[i] = Math.sin(i * 0.37);
  const x = T.tensor(xdata, { shape: [n, seq, d], device });
  const timing = await measure(
    {
      run: async () => {
        opt.zeroGrad();
        const loss = T.scope(() => {
          const y = layer.forward(x);
          const l = T.mean(T.mul(y, y));
          l.backward();
          return l;
        });
        opt.step();
        await loss.item();
        loss.dispose();
      },
    },
    req.spec as TimingSpec,
  );
  return { samples: timing.samples, peakDeviceMiB: peakDeviceMiB(device) };
}

/** The ops and overhead workloads named in `ids`, each reported as it ends (see runNodeWorkloads). */
async function ops(req: ChildRequest) {
  const { allCases } = await import('./suites/cases.js');
  const all = allCases();
  for (const id of req.ids as string[]) {
    process.stdout.write(`\n${MARK.start}${id}\n`);
    const c = all.find((x) => x.id === id);
    let row: Record<string, unknown>;
    try {
      if (!c) throw new Error(`unknown workload ${id}`);
      const spec = quickSpec(c.spec, Boolean(req.quick));
      const nc = c.nutshell();
      try {
        const timing = await measure(nc.workload, spec);
        row = { id, samples: timing.samples, spec, checks: nc.check ? await nc.check() : undefined };
      } finally {
        nc.dispose();
      }
    } catch (err) {
      const e = err as Error;
      row = { id, error: e.name === 'NotApplicable' ? `NotApplicable: ${e.message}` : e.message, missing: err instanceof OpMissing ? err.op : undefined };
    }
    process.stdout.write(`\n${MARK.row}${JSON.stringify(row)}\n`);
  }
  return {};
}

async function lenetInfer(req: ChildRequest) {
  needOps(...LENET_OPS.filter((o) => o !== 'crossEntropy'));
  const { readSafetensorsFile } = T;
  const p = loadParams(readSafetensorsFile(String(req.weights)).tensors);
  const d = readFashion(String(req.data), 'test');
  const bs = Number(req.batch);
  // The batches are tensors before the clock starts, as the peers' are (ORT's feeds, tfjs's
  // tensors, PyTorch's slices of one loaded tensor): the workload is the forward passes.
  const batches: Tensor[] = [];
  for (let i = 0; i < d.count; i += bs) {
    const n = Math.min(bs, d.count - i);
    batches.push(T.tensor(d.images.slice(i * 784, (i + n) * 784), { shape: [n, 1, 28, 28] }));
  }
  let out: Tensor | null = null;
  const run = () => {
    for (const x of batches) {
      out?.dispose();
      out = T.noGrad(() => T.scope(() => lenetForward(p, x)));
    }
  };
  const timing = await measure({ run, sync: () => synchronize() }, req.spec as TimingSpec);
  for (const x of batches) x.dispose();
  // Correctness: the same network in PyTorch gave these logits for this batch.
  const ref = readSafetensorsFile(String(req.reference)).tensors;
  const rx = ref.get('x')!;
  const logits = T.noGrad(() => lenetForward(p, T.tensor(rx.data as Float32Array, { shape: rx.shape })));
  const got = (await logits.data()) as Float32Array;
  const want = ref.get('logits')!.data as Float32Array;
  let err = got.length === want.length ? 0 : Infinity;
  for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
  return { samples: timing.samples, maxAbsDiffVsTorchLogits: err };
}

const TASKS = { ops, 'lenet-epoch': lenetEpoch, 'lenet-infer': lenetInfer, charlstm: charLstm, inception, transformer } as const;

async function main() {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChildRequest;
  setThreads(req.threads);
  let out: Record<string, unknown>;
  try {
    out = await TASKS[req.task](req);
  } catch (err) {
    out = { error: (err as Error).message, missing: err instanceof OpMissing ? (err as OpMissing).op : undefined, stack: (err as Error).stack?.split('\n').slice(0, 6).join('\n') };
  }
  out.peakRssMiB = maxRssMiB();
  process.stdout.write(`\n${MARK.result}${JSON.stringify(out)}\n`);
}

await main();
