// LeNet-5 on Fashion-MNIST, as a function (the CLI in main.ts and the CI test both call it):
// trains, evaluates on the test images after every epoch, saves a safetensors checkpoint, and
// writes the curves, the learned first-layer filters and the confusion matrix as PNGs, plus
// TensorBoard event files.
import { DataLoader, FashionMNIST, compose, normalize, randomHorizontalFlip } from '@nutshell/data';
import { emptyHistory, evaluate, trainEpoch, writeConfusion, writeCurves, writeFilters, type Batch, type FashionRunOptions } from '@nutshell/example-common';
import { save, summary, type ConvAlgo } from '@nutshell/nn';
import { Adam, CosineAnnealingLR } from '@nutshell/optim';
import { manualSeed } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { LeNet } from './model.js';
export { LeNet } from './model.js';

export interface LeNetOptions extends FashionRunOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  algo?: ConvAlgo;
}

export interface LeNetResult {
  testAccuracy: number;
  testLoss: number;
  trainLoss: number[];
  seconds: number;
  imagesPerSecond: number;
  files: string[];
  history: ReturnType<typeof emptyHistory>;
}

const MEAN = 0.286; // Fashion-MNIST training-set pixel statistics
const STD = 0.353;

export async function trainLeNet(o: LeNetOptions): Promise<LeNetResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 8;
  const batchSize = o.batchSize ?? 64;
  manualSeed(o.seed ?? 0);
  const trainSet = new FashionMNIST({ root: o.data, train: true, format: 'float32', subset: o.subset, transform: compose(randomHorizontalFlip(0.5), normalize([MEAN], [STD])) });
  const testSet = new FashionMNIST({ root: o.data, train: false, format: 'float32', subset: o.subset ? Math.ceil(o.subset / 6) : undefined, transform: normalize([MEAN], [STD]) });
  const trainLoader = new DataLoader(trainSet, { batchSize, shuffle: true, seed: o.seed ?? 0, prefetch: 4 });
  const testLoader = new DataLoader(testSet, { batchSize: 1000 });

  const model = new LeNet({ algo: o.algo });
  if (!o.quiet) log(summary(model, [1, 1, 28, 28]).text);
  const optimizer = new Adam(model.parameters(), { lr: o.lr ?? 2e-3 });
  const schedule = new CosineAnnealingLR(optimizer, { TMax: epochs * trainLoader.length });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);

  const history = emptyHistory();
  const trainLoss: number[] = [];
  const start = performance.now();
  let imagesPerSecond = 0;
  let last = { loss: NaN, accuracy: 0, confusion: [] as number[][], count: 0 };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const r = await trainEpoch(model, trainLoader as AsyncIterable<Batch> & { length: number }, optimizer, {
      label: `epoch ${epoch}/${epochs}`,
      afterStep: () => schedule.step(),
      quiet: o.quiet,
    });
    trainLoss.push(...r.stepLosses);
    imagesPerSecond = r.imagesPerSecond;
    last = await evaluate(model, testLoader as AsyncIterable<Batch>, 10);
    history.epoch.push(epoch);
    history.trainLoss.push(r.loss);
    history.trainAccuracy.push(r.accuracy);
    history.testLoss.push(last.loss);
    history.testAccuracy.push(last.accuracy);
    for (const [tag, v] of Object.entries({ 'loss/train': r.loss, 'loss/test': last.loss, 'accuracy/train': r.accuracy, 'accuracy/test': last.accuracy })) writer.addScalar(tag, v, epoch);
    writer.addHistogram('conv1/weight', model.conv1.weight, epoch);
    log(`epoch ${epoch}: train loss ${r.loss.toFixed(4)} acc ${(100 * r.accuracy).toFixed(2)}%  test loss ${last.loss.toFixed(4)} acc ${(100 * last.accuracy).toFixed(2)}%  (${r.imagesPerSecond.toFixed(0)} img/s)`);
  }
  const seconds = (performance.now() - start) / 1000;

  const files = [
    ...(await writeCurves(o.runDir, history, 'LeNet-5 on Fashion-MNIST')),
    await writeFilters(`${o.runDir}/filters.png`, model.conv1.weight, 'conv1 filters'),
    await writeConfusion(`${o.runDir}/confusion.png`, last.confusion, FashionMNIST.classes),
  ];
  const checkpoint = `${o.runDir}/lenet.safetensors`;
  await save(model, checkpoint, { model: 'LeNet-5', dataset: 'Fashion-MNIST', testAccuracy: last.accuracy.toFixed(4) });
  files.push(checkpoint);
  writer.close();
  return { testAccuracy: last.accuracy, testLoss: last.loss, trainLoss, seconds, imagesPerSecond, files, history };
}
