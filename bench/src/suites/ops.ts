// Runs the ops and overhead suites at one thread count on one device. On cpu, workload by
// workload, every implementation in turn (nutshell in a child process, PyTorch in python, ONNX
// Runtime and tfjs here), never two at once: a ratio then compares figures taken seconds apart,
// under the same load from whatever else shares the machine.
import { loadavg } from 'node:os';
import { measure, quickSpec, timingFromSamples, type TimingSpec } from '../timing.js';
import { runNodeWorkloads } from '../peers/node-child.js';
import { OpMissing } from '../nut.js';
import { attempt, compareChecksums, NotApplicable, type Context, type RowBase } from '../suite.js';
import { runPython } from '../peers/torch.js';
import { ortSession, loadOrt } from '../peers/ort.js';
import { useBackend, type TfBackend } from '../peers/tfjs.js';
import type { OpCase } from './cases.js';

interface PyReply {
  versions: Record<string, string>;
  results: Record<string, { samples?: number[]; checksum?: Record<string, [number, number]>; error?: string }>;
}

type NutReply = { id: string; samples?: number[]; spec?: TimingSpec; checks?: Record<string, [number, number]>; error?: string; missing?: string };

/** tfjs gets fewer repetitions: its slowest rows take seconds per call. */
const tfSpec = (spec: TimingSpec): TimingSpec => ({ warmup: 1, reps: Math.min(spec.reps, 5), inner: spec.inner });

/**
 * Measures the cases: workload by workload on cpu; on cuda every nutshell workload in one child
 * process and every PyTorch workload in one python process (a dedicated GPU does not share its
 * load the way two cpu cores do, and each new process would load cuDNN again).
 */
export async function runOpCases(ctx: Context, suite: string, cases: OpCase[], pyVersions: Record<string, string>): Promise<void> {
  const selected = cases.filter((c) => !ctx.opts.filter || c.id.includes(ctx.opts.filter));
  if (!selected.length) return;
  ctx.log(`[${suite}] ${ctx.device}, ${ctx.threads} thread(s)`);
  const batches = ctx.device === 'cpu' ? selected.map((c) => [c]) : [selected];
  for (const batch of batches) await runBatch(ctx, suite, batch, pyVersions);
}

async function runBatch(ctx: Context, suite: string, cases: OpCase[], pyVersions: Record<string, string>): Promise<void> {
  const { quick } = ctx.opts;
  const load = () => ({ load1: Math.round(loadavg()[0] * 100) / 100 });
  const base = (c: OpCase): RowBase => ({ suite, workload: c.id, label: c.label, flops: c.flops });

  let nutReplies: Map<string, NutReply> | undefined;
  let nutFailure: unknown;
  try {
    nutReplies = (await runNodeWorkloads<NutReply>({ task: 'ops', threads: ctx.threads, quick, ids: cases.map((c) => c.id) })) as Map<string, NutReply>;
  } catch (err) {
    nutFailure = err;
  }
  const pyWorkloads = ctx.opts.peers.includes('torch')
    ? cases.flatMap((c) => {
        if (!c.py) return [];
        const spec = quickSpec(c.spec, quick);
        const w: (Record<string, unknown> & { id: string })[] = [{ id: c.id, ...c.py, spec }];
        if (c.numpy) w.push({ id: `${c.id}#numpy`, ...c.py, impl: 'numpy', spec });
        return w;
      })
    : [];
  let pyReply: PyReply | undefined;
  let pyFailure: unknown;
  if (pyWorkloads.length) {
    try {
      pyReply = await runPython<PyReply>('ops.py', { threads: ctx.threads, workloads: pyWorkloads });
      Object.assign(pyVersions, pyReply.versions);
    } catch (err) {
      pyFailure = err;
    }
  }

  for (const c of cases) {
    const spec = quickSpec(c.spec, quick);
    let checks: Record<string, [number, number]> | undefined;
    const nut = await attempt(ctx, base(c), 'nutshell', async () => {
      if (!nutReplies) throw nutFailure;
      const r = nutReplies.get(c.id);
      if (r?.missing) throw new OpMissing(r.missing);
      if (r?.error?.startsWith('NotApplicable:')) throw new NotApplicable(r.error.slice('NotApplicable:'.length).trim());
      if (!r?.samples) throw new Error(r?.error ?? 'no result');
      checks = r.checks;
      return { timing: timingFromSamples(r.samples, r.spec!), extra: load() };
    });

    for (const w of pyWorkloads.filter((x) => x.id === c.id || x.id === `${c.id}#numpy`)) {
      const impl = w.id.endsWith('#numpy') ? 'numpy' : 'torch';
      await attempt(ctx, base(c), impl, async () => {
        if (!pyReply) throw pyFailure;
        const r = pyReply.results[w.id];
        if (!r?.samples) throw new Error(r?.error ?? 'no result');
        if (impl === 'torch' && checks && nut.status === 'ok') {
          const diff = compareChecksums(checks, r.checksum);
          if (diff) nut.extra = { ...nut.extra, maxRelDiffVsTorch: Math.max(...Object.values(diff)), relDiffVsTorch: diff };
        }
        return { timing: timingFromSamples(r.samples, spec), extra: load() };
      });
    }

    if (c.ort && ctx.opts.peers.includes('ort')) {
      await attempt(ctx, base(c), 'ort', async () => {
        const o = loadOrt();
        const session = await ortSession(c.ort!.model, ctx.threads);
        const x = new o.Tensor('float32', c.ort!.input(), c.ort!.dims);
        try {
          return { timing: await measure({ run: () => session.runTensors({ x }) }, spec), extra: load() };
        } finally {
          await session.release();
        }
      });
    }

    // tfjs is single-threaded here (see peers/tfjs.ts): measured at 1 thread only.
    if (c.tfjs && ctx.opts.peers.includes('tfjs') && ctx.threads === 1) {
      for (const backend of ['wasm', 'cpu'] as TfBackend[]) {
        await attempt(ctx, base(c), backend === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu', async () => {
          if (backend === 'cpu' && c.id === 'peak.sgemm') throw new NotApplicable('skipped (tens of seconds per call in plain JavaScript)');
          if (backend === 'cpu' && quick && c.heavy) throw new NotApplicable('skipped in --quick (seconds per call in plain JavaScript)');
          const tf = await useBackend(backend);
          const pc = c.tfjs!(tf);
          try {
            return { timing: await measure(pc.workload, quickSpec(tfSpec(c.spec), quick)), extra: load() };
          } finally {
            pc.dispose?.();
          }
        });
      }
    }
  }
}
