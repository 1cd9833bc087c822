// LSTM forward+backward, nutshell (oneDNN lstm_forward/lstm_backward) against PyTorch CPU, with 1
// and 2 threads: seq 50, batch 32, 128 → 256, one layer, the same deterministic inputs both sides.
// A one-off measurement (not a test): prints median (and fastest) milliseconds per step and the
// ratio of medians. On a shared machine, compare the fastest too: other load only adds time.
//
//   npx tsx bench/ops/lstm.mjs                      (from the repository root; uses the TS sources)
//   NUTSHELL_ADDON=… TORCH_PYTHON=… npx tsx bench/ops/lstm.mjs [reps]
import { execFileSync } from 'node:child_process';

const T = await import('../../packages/tensor/src/index.ts');
const { addon } = await import('@nutshell/native');

const [SEQ, BATCH, I, H] = [50, 32, 128, 256];
const REPS = Number(process.argv[2] ?? 10);
const WARMUP = 3;
const python = process.env.TORCH_PYTHON ?? '/opt/torch-venv/bin/python';

// sin((i + 1)·a)·scale, as bench/python/common.py's det: identical inputs on both sides.
const det = (shape, a, scale = 1, requiresGrad = false) => {
  const n = shape.reduce((x, y) => x * y, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin((i + 1) * a) * scale;
  return T.tensor(v, { shape, requiresGrad });
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const synchronize = () => addon().synchronize(0, 0);

function nutshell(threads) {
  T.setNumThreads(threads);
  const weights = {
    weight_ih_l0: det([4 * H, I], 0.11, 0.1, true),
    weight_hh_l0: det([4 * H, H], 0.13, 0.1, true),
    bias_ih_l0: det([4 * H], 0.17, 0.1, true),
    bias_hh_l0: det([4 * H], 0.19, 0.1, true),
  };
  const x = det([SEQ, BATCH, I], 0.37, 1, true);
  const gy = det([SEQ, BATCH, H], 0.53);
  const leaves = [x, ...Object.values(weights)];
  const step = () => {
    for (const t of leaves) {
      t.grad?.dispose();
      t.grad = null;
    }
    T.scope(() => T.lstm(x, weights).output.backward(gy));
    synchronize();
  };
  const times = [];
  for (let i = 0; i < WARMUP + REPS; i++) {
    const t0 = performance.now();
    step();
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  const check = Array.from(weights.weight_hh_l0.grad.dataSync()).reduce((a, b) => a + b, 0);
  for (const t of [...leaves, gy]) t.dispose();
  return { ms: median(times), min: Math.min(...times), check };
}

function pytorch(threads) {
  const code = `
import math, statistics, sys, time, torch
torch.set_num_threads(${threads})
SEQ, BATCH, I, H = ${SEQ}, ${BATCH}, ${I}, ${H}
def det(shape, a, scale=1.0, grad=False):
    n = math.prod(shape)
    t = (torch.sin(torch.arange(1, n + 1, dtype=torch.float64) * a) * scale).float().reshape(shape)
    return t.requires_grad_(grad)
m = torch.nn.LSTM(I, H)
with torch.no_grad():
    m.weight_ih_l0.copy_(det([4 * H, I], 0.11, 0.1)); m.weight_hh_l0.copy_(det([4 * H, H], 0.13, 0.1))
    m.bias_ih_l0.copy_(det([4 * H], 0.17, 0.1)); m.bias_hh_l0.copy_(det([4 * H], 0.19, 0.1))
x = det([SEQ, BATCH, I], 0.37, 1.0, True); gy = det([SEQ, BATCH, H], 0.53)
times = []
for i in range(${WARMUP + REPS}):
    t0 = time.perf_counter()
    x.grad = None
    for p in m.parameters(): p.grad = None
    m(x)[0].backward(gy)
    if i >= ${WARMUP}: times.append((time.perf_counter() - t0) * 1e3)
print(statistics.median(times), min(times), float(m.weight_hh_l0.grad.double().sum()))
`;
  const [ms, min, check] = execFileSync(python, ['-c', code], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  return { ms, min, check };
}

console.log(`LSTM seq ${SEQ}, batch ${BATCH}, ${I}→${H}, forward+backward, median of ${REPS} (oneDNN ${T.backends().cpu.facts.onednn})`);
for (const threads of [2, 1]) {
  const ours = nutshell(threads);
  const theirs = pytorch(threads);
  const agree = Math.abs(ours.check - theirs.check) <= 1e-3 * (1 + Math.abs(theirs.check));
  console.log(
    `${threads} thread${threads > 1 ? 's' : ' '}: nutshell ${ours.ms.toFixed(1)} ms (fastest ${ours.min.toFixed(1)}), ` +
      `PyTorch ${theirs.ms.toFixed(1)} ms (fastest ${theirs.min.toFixed(1)}), ratio ${(ours.ms / theirs.ms).toFixed(2)} (fastest ${(ours.min / theirs.min).toFixed(2)})` +
      ` (grad check ${agree ? 'agrees' : `DIFFERS: ${ours.check} vs ${theirs.check}`})`,
  );
}
