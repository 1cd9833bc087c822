// The same MLP trained three times, with sigmoid, tanh and ReLU units, from the same random
// draws (the same seed before each model is made; by default each layer's draws are scaled by its
// unit's gain, see model.ts) on the same batches (the same loader seed), with plain SGD. Writes one plot of the three training-loss curves, the final test accuracies,
// and TensorBoard scalars (the three losses overlaid on one chart).
import { DataLoader, FashionMNIST, normalize } from '@nutshell/data';
import { fitClassifier, formatTable, writeLines, type Batch, type History, type FashionRunOptions } from '@nutshell/example-common';
import { SGD } from '@nutshell/optim';
import { barChart, writePng } from '@nutshell/plot';
import { manualSeed } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { MLP, activations, type Activation, type InitRule } from './model.js';

export { MLP, activations, type Activation, type InitRule } from './model.js';

export interface ActivationsOptions extends FashionRunOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  hidden?: number;
  /** Hidden layers (default 2). */
  depth?: number;
  /** How the weights start (default 'gain'). */
  init?: InitRule;
  /** Which nonlinearities to compare (default all three). */
  units?: readonly Activation[];
}

export interface ActivationRun {
  activation: Activation;
  /** Mean training loss of each window of 20 steps. */
  stepLosses: number[];
  history: History;
  testAccuracy: number;
  /** Steps until the windowed training loss first fell to 1.0 or below (NaN if it never did). */
  stepsToTarget: number;
  seconds: number;
}

export interface ActivationsResult {
  runs: ActivationRun[];
  /** The loss level that stepsToTarget measures (1.0). */
  target: number;
  table: string;
  files: string[];
}

const MEAN = 0.286;
const STD = 0.353;
const WINDOW = 20; // steps per point of the loss curves (trainEpoch's sync interval)
const target = 1.0; // about 65% training accuracy: where the table measures how long each run took

export async function compareActivations(o: ActivationsOptions): Promise<ActivationsResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 2;
  const seed = o.seed ?? 0;
  const lr = o.lr ?? 0.05;
  const hidden = o.hidden ?? 128;
  const depth = o.depth ?? 2;
  const shape = [784, ...new Array<number>(depth).fill(hidden), 10].join('-');
  const units = o.units ?? activations;
  const trainSet = new FashionMNIST({ root: o.data, train: true, subset: o.subset, transform: normalize([MEAN], [STD]) });
  const testSet = new FashionMNIST({ root: o.data, train: false, subset: o.subset ? Math.ceil(o.subset / 6) : undefined, transform: normalize([MEAN], [STD]) });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addText('config', `MLP ${shape}, SGD lr ${lr}, batch ${o.batchSize ?? 64}, ${epochs} epochs of ${trainSet.length} images, seed ${seed}`, 0);

  const runs: ActivationRun[] = [];
  for (const activation of units) {
    manualSeed(seed); // the same draws for every activation
    const model = new MLP(activation, hidden, depth, { init: o.init });
    const trainLoader = new DataLoader(trainSet, { batchSize: o.batchSize ?? 64, shuffle: true, seed, prefetch: 4 });
    const testLoader = new DataLoader(testSet, { batchSize: 1000 });
    const optimizer = new SGD(model.parameters(), { lr });
    const fit = await fitClassifier(model, trainLoader as AsyncIterable<Batch> & { length: number }, testLoader as AsyncIterable<Batch>, optimizer, {
      epochs, numClasses: 10, label: activation.padEnd(7), quiet: o.quiet, log,
    });
    fit.stepLosses.forEach((l, i) => writer.addScalars('loss_train', { [activation]: l }, (i + 1) * WINDOW));
    fit.history.testAccuracy.forEach((a, i) => writer.addScalars('accuracy_test', { [activation]: a }, i + 1));
    runs.push({ activation, stepLosses: fit.stepLosses, history: fit.history, testAccuracy: fit.last.accuracy, stepsToTarget: NaN, seconds: fit.seconds });
  }

  for (const r of runs) {
    const i = r.stepLosses.findIndex((l) => l <= target);
    r.stepsToTarget = i < 0 ? NaN : (i + 1) * WINDOW;
  }
  const tenth = (r: ActivationRun) => r.stepLosses[Math.max(0, Math.round(r.stepLosses.length / 10) - 1)];
  const table = formatTable(
    ['units', 'loss at 10%', 'final loss', `steps to loss ${target.toFixed(1)}`, 'test accuracy', 'seconds'],
    runs.map((r) => [r.activation, tenth(r).toFixed(3), r.stepLosses.at(-1)!.toFixed(3), Number.isNaN(r.stepsToTarget) ? 'never' : r.stepsToTarget, `${(100 * r.testAccuracy).toFixed(2)}%`, r.seconds.toFixed(1)]),
  );

  const lossPng = await writeLines(`${o.runDir}/loss.png`, `training loss: MLP ${shape}`, `step (mean of ${WINDOW})`, 'cross-entropy',
    runs.map((r) => ({ name: r.activation, x: r.stepLosses.map((_, i) => (i + 1) * WINDOW), y: r.stepLosses })));
  const accPng = `${o.runDir}/accuracy.png`;
  await writePng(accPng, barChart({
    title: `test accuracy after ${epochs} epoch${epochs > 1 ? 's' : ''}`, labels: runs.map((r) => r.activation),
    values: runs.map((r) => r.testAccuracy), yLabel: 'accuracy',
  }));
  writer.addText('results', '```\n' + table + '\n```', epochs);
  writer.close();
  return { runs, target, table, files: [lossPng, accPng] };
}
