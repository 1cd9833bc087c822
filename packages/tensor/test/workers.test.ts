// Tensors in worker_threads: each JS environment that loads the addon has its own handle table
// and its own cpu stream (Note [a stream per environment] in binding/addon.cc), so workers
// compute beside the main thread, in parallel, without mixing up each other's tensors.
import { readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { add, manualSeed, matmul, randn, sum, tensor } from '../src/index.js';

// Loads the built package (npm run build runs before npm test), as a user's worker would.
const workerCode = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const T = await import('@nutshell/tensor');
  T.manualSeed(workerData.seed);
  const results = [];
  for (let i = 0; i < 50; i++) {
    const a = T.randn([64, 64]);
    const s = T.sum(T.matmul(a, a));
    results.push(await s.item());
    a.dispose();
    s.dispose();
    // Many small ops: every one adds and releases handles while the other threads do the same.
    let acc = T.tensor([0]);
    for (let k = 0; k < 2000; k++) {
      const one = T.tensor([1]);
      const next = T.add(acc, one);
      one.dispose();
      acc.dispose();
      acc = next;
    }
    results.push(await acc.item());
    acc.dispose();
  }
  parentPort.postMessage({ results, live: T.memory().liveTensors });
})().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

function inWorker(seed: number): Promise<{ results: number[]; error?: string }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerCode, { eval: true, workerData: { seed } });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

function onMain(seed: number): number[] {
  manualSeed(seed);
  const out: number[] = [];
  for (let i = 0; i < 50; i++) {
    const a = randn([64, 64]);
    const s = sum(matmul(a, a));
    out.push(s.itemSync());
    a.dispose();
    s.dispose();
    let acc = tensor([0]);
    for (let k = 0; k < 2000; k++) {
      const one = tensor([1]);
      const next = add(acc, one);
      one.dispose();
      acc.dispose();
      acc = next;
    }
    out.push(acc.itemSync());
    acc.dispose();
  }
  return out;
}

it('two worker_threads and the main thread compute side by side, each with its own tensors', async () => {
  const expected = [onMain(1), onMain(2)];
  const [w1, w2] = await Promise.all([inWorker(1), inWorker(2), Promise.resolve().then(() => onMain(3))]);
  expect(w1.error).toBeUndefined();
  expect(w2.error).toBeUndefined();
  expect(w1.results).toEqual(expected[0]);
  expect(w2.results).toEqual(expected[1]);
}, 60_000);

it('terminating a worker while its read waits on the stream leaves the process running (found by a user trial: it aborted)', async () => {
  // The read completes after the worker's environment is gone; settling its promise then threw
  // out of the completion callback, which aborted the whole process.
  const code = `
const { parentPort } = require('node:worker_threads');
(async () => {
  const T = await import('@nutshell/tensor');
  const a = T.randn([512, 512]);
  let y = a;
  for (let i = 0; i < 30; i++) y = T.matmul(y, a);
  void y.data();
  parentPort.postMessage('reading');
  setInterval(() => {}, 1000);
})();
`;
  for (let k = 0; k < 3; k++) {
    const w = new Worker(code, { eval: true });
    await new Promise((resolve) => w.once('message', resolve));
    await w.terminate();
  }
  expect(await sum(tensor([1, 2, 3])).item()).toBe(6);
});

it("a worker's queued ops do not hold up the main thread's: each environment has its own stream", async () => {
  // The worker queues ~1 s of matrix products and says so without waiting for them; the main
  // thread's read (of an op too large to run inline) must not wait behind them. Afterwards the
  // worker's own kernel count, read without waiting, shows most of its work still queued. With
  // one stream for the process, the main read came after all 200.
  const code = `
const { parentPort } = require('node:worker_threads');
(async () => {
  const T = await import('@nutshell/tensor');
  const { addon } = await import('@nutshell/native');
  T.setNumThreads(1);
  const a = T.randn([384, 384]);
  addon().control(0, 'profileReset', '{}');
  addon().control(0, 'profileStart', '{}');
  const outs = [];
  for (let i = 0; i < 200; i++) outs.push(T.matmul(a, a));
  parentPort.postMessage('queued');
  parentPort.once('message', () => {
    const ops = JSON.parse(addon().control(0, 'profileRead', '{}')).ops;
    const done = ops.filter((o) => o.op === 'matmul').reduce((n, o) => n + o.calls, 0);
    parentPort.postMessage(done);
    void outs.at(-1).data().then(() => process.exit(0));
  });
})();
`;
  const w = new Worker(code, { eval: true });
  await new Promise((resolve) => w.once('message', resolve));
  const x = randn([256, 256]);
  const y = add(x, 1);
  await y.data();
  w.postMessage('report');
  const done = await new Promise<number>((resolve) => w.once('message', resolve));
  x.dispose();
  y.dispose();
  expect(done).toBeLessThan(200);
  await new Promise((resolve) => w.once('exit', resolve));
}, 60_000);

it("an ended worker's stream thread ends with it (a pool of short-lived workers leaves no threads behind)", async () => {
  const code = `
const { parentPort } = require('node:worker_threads');
(async () => {
  const T = await import('@nutshell/tensor');
  const a = T.randn([256, 256]);
  const outs = [];
  for (let i = 0; i < 50; i++) outs.push(T.matmul(a, a));  // left queued: dropped when the worker ends
  parentPort.postMessage(await T.sum(a).item());
})();
`;
  const threads = () => readdirSync('/proc/self/task').length;
  const runWorker = async () => {
    const w = new Worker(code, { eval: true });
    await new Promise((resolve) => w.once('message', resolve));
    await w.terminate();
  };
  await runWorker();  // starts whatever the process keeps (libuv's thread pool)
  const before = threads();
  for (let k = 0; k < 8; k++) await runWorker();
  // Node joins a worker's own threads after terminate() resolves; give them a moment.
  for (let i = 0; i < 50 && threads() > before; i++) await new Promise((r) => setTimeout(r, 20));
  expect(threads()).toBeLessThanOrEqual(before);
}, 60_000);

it('a worker with a read outstanding ends without running its queue (Note [reads as stream tasks]; found by a review: up to 8 s)', async () => {
  // ~5 s of matrix products queued on one thread, and a read of the last one pending: the queue
  // is dropped at terminate() instead of run first. (A read that waited on the thread pool held
  // the worker's teardown until the whole queue had run.)
  const code = `
const { parentPort } = require('node:worker_threads');
(async () => {
  const T = await import('@nutshell/tensor');
  T.setNumThreads(1);
  const a = T.randn([320, 320]);
  let x = a;
  for (let i = 0; i < 1000; i++) x = T.matmul(x, a);
  void x.data();
  parentPort.postMessage('queued');
})();
`;
  const w = new Worker(code, { eval: true });
  await new Promise((resolve) => w.once('message', resolve));
  const start = performance.now();
  await w.terminate();
  expect(performance.now() - start).toBeLessThan(2500);
}, 60_000);

it('terminating workers in the middle of their read loops never takes the process down (found by a user trial: SIGABRT within ~100)', async () => {
  const code = `
const { parentPort } = require('node:worker_threads');
import('@nutshell/tensor').then(async (T) => {
  T.setNumThreads(1);
  const x = T.randn([8, 64]);
  parentPort.postMessage('ready');
  for (let i = 0; ; i++) { const y = x.relu().sum(1); if (i % 2) await y.array(); else y.dataSync(); y.dispose(); }
});`;
  for (let i = 0; i < 25; i++) {
    const w = new Worker(code, { eval: true });
    await new Promise((resolve) => w.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, (i % 5) + 1));
    await w.terminate();
  }
  expect(await sum(tensor([1, 2, 3])).item()).toBe(6);
}, 120_000);

it('terminate() ends a worker blocked waiting for queue space or in dataSync() without running its queue (Note [waits a terminated worker leaves])', async () => {
  // 320×320 matmuls at one thread, a few ms each: a worker that queues 5000 without awaiting
  // blocks for queue space; one that reads 900 of them with dataSync() blocks for all 900.
  // Before, terminate() waited for 512 (2.6 s) or all of them (1.5 s).
  const blocked = (tail: string) => `
const { parentPort } = require('node:worker_threads');
(async () => {
  const T = await import('@nutshell/tensor');
  T.setNumThreads(1);
  const a = T.randn([320, 320]);
  parentPort.postMessage('ready');
  let x = a;
  ${tail}
})();
`;
  for (const tail of ['for (let i = 0; i < 5000; i++) x = T.matmul(x, a);', 'for (let i = 0; i < 900; i++) x = T.matmul(x, a); x.dataSync();']) {
    const w = new Worker(blocked(tail), { eval: true });
    await new Promise((resolve) => w.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const start = performance.now();
    await w.terminate();
    expect(performance.now() - start).toBeLessThan(700);
  }
  expect(await sum(tensor([1, 2, 3])).item()).toBe(6);
}, 60_000);
