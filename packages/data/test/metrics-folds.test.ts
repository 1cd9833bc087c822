// sklearn.metrics' curves and areas, confusion matrices, and KFold / StratifiedKFold (user trial
// AL wrote them by hand): scikit-learn's documented values, the Mann–Whitney statistic the ROC
// area equals (ties counting half) on random scores, folds that partition the samples and keep
// each class's share, and the refusals.
import { describe, expect, it } from 'vitest';
import { tensor } from '@nutshell/tensor';
import { averagePrecision, confusionMatrix, kFold, precisionRecallCurve, rocAuc, rocCurve, stratifiedKFold } from '@nutshell/data';

describe('metrics', () => {
  const y = [0, 0, 1, 1];
  const s = [0.1, 0.4, 0.35, 0.8];

  it("scikit-learn's documented values: roc_curve, roc_auc_score, precision_recall_curve, average_precision_score", () => {
    expect(rocCurve(s, y)).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] });
    expect(rocAuc(s, y)).toBe(0.75);
    const pr = precisionRecallCurve(Float32Array.from(s), Int32Array.from(y));
    expect(pr.recall).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(pr.precision.map((p) => Number(p.toFixed(6)))).toEqual([0.5, 0.666667, 0.5, 1, 1]);
    expect(pr.thresholds.map((t) => Number(t.toFixed(6)))).toEqual([0.1, 0.35, 0.4, 0.8]);
    expect(averagePrecision(s, y)).toBeCloseTo(0.8333333, 6);
    expect(rocAuc(s, BigInt64Array.from([0n, 0n, 1n, 1n]))).toBe(0.75);
  });

  it('the ROC area is the Mann–Whitney statistic (ties count half), whatever the order of tied scores', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 400;
    const labels = Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
    const scores = labels.map((l) => Math.round((rand() + 0.4 * l) * 20) / 20); // many ties
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (labels[i] !== 1 || labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
    const reversed = [...scores].reverse();
    expect(rocAuc(reversed, [...labels].reverse())).toBeCloseTo(wins / pairs, 12);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], y)).toBe(0.5);
  });

  it('confusionMatrix: rows true, columns predicted; numClasses pads; out-of-range ids refused', () => {
    expect(confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2])).toEqual([[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
    expect(confusionMatrix([1, 1], [0, 1], 3)).toEqual([[0, 1, 0], [0, 1, 0], [0, 0, 0]]);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/^confusionMatrix: predicted expected class ids in \[0, 2\], got 3 at 1$/);
    // ignoreIndex leaves unlabelled samples out (a segmentation's 255); no numClasses: from the rest.
    expect(confusionMatrix([1, 0, 2, 1], [1, 255, 1, 255], { ignoreIndex: 255 })).toEqual([[0, 0, 0], [0, 1, 1], [0, 0, 0]]);
    expect(confusionMatrix([1, 0], [1, 255], { numClasses: 2, ignoreIndex: 255 })).toEqual([[0, 0], [0, 1]]);
    expect(() => confusionMatrix([0, 1], [0, 255], 3)).toThrow(/^confusionMatrix: target expected class ids in \[0, 2\], got 255 at 1 \(unlabelled samples: pass \{ ignoreIndex \}\)$/);
    expect(() => confusionMatrix([0], [0], { ignore_index: 255 } as never)).toThrow(/^confusionMatrix: unknown option 'ignore_index'/);
    // A segmentation batch's pixels, with no numClasses: no call-stack overflow (user trial AO).
    const pixels = 409_600;
    const predicted = Uint8Array.from({ length: pixels }, (_, i) => i % 11);
    const target = Uint8Array.from({ length: pixels }, (_, i) => (i % 7 === 0 ? 255 : i % 11));
    const big = confusionMatrix(predicted, target, { ignoreIndex: 255 });
    expect(big.length).toBe(11);
    expect(big.flat().reduce((a, b) => a + b, 0)).toBe(pixels - Math.ceil(pixels / 7));
  });

  it('refuses tensors (naming data()), lengths that differ, labels other than 0/1, one class only, NaN scores', () => {
    expect(() => rocAuc(tensor(s) as never, y)).toThrow(/^rocAuc: scores expected an array of numbers, got a tensor \(await scores\.data\(\) gives its values\)$/);
    expect(() => rocAuc(s, [0, 1])).toThrow(/^rocAuc: scores has 4 values but labels has 2$/);
    expect(() => averagePrecision(s, [0, 2, 1, 1])).toThrow(/^averagePrecision: labels expected 0 or 1, got 2 at 1$/);
    expect(() => rocCurve(s, [1, 1, 1, 1])).toThrow(/^rocCurve: labels hold only one class \(only positives\)/);
    expect(() => precisionRecallCurve(s, [0, 0, 0, 0])).toThrow(/^precisionRecallCurve: labels hold no positives/);
    expect(() => rocAuc([0.1, NaN, 0.3, 0.2], y)).toThrow(/^rocAuc: scores expected numbers, got NaN at 1$/);
  });
});

describe('kFold and stratifiedKFold', () => {
  const partitions = (folds: { train: Int32Array; validation: Int32Array }[], n: number) => {
    const seen = folds.flatMap((f) => [...f.validation]).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const f of folds) expect([...f.train, ...f.validation].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  };

  it("kFold: consecutive blocks, the first n mod k one larger (scikit-learn's); shuffled by seed", () => {
    const folds = kFold(7, 3);
    expect(folds.map((f) => [...f.validation])).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
    partitions(folds, 7);
    const a = kFold(100, 5, { shuffle: true, seed: 3 });
    partitions(a, 100);
    expect(a.map((f) => f.validation.length)).toEqual([20, 20, 20, 20, 20]);
    expect(kFold(100, 5, { shuffle: true, seed: 3 })).toEqual(a);
    expect(kFold(100, 5, { shuffle: true, seed: 4 })).not.toEqual(a);
  });

  it('stratifiedKFold: every fold holds each class in its share, sizes within one', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 20 === 0 ? 1 : i % 3 === 0 ? 2 : 0)); // 5 % class 1
    const folds = stratifiedKFold(Int32Array.from(labels), 5, { shuffle: true, seed: 1 });
    partitions(folds, 1000);
    const count = (idx: Int32Array, c: number) => [...idx].filter((i) => labels[i] === c).length;
    for (const c of [0, 1, 2]) {
      const total = labels.filter((l) => l === c).length;
      for (const f of folds) expect(Math.abs(count(f.validation, c) - total / 5)).toBeLessThanOrEqual(1);
    }
    const sizes = folds.map((f) => f.validation.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('refuses k < 2, k above the samples, a tensor of labels, unknown options (naming scikit-learn spellings)', () => {
    expect(() => kFold(10, 1)).toThrow(/^kFold: k expected an integer >= 2, got 1$/);
    expect(() => kFold(3, 5)).toThrow(/^kFold: k = 5 folds need at least 5 samples, got 3$/);
    expect(() => stratifiedKFold(tensor([0, 1]) as never, 2)).toThrow(/^stratifiedKFold: labels expected an array of class ids, got a tensor/);
    expect(() => kFold(10, 2, { random_state: 1 } as never)).toThrow(/^kFold: unknown option 'random_state'.*seed/);
  });
});
