// Tensors in worker_threads: each JS environment that loads the addon has its own handle table
// (binding/addon.cc), and the cpu stream serves them all, so workers compute beside the main
// thread without mixing up each other's tensors.
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
