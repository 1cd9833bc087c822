// Batches per second of the Fashion-MNIST loader at batch 64: on the main thread and with
// worker threads, without and with a flip + crop transform. Two consumers: an idle one that only
// disposes each batch (the loader alone), and a busy one that also holds the main thread for
// 1 ms per batch (a stand-in for a training step's JS work), which only workers can overlap.
// Prints a table; writes JSON to the path in argv.
//
//   npx tsx bench/loader.bench.ts results.json [batches]
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import { DataLoader, FashionMNIST, compose, randomCrop, randomHorizontalFlip, type ImageSample } from '@nutshell/data';

const out = process.argv[2];
const batches = Number(process.argv[3] ?? 400);
const batchSize = 64;

interface Row {
  name: string;
  workers: number;
  transform: boolean;
  /** From the start of the epoch (workers spawned, dataset re-read in each) to the first batch. */
  firstBatchMs: number;
  /** Steady state (the batches after the first), idle consumer. */
  batchesPerSec: number;
  samplesPerSec: number;
  /** Steady state with a consumer busy for 1 ms per batch (at most 1000 batches/s). */
  busyBatchesPerSec: number;
}

function load(transform: boolean): FashionMNIST {
  return new FashionMNIST({ train: true, transform: transform ? compose(randomCrop(28, { padding: 2 }), randomHorizontalFlip()) : undefined });
}

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Time to the first batch, and batches/s after it. */
async function run(dataset: FashionMNIST, workers: number, busyMs: number): Promise<{ firstMs: number; perSec: number }> {
  const loader = new DataLoader<ImageSample>(dataset, { batchSize, shuffle: true, seed: 0, workers, prefetch: Math.max(2, 2 * workers) });
  const t0 = performance.now();
  let t1 = 0;
  let n = 0;
  for await (const { image, label } of loader) {
    image.dispose();
    label.dispose();
    if (busyMs > 0) spin(busyMs);
    if (n++ === 0) t1 = performance.now();
    if (n === batches) break;
  }
  return { firstMs: t1 - t0, perSec: ((n - 1) * 1000) / (performance.now() - t1) };
}

async function measure(name: string, dataset: FashionMNIST, workers: number, transform: boolean): Promise<Row> {
  const idle = await run(dataset, workers, 0);
  const busy = await run(dataset, workers, 1);
  return {
    name, workers, transform, firstBatchMs: idle.firstMs,
    batchesPerSec: idle.perSec, samplesPerSec: idle.perSec * batchSize, busyBatchesPerSec: busy.perSec,
  };
}

const t = performance.now();
const plain = load(false);
const loadMs = performance.now() - t;
const augmented = load(true);

const rows: Row[] = [];
for (const [dataset, transform] of [[plain, false], [augmented, true]] as const) {
  for (const workers of [0, 2]) {
    const name = `${workers === 0 ? 'main thread' : `${workers} workers`}${transform ? ', flip+crop' : ''}`;
    rows.push(await measure(name, dataset, workers, transform));
  }
}

console.log(`Fashion-MNIST train (60000), batch ${batchSize}, ${batches} batches per run; dataset load ${loadMs.toFixed(0)} ms`);
console.log(`${'loader'.padEnd(26)} ${'first batch ms'.padStart(14)} ${'batches/s'.padStart(10)} ${'samples/s'.padStart(10)} ${'batches/s, busy 1 ms'.padStart(21)}`);
for (const r of rows) {
  const cells = [r.firstBatchMs, r.batchesPerSec, r.samplesPerSec].map((v, i) => v.toFixed(0).padStart(i === 0 ? 14 : 10));
  console.log(`${r.name.padEnd(26)} ${cells.join(' ')} ${r.busyBatchesPerSec.toFixed(0).padStart(21)}`);
}

if (out) {
  mkdirSync(dirname(out), { recursive: true });
  const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version };
  writeFileSync(out, `${JSON.stringify({ bench: 'data/loader', batchSize, batches, datasetLoadMs: loadMs, machine, rows }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
