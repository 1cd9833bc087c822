// Multinomial logistic regression on Fashion-MNIST, as a function (main.ts and the test call it):
// plain SGD on flatten → Linear(784, 10) → cross-entropy; writes the curves, the confusion matrix
// and the ten learned weight templates, plus TensorBoard scalars.
import { readFileSync } from 'node:fs';
import { DataLoader, FashionMNIST } from '@nutshell/data';
import { fitClassifier, writeConfusion, writeCurves, writeWeightImages, type Batch, type History, type FashionRunOptions } from '@nutshell/example-common';
import { SGD } from '@nutshell/optim';
import { manualSeed } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { LogisticRegression } from './model.js';

export { LogisticRegression } from './model.js';

export interface LogisticRegressionOptions extends FashionRunOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
}

export interface LogisticRegressionResult {
  testAccuracy: number;
  testLoss: number;
  /** Mean training loss per window of 20 steps. */
  trainLoss: number[];
  history: History;
  confusion: number[][];
  seconds: number;
  imagesPerSecond: number;
  files: string[];
}

export async function trainLogisticRegression(o: LogisticRegressionOptions): Promise<LogisticRegressionResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 5;
  const seed = o.seed ?? 0;
  manualSeed(seed);
  // Pixels stay in [0, 1] (no normalisation), so a template's weight is what one unit of ink at
  // that pixel adds to its class's score.
  const trainSet = new FashionMNIST({ root: o.data, train: true, subset: o.subset });
  const testSet = new FashionMNIST({ root: o.data, train: false, subset: o.subset ? Math.ceil(o.subset / 6) : undefined });
  const trainLoader = new DataLoader(trainSet, { batchSize: o.batchSize ?? 64, shuffle: true, seed, prefetch: 4 });
  const testLoader = new DataLoader(testSet, { batchSize: 1000 });

  const model = new LogisticRegression();
  const optimizer = new SGD(model.parameters(), { lr: o.lr ?? 0.1, momentum: o.momentum ?? 0, weightDecay: o.weightDecay ?? 1e-4 });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addText('config', `epochs ${epochs}, batch ${o.batchSize ?? 64}, SGD lr ${o.lr ?? 0.1} momentum ${o.momentum ?? 0} weight decay ${o.weightDecay ?? 1e-4}, ${trainSet.length} training images`, 0);
  const fit = await fitClassifier(model, trainLoader as AsyncIterable<Batch> & { length: number }, testLoader as AsyncIterable<Batch>, optimizer, {
    epochs, numClasses: 10, quiet: o.quiet, log, writer,
    afterEpoch: (epoch) => writer.addHistogram('fc/weight', model.fc.weight, epoch),
  });

  const title = 'logistic regression on Fashion-MNIST';
  const templates = await writeWeightImages(`${o.runDir}/templates.png`, model.fc.weight, { height: 28, width: 28 }, {
    title: 'weight templates (red +, blue -)', labels: FashionMNIST.classes, columns: 5, scale: 4,
  });
  const files = [
    ...(await writeCurves(o.runDir, fit.history, title)),
    await writeConfusion(`${o.runDir}/confusion.png`, fit.last.confusion, FashionMNIST.classes),
    templates,
  ];
  writer.addImage('templates', readFileSync(templates), epochs);
  writer.close();
  return {
    testAccuracy: fit.last.accuracy, testLoss: fit.last.loss, trainLoss: fit.stepLosses, history: fit.history,
    confusion: fit.last.confusion, seconds: fit.seconds, imagesPerSecond: fit.imagesPerSecond, files,
  };
}
