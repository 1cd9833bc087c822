// Moving Fashion-MNIST clips as a function (main.ts and the tests call it): a model with two heads,
// the garment's class and its direction of motion, trained with Adam on the sum of the two
// cross-entropies. Writes accuracy curves for both heads, a strip of test clips with what the
// model read from them, the weights (safetensors, PyTorch's names) and TensorBoard scalars.
import { DataLoader, FashionMNIST, ProgressBar } from '@nutshell/data';
import { writeLines, type FashionRunOptions } from '@nutshell/example-common';
import { save } from '@nutshell/nn';
import { Adam } from '@nutshell/optim';
import { imageGrid, writePng } from '@nutshell/plot';
import { add, argmax, crossEntropy, eq, manualSeed, noGrad, scope, stack, sum, tensor, type Tensor } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { CANVAS, directionNames, FRAMES, MovingFashion } from './clips.js';
import { makeModel, type ClipModel, type ClipModelKind } from './model.js';

export { MovingFashion, directionNames, FRAMES, CANVAS } from './clips.js';
export { ClipNet, FrameNet, makeModel, type ClipModelKind } from './model.js';

export interface ClipsOptions extends FashionRunOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** 'clip' (3-d convolutions, default) or 'frame' (2-d on each frame, averaged over time). */
  model?: ClipModelKind;
  /** Channels of the first layer (then 2× and 4×; default 8). */
  width?: number;
}

export interface HeadScores {
  label: number;
  direction: number;
}

export interface ClipsResult {
  /** Test accuracy of each head after the last epoch. */
  test: HeadScores;
  history: { epoch: number[]; trainLoss: number[]; trainLabel: number[]; trainDirection: number[]; testLabel: number[]; testDirection: number[] };
  seconds: number;
  clipsPerSecond: number;
  files: string[];
}

type Batch = { clip: Tensor; label: Tensor; direction: Tensor };
const STEPS_BETWEEN_READS = 10; // steps enqueued before their numbers are read (the device queue stays full)

export async function trainClips(o: ClipsOptions): Promise<ClipsResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 4;
  const seed = o.seed ?? 0;
  const batchSize = o.batchSize ?? 32;
  const kind = o.model ?? 'clip';
  manualSeed(seed);
  const trainSet = new MovingFashion({ root: o.data, train: true, subset: o.subset ?? 12000 });
  const testSet = new MovingFashion({ root: o.data, train: false, subset: Math.ceil((o.subset ?? 12000) / 6) });
  const trainLoader = new DataLoader(trainSet, { batchSize, shuffle: true, seed, prefetch: 4 });
  const testLoader = new DataLoader(testSet, { batchSize: 200 });

  const model = makeModel(kind, o.width);
  const optimizer = new Adam(model.parameters(), { lr: o.lr ?? 1e-3 });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addText('config', `${kind} model, width ${model.width}, epochs ${epochs}, batch ${batchSize}, Adam lr ${o.lr ?? 1e-3}, ${trainSet.length} training clips`, 0);
  log(`${kind === 'clip' ? '3-d convolutions over time and space' : '2-d convolutions on each frame, averaged over time'}; ${trainSet.length} clips of ${FRAMES} frames ${CANVAS}×${CANVAS}`);

  const history: ClipsResult['history'] = { epoch: [], trainLoss: [], trainLabel: [], trainDirection: [], testLabel: [], testDirection: [] };
  const start = performance.now();
  let seen = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    trainLoader.setEpoch(epoch - 1);
    model.train();
    const bar = new ProgressBar({ total: trainLoader.length, desc: `epoch ${epoch}/${epochs}`, unit: 'clip', disable: o.quiet });
    let loss = 0, labelHits = 0, directionHits = 0, clips = 0, steps = 0;
    const pending: Tensor[] = []; // per step: [loss, class hits, direction hits], read together
    const drain = async () => {
      for (const numbers of pending) {
        const [l, a, d] = (await numbers.data()) as Float32Array;
        loss += l;
        labelHits += a;
        directionHits += d;
        steps += 1;
        numbers.dispose();
      }
      pending.length = 0;
      bar.setPostfix({ loss: loss / steps, class: labelHits / clips, direction: directionHits / clips });
    };
    for await (const batch of trainLoader as AsyncIterable<Batch>) {
      const n = batch.clip.shape[0];
      pending.push(scope(() => {
        optimizer.zeroGrad();
        const out = model.forward(batch.clip);
        const total = add(crossEntropy(out.label, batch.label), crossEntropy(out.direction, batch.direction));
        total.backward();
        optimizer.step();
        return noGrad(() => stack([total.detach(), hits(out.label, batch.label), hits(out.direction, batch.direction)]));
      }));
      for (const t of Object.values(batch)) t.dispose();
      clips += n;
      seen += n;
      if (pending.length >= STEPS_BETWEEN_READS) await drain();
      bar.update(1, n);
    }
    await drain();
    const test = await evaluate(model, testLoader as AsyncIterable<Batch>);
    bar.close({ loss: loss / steps, class: test.label, direction: test.direction });
    history.epoch.push(epoch);
    history.trainLoss.push(loss / steps);
    history.trainLabel.push(labelHits / clips);
    history.trainDirection.push(directionHits / clips);
    history.testLabel.push(test.label);
    history.testDirection.push(test.direction);
    writer.addScalar('loss/train', loss / steps, epoch);
    writer.addScalars('accuracy/test', { class: test.label, direction: test.direction }, epoch);
  }
  const seconds = (performance.now() - start) / 1000;

  const chance = 1 / directionNames.length;
  const files = [
    await writeLines(`${o.runDir}/accuracy.png`, `${kind === 'clip' ? 'ClipNet (3-d)' : 'FrameNet (2-d per frame)'}: test accuracy`, 'epoch', 'accuracy', [
      { name: 'garment class', x: history.epoch, y: history.testLabel },
      { name: 'direction of motion', x: history.epoch, y: history.testDirection },
      { name: 'direction by chance', x: history.epoch, y: history.epoch.map(() => chance), thickness: 1, color: '#888888' },
    ]),
    await writeStrip(model, testSet, `${o.runDir}/clips.png`),
  ];
  await save(model, `${o.runDir}/clips.safetensors`, { model: kind, width: String(model.width) });
  files.push(`${o.runDir}/clips.safetensors`);
  writer.close();
  return { test: { label: history.testLabel.at(-1) ?? NaN, direction: history.testDirection.at(-1) ?? NaN }, history, seconds, clipsPerSecond: seen / seconds, files };
}

/** How many rows of `logits` pick `target` (a 0-dim float tensor, read later). */
const hits = (logits: Tensor, target: Tensor) => sum(eq(argmax(logits, { dim: 1 }), target).float());

/** Accuracy of both heads over the test clips (no graph, batch-norm statistics frozen). */
async function evaluate(model: ClipModel, batches: AsyncIterable<Batch>): Promise<HeadScores> {
  model.eval();
  let label = 0, direction = 0, count = 0;
  for await (const batch of batches) {
    const counts = noGrad(() => scope(() => {
      const out = model.forward(batch.clip);
      return stack([hits(out.label, batch.label), hits(out.direction, batch.direction)]);
    }));
    const [a, d] = (await counts.data()) as Float32Array;
    label += a;
    direction += d;
    count += batch.clip.shape[0];
    counts.dispose();
    for (const t of Object.values(batch)) t.dispose();
  }
  return { label: label / count, direction: direction / count };
}

/** clips.png: six test clips, one row of frames each, labelled with the truth and the model's reading. */
async function writeStrip(model: ClipModel, testSet: MovingFashion, path: string): Promise<string> {
  model.eval();
  const rows = Math.min(6, testSet.length);
  const samples = Array.from({ length: rows }, (_, i) => testSet.get(i));
  const pixels = new Float32Array(rows * FRAMES * CANVAS * CANVAS);
  samples.forEach((s, i) => pixels.set(s.clip.data, i * FRAMES * CANVAS * CANVAS));
  const read = noGrad(() => scope(() => {
    const out = model.forward(tensor(pixels, { shape: [rows, 1, FRAMES, CANVAS, CANVAS] }));
    return [argmax(out.label, { dim: 1 }), argmax(out.direction, { dim: 1 })];
  }));
  const [labels, dirs] = await Promise.all(read.map(async (t) => Array.from((await t.data()) as ArrayLike<number | bigint>, Number)));
  read.forEach((t) => t.dispose());
  const frame = CANVAS * CANVAS;
  const images = samples.flatMap((_, i) => Array.from({ length: FRAMES }, (_, t) => ({ width: CANVAS, height: CANVAS, channels: 1 as const, data: pixels.slice((i * FRAMES + t) * frame, (i * FRAMES + t + 1) * frame) })));
  // Truth under the first two frames, the model's reading under the last three (names short
  // enough for a frame's width).
  const short = (label: number) => ({ 'T-shirt/top': 'T-shirt', 'Ankle boot': 'Boot' })[FashionMNIST.classes[label]] ?? FashionMNIST.classes[label];
  const captionOf = (s: (typeof samples)[number], i: number, t: number) =>
    t === 0 ? short(s.label)
    : t === 1 ? `moving ${directionNames[s.direction]}`
    : t === FRAMES - 3 ? 'read:'
    : t === FRAMES - 2 ? short(labels[i])
    : t === FRAMES - 1 ? directionNames[dirs[i]]
    : '';
  const captions = samples.flatMap((s, i) => Array.from({ length: FRAMES }, (_, t) => captionOf(s, i, t)));
  await writePng(path, imageGrid(images, { columns: FRAMES, scale: 3, normalize: 'none', title: 'test clips, frames left to right: the truth under the first frames, what the model read under the last', labels: captions }));
  return path;
}
