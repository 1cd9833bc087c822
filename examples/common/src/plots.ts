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

/**
 * Rows of a weight matrix [n, height·width] as n small images (a linear classifier's class
 * templates, a first hidden layer's receptive fields). 'diverging' colours each image on its own
 * symmetric scale, red for positive weights and blue for negative (white is zero); 'gray'
 * stretches each image over its min..max.
 */
export async function writeWeightImages(
  path: string,
  weight: Tensor | Float32Array,
  shape: { height: number; width: number; count?: number },
  options: { title?: string; labels?: readonly string[]; columns?: number; scale?: number; colors?: 'diverging' | 'gray' } = {},
): Promise<string> {
  const { height, width } = shape;
  const w = (weight instanceof Float32Array ? weight : ((await weight.data()) as Float32Array));
  const pixels = height * width;
  const count = shape.count ?? Math.floor(w.length / pixels);
  if (count * pixels > w.length || count < 1) throw new Error(`writeWeightImages: ${count} images of ${height}×${width} need ${count * pixels} values, got ${w.length}`);
  const colors = options.colors ?? 'diverging';
  const images = Array.from({ length: count }, (_, k) => {
    const row = w.subarray(k * pixels, (k + 1) * pixels);
    if (colors === 'gray') return { width, height, channels: 1 as const, data: row.slice() };
    let m = 0;
    for (const v of row) m = Math.max(m, Math.abs(v));
    const rgb = new Float32Array(pixels * 3);
    for (let i = 0; i < pixels; i++) {
      const t = m > 0 ? row[i] / m : 0; // −1 … 1
      // white at 0, towards red (0.84, 0.15, 0.16) above and blue (0.13, 0.40, 0.67) below
      const [r, g, b] = t >= 0 ? [0.84, 0.15, 0.16] : [0.13, 0.4, 0.67];
      const a = Math.abs(t);
      rgb[3 * i] = 1 + (r - 1) * a;
      rgb[3 * i + 1] = 1 + (g - 1) * a;
      rgb[3 * i + 2] = 1 + (b - 1) * a;
    }
    return { width, height, channels: 3 as const, data: rgb };
  });
  await writePng(path, imageGrid(images, {
    columns: options.columns ?? Math.min(count, 5), scale: options.scale ?? 4,
    normalize: colors === 'gray' ? 'each' : 'none', title: options.title, labels: options.labels ? [...options.labels] : undefined,
  }));
  return path;
}
