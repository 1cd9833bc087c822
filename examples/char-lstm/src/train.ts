// A character-level LSTM language model, as a function (main.ts and the test call it).
//
// Truncated backpropagation through time: the text is cut into windows of `seqLength`
// characters (CharDataset with stride = seqLength) and the windows into `batchSize` contiguous
// streams, so row b of batch k+1 is the window that follows row b of batch k. The LSTM's state
// is carried from one batch to the next (the model sees the text as one long sequence) but
// detached, so gradients flow back at most one window. Gradients are clipped to a norm of
// `clip` before each Adam step: an LSTM's gradient norm spikes now and then (the exploding
// gradients of recurrent nets), and one unclipped spike can undo many steps.
//
// The last tenth of the text is held out. Losses are reported in bits per character (cross-
// entropy in nats / ln 2): 0 is a perfect predictor, log2(vocabulary) a uniform guess.
import { readFileSync, readdirSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharDataset, DataLoader, ProgressBar, Subset } from '@nutshell/data';
import { writeLines, type RunOptions } from '@nutshell/example-common';
import { save } from '@nutshell/nn';
import { Adam, CosineAnnealingLR, clipGradNorm } from '@nutshell/optim';
import { crossEntropy, manualSeed, noGrad, reshape, scope, type Tensor } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { CharLSTM, type LSTMState } from './model.js';
import { sample } from './sample.js';

export { CharLSTM, type CharLSTMOptions, type LSTMState } from './model.js';
export { sample, sampleIndex, type SampleOptions } from './sample.js';

export const LICENSES = '/usr/share/common-licenses';

/** The licence texts of a Debian system, concatenated (regular files only: the GPL, LGPL and GFDL links repeat others). */
export function licenceText(dir = LICENSES): string {
  const names = readdirSync(dir).filter((n) => lstatSync(join(dir, n)).isFile()).sort();
  if (names.length === 0) throw new Error(`${dir}: no text files; pass --text FILE`);
  return names.map((n) => readFileSync(join(dir, n), 'utf8')).join('\n\n');
}

export interface CharLSTMTrainOptions extends RunOptions {
  /** The training text (default: the licence texts in /usr/share/common-licenses). */
  text?: string;
  /** Use only the first n characters of the text (for tests and quick runs). */
  subset?: number;
  epochs?: number;
  /** Characters per window: how far back gradients flow. */
  seqLength?: number;
  /** Parallel streams of the text per step. */
  batchSize?: number;
  lr?: number;
  /** Maximum gradient norm. */
  clip?: number;
  embedding?: number;
  hidden?: number;
  numLayers?: number;
  dropout?: number;
  /** The held-out fraction, from the end of the text. */
  validation?: number;
  /** Temperatures of the samples printed at the end. */
  temperatures?: number[];
  /** Characters per sample. */
  sampleLength?: number;
  /** The sampled text starts from this. */
  prompt?: string;
}

export interface CharLSTMResult {
  vocabSize: number;
  trainChars: number;
  validationChars: number;
  /** Training bits per character, mean of each window of `SYNC` steps, and the step each ends at. */
  trainBpc: number[];
  trainSteps: number[];
  /** Held-out bits per character before training and after each epoch, and the step of each. */
  validationBpc: number[];
  validationSteps: number[];
  /** Gradient norm before clipping: mean and max per window of steps; how often it was clipped. */
  gradNormMean: number[];
  gradNormMax: number[];
  clippedFraction: number;
  samples: { temperature: number; text: string }[];
  seconds: number;
  charsPerSecond: number;
  files: string[];
}

const LN2 = Math.log(2);
const SYNC = 10; // steps between reads of the loss (reads wait for the device)

/** Batches of windows in `count` contiguous streams: row b of batch k is window start + b·per + k. */
function streams(start: number, count: number, batch: number): { indices: number[]; batch: number } {
  const b = Math.max(1, Math.min(batch, count));
  const per = Math.floor(count / b);
  const indices: number[] = [];
  for (let k = 0; k < per; k++) for (let s = 0; s < b; s++) indices.push(start + s * per + k);
  return { indices, batch: b };
}

type Pair = [Tensor, Tensor];

export async function trainCharLSTM(o: CharLSTMTrainOptions): Promise<CharLSTMResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 10;
  const seqLength = o.seqLength ?? 64;
  const clip = o.clip ?? 1;
  const seed = o.seed ?? 0;
  manualSeed(seed);
  let text = o.text ?? licenceText();
  if (o.subset !== undefined) text = text.slice(0, o.subset);
  const data = new CharDataset({ text, seqLength, stride: seqLength });
  const heldOut = Math.max(1, Math.round(data.length * (o.validation ?? 0.1)));
  const train = streams(0, data.length - heldOut, o.batchSize ?? 32);
  const valid = streams(data.length - heldOut, heldOut, o.batchSize ?? 32);
  if (train.indices.length === 0) throw new Error(`char-lstm: the text (${text.length} characters) is too short for windows of ${seqLength}`);
  const trainLoader = new DataLoader(new Subset(data, train.indices), { batchSize: train.batch, prefetch: 4 });
  const validLoader = new DataLoader(new Subset(data, valid.indices), { batchSize: valid.batch });

  const model = new CharLSTM(data.vocabSize, { embedding: o.embedding, hidden: o.hidden, numLayers: o.numLayers, dropout: o.dropout ?? 0.1 });
  const params = [...model.parameters()];
  const nParams = params.reduce((n, p) => n + p.numel, 0);
  const optimizer = new Adam(params, { lr: o.lr ?? 3e-3 });
  const schedule = new CosineAnnealingLR(optimizer, { TMax: epochs * trainLoader.length, etaMin: (o.lr ?? 3e-3) / 10 });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  const config = `${data.vocabSize} characters, ${train.indices.length * seqLength} for training and ${valid.indices.length * seqLength} held out; ` +
    `windows of ${seqLength}, ${train.batch} streams, ${trainLoader.length} steps per epoch; model ${model.embed.embeddingDim}-d embedding, ` +
    `${model.lstm.numLayers}×LSTM(${model.lstm.hiddenSize}), ${nParams.toLocaleString('en-US')} parameters; Adam lr ${o.lr ?? 3e-3}, clip ${clip}`;
  if (!o.quiet) log(config);
  writer.addText('config', config, 0);
  const prompt = data.encode([...(o.prompt ?? 'The ')].filter((c) => data.vocab.includes(c)).join('') || data.vocab[0]);

  const evaluate = async (): Promise<number> => {
    model.eval();
    let state: LSTMState | undefined;
    let nats = 0, count = 0;
    for await (const [input, target] of validLoader as AsyncIterable<Pair>) {
      const r = noGrad(() => scope(() => {
        const { logits, state: s } = model.forward(input, state);
        return { loss: crossEntropy(logits, reshape(target, [target.numel]), { reduction: 'sum' }), state: s };
      }));
      state?.h.dispose();
      state?.c.dispose();
      state = r.state;
      nats += await r.loss.item();
      count += target.numel;
      for (const t of [r.loss, input, target]) t.dispose();
    }
    state?.h.dispose();
    state?.c.dispose();
    model.train();
    return nats / count / LN2;
  };

  const trainBpc: number[] = [], trainSteps: number[] = [];
  const gradNormMean: number[] = [], gradNormMax: number[] = [];
  const validationBpc = [await evaluate()], validationSteps = [0];
  writer.addScalar('bpc/validation', validationBpc[0], 0);
  let step = 0, clipped = 0, chars = 0;
  const start = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    const bar = new ProgressBar({ total: trainLoader.length, desc: `epoch ${epoch}/${epochs}`, unit: 'char', disable: o.quiet });
    let state: LSTMState | undefined;
    const pending: { loss: Tensor; norm: Tensor }[] = [];
    let epochNats = 0, epochSteps = 0;
    const drain = async () => {
      if (pending.length === 0) return;
      let nats = 0, sum = 0, max = 0;
      for (const p of pending) {
        nats += await p.loss.item();
        const n = await p.norm.item();
        sum += n;
        max = Math.max(max, n);
        if (n > clip) clipped += 1;
        p.loss.dispose();
        p.norm.dispose();
      }
      epochNats += nats;
      epochSteps += pending.length;
      trainBpc.push(nats / pending.length / LN2);
      trainSteps.push(step);
      gradNormMean.push(sum / pending.length);
      gradNormMax.push(max);
      writer.addScalar('bpc/train', trainBpc.at(-1)!, step);
      writer.addScalar('grad_norm/mean', gradNormMean.at(-1)!, step);
      writer.addScalar('grad_norm/max', max, step);
      bar.setPostfix({ bpc: trainBpc.at(-1)!, 'grad norm': gradNormMean.at(-1)! });
      pending.length = 0;
    };
    for await (const [input, target] of trainLoader as AsyncIterable<Pair>) {
      const r = scope(() => {
        optimizer.zeroGrad();
        const { logits, state: s } = model.forward(input, state);
        const loss = crossEntropy(logits, reshape(target, [target.numel]));
        loss.backward();
        const norm = clipGradNorm(params, clip);
        optimizer.step();
        schedule.step();
        // Carry the state to the next window, but not its history: backprop stops here.
        return { loss: loss.detach(), norm, h: s.h.detach(), c: s.c.detach() };
      });
      state?.h.dispose();
      state?.c.dispose();
      state = { h: r.h, c: r.c };
      pending.push({ loss: r.loss, norm: r.norm });
      step += 1;
      chars += input.numel;
      input.dispose();
      target.dispose();
      if (pending.length >= SYNC) await drain();
      bar.update(1, train.batch * seqLength);
    }
    await drain();
    state?.h.dispose();
    state?.c.dispose();
    bar.close();
    const v = await evaluate();
    validationBpc.push(v);
    validationSteps.push(step);
    writer.addScalar('bpc/validation', v, step);
    const preview = data.decode(await sample(model, prompt, { length: 160, temperature: 0.8, seed: epoch }));
    writer.addText('sample', '```\n' + data.decode(prompt) + preview + '\n```', step);
    if (!o.quiet) {
      log(`epoch ${epoch}: train ${(epochNats / epochSteps / LN2).toFixed(3)} bpc, held-out ${v.toFixed(3)} bpc`);
      log(`  ${JSON.stringify(data.decode(prompt) + preview)}`);
    }
  }
  const seconds = (performance.now() - start) / 1000;

  const samples: { temperature: number; text: string }[] = [];
  for (const temperature of o.temperatures ?? [0.5, 0.8, 1.0]) {
    const ids = await sample(model, prompt, { length: o.sampleLength ?? 400, temperature, seed });
    samples.push({ temperature, text: data.decode(prompt) + data.decode(ids) });
  }

  const bpcPng = await writeLines(`${o.runDir}/bpc.png`, 'char-LSTM: bits per character', 'step', 'bits per character', [
    { name: `train (mean of ${SYNC} steps)`, x: trainSteps, y: trainBpc },
    { name: 'held-out', x: validationSteps, y: validationBpc },
  ]);
  const normPng = await writeLines(`${o.runDir}/grad-norm.png`, 'gradient norm before clipping', 'step', 'L2 norm of all gradients', [
    { name: `max of ${SYNC} steps`, x: trainSteps, y: gradNormMax },
    { name: `mean of ${SYNC} steps`, x: trainSteps, y: gradNormMean },
    { name: `clip at ${clip}`, x: [0, step], y: [clip, clip] },
  ]);
  const samplesTxt = `${o.runDir}/samples.txt`;
  writeFileSync(samplesTxt, samples.map((s) => `--- temperature ${s.temperature} ---\n${s.text}\n`).join('\n'));
  const checkpoint = `${o.runDir}/char-lstm.safetensors`;
  await save(model, checkpoint, { model: 'CharLSTM', vocab: JSON.stringify(data.vocab), heldOutBpc: validationBpc.at(-1)!.toFixed(4) });
  writer.close();
  return {
    vocabSize: data.vocabSize, trainChars: train.indices.length * seqLength, validationChars: valid.indices.length * seqLength,
    trainBpc, trainSteps, validationBpc, validationSteps, gradNormMean, gradNormMax, clippedFraction: clipped / Math.max(step, 1),
    samples, seconds, charsPerSecond: chars / seconds, files: [bpcPng, normPng, samplesTxt, checkpoint],
  };
}
