// A convolutional autoencoder on Fashion-MNIST, as a function (main.ts and the test call it): Adam
// on the mean squared error between each image and its reconstruction. Writes the loss curves,
// test images beside their reconstructions, a walk through the code space between two test
// images, the weights (safetensors, PyTorch's names) and TensorBoard scalars.
import { DataLoader, FashionMNIST, ProgressBar } from '@nutshell/data';
import { writeLines, type FashionRunOptions } from '@nutshell/example-common';
import { save } from '@nutshell/nn';
import { Adam } from '@nutshell/optim';
import { imageGrid, writePng } from '@nutshell/plot';
import { add, manualSeed, mseLoss, mul, noGrad, scope, tensor, type Tensor } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { Autoencoder, type Upsampling } from './model.js';

export { Autoencoder, type Upsampling } from './model.js';

export interface AutoencoderOptions extends FashionRunOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Numbers in the code (default 16). */
  latent?: number;
  upsampling?: Upsampling;
}

export interface AutoencoderResult {
  /** Mean squared error per pixel on the test images, after the last epoch. */
  testLoss: number;
  /** The same for the mean training image given as every reconstruction: what a code must beat. */
  meanImageLoss: number;
  history: { epoch: number[]; trainLoss: number[]; testLoss: number[] };
  seconds: number;
  imagesPerSecond: number;
  files: string[];
}

type Batch = { image: Tensor; label: Tensor };
const STEPS_BETWEEN_READS = 20; // steps enqueued before their losses are read (the device queue stays full)

export async function trainAutoencoder(o: AutoencoderOptions): Promise<AutoencoderResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 5;
  const seed = o.seed ?? 0;
  const batchSize = o.batchSize ?? 64;
  manualSeed(seed);
  const trainSet = new FashionMNIST({ root: o.data, train: true, subset: o.subset });
  const testSet = new FashionMNIST({ root: o.data, train: false, subset: o.subset ? Math.ceil(o.subset / 6) : undefined });
  const trainLoader = new DataLoader(trainSet, { batchSize, shuffle: true, seed, prefetch: 4 });
  const testLoader = new DataLoader(testSet, { batchSize: 1000 });

  const model = new Autoencoder(o.latent ?? 16, o.upsampling ?? 'transposed');
  const optimizer = new Adam(model.parameters(), { lr: o.lr ?? 2e-3 });
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addText('config', `epochs ${epochs}, batch ${batchSize}, Adam lr ${o.lr ?? 2e-3}, code of ${model.latent}, ${model.upsampling} upsampling, ${trainSet.length} training images`, 0);
  const meanImageLoss = await lossOfMeanImage(trainLoader as AsyncIterable<Batch>, testLoader as AsyncIterable<Batch>);
  log(`a code of ${model.latent} numbers per 784-pixel image; the mean training image as every reconstruction scores ${meanImageLoss.toFixed(4)}`);

  const history: AutoencoderResult['history'] = { epoch: [], trainLoss: [], testLoss: [] };
  const start = performance.now();
  let seen = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    trainLoader.setEpoch(epoch - 1);
    model.train();
    const bar = new ProgressBar({ total: trainLoader.length, desc: `epoch ${epoch}/${epochs}`, unit: 'img', disable: o.quiet });
    let sum = 0, steps = 0;
    const pending: Tensor[] = [];
    const drain = async () => {
      for (const loss of pending) {
        sum += await loss.item();
        steps += 1;
        loss.dispose();
      }
      pending.length = 0;
      bar.setPostfix({ loss: sum / steps });
    };
    for await (const batch of trainLoader as AsyncIterable<Batch>) {
      const n = batch.image.shape[0];
      pending.push(scope(() => {
        optimizer.zeroGrad();
        const loss = mseLoss(model.forward(batch.image), batch.image);
        loss.backward();
        optimizer.step();
        return loss.detach();
      }));
      batch.image.dispose();
      batch.label.dispose();
      seen += n;
      if (pending.length >= STEPS_BETWEEN_READS) await drain();
      bar.update(1, n);
    }
    await drain();
    const testLoss = await evaluate(model, testLoader as AsyncIterable<Batch>);
    bar.close({ loss: sum / steps, test: testLoss });
    history.epoch.push(epoch);
    history.trainLoss.push(sum / steps);
    history.testLoss.push(testLoss);
    writer.addScalar('loss/train', sum / steps, epoch);
    writer.addScalar('loss/test', testLoss, epoch);
  }
  const seconds = (performance.now() - start) / 1000;

  const files = [
    await writeLines(`${o.runDir}/loss.png`, 'autoencoder: reconstruction error', 'epoch', 'mean squared error per pixel', [
      { name: 'train', x: history.epoch, y: history.trainLoss },
      { name: 'test', x: history.epoch, y: history.testLoss },
      { name: 'mean image', x: history.epoch, y: history.epoch.map(() => meanImageLoss), thickness: 1, color: '#888888' },
    ]),
    ...(await writePictures(model, testSet, o.runDir)),
  ];
  await save(model, `${o.runDir}/autoencoder.safetensors`, { latent: String(model.latent), upsampling: model.upsampling });
  files.push(`${o.runDir}/autoencoder.safetensors`);
  writer.close();
  return { testLoss: history.testLoss.at(-1) ?? NaN, meanImageLoss, history, seconds, imagesPerSecond: seen / seconds, files };
}

/** Mean squared error per pixel over the test set (batches of 1000, no graph). */
async function evaluate(model: Autoencoder, batches: AsyncIterable<Batch>): Promise<number> {
  model.eval();
  let sum = 0, count = 0;
  for await (const batch of batches) {
    const loss = noGrad(() => scope(() => mseLoss(model.forward(batch.image), batch.image, { reduction: 'sum' })));
    sum += await loss.item();
    count += batch.image.numel;
    loss.dispose();
    batch.image.dispose();
    batch.label.dispose();
  }
  return sum / count;
}

/** The test error of reconstructing every image as the mean training image. */
async function lossOfMeanImage(train: AsyncIterable<Batch>, test: AsyncIterable<Batch>): Promise<number> {
  const mean = new Float64Array(784);
  let images = 0;
  for await (const batch of train) {
    const pixels = (await batch.image.data()) as Float32Array;
    for (let i = 0; i < pixels.length; i++) mean[i % 784] += pixels[i];
    images += batch.image.shape[0];
    batch.image.dispose();
    batch.label.dispose();
  }
  for (let i = 0; i < 784; i++) mean[i] /= images;
  let sum = 0, count = 0;
  for await (const batch of test) {
    const pixels = (await batch.image.data()) as Float32Array;
    for (let i = 0; i < pixels.length; i++) sum += (pixels[i] - mean[i % 784]) ** 2;
    count += pixels.length;
    batch.image.dispose();
    batch.label.dispose();
  }
  return sum / count;
}

const asImage = (data: Float32Array) => ({ width: 28, height: 28, channels: 1 as const, data });

/** reconstructions.png (ten test images over their reconstructions) and code-walk.png. */
async function writePictures(model: Autoencoder, testSet: FashionMNIST, runDir: string): Promise<string[]> {
  model.eval();
  // One test image of each class, so every kind of garment is shown.
  const picked: number[] = [];
  for (let i = 0; i < testSet.length && picked.length < 10; i++) {
    const label = Number(testSet.get(i).label);
    if (!picked.some((j) => Number(testSet.get(j).label) === label)) picked.push(i);
  }
  const pixels = new Float32Array(picked.length * 784);
  picked.forEach((index, k) => pixels.set(testSet.get(index).image.data as Float32Array, k * 784));
  const { reconstructed, walk } = noGrad(() =>
    scope(() => {
      const x = tensor(pixels, { shape: [picked.length, 1, 28, 28] });
      const codes = model.encode(x);
      // Eight steps on the straight line between the codes of the first two picked images.
      const steps = 8;
      const t = tensor(Array.from({ length: steps }, (_, s) => s / (steps - 1)), { shape: [steps, 1] });
      const from = codes.narrow(0, 0, 1);
      const to = codes.narrow(0, 1, 1);
      const line = add(mul(from, add(mul(t, -1), 1)), mul(to, t));
      return { reconstructed: model.decode(codes), walk: model.decode(line) };
    }),
  );
  const recon = (await reconstructed.data()) as Float32Array;
  const walked = (await walk.data()) as Float32Array;
  reconstructed.dispose();
  walk.dispose();
  const images = [...picked.map((_, k) => asImage(pixels.slice(k * 784, (k + 1) * 784))), ...picked.map((_, k) => asImage(recon.slice(k * 784, (k + 1) * 784)))];
  const classes = picked.map((i) => FashionMNIST.classes[Number(testSet.get(i).label)]);
  const reconstructions = `${runDir}/reconstructions.png`;
  await writePng(reconstructions, imageGrid(images, {
    columns: picked.length, scale: 3, normalize: 'none', title: 'test images (top) and their reconstructions (bottom)', labels: [...classes, ...classes],
  }));
  const codeWalk = `${runDir}/code-walk.png`;
  await writePng(codeWalk, imageGrid(Array.from({ length: 8 }, (_, s) => asImage(walked.slice(s * 784, (s + 1) * 784))), {
    columns: 8, scale: 3, normalize: 'none', title: `decoded along the line between the codes of the ${classes[0]} and the ${classes[1]} above`,
  }));
  return [reconstructions, codeWalk];
}
