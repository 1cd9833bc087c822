// Transfer learning on Fashion-MNIST, as a function (main.ts and the test call it):
//  1. pretrain a small CNN on classes 0–4 (T-shirt/top, Trouser, Pullover, Dress, Coat);
//  2. freeze it (requiresGrad_(false)), replace its last layer (fc, on the convolutions' 32×7×7
//     feature maps) by a new Linear with 5 outputs, and train only that layer on a few labelled images of classes 5–9 (Sandal, Shirt,
//     Sneaker, Bag, Ankle boot);
//  3. train the same architecture from scratch on the same few images, the same way;
// and compare both on the test images of classes 5–9 after every epoch.
import { DataLoader, FashionMNIST, ProgressBar, compose, normalize, randomHorizontalFlip } from '@nutshell/data';
import { evaluate, fitClassifier, formatTable, trainEpoch, writeLines, type Batch, type FashionRunOptions } from '@nutshell/example-common';
import { Linear, type Module } from '@nutshell/nn';
import { Adam } from '@nutshell/optim';
import { manualSeed, type Tensor } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { byClass } from './data.js';
import { SmallCNN } from './model.js';

export { SmallCNN } from './model.js';
export { Relabel, byClass } from './data.js';

export interface TransferOptions extends FashionRunOptions {
  /** Labelled training images per class of the new task (default 10). */
  shots?: number;
  /** Pretraining epochs on classes 0–4 (default 2). */
  pretrainEpochs?: number;
  /** Epochs on the few images, for both the transferred and the fresh model (default 30). */
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Use the first n training images (for pretraining and to draw the few from) and the first n/6 test images. */
  subset?: number;
}

export interface FewShotRun {
  name: string;
  /** Test accuracy on classes 5–9 before training (epoch 0) and after each epoch. */
  accuracy: number[];
  /** Training loss (mean over the few images) per epoch. */
  loss: number[];
  trainableParameters: number;
  seconds: number;
}

export interface TransferResult {
  /** Test accuracy on classes 0–4 after pretraining. */
  pretrainAccuracy: number;
  pretrainSeconds: number;
  shots: number;
  transfer: FewShotRun;
  scratch: FewShotRun;
  /** The largest change of any frozen (pretrained) weight during fine-tuning: 0. */
  frozenChange: number;
  table: string;
  files: string[];
}

const MEAN = 0.286;
const STD = 0.353;
const OLD = [0, 1, 2, 3, 4];
const NEW = [5, 6, 7, 8, 9];

const count = (m: Module) => [...m.parameters()].filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel, 0);

export async function trainTransfer(o: TransferOptions): Promise<TransferResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const shots = o.shots ?? 10;
  const epochs = o.epochs ?? 30;
  const seed = o.seed ?? 0;
  const lr = o.lr ?? 2e-3;
  const augment = compose(randomHorizontalFlip(0.5), normalize([MEAN], [STD]));
  const trainSet = new FashionMNIST({ root: o.data, train: true, subset: o.subset, transform: augment });
  const testSet = new FashionMNIST({ root: o.data, train: false, subset: o.subset ? Math.ceil(o.subset / 6) : undefined, transform: normalize([MEAN], [STD]) });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);

  // 1. Pretraining on the first five classes.
  manualSeed(seed);
  const pretrained = new SmallCNN(5);
  const oldTrain = new DataLoader(byClass(trainSet, OLD), { batchSize: o.batchSize ?? 64, shuffle: true, seed, prefetch: 4 });
  const oldTest = new DataLoader(byClass(testSet, OLD), { batchSize: 1000 });
  const pre = await fitClassifier(pretrained, oldTrain as AsyncIterable<Batch> & { length: number }, oldTest as AsyncIterable<Batch>, new Adam(pretrained.parameters(), { lr }), {
    epochs: o.pretrainEpochs ?? 2, numClasses: 5, label: 'pretrain (classes 0-4)', quiet: o.quiet, log, writer, tagPrefix: 'pretrain',
  });

  // 2 and 3: the few labelled images of the other five classes, and their test images.
  const few = byClass(trainSet, NEW, { perClass: shots, seed });
  const newTest = new DataLoader(byClass(testSet, NEW), { batchSize: 1000 });
  const batchSize = Math.min(o.batchSize ?? 64, Math.max(5, Math.ceil(few.length / 5))); // a few steps per epoch
  if (!o.quiet) log(`\nfine-tuning on ${few.length} images of classes 5-9 (${shots} per class), ${epochs} epochs of ${Math.ceil(few.length / batchSize)} steps; testing on ${byClass(testSet, NEW).length} images`);

  const fewShot = async (name: string, model: Module, trainable: Iterable<Tensor>): Promise<FewShotRun> => {
    const loader = new DataLoader(few, { batchSize, shuffle: true, seed: seed + 1 });
    const optimizer = new Adam(trainable, { lr });
    const bar = new ProgressBar({ total: epochs, desc: name.padEnd(8), unit: 'epoch', disable: o.quiet });
    const start = performance.now();
    const accuracy = [(await evaluate(model, newTest as AsyncIterable<Batch>, 5)).accuracy];
    const loss: number[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const r = await trainEpoch(model, loader as AsyncIterable<Batch> & { length: number }, optimizer, { quiet: true });
      const test = await evaluate(model, newTest as AsyncIterable<Batch>, 5);
      accuracy.push(test.accuracy);
      loss.push(r.loss);
      writer.addScalars('fewshot_test_accuracy', { [name]: test.accuracy }, epoch);
      writer.addScalars('fewshot_train_loss', { [name]: r.loss }, epoch);
      bar.setPostfix({ loss: r.loss, 'test acc': test.accuracy });
      bar.update();
    }
    bar.close();
    return { name, accuracy, loss, trainableParameters: count(model), seconds: (performance.now() - start) / 1000 };
  };

  // Transfer: freeze everything, then give the model a new, trainable last layer.
  pretrained.requiresGrad_(false);
  manualSeed(seed + 1);
  pretrained.fc = new Linear(32 * 7 * 7, NEW.length);
  const frozen = [...pretrained.namedParameters()].filter(([name]) => !name.startsWith('fc.')).map(([, p]) => p);
  const before = await Promise.all(frozen.map((p) => p.data()));
  const transfer = await fewShot('transfer', pretrained, pretrained.fc.parameters());
  let frozenChange = 0; // the largest change of a frozen weight while fine-tuning: 0
  for (const [i, p] of frozen.entries()) {
    const after = await p.data();
    for (let k = 0; k < after.length; k++) frozenChange = Math.max(frozenChange, Math.abs(Number(after[k]) - Number(before[i][k])));
  }
  // Scratch: the same architecture, every weight trained, on the same images.
  manualSeed(seed + 1);
  const fresh = new SmallCNN(NEW.length);
  const scratch = await fewShot('scratch', fresh, fresh.parameters());

  const best = (r: FewShotRun) => Math.max(...r.accuracy.slice(1));
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const table = formatTable(
    ['model', 'trained parameters', 'final test accuracy', 'best', 'seconds'],
    [transfer, scratch].map((r) => [r.name, r.trainableParameters, pct(r.accuracy.at(-1)!), pct(best(r)), r.seconds.toFixed(1)]),
  );
  const x = Array.from({ length: epochs + 1 }, (_, i) => i);
  const files = [
    await writeLines(`${o.runDir}/transfer.png`, `classes 5-9 from ${shots} images per class`, 'epoch', 'test accuracy (5 classes)', [
      { name: 'frozen pretrained CNN + new last layer', x, y: transfer.accuracy },
      { name: 'same CNN from scratch', x, y: scratch.accuracy },
    ]),
    await writeLines(`${o.runDir}/pretrain.png`, 'pretraining on classes 0-4', 'epoch', 'accuracy (5 classes)', [
      { name: 'train', x: pre.history.epoch, y: pre.history.trainAccuracy },
      { name: 'test', x: pre.history.epoch, y: pre.history.testAccuracy },
    ]),
  ];
  writer.addText('results', '```\n' + table + '\n```', epochs);
  writer.close();
  return { pretrainAccuracy: pre.last.accuracy, pretrainSeconds: pre.seconds, shots, transfer, scratch, frozenChange, table, files };
}
