// A DCGAN on Fashion-MNIST, as a function (main.ts and the test call it). Each step trains the
// discriminator on a batch of real images (scaled to [-1, 1]) and a batch of the generator's
// fakes (detached), then the generator with the non-saturating loss (its fakes labelled real);
// both with Adam (lr 2e-4, betas 0.5 and 0.999) on BCEWithLogitsLoss. Writes the loss curves,
// D's mean outputs on real and fake images, a grid of samples from one fixed noise batch after
// every epoch, both networks' weights (safetensors, PyTorch's names) and TensorBoard scalars.
import { DataLoader, FashionMNIST, ProgressBar } from '@nutshell/data';
import { writeLines, type FashionRunOptions } from '@nutshell/example-common';
import { BCEWithLogitsLoss, save } from '@nutshell/nn';
import { Adam } from '@nutshell/optim';
import { imageGrid, writePng } from '@nutshell/plot';
import { add, manualSeed, noGrad, onesLike, randn, scope, stack, zerosLike, type Tensor } from '@nutshell/tensor';
import { SummaryWriter } from '@nutshell/tensorboard';
import { dcganInit, Discriminator, Generator } from './model.js';

export { dcganInit, Discriminator, Generator } from './model.js';

export interface GanOptions extends FashionRunOptions {
  epochs?: number;
  batchSize?: number;
  /** Both Adams' learning rate (default 2e-4). */
  lr?: number;
  /** Numbers in the generator's noise vector (default 64). */
  latent?: number;
  /** Train on the first n training images. */
  subset?: number;
}

/** Means over a stretch of steps: both losses and D's sigmoid output on real and on fake images. */
export interface GanCurves {
  epoch: number[];
  /** The discriminator's loss: binary cross-entropy on the real images plus that on the fakes. */
  dLoss: number[];
  /** The generator's: binary cross-entropy of D's logits on its fakes against "real". */
  gLoss: number[];
  /** D(x): the mean probability D gives the real images. */
  dReal: number[];
  /** D(G(z)): the same for the fakes, in D's step (before its update). */
  dFake: number[];
}

export interface GanResult {
  /** One point per epoch: that epoch's means. */
  history: GanCurves;
  /** One point per group of steps read together (x in epochs, fractional). */
  curves: GanCurves;
  /**
   * Pixel mean and standard deviation of the generator's images from the fixed noise (eval mode),
   * before training (epoch 0, batch norm still at its initial running statistics: a flat grey)
   * and after each epoch; `data` holds the training images' own.
   */
  samples: { epoch: number[]; mean: number[]; std: number[] };
  data: { mean: number; std: number };
  seconds: number;
  imagesPerSecond: number;
  files: string[];
}

type Batch = { image: Tensor; label: Tensor };
const STEPS_BETWEEN_READS = 20; // steps enqueued before their losses are read (the device queue stays full)
const SAMPLES = 64; // images in the fixed noise batch, an 8×8 grid

export async function trainGan(o: GanOptions): Promise<GanResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const epochs = o.epochs ?? 5;
  const seed = o.seed ?? 0;
  const batchSize = o.batchSize ?? 64;
  const lr = o.lr ?? 2e-4;
  manualSeed(seed);
  const trainSet = new FashionMNIST({ root: o.data, train: true, subset: o.subset });
  // Full batches only: batch norm's statistics over a last batch of a few images are noise.
  const loader = new DataLoader(trainSet, { batchSize, shuffle: true, seed, prefetch: 4, dropLast: true });
  if (loader.length === 0) throw new Error(`a batch of ${batchSize} is more than the ${trainSet.length} training images`);

  const generator = new Generator(o.latent ?? 64).apply(dcganInit);
  const discriminator = new Discriminator().apply(dcganInit);
  const optimizerG = new Adam(generator.parameters(), { lr, betas: [0.5, 0.999] });
  const optimizerD = new Adam(discriminator.parameters(), { lr, betas: [0.5, 0.999] });
  const criterion = new BCEWithLogitsLoss();
  const fixedNoise = randn([SAMPLES, generator.latent]);
  const data = pixelStatistics(trainSet.images);
  const writer = new SummaryWriter(`${o.runDir}/tensorboard`);
  writer.addText('config', `epochs ${epochs}, batch ${batchSize}, Adam lr ${lr} betas (0.5, 0.999), noise of ${generator.latent}, ${trainSet.length} training images`, 0);
  log(`${trainSet.length} training images (pixel mean ${data.mean.toFixed(3)}, std ${data.std.toFixed(3)} in [-1, 1]); noise of ${generator.latent} numbers per image`);

  const samples: GanResult['samples'] = { epoch: [], mean: [], std: [] };
  const files: string[] = [];
  let grid: Uint8Array | null = null; // the latest samples' PNG
  const sample = async (epoch: number) => {
    const images = generate(generator, fixedNoise);
    const pixels = (await images.data()) as Float32Array;
    const stats = pixelStatistics(pixels);
    samples.epoch.push(epoch);
    samples.mean.push(stats.mean);
    samples.std.push(stats.std);
    if (epoch > 0) {
      const path = `${o.runDir}/samples-epoch-${epoch}.png`;
      grid = imageGrid(images, { columns: 8, scale: 2, normalize: [-1, 1], title: `generated from fixed noise after epoch ${epoch}` });
      await writePng(path, grid);
      files.push(path);
    }
    images.dispose();
  };
  await sample(0);

  const history: GanCurves = { epoch: [], dLoss: [], gLoss: [], dReal: [], dFake: [] };
  const curves: GanCurves = { epoch: [], dLoss: [], gLoss: [], dReal: [], dFake: [] };
  const start = performance.now();
  let seen = 0, step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    loader.setEpoch(epoch - 1);
    generator.train();
    discriminator.train();
    const bar = new ProgressBar({ total: loader.length, desc: `epoch ${epoch}/${epochs}`, unit: 'img', disable: o.quiet });
    const sum = [0, 0, 0, 0];
    let steps = 0;
    // Each step leaves [D loss, G loss, D(x), D(G(z))] on the device; they are read in groups.
    const pending: Tensor[] = [];
    const drain = async () => {
      if (pending.length === 0) return;
      const group = [0, 0, 0, 0];
      for (const stats of pending) {
        const v = (await stats.data()) as Float32Array;
        for (let k = 0; k < 4; k++) group[k] += v[k];
        stats.dispose();
      }
      const [dLoss, gLoss, dReal, dFake] = group.map((s) => s / pending.length);
      for (let k = 0; k < 4; k++) sum[k] += group[k];
      steps += pending.length;
      pending.length = 0;
      curves.epoch.push(epoch - 1 + steps / loader.length);
      curves.dLoss.push(dLoss);
      curves.gLoss.push(gLoss);
      curves.dReal.push(dReal);
      curves.dFake.push(dFake);
      writer.addScalar('loss/D', dLoss, step);
      writer.addScalar('loss/G', gLoss, step);
      writer.addScalar('D/real', dReal, step);
      writer.addScalar('D/fake', dFake, step);
      bar.setPostfix({ D: sum[0] / steps, G: sum[1] / steps });
    };
    for await (const batch of loader as AsyncIterable<Batch>) {
      const n = batch.image.shape[0];
      pending.push(scope(() => {
        const real = batch.image.mul(2).sub(1); // [0, 1] → [-1, 1], tanh's range
        const fake = generator.forward(randn([n, generator.latent]));
        // Discriminator: real images towards 1, fakes towards 0. detach() keeps this step's
        // gradients out of the generator.
        optimizerD.zeroGrad();
        const realLogits = discriminator.forward(real);
        const fakeLogits = discriminator.forward(fake.detach());
        const dLoss = add(criterion.forward(realLogits, onesLike(realLogits)), criterion.forward(fakeLogits, zerosLike(fakeLogits)));
        dLoss.backward();
        optimizerD.step();
        // Generator, non-saturating: maximise log D(G(z)) by labelling its fakes real, through the
        // updated discriminator (the gradients this leaves on D's weights are zeroed next step).
        optimizerG.zeroGrad();
        const gLogits = discriminator.forward(fake);
        const gLoss = criterion.forward(gLogits, onesLike(gLogits));
        gLoss.backward();
        optimizerG.step();
        return stack([dLoss, gLoss, realLogits.sigmoid().mean(), fakeLogits.sigmoid().mean()]).detach();
      }));
      batch.image.dispose();
      batch.label.dispose();
      seen += n;
      step += 1;
      if (pending.length >= STEPS_BETWEEN_READS) await drain();
      bar.update(1, n);
    }
    await drain();
    const [dLoss, gLoss, dReal, dFake] = sum.map((s) => s / steps);
    history.epoch.push(epoch);
    history.dLoss.push(dLoss);
    history.gLoss.push(gLoss);
    history.dReal.push(dReal);
    history.dFake.push(dFake);
    await sample(epoch);
    bar.close({ D: dLoss, G: gLoss, 'D(x)': dReal, 'D(G(z))': dFake });
    writer.addScalar('samples/mean', samples.mean.at(-1)!, epoch);
    writer.addScalar('samples/std', samples.std.at(-1)!, epoch);
  }
  const seconds = (performance.now() - start) / 1000;
  fixedNoise.dispose();

  if (grid) {
    await writePng(`${o.runDir}/samples.png`, grid); // the last epoch's, under a name that stays
    files.push(`${o.runDir}/samples.png`);
  }
  files.push(
    await writeLines(`${o.runDir}/loss.png`, `DCGAN: losses (means over ${STEPS_BETWEEN_READS} steps)`, 'epoch', 'binary cross-entropy', [
      { name: 'discriminator (real + fake)', x: curves.epoch, y: curves.dLoss },
      { name: 'generator', x: curves.epoch, y: curves.gLoss },
    ]),
    await writeLines(`${o.runDir}/discriminator.png`, "DCGAN: the discriminator's mean output", 'epoch', 'probability of "real"', [
      { name: 'D(x), real images', x: curves.epoch, y: curves.dReal },
      { name: 'D(G(z)), fakes', x: curves.epoch, y: curves.dFake },
      { name: 'undecided', x: [0, epochs], y: [0.5, 0.5], thickness: 1, color: '#888888' },
    ]),
  );
  await save(generator, `${o.runDir}/generator.safetensors`, { latent: String(generator.latent) });
  await save(discriminator, `${o.runDir}/discriminator.safetensors`);
  files.push(`${o.runDir}/generator.safetensors`, `${o.runDir}/discriminator.safetensors`);
  writer.close();
  return { history, curves, samples, data, seconds, imagesPerSecond: seen / seconds, files };
}

/** The generator's images for `noise`, in eval mode (batch norm's running statistics), no graph. */
function generate(generator: Generator, noise: Tensor): Tensor {
  const wasTraining = generator.training;
  generator.eval();
  const images = noGrad(() => generator.forward(noise));
  generator.train(wasTraining);
  return images;
}

/** Mean and standard deviation of pixels in [-1, 1] (bytes 0..255 are mapped there first). */
function pixelStatistics(pixels: Float32Array | Uint8Array): { mean: number; std: number } {
  const bytes = pixels instanceof Uint8Array;
  let sum = 0, squares = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = bytes ? pixels[i] / 127.5 - 1 : pixels[i];
    sum += v;
    squares += v * v;
  }
  const mean = sum / pixels.length;
  return { mean, std: Math.sqrt(Math.max(0, squares / pixels.length - mean * mean)) };
}
