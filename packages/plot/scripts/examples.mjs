// Renders one example of each chart so a person can look at them after changing the drawing
// code: `npm run build -w @nutshell/plot && node packages/plot/scripts/examples.mjs [outDir]`.
import { barChart, heatmap, imageGrid, lineChart, scatterChart, writePng } from '../dist/index.js';

const out = process.argv[2] ?? '/tmp/plot-examples';

// A loss curve with a little oscillation, and a validation curve with one missing evaluation.
const steps = Array.from({ length: 300 }, (_, i) => i * 10);
const train = steps.map((s, i) => 2.3 * Math.exp(-i / 60) + 0.08 + 0.05 * Math.sin(i * 1.7) * Math.exp(-i / 200));
const valSteps = steps.filter((_, i) => i % 25 === 0);
const val = valSteps.map((s, k) => (k === 5 ? NaN : 2.3 * Math.exp(-s / 700) + 0.15));
const series = [{ name: 'train', x: steps, y: train }, { name: 'validation', x: valSteps, y: val }];
await writePng(`${out}/line.png`, lineChart({ title: 'LeNet on MNIST: loss', xLabel: 'step', yLabel: 'cross-entropy', series }));
await writePng(`${out}/line-log.png`, lineChart({ title: 'loss (log y)', xLabel: 'step', yLabel: 'loss', logY: true, series }));

// Embeddings of five classes projected to 2-D: overlapping clusters of translucent markers.
let seed = 1;
const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
const centres = [[0, 0], [4, 1], [1, 5], [5, 5], [-2, 3]];
const labels = Array.from({ length: 3000 }, (_, i) => i % centres.length);
await writePng(`${out}/scatter.png`, scatterChart({
  title: 'embeddings (PCA)', xLabel: 'PC 1', yLabel: 'PC 2', labels, classNames: ['cat', 'dog', 'bird', 'fish', 'frog'],
  x: labels.map((k) => centres[k][0] + gauss()), y: labels.map((k) => centres[k][1] + 0.8 * gauss()),
}));

const classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const accuracy = [0.86, 0.97, 0.82, 0.9, 0.84, 0.96, 0.65, 0.95, 0.97, 0.96];
await writePng(`${out}/bar.png`, barChart({ title: 'Per-class accuracy', labels: classes, values: accuracy, yLabel: 'accuracy', xLabel: 'class' }));

const confusion = classes.map((_, r) => classes.map((_, c) => (r === c ? 900 + r * 9 : (r * 7 + c * 3) % 11 === 0 ? 41 : (r + c) % 5)));
await writePng(`${out}/heatmap.png`, heatmap(confusion, {
  title: 'Confusion matrix', rowLabels: [...'0123456789'], colLabels: [...'0123456789'], xLabel: 'predicted', yLabel: 'true',
}));

// Six 5×5 "filters" (oriented gratings) and eight 28×28 RGB samples.
const filters = Array.from({ length: 6 }, (_, k) => ({
  width: 5, height: 5, channels: 1,
  data: Float32Array.from({ length: 25 }, (_, i) => Math.cos(((i % 5) * Math.cos(k) + Math.floor(i / 5) * Math.sin(k)) * 1.3)),
}));
await writePng(`${out}/grid-filters.png`, imageGrid(filters, { columns: 6, normalize: 'each', title: 'conv1 filters', labels: filters.map((_, i) => `f${i}`) }));
const samples = Array.from({ length: 8 }, (_, k) => ({
  width: 28, height: 28, channels: 3,
  data: Uint8Array.from({ length: 28 * 28 * 3 }, (_, i) => {
    const p = Math.floor(i / 3), x = p % 28, y = Math.floor(p / 28);
    return [x * 9, y * 9, (x - 14) ** 2 + (y - 14) ** 2 < 40 + k * 10 ? 255 : 40][i % 3];
  }),
}));
await writePng(`${out}/grid-images.png`, imageGrid(samples, { columns: 4, normalize: 'none', title: 'samples', labels: samples.map((_, i) => `pred ${i}`) }));
console.log(`wrote examples to ${out}`);
