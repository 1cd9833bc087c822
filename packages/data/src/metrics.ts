// Evaluation metrics over predictions read back to the host (scikit-learn's sklearn.metrics):
// ROC and precision-recall curves of binary scores, their areas, and confusion matrices. They take
// arrays (`await scores.data()`), not tensors: a metric reads every value once, in the order of
// the scores, which is host work. Ties among scores are one threshold, as in scikit-learn, so the
// areas do not depend on the order of tied samples.
import { ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';

type Values = ArrayLike<number | bigint>;

function valuesOf(fn: string, name: string, v: unknown): number[] {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number' || (v as { isTensor?: boolean }).isTensor) {
    const got = (v as { isTensor?: boolean } | null)?.isTensor ? `a tensor (await ${name}.data() gives its values)` : v === null ? 'null' : typeof v;
    throw new ValueError(`${fn}: ${name} expected an array of numbers, got ${got}`);
  }
  return Array.from(v as Values, Number);
}

/** Scores and 0/1 labels, checked: the same length, labels 0 or 1, scores not NaN. */
function binary(fn: string, scores: Values, labels: Values): { s: number[]; y: number[]; positives: number } {
  const s = valuesOf(fn, 'scores', scores);
  const y = valuesOf(fn, 'labels', labels);
  if (s.length !== y.length) throw new ValueError(`${fn}: scores has ${s.length} values but labels has ${y.length}`);
  const badLabel = y.findIndex((v) => v !== 0 && v !== 1);
  if (badLabel >= 0) throw new ValueError(`${fn}: labels expected 0 or 1, got ${y[badLabel]} at ${badLabel}`);
  const badScore = s.findIndex(Number.isNaN);
  if (badScore >= 0) throw new ValueError(`${fn}: scores expected numbers, got NaN at ${badScore}`);
  return { s, y, positives: y.reduce((a, b) => a + b, 0) };
}

/** Cumulative true and false positives at each distinct score, highest first (scikit-learn's _binary_clf_curve). */
function thresholdCounts(s: number[], y: number[]): { tps: number[]; fps: number[]; thresholds: number[] } {
  const order = s.map((_, i) => i).sort((a, b) => s[b] - s[a]);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((i, r) => {
    if (y[i] === 1) tp++;
    else fp++;
    if (r === order.length - 1 || s[order[r + 1]] !== s[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(s[i]);
    }
  });
  return { tps, fps, thresholds };
}

function needBoth(fn: string, positives: number, n: number): void {
  if (positives === 0 || positives === n) throw new ValueError(`${fn}: labels hold only one class (${positives === 0 ? 'no' : 'only'} positives): the ROC curve is undefined (scikit-learn refuses too)`);
}

/**
 * The ROC curve: false and true positive rates at each distinct score, from (0, 0) (threshold +∞)
 * to (1, 1) — every threshold, as scikit-learn's roc_curve with drop_intermediate=False.
 */
export function rocCurve(scores: Values, labels: Values): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  return roc('rocCurve', scores, labels);
}

function roc(fn: string, scores: Values, labels: Values): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  const { s, y, positives } = binary(fn, scores, labels);
  needBoth(fn, positives, y.length);
  const negatives = y.length - positives;
  const { tps, fps, thresholds } = thresholdCounts(s, y);
  return { fpr: [0, ...fps.map((f) => f / negatives)], tpr: [0, ...tps.map((t) => t / positives)], thresholds: [Infinity, ...thresholds] };
}

/** The area under the ROC curve (trapezoids; ties count half, as the Mann–Whitney statistic). */
export function rocAuc(scores: Values, labels: Values): number {
  const { fpr, tpr } = roc('rocAuc', scores, labels);
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
  return area;
}

/**
 * Precision and recall at each threshold, lowest threshold first and ending at (recall 0,
 * precision 1), as scikit-learn's precision_recall_curve (thresholds ascending, one fewer).
 */
export function precisionRecallCurve(scores: Values, labels: Values): { precision: number[]; recall: number[]; thresholds: number[] } {
  return precisionRecall('precisionRecallCurve', scores, labels);
}

function precisionRecall(fn: string, scores: Values, labels: Values): { precision: number[]; recall: number[]; thresholds: number[] } {
  const { s, y, positives } = binary(fn, scores, labels);
  if (positives === 0) throw new ValueError(`${fn}: labels hold no positives: recall is undefined`);
  const { tps, fps, thresholds } = thresholdCounts(s, y);
  const precision = tps.map((t, i) => t / (t + fps[i]));
  const recall = tps.map((t) => t / positives);
  return { precision: [...precision.reverse(), 1], recall: [...recall.reverse(), 0], thresholds: thresholds.reverse() };
}

/** Average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over the thresholds (scikit-learn's, no interpolation). */
export function averagePrecision(scores: Values, labels: Values): number {
  const { precision, recall } = precisionRecall('averagePrecision', scores, labels);
  let ap = 0;
  for (let i = 0; i < recall.length - 1; i++) ap += (recall[i] - recall[i + 1]) * precision[i];
  return ap;
}

export interface ConfusionMatrixOptions {
  /** Classes 0 … numClasses − 1 (default: the largest id + 1). */
  numClasses?: number;
  /** Samples whose target is this id are left out (torchmetrics' ignore_index: a segmentation's unlabelled pixels). */
  ignoreIndex?: number;
}

/**
 * counts[t][p]: how many samples of true class t were predicted p (rows true, columns
 * predicted, as scikit-learn's); classes 0 … numClasses − 1 (default: the largest id + 1). The
 * third argument is numClasses or { numClasses, ignoreIndex }.
 */
export function confusionMatrix(predicted: Values, target: Values, options: number | ConfusionMatrixOptions = {}): number[][] {
  const { numClasses, ignoreIndex } = typeof options === 'number' ? { numClasses: options, ignoreIndex: undefined } : options;
  if (typeof options !== 'number') checkOptions('confusionMatrix', options, ['numClasses', 'ignoreIndex']);
  if (ignoreIndex !== undefined && !Number.isInteger(ignoreIndex)) throw new ValueError(`confusionMatrix: ignoreIndex expected an integer, got ${String(ignoreIndex)}`);
  const p = valuesOf('confusionMatrix', 'predicted', predicted);
  const t = valuesOf('confusionMatrix', 'target', target);
  if (p.length !== t.length) throw new ValueError(`confusionMatrix: predicted has ${p.length} values but target has ${t.length}`);
  let k = numClasses;
  if (k === undefined) {
    // A loop, not Math.max(...p): a segmentation batch's pixels overflow the call stack as arguments.
    let largest = 0;
    for (let i = 0; i < p.length; i++) {
      if (t[i] === ignoreIndex) continue;
      largest = Math.max(largest, p[i], t[i]);
    }
    k = largest + 1;
  }
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`confusionMatrix: numClasses expected an integer >= 1, got ${String(numClasses)}`);
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < p.length; i++) {
    if (t[i] === ignoreIndex) continue;
    for (const [name, v] of [['predicted', p[i]], ['target', t[i]]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= k) {
        const hint = name === 'target' && ignoreIndex === undefined ? ' (unlabelled samples: pass { ignoreIndex })' : '';
        throw new ValueError(`confusionMatrix: ${name} expected class ids in [0, ${k - 1}], got ${v} at ${i}${hint}`);
      }
    }
    counts[t[i]][p[i]]++;
  }
  return counts;
}
