// LeNet inference over the Fashion-MNIST test set (10,000 images in batches of 1,000) with the
// same weights everywhere (exported by PyTorch to peers/models/), plus a correctness check of
// nutshell's logits against PyTorch's on a reference batch.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { findFashion, modelsDir, shapes } from '../paths.js';
import { readFashion, type FashionSplit } from '../idx.js';
import { T, OpMissing } from '../nut.js';
import { runNodeChild } from '../peers/node-child.js';
import { measure, quickSpec, timingFromSamples, type TimingSpec } from '../timing.js';
import { attempt, NotApplicable, type Context, type RowBase } from '../suite.js';
import { runPython, PeerUnavailable } from '../peers/torch.js';
import { loadOrt, ortSession } from '../peers/ort.js';
import { useBackend, type TfBackend } from '../peers/tfjs.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const SPEC: TimingSpec = { warmup: 2, reps: 7, inner: 1 };

function weights() {
  const path = join(modelsDir, 'lenet.safetensors');
  if (!existsSync(path)) throw new PeerUnavailable('peers/models/lenet.safetensors missing (run: npm run setup -w @nutshell/bench)');
  return T.readSafetensorsFile(path).tensors;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}

const load1 = () => Math.round(loadavg()[0] * 100) / 100;

export async function runInference(ctx: Context, pyVersions: Record<string, string>): Promise<void> {
  if (ctx.opts.filter && !'infer.lenet.testset'.includes(ctx.opts.filter)) return;
  const bs = shapes.lenet.testBatch;
  const spec = quickSpec(SPEC, ctx.opts.quick);
  const base: RowBase = { suite: 'inference', workload: 'infer.lenet.testset', label: `LeNet inference, Fashion-MNIST test set (10,000), batch ${bs}`, items: { count: 10000, unit: 'images' } };
  const dir = findFashion();
  let test: FashionSplit | undefined;
  const data = () => {
    if (!dir) throw new NotApplicable('Fashion-MNIST not found');
    return (test ??= readFashion(dir, 'test'));
  };
  ctx.log(`[inference] ${ctx.threads} thread(s)`);

  await attempt(ctx, base, 'nutshell', async () => {
    if (!dir) throw new NotApplicable('Fashion-MNIST not found');
    weights(); // n/a when setup has not exported the model
    const r = await runNodeChild<{ samples?: number[]; maxAbsDiffVsTorchLogits?: number; error?: string; missing?: string }>({
      task: 'lenet-infer',
      threads: ctx.threads,
      data: dir,
      weights: join(modelsDir, 'lenet.safetensors'),
      reference: join(modelsDir, 'lenet-reference.safetensors'),
      batch: bs,
      spec,
    });
    if (r.missing) throw new OpMissing(r.missing);
    if (!r.samples) throw new Error(r.error ?? 'no result');
    return { timing: timingFromSamples(r.samples, spec), extra: { maxAbsDiffVsTorchLogits: r.maxAbsDiffVsTorchLogits, load1: load1() } };
  });

  if (ctx.opts.peers.includes('torch')) {
    await attempt(ctx, base, 'torch', async () => {
      if (!dir) throw new NotApplicable('Fashion-MNIST not found');
      const r = await runPython<{ samples: number[]; versions: Record<string, string> }>('train.py', {
        task: 'lenet-infer',
        threads: ctx.threads,
        data: dir,
        weights: join(modelsDir, 'lenet.safetensors'),
        batch: bs,
        spec,
      });
      Object.assign(pyVersions, r.versions);
      return { timing: timingFromSamples(r.samples, spec), extra: { load1: load1() } };
    });
  }

  if (ctx.opts.peers.includes('ort')) {
    await attempt(ctx, base, 'ort', async () => {
      const o = loadOrt();
      const s = await ortSession('lenet.onnx', ctx.threads);
      const d = data();
      const feeds: unknown[] = [];
      for (let i = 0; i < d.count; i += bs) {
        const n = Math.min(bs, d.count - i);
        feeds.push(new o.Tensor('float32', d.images.subarray(i * 784, (i + n) * 784), [n, 1, 28, 28]));
      }
      try {
        const timing = await measure({ run: async () => { for (const x of feeds) await s.runTensors({ x }); } }, spec);
        const ref = T.readSafetensorsFile(join(modelsDir, 'lenet-reference.safetensors')).tensors;
        const rx = ref.get('x')!;
        const y = await s.runTensors({ x: new o.Tensor('float32', rx.data, rx.shape) });
        return { timing, extra: { maxAbsDiffVsTorchLogits: maxAbsDiff(y.logits.data, ref.get('logits')!.data as Float32Array), load1: load1() } };
      } finally {
        await s.release();
      }
    });
  }

  if (ctx.opts.peers.includes('tfjs') && ctx.threads === 1) {
    for (const backend of ['wasm', 'cpu'] as TfBackend[]) {
      await attempt(ctx, base, backend === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu', async () => {
        // About 20 s per pass: only in full runs.
        if (backend === 'cpu' && ctx.opts.quick) throw new NotApplicable('skipped in --quick (about 20 s per pass)');
        const tf = await useBackend(backend);
        const w = weights();
        const raw = (k: string) => w.get(k)!;
        // PyTorch layouts to tfjs's: conv [O,C,kh,kw] -> [kh,kw,C,O]; linear stays [out,in] (matMul transposes).
        const conv = (k: string) => tf.transpose(tf.tensor(raw(k).data, raw(k).shape), [2, 3, 1, 0]);
        const t = (k: string) => tf.tensor(raw(k).data, raw(k).shape);
        const p = {
          c1: conv('conv1.weight'), b1: t('conv1.bias'), c2: conv('conv2.weight'), b2: t('conv2.bias'),
          f1: t('fc1.weight'), g1: t('fc1.bias'), f2: t('fc2.weight'), g2: t('fc2.bias'), f3: t('fc3.weight'), g3: t('fc3.bias'),
        };
        const forward = (x: any) =>
          tf.tidy(() => {
            let y = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, p.c1, 1, [[0, 0], [2, 2], [2, 2], [0, 0]]), p.b1)), 2, 2, 'valid');
            y = tf.maxPool(tf.relu(tf.add(tf.conv2d(y, p.c2, 1, 'valid'), p.b2)), 2, 2, 'valid');
            y = tf.reshape(tf.transpose(y, [0, 3, 1, 2]), [x.shape[0], -1]); // flatten in PyTorch's (c, h, w) order
            y = tf.relu(tf.add(tf.matMul(y, p.f1, false, true), p.g1));
            y = tf.relu(tf.add(tf.matMul(y, p.f2, false, true), p.g2));
            return tf.add(tf.matMul(y, p.f3, false, true), p.g3);
          });
        const d = data();
        const xs: any[] = [];
        for (let i = 0; i < d.count; i += bs) {
          const n = Math.min(bs, d.count - i);
          xs.push(tf.tensor4d(d.images.subarray(i * 784, (i + n) * 784), [n, 28, 28, 1]));
        }
        let last: any = null;
        const tfSpec = backend === 'cpu' ? { warmup: 1, reps: 3, inner: 1 } : spec;
        try {
          const timing = await measure(
            {
              run: () => {
                for (const x of xs) {
                  last?.dispose();
                  last = forward(x);
                }
              },
              sync: () => last.data(),
            },
            tfSpec,
          );
          const ref = T.readSafetensorsFile(join(modelsDir, 'lenet-reference.safetensors')).tensors;
          const rx = ref.get('x')!;
          const y = forward(tf.tensor4d(rx.data as Float32Array, [rx.shape[0], 28, 28, 1]));
          return { timing, extra: { maxAbsDiffVsTorchLogits: maxAbsDiff(await y.data(), ref.get('logits')!.data as Float32Array), load1: load1() } };
        } finally {
          [...xs, last, ...Object.values(p)].forEach((x) => x?.dispose());
        }
      });
    }
  }
}
