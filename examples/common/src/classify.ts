// Training and evaluating a classifier: one epoch with a progress bar, and an evaluation that
// returns loss, accuracy and the confusion matrix. Shared by the image examples.
import type { Module } from '@nutshell/nn';
import { ProgressBar } from '@nutshell/data';
import { argmax, crossEntropy, noGrad, scope, type Tensor } from '@nutshell/tensor';

export interface Batch {
  image: Tensor;
  label: Tensor;
}

export interface StepOptimizer {
  zeroGrad(): void;
  step(): void;
}

export interface EpochResult {
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  /** Mean loss of each reported window of steps (for the curve). */
  stepLosses: number[];
}

/** One training epoch; each step reads the metrics of the step `syncEvery` back, so the device queue stays fed and the event loop turns every step. */
export async function trainEpoch(
  model: Module,
  batches: AsyncIterable<Batch> & { length: number },
  optimizer: StepOptimizer,
  options: {
    label?: string;
    /** Steps in flight (default 2): each step awaits the metrics of the step this many back.
     * Every enqueued step holds its activations until the device has run it. */
    syncEvery?: number;
    /** Steps per point of stepLosses (default 20). */
    window?: number;
    afterStep?: () => void;
    quiet?: boolean;
  } = {},
): Promise<EpochResult> {
  model.train();
  const bar = new ProgressBar({ total: batches.length, desc: options.label, unit: 'img', disable: options.quiet });
  const syncEvery = options.syncEvery ?? 2;
  const window = options.window ?? 20;
  let lossSum = 0, correct = 0, seen = 0, windowLoss = 0, windowSteps = 0;
  const stepLosses: number[] = [];
  const pending: { loss: Tensor; correct: Tensor; n: number }[] = [];
  const start = performance.now();
  // Reads the oldest steps' metrics until `keep` remain in flight.
  const drain = async (keep = 0) => {
    while (pending.length > keep) {
      const p = pending.shift()!;
      const l = (await p.loss.item()) * p.n;
      lossSum += l;
      windowLoss += l / p.n;
      windowSteps += 1;
      correct += await p.correct.item();
      p.loss.dispose();
      p.correct.dispose();
    }
  };
  for await (const batch of batches) {
    const n = batch.image.shape[0];
    const kept = scope(() => {
      optimizer.zeroGrad();
      const logits = model.forward(batch.image) as Tensor;
      const loss = crossEntropy(logits, batch.label);
      loss.backward();
      optimizer.step();
      options.afterStep?.();
      const hits = noGrad(() => argmax(logits, { dim: 1 }).eq(batch.label).sum());
      return { loss: loss.detach(), correct: hits };
    });
    batch.image.dispose();
    batch.label.dispose();
    pending.push({ ...kept, n });
    seen += n;
    // Every step awaits the step `syncEvery` back, which has usually finished: the event loop
    // turns once a step, and the queue holds a few steps' ops, not enough to make the JS thread
    // wait for space (Note [queue bound] in native/src/cpu/stream.cc).
    if (pending.length >= syncEvery) await drain(syncEvery - 1);
    if (windowSteps >= window) {
      stepLosses.push(windowLoss / windowSteps);
      bar.setPostfix({ loss: windowLoss / windowSteps, acc: correct / seen });
      windowLoss = windowSteps = 0;
    }
    bar.update(1, n); // a step of n images: the bar counts steps, the rate images
  }
  await drain();
  if (windowSteps) stepLosses.push(windowLoss / windowSteps);
  const seconds = (performance.now() - start) / 1000;
  bar.close({ loss: lossSum / seen, acc: correct / seen });
  return { loss: lossSum / seen, accuracy: correct / seen, imagesPerSecond: seen / seconds, stepLosses };
}

export interface Evaluation {
  loss: number;
  accuracy: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  count: number;
}

export async function evaluate(model: Module, batches: AsyncIterable<Batch>, numClasses: number): Promise<Evaluation> {
  model.eval();
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let lossSum = 0, count = 0;
  for await (const batch of batches) {
    const [loss, preds] = noGrad(() =>
      scope(() => {
        const logits = model.forward(batch.image) as Tensor;
        return [crossEntropy(logits, batch.label, { reduction: 'sum' }), argmax(logits, { dim: 1 })];
      }),
    );
    const labels = await batch.label.data();
    const p = await preds.data();
    lossSum += await loss.item();
    for (let i = 0; i < labels.length; i++) confusion[Number(labels[i])][Number(p[i])] += 1;
    count += labels.length;
    for (const t of [loss, preds, batch.image, batch.label]) t.dispose();
  }
  model.train();
  const correct = confusion.reduce((s, row, i) => s + row[i], 0);
  return { loss: lossSum / count, accuracy: correct / count, confusion, count };
}
