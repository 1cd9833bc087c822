// Inference throughput of a small CNN (batch 16, one OpenMP thread per worker) with N worker_threads,
// each with its own cpu stream (Note [a stream per environment] in native/src/binding/addon.cc).
//   node bench/scripts/workers-throughput.mjs [workers=2] [batches=60]
import { Worker } from 'node:worker_threads';
const W = Number(process.argv[2] ?? 2), ITERS = Number(process.argv[3] ?? 60);
const code = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const T = await import('@nutshell/tensor');
  const nn = await import('@nutshell/nn');
  T.setNumThreads(1);
  T.manualSeed(1);
  const net = new nn.Sequential(new nn.Conv2d(3, 32, 3, {padding: 1}), new nn.ReLU(), new nn.Conv2d(32, 32, 3, {padding: 1}), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(32, 64, 3, {padding: 1}), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(64, 10));
  net.eval();
  const x = T.randn([16, 3, 32, 32]);
  const step = async () => { const y = T.noGrad(() => net.forward(x)); await y.data(); y.dispose(); };
  for (let i = 0; i < 5; i++) await step();
  parentPort.postMessage('ready');
  await new Promise((r) => parentPort.once('message', r));
  const t0 = performance.now();
  for (let i = 0; i < workerData.iters; i++) await step();
  parentPort.postMessage(performance.now() - t0);
})().catch((e) => parentPort.postMessage(String(e.stack)));
`;
const ws = Array.from({ length: W }, () => new Worker(code, { eval: true, workerData: { iters: ITERS } }));
await Promise.all(ws.map((w) => new Promise((r) => w.once('message', r))));
const t0 = performance.now();
ws.forEach((w) => w.postMessage('go'));
const times = await Promise.all(ws.map((w) => new Promise((r) => w.once('message', r))));
const wall = performance.now() - t0;
console.log(`${W} workers x ${ITERS} batches of 16: wall ${wall.toFixed(0)} ms, ${(W * ITERS * 16 / wall * 1000).toFixed(0)} img/s`, times.map(Number).map((t) => t.toFixed(0)));
await Promise.all(ws.map((w) => w.terminate()));
