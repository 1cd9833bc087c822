// Runs the ops and overhead suites at one thread count. Workload by workload, every
// implementation in turn (nutshell in a child process, PyTorch in python, ONNX Runtime and tfjs
// here), never two at once: a ratio then compares figures taken seconds apart, under the same
// load from whatever else shares the machine.
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

export async function runOpCases(ctx: Context, suite: string, cases: OpCase[], pyVersions: Record<string, string>): Promise<void> {
  const { quick } = ctx.opts;
  const selected = cases.filter((c) => !ctx.opts.filter || c.id.includes(ctx.opts.filter));
  if (!selected.length) return;
  ctx.log(`[${suite}] ${ctx.threads} thread(s)`);
  for (const c of selected) {
    const base: RowBase = { suite, workload: c.id, label: c.label, flops: c.flops };
    const spec = quickSpec(c.spec, quick);
    const load = () => ({ load1: Math.round(loadavg()[0] * 100) / 100 });

    let checks: Record<string, [number, number]> | undefined;
    const nut = await attempt(ctx, base, 'nutshell', async () => {
      const r = (await runNodeWorkloads<NutReply>({ task: 'ops', threads: ctx.threads, quick, ids: [c.id] })).get(c.id) as NutReply | undefined;
      if (r?.missing) throw new OpMissing(r.missing);
      if (r?.error?.startsWith('NotApplicable:')) throw new NotApplicable(r.error.slice('NotApplicable:'.length).trim());
      if (!r?.samples) throw new Error(r?.error ?? 'no result');
      checks = r.checks;
      return { timing: timingFromSamples(r.samples, r.spec!), extra: load() };
    });

    if (c.py && ctx.opts.peers.includes('torch')) {
      const workloads: (Record<string, unknown> & { id: string })[] = [{ id: c.id, ...c.py, spec }];
      if (c.numpy) workloads.push({ id: `${c.id}#numpy`, ...c.py, impl: 'numpy', spec });
      let reply: PyReply | undefined;
      let failure: unknown;
      try {
        reply = await runPython<PyReply>('ops.py', { threads: ctx.threads, workloads });
        Object.assign(pyVersions, reply.versions);
      } catch (err) {
        failure = err;
      }
      for (const w of workloads) {
        const impl = w.id.endsWith('#numpy') ? 'numpy' : 'torch';
        await attempt(ctx, base, impl, async () => {
          if (!reply) throw failure;
          const r = reply.results[w.id];
          if (!r?.samples) throw new Error(r?.error ?? 'no result');
          if (impl === 'torch' && checks && nut.status === 'ok') {
            const diff = compareChecksums(checks, r.checksum);
            if (diff) nut.extra = { ...nut.extra, maxRelDiffVsTorch: Math.max(...Object.values(diff)), relDiffVsTorch: diff };
          }
          return { timing: timingFromSamples(r.samples, spec), extra: load() };
        });
      }
    }

    if (c.ort && ctx.opts.peers.includes('ort')) {
      await attempt(ctx, base, 'ort', async () => {
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
        await attempt(ctx, base, backend === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu', async () => {
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
