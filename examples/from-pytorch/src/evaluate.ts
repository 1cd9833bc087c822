// Loads LeNet weights that PyTorch trained and saved as safetensors (scripts/make_checkpoint.py)
// into nutshell's LeNet (examples/lenet) and evaluates them on the Fashion-MNIST test images.
// The checkpoint's metadata says how PyTorch normalised its inputs, its test accuracy, its
// prediction for every test image and the logits of the first few: so besides the accuracy we
// check that nutshell predicts the same class for each image and the same logits to float
// precision — that the weights mean the same function in both frameworks.
import { fileURLToPath } from 'node:url';
import { DataLoader, FashionMNIST, normalize } from '@nutshell/data';
import { writeConfusion, type Batch } from '@nutshell/example-common';
import { LeNet } from '@nutshell/example-lenet';
import { load, loadMetadata } from '@nutshell/nn';
import { imageGrid, writePng } from '@nutshell/plot';
import { argmax, crossEntropy, noGrad, scope } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';

/** Class names short enough for a caption under a 28×28 image. */
const SHORT = ['Top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'];

/** The checkpoint scripts/make_checkpoint.py wrote (committed). */
export const FIXTURE = fileURLToPath(new URL('../fixtures/lenet-pytorch.safetensors', import.meta.url));

export interface FromPyTorchOptions {
  /** A safetensors file with LeNet's parameters and make_checkpoint.py's metadata (default: the fixture). */
  checkpoint?: string;
  /** Data folder (default: the Debian package's, or NUTSHELL_DATA). */
  data?: string;
  /** Evaluate on the first n test images only. */
  subset?: number;
  batchSize?: number;
  runDir: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface FromPyTorchResult {
  /** nutshell's accuracy on the evaluated test images. */
  accuracy: number;
  /** PyTorch's accuracy on the same images (from its recorded predictions), and on all 10,000 as recorded. */
  pytorchAccuracy: number;
  recordedAccuracy: number;
  /** Images on which nutshell and PyTorch predict the same class, of `count`. */
  agreements: number;
  count: number;
  testLoss: number;
  /** Largest |nutshell logit − PyTorch logit| over the first test images. */
  maxLogitDifference: number;
  confusion: number[][];
  metadata: Record<string, string>;
  parameterNames: string[];
  seconds: number;
  files: string[];
}

export async function evaluatePyTorchCheckpoint(o: FromPyTorchOptions): Promise<FromPyTorchResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const path = o.checkpoint ?? FIXTURE;
  const meta = loadMetadata(path);
  for (const key of ['normalize_mean', 'normalize_std', 'test_accuracy', 'test_predictions']) {
    if (meta[key] === undefined) throw new Error(`${path}: metadata has no '${key}' (was it written by scripts/make_checkpoint.py?)`);
  }
  const weights = load(path);
  const model = new LeNet();
  model.loadStateDict(weights); // strict: every name and shape must match
  for (const t of weights.values()) t.dispose();
  model.eval();
  if (!o.quiet) log(`loaded ${path}: ${[...model.stateDict().keys()].join(', ')} (${meta.framework ?? 'unknown framework'}, ${meta.epochs ?? '?'} epoch(s))`);

  const mean = Number(meta.normalize_mean), std = Number(meta.normalize_std);
  const testSet = new FashionMNIST({ root: o.data, train: false, subset: o.subset, transform: normalize([mean], [std]) });
  const loader = new DataLoader(testSet, { batchSize: o.batchSize ?? 1000 });
  const theirs = meta.test_predictions;
  if (theirs.length !== 10_000) throw new Error(`${path}: test_predictions has ${theirs.length} entries, expected 10000`);
  const ref: number[][] = meta.test_logits ? JSON.parse(meta.test_logits) : [];

  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let count = 0, agreements = 0, theirCorrect = 0, lossSum = 0, maxLogitDifference = 0;
  const start = performance.now();
  for await (const { image, label } of loader as AsyncIterable<Batch>) {
    const [loss, preds, logits] = noGrad(() => scope(() => {
      const logits = model.forward(image);
      return [crossEntropy(logits, label, { reduction: 'sum' }), argmax(logits, { dim: 1 }), logits];
    }));
    const labels = await label.data();
    const p = await preds.data();
    lossSum += await loss.item();
    if (count < ref.length) {
      const l = (await logits.data()) as Float32Array;
      for (let i = 0; i < ref.length - count && i < labels.length; i++) {
        for (let k = 0; k < 10; k++) maxLogitDifference = Math.max(maxLogitDifference, Math.abs(l[i * 10 + k] - ref[count + i][k]));
      }
    }
    for (let i = 0; i < labels.length; i++) {
      const truth = Number(labels[i]), ours = Number(p[i]), pt = Number(theirs[count + i]);
      confusion[truth][ours] += 1;
      if (ours === pt) agreements += 1;
      if (pt === truth) theirCorrect += 1;
    }
    count += labels.length;
    for (const t of [loss, preds, logits, image, label]) t.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const accuracy = confusion.reduce((s, row, i) => s + row[i], 0) / count;

  const files = [await writeConfusion(`${o.runDir}/confusion.png`, confusion, FashionMNIST.classes, 'PyTorch-trained LeNet in nutshell')];
  // The first test images with nutshell's prediction (and the truth where it is wrong).
  const shown = Math.min(32, count);
  const plain = new FashionMNIST({ root: o.data, train: false, subset: shown });
  const firstPreds = await predictFirst(model, testSet, shown);
  files.push(`${o.runDir}/predictions.png`);
  await writePng(files[1], imageGrid(
    Array.from({ length: shown }, (_, i) => ({ width: 28, height: 28, channels: 1 as const, data: plain.get(i).image.data })),
    {
      columns: 8, scale: 3, normalize: 'none', title: 'first test images: prediction (/truth if wrong)',
      labels: Array.from({ length: shown }, (_, i) => {
        const name = (c: number) => SHORT[c];
        return firstPreds[i] === plain.labels[i] ? name(firstPreds[i]) : `${name(firstPreds[i])}/${name(plain.labels[i])}`;
      }),
    },
  ));

  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addScalar('accuracy/nutshell', accuracy, 0);
  writer.addScalar('accuracy/pytorch', theirCorrect / count, 0);
  writer.addScalar('agreement', agreements / count, 0);
  writer.addText('checkpoint', `${path}\n\n${Object.entries(meta).filter(([k]) => k !== 'test_predictions' && k !== 'test_logits').map(([k, v]) => `- ${k}: ${v}`).join('\n')}`, 0);
  writer.close();
  return {
    accuracy, pytorchAccuracy: theirCorrect / count, recordedAccuracy: Number(meta.test_accuracy), agreements, count,
    testLoss: lossSum / count, maxLogitDifference, confusion, metadata: meta, parameterNames: [...model.stateDict().keys()], seconds, files,
  };
}

async function predictFirst(model: LeNet, set: FashionMNIST, n: number): Promise<number[]> {
  const loader = new DataLoader(set, { batchSize: n });
  for await (const { image, label } of loader as AsyncIterable<Batch>) {
    const preds = noGrad(() => scope(() => argmax(model.forward(image), { dim: 1 })));
    const out = Array.from(await preds.data(), Number);
    for (const t of [preds, image, label]) t.dispose();
    return out;
  }
  return [];
}
