// A small Inception network on Fashion-MNIST, as a function (main.ts and the test call it):
// trains with Adam and a cosine schedule, evaluates on the test images after every epoch, and
// writes the curves, the confusion matrix, the stem's filters and TensorBoard scalars.
import { DataLoader, FashionMNIST, compose, normalize, randomHorizontalFlip } from '@nutshell/data';
import { fitClassifier, writeConfusion, writeCurves, writeFilters, type Batch, type History, type FashionRunOptions } from '@nutshell/example-common';
import { save, summary, type ConvAlgo } from '@nutshell/nn';
import { Adam, CosineAnnealingLR } from '@nutshell/optim';
import { manualSeed } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { InceptionNet } from './model.js';

export { ConvBN, Inception, InceptionNet, type InceptionChannels } from './model.js';

export interface InceptionOptions extends FashionRunOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  algo?: ConvAlgo;
}

export interface InceptionResult {
  testAccuracy: number;
  testLoss: number;
  /** Mean training loss per window of 20 steps. */
  trainLoss: number[];
  history: History;
  confusion: number[][];
  parameters: number;
  seconds: number;
  imagesPerSecond: number;
  files: string[];
}

const MEAN = 0.286; // Fashion-MNIST training-set pixel statistics
const STD = 0.353;

export async function trainInception(o: InceptionOptions): Promise<InceptionResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 3;
  const seed = o.seed ?? 0;
  manualSeed(seed);
  const trainSet = new FashionMNIST({ root: o.data, train: true, subset: o.subset, transform: compose(randomHorizontalFlip(0.5), normalize([MEAN], [STD])) });
  const testSet = new FashionMNIST({ root: o.data, train: false, subset: o.subset ? Math.ceil(o.subset / 6) : undefined, transform: normalize([MEAN], [STD]) });
  const trainLoader = new DataLoader(trainSet, { batchSize: o.batchSize ?? 64, shuffle: true, seed, prefetch: 4 });
  const testLoader = new DataLoader(testSet, { batchSize: 200 }); // a forward pass keeps every activation of its batch until its scope ends

  const model = new InceptionNet({ algo: o.algo });
  const s = summary(model, [1, 1, 28, 28]);
  if (!o.quiet) log(s.text);
  const parameters = [...model.parameters()].reduce((n, p) => n + p.numel, 0);
  const optimizer = new Adam(model.parameters(), { lr: o.lr ?? 2e-3 });
  const schedule = new CosineAnnealingLR(optimizer, { TMax: epochs * trainLoader.length });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addText('model', '```\n' + s.text + '\n```', 0);
  const fit = await fitClassifier(model, trainLoader as AsyncIterable<Batch> & { length: number }, testLoader as AsyncIterable<Batch>, optimizer, {
    epochs, numClasses: 10, quiet: o.quiet, log, writer, afterStep: () => schedule.step(),
    // Read the metrics every 2 steps: each step left queued keeps ~150 MB of activations alive
    // until the cpu stream runs it (20 queued steps peak at ~3 GB), and queueing more is no faster.
    syncEvery: 2,
  });

  const files = [
    ...(await writeCurves(o.runDir, fit.history, 'Inception net on Fashion-MNIST')),
    await writeConfusion(`${o.runDir}/confusion.png`, fit.last.confusion, FashionMNIST.classes),
    await writeFilters(`${o.runDir}/filters.png`, model.stem.conv.weight, 'stem filters (3x3)'),
  ];
  const checkpoint = `${o.runDir}/inception.safetensors`;
  await save(model, checkpoint, { model: 'InceptionNet', dataset: 'Fashion-MNIST', testAccuracy: fit.last.accuracy.toFixed(4) });
  files.push(checkpoint);
  writer.close();
  return {
    testAccuracy: fit.last.accuracy, testLoss: fit.last.loss, trainLoss: fit.stepLosses, history: fit.history, confusion: fit.last.confusion,
    parameters, seconds: fit.seconds, imagesPerSecond: fit.imagesPerSecond, files,
  };
}
