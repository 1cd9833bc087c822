// A small vision transformer on Fashion-MNIST, as a function (main.ts and the tests call it):
// AdamW with a one-cycle schedule, evaluated on the test images after every epoch; writes the
// curves, the confusion matrix, where the class token looks (attention.png), the weights
// (safetensors, PyTorch's names) and TensorBoard scalars.
import { DataLoader, FashionMNIST, normalize } from '@nutshell/data';
import { fitClassifier, writeConfusion, writeCurves, type Batch, type History, type FashionRunOptions } from '@nutshell/example-common';
import { save, summary } from '@nutshell/nn';
import { AdamW, OneCycleLR } from '@nutshell/optim';
import { imageGrid, writePng } from '@nutshell/plot';
import { argmax, manualSeed, noGrad, scope, tensor } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { VisionTransformer, type ViTOptions } from './model.js';

export { VisionTransformer, type ViTOptions } from './model.js';

export interface TransformerOptions extends FashionRunOptions, ViTOptions {
  epochs?: number;
  batchSize?: number;
  /** The one-cycle schedule's peak learning rate (default 0.002). */
  lr?: number;
  weightDecay?: number;
}

export interface TransformerResult {
  testAccuracy: number;
  testLoss: number;
  history: History;
  confusion: number[][];
  parameters: number;
  seconds: number;
  imagesPerSecond: number;
  files: string[];
}

const MEAN = 0.286; // Fashion-MNIST training-set pixel statistics
const STD = 0.353;

export async function trainTransformer(o: TransformerOptions): Promise<TransformerResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 5;
  const seed = o.seed ?? 0;
  manualSeed(seed);
  const trainSet = new FashionMNIST({ root: o.data, train: true, subset: o.subset, transform: normalize([MEAN], [STD]) });
  const testSet = new FashionMNIST({ root: o.data, train: false, subset: o.subset ? Math.ceil(o.subset / 6) : undefined, transform: normalize([MEAN], [STD]) });
  const trainLoader = new DataLoader(trainSet, { batchSize: o.batchSize ?? 128, shuffle: true, seed, prefetch: 4 });
  const testLoader = new DataLoader(testSet, { batchSize: 500 });

  const model = new VisionTransformer(o);
  const s = summary(model, [1, 1, 28, 28]);
  if (!o.quiet) log(s.text);
  const lr = o.lr ?? 2e-3;
  // As ViT: no weight decay on biases, norms, the class token and the positions.
  const named = [...model.namedParameters()];
  const decayed = named.filter(([k, p]) => p.ndim >= 2 && !k.endsWith('_token') && !k.endsWith('pos_embed')).map(([, p]) => p);
  const rest = named.filter(([, p]) => !decayed.includes(p)).map(([, p]) => p);
  const optimizer = new AdamW([{ params: decayed, weightDecay: o.weightDecay ?? 0.05 }, { params: rest, weightDecay: 0 }], { lr });
  const schedule = new OneCycleLR(optimizer, { maxLr: lr, totalSteps: epochs * trainLoader.length });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addText('model', '```\n' + s.text + '\n```', 0);
  const fit = await fitClassifier(model, trainLoader as AsyncIterable<Batch> & { length: number }, testLoader as AsyncIterable<Batch>, optimizer, {
    epochs, numClasses: 10, quiet: o.quiet, log, writer, afterStep: () => schedule.step(), syncEvery: 5,
  });

  const files = [
    ...(await writeCurves(o.runDir, fit.history, 'vision transformer on Fashion-MNIST')),
    await writeConfusion(`${o.runDir}/confusion.png`, fit.last.confusion, FashionMNIST.classes),
    await writeAttention(`${o.runDir}/attention.png`, model, testSet),
  ];
  const checkpoint = `${o.runDir}/transformer.safetensors`;
  await save(model, checkpoint, { model: 'VisionTransformer', patch: String(model.patch), dataset: 'Fashion-MNIST', testAccuracy: fit.last.accuracy.toFixed(4) });
  files.push(checkpoint);
  writer.close();
  return {
    testAccuracy: fit.last.accuracy,
    testLoss: fit.last.loss,
    history: fit.history,
    confusion: fit.last.confusion,
    parameters: s.totalParams,
    seconds: fit.seconds,
    imagesPerSecond: fit.imagesPerSecond,
    files,
  };
}

/**
 * Eight test images above the class token's attention over their patches in the last layer
 * (each patch's weight painted over its square), captioned with the prediction.
 */
async function writeAttention(path: string, model: VisionTransformer, testSet: FashionMNIST): Promise<string> {
  model.eval();
  const count = 8, p = model.patch, g = 28 / p;
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < count; i++) pixels.set(testSet.get(i).image.data as Float32Array, i * 784);
  const truth = Array.from({ length: count }, (_, i) => Number(testSet.get(i).label));
  const { attention, logits } = noGrad(() =>
    scope(() => {
      const images = tensor(pixels, { shape: [count, 1, 28, 28] });
      return { attention: model.classAttention(images), logits: model.forward(images) };
    }),
  );
  const maps = (await attention.data()) as Float32Array;
  const predicted = Array.from((await argmax(logits, 1).data()) as BigInt64Array, Number);
  attention.dispose();
  logits.dispose();
  const picture = (i: number) => ({ width: 28, height: 28, channels: 1 as const, data: pixels.slice(i * 784, (i + 1) * 784) });
  const heat = (i: number) => {
    const data = new Float32Array(784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) data[y * 28 + x] = maps[i * g * g + Math.floor(y / p) * g + Math.floor(x / p)];
    return { width: 28, height: 28, channels: 1 as const, data };
  };
  const images = [...Array.from({ length: count }, (_, i) => picture(i)), ...Array.from({ length: count }, (_, i) => heat(i))];
  const labels = [
    ...truth.map((t, i) => `${FashionMNIST.classes[t]}${predicted[i] === t ? '' : ` (${FashionMNIST.classes[predicted[i]]}?)`}`),
    ...Array.from({ length: count }, () => 'attention'),
  ];
  await writePng(path, imageGrid(images, { columns: count, scale: 6, normalize: 'each', labels, title: "the class token's attention over the patches (last layer)" }));
  return path;
}
