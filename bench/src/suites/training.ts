// Training and memory: LeNet epochs on Fashion-MNIST (images/s, epoch time, peak RSS; on cuda
// the peak bytes of tensors on the GPU instead), char-LSTM steps, Inception-block steps. Each side
// runs every task in a process of its own, on the context's device.
import { loadavg } from 'node:os';
import { charTextFiles, findFashion, shapes } from '../paths.js';
import { runNodeChild } from '../peers/node-child.js';
import { runPython } from '../peers/torch.js';
import { quickSpec, timingFromSamples, type TimingSpec } from '../timing.js';
import { OpMissing } from '../nut.js';
import { attempt, failedRow, NotApplicable, type Context, type RowBase } from '../suite.js';
import type { Impl, Row, StepProfileRow } from '../results.js';

interface TaskReply {
  samples?: number[];
  epochMs?: number;
  steps?: number;
  images?: number;
  peakRssMiB?: number;
  baselineRssMiB?: number;
  peakDeviceMiB?: number;
  firstLoss?: number;
  lastLoss?: number;
  stepProfile?: StepProfileRow[];
  profiledStepMs?: number;
  error?: string;
  missing?: string;
  [k: string]: unknown;
}

async function runTask(impl: Impl, req: Record<string, unknown> & { threads: number }): Promise<TaskReply> {
  const reply = impl === 'nutshell' ? await runNodeChild<TaskReply>(req) : await runPython<TaskReply>('train.py', req);
  if (reply.missing) throw new OpMissing(reply.missing);
  if (reply.error) throw new Error(reply.error);
  return reply;
}

function implsOf(ctx: Context): Impl[] {
  return ctx.opts.peers.includes('torch') ? ['nutshell', 'torch'] : ['nutshell'];
}

export async function runTraining(ctx: Context): Promise<void> {
  const { quick } = ctx.opts;
  const { device } = ctx;
  const cpu = device === 'cpu';
  // Ids and labels on cuda carry the device (the cpu ones keep their historical ids).
  const named = (id: string, label: string) => (cpu ? { workload: id, label } : { workload: `${device}.${id}`, label: `${device} ${label}` });
  const want = (id: string) => !ctx.opts.filter || named(id, '').workload.includes(ctx.opts.filter);
  const data = findFashion();

  // LeNet epoch: the epoch row (wall time), the step row (median step), the memory row.
  if (want('train.lenet') || want('memory.lenet')) {
    const l = shapes.lenet;
    const images = quick ? 6400 : 60000;
    const steps = Math.floor(images / l.batch);
    const epochBase: RowBase = { suite: 'training', ...named('train.lenet.epoch', `LeNet epoch, Fashion-MNIST ${steps * l.batch} images, batch ${l.batch}`), items: { count: steps * l.batch, unit: 'images' } };
    const stepBase: RowBase = { suite: 'training', ...named('train.lenet.step', `LeNet training step, batch ${l.batch}`), items: { count: l.batch, unit: 'images' } };
    const memBase: RowBase = cpu
      ? { suite: 'memory', ...named('memory.lenet.peakRss', `LeNet epoch peak RSS (${steps * l.batch} images)`) }
      : { suite: 'memory', ...named('memory.lenet.peakDevice', `LeNet epoch peak GPU tensor memory (${steps * l.batch} images)`) };
    for (const impl of implsOf(ctx)) {
      ctx.log(`[training] LeNet epoch, ${impl}, ${device}, ${ctx.threads} thread(s)`);
      const load1 = Math.round(loadavg()[0] * 100) / 100;
      try {
        if (!data) throw new NotApplicable('Fashion-MNIST not found (apt-get install dataset-fashion-mnist)');
        const r = await runTask(impl, { task: 'lenet-epoch', threads: ctx.threads, device, data, images, batch: l.batch, lr: l.lr, momentum: l.momentum, warmupSteps: quick ? 5 : 10 });
        const stepTiming = timingFromSamples(r.samples!, { warmup: quick ? 5 : 10, reps: r.samples!.length, inner: 1 });
        const loss = { firstLoss: r.firstLoss, lastLoss: r.lastLoss };
        const profiled = r.stepProfile ? { stepProfile: r.stepProfile, profiledStepMs: r.profiledStepMs } : {};
        push(ctx, { ...epochBase, threads: ctx.threads, impl, status: 'ok', value: r.epochMs, unit: 'ms', extra: { medianStepMs: stepTiming.median, ...loss, load1, ...profiled } });
        push(ctx, { ...stepBase, threads: ctx.threads, impl, status: 'ok', value: stepTiming.median, unit: 'ms', timing: stepTiming, extra: { load1 } });
        if (cpu) push(ctx, { ...memBase, threads: ctx.threads, impl, status: 'ok', value: r.peakRssMiB, unit: 'MiB', extra: { baselineRssMiB: r.baselineRssMiB, growthMiB: r.peakRssMiB! - r.baselineRssMiB!, load1 } });
        else push(ctx, { ...memBase, threads: ctx.threads, impl, status: 'ok', value: r.peakDeviceMiB, unit: 'MiB', extra: { peakRssMiB: r.peakRssMiB } });
      } catch (err) {
        for (const b of [epochBase, stepBase, memBase]) push(ctx, failedRow(b, ctx.threads, impl, err));
      }
    }
  }

  const stepTask = async (id: string, label: string, task: string, spec: TimingSpec, params: Record<string, unknown>, unit: { count: number; unit: string }) => {
    if (!want(id)) return;
    const s = quickSpec(spec, quick);
    for (const impl of implsOf(ctx)) {
      await attempt(ctx, { suite: 'training', ...named(id, label), items: unit }, impl, async () => {
        const load1 = Math.round(loadavg()[0] * 100) / 100;
        const r = await runTask(impl, { task, threads: ctx.threads, device, spec: s, ...params });
        return { timing: timingFromSamples(r.samples!, s), extra: { load1, ...(r.peakDeviceMiB !== undefined ? { peakDeviceMiB: r.peakDeviceMiB } : {}) } };
      });
    }
  };
  const c = shapes.charLstm;
  await stepTask('train.charlstm.step', `char-LSTM step, seq ${c.seq} batch ${c.batch} hidden ${c.hidden} (Adam)`, 'charlstm', { warmup: 3, reps: 30, inner: 1 }, { ...c, files: charTextFiles }, { count: 1, unit: 'steps' });
  const i = shapes.inception;
  await stepTask('train.inception.step', `Inception (3a) block step, N=${i.n} ${i.c}ch ${i.h}x${i.w} (SGD)`, 'inception', { warmup: 2, reps: 10, inner: 1 }, i, { count: i.n, unit: 'images' });
  const t = shapes.transformer;
  await stepTask('train.transformer.step', `Transformer encoder layer step, N=${t.n} seq ${t.seq} d ${t.d} (AdamW)`, 'transformer', { warmup: 2, reps: 10, inner: 1 }, t, { count: t.n, unit: 'sequences' });
}

function push(ctx: Context, row: Row): void {
  ctx.rows.push(row);
  ctx.log(`  ${row.label.padEnd(44)} ${row.impl.padEnd(9)} ${row.status === 'ok' ? `${row.value!.toPrecision(4)} ${row.unit}` : `${row.status}: ${row.reason}`}`);
}
