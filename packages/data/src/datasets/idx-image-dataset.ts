// What MNIST and Fashion-MNIST share: a pair of IDX files (uint8 images [N, H, W], uint8 labels
// [N]) read once into memory; a sample is an image [1, H, W] (uint8, or float32 in [0, 1]) and
// its label, with an optional seeded transform applied per sample.
import { DataError, ValueError } from '@nutshell/tensor/errors';
import { checkIndex, type Dataset } from '../dataset.js';
import { readIdx } from '../idx/read.js';
import type { NDArray } from '../ndarray.js';
import { type Rng, sampleRng } from '../rng.js';
import type { Transform } from '../transforms/transform.js';
import { specArg, type WorkerSpec } from '../worker-spec.js';
import { type IdxImageSource, locate } from './mnist-files.js';
import { checkOptions } from '@nutshell/tensor/options';

export interface IdxImageOptions {
  /** The folder with the IDX files (default: $NUTSHELL_DATA/<name>, $NUTSHELL_DATA, then the system folder). */
  root?: string;
  /** The training split (default) or the test split. */
  train?: boolean;
  /** Pixels as uint8, or as float32 in [0, 1] (default). */
  format?: 'uint8' | 'float32';
  /** Applied to each image after `format`, with the sample's rng. */
  transform?: Transform;
  /** Keep only the first n samples (for tests and quick runs). */
  subset?: number;
}

export interface ImageSample {
  /** [1, H, W]. */
  image: NDArray<Float32Array | Uint8Array>;
  /** The class index. */
  label: number;
}

export abstract class IdxImageDataset implements Dataset<ImageSample> {
  readonly root: string;
  readonly train: boolean;
  readonly format: 'uint8' | 'float32';
  readonly transform: Transform | undefined;
  /** All images, row-major [length, H, W], as in the file. */
  readonly images: Uint8Array;
  /** All labels. */
  readonly labels: Uint8Array;
  /** The shape of one image sample: [1, H, W]. */
  readonly imageShape: readonly [1, number, number];
  readonly length: number;
  private readonly subset: number | undefined;
  private readonly pixels: number;

  /** The class names, by label. */
  abstract readonly classes: readonly string[];
  /** The export name a worker constructs. */
  protected abstract readonly exportName: string;
  protected abstract readonly moduleUrl: string;

  protected constructor(source: IdxImageSource, classCount: number, options: IdxImageOptions) {
    const where = source.name;
    checkOptions(where, options, ['root', 'train', 'format', 'transform', 'subset']);
    if (typeof (options.train ?? true) !== 'boolean') throw new ValueError(`${where}: train expected a boolean, got ${JSON.stringify(options.train)}`);
    const { train = true, format = 'float32', transform, subset } = options;
    if (format !== 'uint8' && format !== 'float32') throw new ValueError(`${where}: format expected 'uint8' or 'float32', got ${JSON.stringify(format)}`);
    if (transform !== undefined && typeof transform !== 'function') throw new ValueError(`${where}: transform expected a function, got ${typeof transform}`);
    if (subset !== undefined && (!Number.isInteger(subset) || subset < 0)) throw new ValueError(`${where}: subset expected a non-negative integer, got ${subset}`);
    const files = locate(source, options.root, train ? 'train' : 't10k');
    const images = readIdx(files.images);
    const labels = readIdx(files.labels);
    if (images.dtype !== 'uint8' || images.shape.length !== 3) {
      throw new DataError(`${where}: ${files.images}: expected uint8 images [N, H, W], got ${images.dtype} [${images.shape.join(', ')}]`);
    }
    if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
      throw new DataError(`${where}: ${files.labels}: expected uint8 labels [N], got ${labels.dtype} [${labels.shape.join(', ')}]`);
    }
    if (labels.shape[0] !== images.shape[0]) {
      throw new DataError(`${where}: ${files.images} has ${images.shape[0]} images but ${files.labels} has ${labels.shape[0]} labels`);
    }
    const n = subset === undefined ? images.shape[0] : Math.min(subset, images.shape[0]);
    this.pixels = images.shape[1] * images.shape[2];
    // A subset is copied out so the full file's memory can go.
    this.images = n === images.shape[0] ? (images.data as Uint8Array) : (images.data as Uint8Array).slice(0, n * this.pixels);
    this.labels = n === labels.shape[0] ? (labels.data as Uint8Array) : (labels.data as Uint8Array).slice(0, n);
    const bad = this.labels.findIndex((l) => l >= classCount);
    if (bad >= 0) throw new DataError(`${where}: ${files.labels}: label ${bad} is ${this.labels[bad]}, expected 0..${classCount - 1}`);
    this.root = files.root;
    this.train = train;
    this.format = format;
    this.transform = transform;
    this.subset = subset;
    this.length = n;
    this.imageShape = [1, images.shape[1], images.shape[2]];
  }

  get(index: number, rng?: Rng): ImageSample {
    checkIndex(`${this.exportName}.get`, index, this.length);
    const raw = this.images.subarray(index * this.pixels, (index + 1) * this.pixels);
    let data: Float32Array | Uint8Array = raw;
    if (this.format === 'float32') {
      data = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) data[i] = raw[i] / 255;
    }
    let image: NDArray = { data, shape: this.imageShape };
    if (this.transform) image = this.transform(image, rng ?? sampleRng(0, 0, index));
    return { image: image as ImageSample['image'], label: this.labels[index] };
  }

  workerSpec(): WorkerSpec {
    const options: Record<string, unknown> = { root: this.root, train: this.train, format: this.format, subset: this.subset };
    if (this.transform) options.transform = specArg(this.transform, this.exportName, 'transform');
    return { module: this.moduleUrl, name: this.exportName, args: [options], construct: true };
  }
}

/** Reads only a split's labels (quick: no images are inflated). */
export function readLabels(source: IdxImageSource, options: Pick<IdxImageOptions, 'root' | 'train'>): Uint8Array {
  const files = locate(source, options.root, options.train === false ? 't10k' : 'train');
  const labels = readIdx(files.labels);
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DataError(`${source.name}: ${files.labels}: expected uint8 labels [N], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  return labels.data as Uint8Array;
}
