#!/usr/bin/env node
// `npm run bench -- [--suite ops,overhead,training,inference] [--threads 1,2] [--device cpu,cuda] [--quick]`
// Runs the suites once per thread count on cpu (and once more on cuda when a GPU is usable),
// every implementation one after the other, and writes results/<date>-<device>.json, .md and the
// ratio charts (.png).
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, USAGE, type Options } from './args.js';
import { benchRoot, peersDir, resultsDir } from './paths.js';
import { deviceSlug, cpuModel } from './machine.js';
import { evaluateGoals, goalsTable, type BenchResult, type Row, writeResults } from './results.js';
import { renderCharts } from './charts.js';
import { peersStatus, peerVersion } from './peers/load.js';
import type { Context } from './suite.js';

const OMP_KEYS = ['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'OMP_PROC_BIND', 'ONEDNN_MAX_CPU_ISA'] as const;

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2), { out: resultsDir });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (opts.render) {
    const result = JSON.parse(readFileSync(opts.render, 'utf8')) as BenchResult;
    result.goals = evaluateGoals(result.rows, result.meta.threads);
    const files = writeResults(dirname(opts.render), result, renderCharts);
    console.log(`bench: rewrote ${files.markdown}\n       ${files.charts.join('\n       ')}`);
    return;
  }
  if (!existsSync(join(peersDir, 'status.json')) && !process.env.NUTSHELL_BENCH_NO_SETUP) {
    console.log('bench: peers not set up yet; running scripts/setup-peers.sh (once)');
    spawnSync('bash', [join(benchRoot, 'scripts', 'setup-peers.sh')], { stdio: 'inherit' });
  }
  // Loading the addon sets nutshell's OpenMP default (OMP_WAIT_POLICY=PASSIVE, unless the user
  // chose) in this process's environment; the peers' child processes must not inherit it, so each
  // implementation runs with its own defaults, as a user gets it out of the box.
  const userOmp = Object.fromEntries(OMP_KEYS.map((k) => [k, process.env[k]]));
  // Imported here so that --help and argument errors work without the native addon.
  const nut = await import('./nut.js');
  const { opCases, overheadCases } = await import('./suites/cases.js');
  const { runOpCases } = await import('./suites/ops.js');
  const { runTraining } = await import('./suites/training.js');
  const { runInference } = await import('./suites/inference.js');

  const started = Date.now();
  const versions: Record<string, string> = { node: process.version };
  try {
    Object.assign(versions, nut.nutshellVersions());
  } catch (err) {
    console.error(`bench: nutshell does not load: ${(err as Error).message}`);
    process.exit(1);
  }
  for (const [k, v] of Object.entries(userOmp)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const cudaBackend = nut.T.backends().cuda;
  // The first GPU's name, e.g. 'NVIDIA H100 80GB HBM3' (facts.device0 also says '(sm_90, … MiB)').
  const gpu = cudaBackend.available ? String((cudaBackend.facts as Record<string, unknown>).device0 ?? 'gpu').replace(/\s*\(.*\)\s*$/, '') : undefined;
  const devices = opts.devices ?? (gpu ? ['cpu', 'cuda'] : ['cpu']);
  if (devices.includes('cuda') && !gpu) {
    console.error(`bench: --device cuda, but cuda is unavailable: ${cudaBackend.reason ?? 'not built'}`);
    process.exit(1);
  }
  const pyVersions: Record<string, string> = {};
  const rows: Row[] = [];
  const notes: string[] = [];
  const log = (l: string) => console.log(l);
  console.log(`bench: ${cpuModel()}, ${availableParallelism()} cores${gpu ? `, ${gpu}` : ''}; devices ${devices.join(',')}; threads ${opts.threads.join(',')}; suites ${opts.suites.join(',')}${opts.quick ? '; quick' : ''}`);
  console.log(`bench: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);

  for (const device of devices) {
    // On cuda the host threads only launch work: one pass, at the largest count.
    for (const threads of device === 'cpu' ? opts.threads : [Math.max(...opts.threads)]) {
      nut.setThreads(threads);
      const ctx: Context = { opts, device, threads, rows, log, notes };
      for (const suite of opts.suites) {
        if (suite === 'ops') await runOpCases(ctx, 'ops', opCases(device), pyVersions);
        if (suite === 'overhead') await runOpCases(ctx, 'overhead', overheadCases(device), pyVersions);
        if (suite === 'training') await runTraining(ctx);
        if (suite === 'inference' && device === 'cpu') await runInference(ctx, pyVersions);
      }
    }
  }
  if (devices.includes('cuda')) {
    notes.push(`cuda rows: ${gpu}, one pass at ${Math.max(...opts.threads)} host threads. Both sides compute in strict float32: nutshell's cuDNN descriptors use CUDNN_FMA_MATH, and PyTorch runs with cudnn.allow_tf32 and cuda.matmul.allow_tf32 off and cudnn.benchmark on (the counterpart of algo 'auto'). Each convolution has one row per cuDNN algorithm (the backward passes use the algorithm of the same kind, Note [conv algorithm names]); PyTorch is compared with 'auto'. The inference suite runs on cpu only (ONNX Runtime for Node has no CUDA provider here).`);
  }

  if (pyVersions.torch) versions.torch = pyVersions.torch;
  if (pyVersions.numpy) versions.numpy = pyVersions.numpy;
  if (pyVersions.python) versions.python = pyVersions.python;
  for (const p of ['onnxruntime-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
    const v = peerVersion(p);
    if (v) versions[p] = v;
  }
  notes.push(`tfjs rows are measured at 1 thread only (its cpu backend is plain JavaScript and the wasm backend runs single-threaded in Node); tfjs computes NHWC.`);
  notes.push(`nutshell conv/pool/LSTM forward+backward rows go through autograd (gradients for input, weight and bias), as PyTorch's rows do; gradients are assigned, not accumulated, on both sides.`);
  const ompEnv = OMP_KEYS.filter((k) => userOmp[k]);
  notes.push(
    ompEnv.length
      ? `environment for every implementation: ${ompEnv.map((k) => `${k}=${userOmp[k]}`).join(', ')}`
      : 'OpenMP settings left at each implementation\'s defaults, as a user gets them out of the box: nutshell\'s idle OpenMP threads sleep (it sets OMP_WAIT_POLICY=PASSIVE when unset), PyTorch\'s libgomp spins a while before sleeping.',
  );
  const peers = peersStatus();
  if (peers['@tensorflow/tfjs-node']) notes.push(`@tensorflow/tfjs-node: ${(peers['@tensorflow/tfjs-node'] as { status: string }).status}`);

  const result: BenchResult = {
    meta: {
      date: new Date().toISOString(),
      device: deviceSlug(devices.includes('cuda') ? gpu : undefined),
      devices,
      cpu: cpuModel(),
      cores: availableParallelism(),
      threads: opts.threads,
      quick: opts.quick,
      suites: opts.suites,
      versions,
      peers,
      notes,
      wallSeconds: Math.round((Date.now() - started) / 1000),
    },
    rows,
    goals: evaluateGoals(rows, opts.threads),
  };
  const files = writeResults(opts.out, result, renderCharts);
  console.log('\n' + goalsTable(result.goals));
  console.log(`\nbench: wrote ${files.json}\n       ${files.markdown}\n       ${files.charts.join('\n       ')}`);
}

await main();
