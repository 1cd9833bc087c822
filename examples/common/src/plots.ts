// The pictures a training run leaves: learning curves, a confusion matrix, first-layer filters.
import { heatmap, imageGrid, lineChart, writePng, type LineSeries } from '@nutshell/plot';
import type { Tensor } from '@nutshell/tensor';

export interface History {
  epoch: number[];
  trainLoss: number[];
  testLoss: number[];
  trainAccuracy: number[];
  testAccuracy: number[];
}

export const emptyHistory = (): History => ({ epoch: [], trainLoss: [], testLoss: [], trainAccuracy: [], testAccuracy: [] });

export async function writeCurves(dir: string, h: History, title: string): Promise<string[]> {
  const loss = `${dir}/loss.png`;
  const acc = `${dir}/accuracy.png`;
  await writePng(loss, lineChart({
    title: `${title}: loss`, xLabel: 'epoch', yLabel: 'cross-entropy',
    series: [{ name: 'train', x: h.epoch, y: h.trainLoss }, { name: 'test', x: h.epoch, y: h.testLoss }],
  }));
  await writePng(acc, lineChart({
    title: `${title}: accuracy`, xLabel: 'epoch', yLabel: 'accuracy',
    series: [{ name: 'train', x: h.epoch, y: h.trainAccuracy }, { name: 'test', x: h.epoch, y: h.testAccuracy }],
  }));
  return [loss, acc];
}

export async function writeLines(path: string, title: string, xLabel: string, yLabel: string, series: LineSeries[]): Promise<string> {
  await writePng(path, lineChart({ title, xLabel, yLabel, series }));
  return path;
}

export async function writeConfusion(path: string, confusion: number[][], classes: readonly string[], title = 'confusion matrix'): Promise<string> {
  await writePng(path, heatmap(confusion, {
    title, rowLabels: [...classes], colLabels: [...classes], xLabel: 'predicted', yLabel: 'true', annotate: true,
  }));
  return path;
}

/** Conv filters [out, in, kH, kW] as a grid of kH×kW images (first input channel). */
export async function writeFilters(path: string, weight: Tensor, title = 'first-layer filters'): Promise<string> {
  const [out, inCh, kh, kw] = weight.shape;
  const w = (await weight.data()) as Float32Array;
  const images = Array.from({ length: out }, (_, o) => ({ width: kw, height: kh, channels: 1 as const, data: w.slice(o * inCh * kh * kw, o * inCh * kh * kw + kh * kw) }));
  await writePng(path, imageGrid(images, { columns: Math.min(out, 8), scale: 16, normalize: 'each', title }));
  return path;
}
