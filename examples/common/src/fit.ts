// The epoch loop the image classifiers share: train one epoch (progress bar), evaluate on the
// test loader, record the history, log scalars to TensorBoard and a line per epoch.
import type { Module } from '@nutshell/nn';
import type { SummaryWriter } from '@nutshell/tensorboard';
import { evaluate, trainEpoch, type Batch, type Evaluation, type StepOptimizer } from './classify.js';
import { emptyHistory, type History } from './plots.js';

export interface FitOptions {
  epochs: number;
  numClasses: number;
  /** Prefix of the progress bar's label ("epoch 3/5"). */
  label?: string;
  quiet?: boolean;
  log?: (line: string) => void;
  /** Scalars loss/{train,test} and accuracy/{train,test} per epoch (under `tagPrefix`), and the step losses. */
  writer?: SummaryWriter;
  tagPrefix?: string;
  afterStep?: () => void;
  /** Steps enqueued between reads of the metrics (trainEpoch's; default 20). Each holds its activations until run. */
  syncEvery?: number;
  afterEpoch?: (epoch: number, test: Evaluation) => void | Promise<void>;
}

export interface FitResult {
  history: History;
  /** Mean training loss of every window of 20 steps, across epochs (for per-step curves). */
  stepLosses: number[];
  /** The last epoch's test evaluation (with its confusion matrix). */
  last: Evaluation;
  seconds: number;
  imagesPerSecond: number;
}

export async function fitClassifier(
  model: Module,
  trainLoader: AsyncIterable<Batch> & { length: number },
  testLoader: AsyncIterable<Batch>,
  optimizer: StepOptimizer,
  o: FitOptions,
): Promise<FitResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const prefix = o.tagPrefix ? `${o.tagPrefix}/` : '';
  const history = emptyHistory();
  const stepLosses: number[] = [];
  const start = performance.now();
  let imagesPerSecond = 0;
  let last: Evaluation = { loss: NaN, accuracy: 0, confusion: [], count: 0 };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const r = await trainEpoch(model, trainLoader, optimizer, {
      label: `${o.label ? o.label + ' ' : ''}epoch ${epoch}/${o.epochs}`, afterStep: o.afterStep, quiet: o.quiet, syncEvery: o.syncEvery, window: 20,
    });
    for (const l of r.stepLosses) {
      o.writer?.addScalar(`${prefix}loss/train_steps`, l, stepLosses.length * 20);
      stepLosses.push(l);
    }
    imagesPerSecond = r.imagesPerSecond;
    last = await evaluate(model, testLoader, o.numClasses);
    history.epoch.push(epoch);
    history.trainLoss.push(r.loss);
    history.trainAccuracy.push(r.accuracy);
    history.testLoss.push(last.loss);
    history.testAccuracy.push(last.accuracy);
    const scalars = { 'loss/train': r.loss, 'loss/test': last.loss, 'accuracy/train': r.accuracy, 'accuracy/test': last.accuracy };
    for (const [tag, v] of Object.entries(scalars)) o.writer?.addScalar(prefix + tag, v, epoch);
    if (!o.quiet) {
      log(`${o.label ? o.label + ' ' : ''}epoch ${epoch}: train loss ${r.loss.toFixed(4)} acc ${(100 * r.accuracy).toFixed(2)}%  test loss ${last.loss.toFixed(4)} acc ${(100 * last.accuracy).toFixed(2)}%  (${r.imagesPerSecond.toFixed(0)} img/s)`);
    }
    await o.afterEpoch?.(epoch, last);
  }
  return { history, stepLosses, last, seconds: (performance.now() - start) / 1000, imagesPerSecond };
}
