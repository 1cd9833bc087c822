import { hostname } from 'node:os';
import { join } from 'node:path';
import { imageGrid, isTensorLike, writeFileAtomic, type RasterImage, type TensorLike } from '@nutshell/plot';
import { type EmbeddingInfo, type EmbeddingOptions, projectorConfigText, writeEmbedding } from './embedding.js';
import { EventFile } from './event-file.js';
import { type Bins, histogram } from './histogram.js';
import { toSummaryImage } from './image.js';
import { encodeEvent, histogramValue, imageValue, scalarValue, textValue } from './messages.js';
import type { ProtoWriter } from './protobuf.js';
import { toFloat64, type Values } from './values.js';
import { TensorBoardError } from './errors.js';

/** A one-element tensor of @nutshell/tensor (duck-typed: this package does not depend on it). */
export interface ScalarTensor {
  readonly isTensor: true;
  readonly numel: number;
  itemSync(): number;
}

export interface SummaryWriterOptions {
  /** Appended to the event file's name, as torch's filename_suffix. */
  filenameSuffix?: string;
}

/**
 * Writes TensorBoard event files, with the methods of torch.utils.tensorboard.SummaryWriter:
 *
 *   const writer = new SummaryWriter('runs/lenet');
 *   writer.addScalar('loss/train', loss, step);
 *   writer.close();
 *
 * Then `tensorboard --logdir runs`. Steps are integers (default 0); wall time is now unless given.
 */
export class SummaryWriter {
  readonly logDir: string;
  private readonly main: EventFile;
  // addScalars writes each named value to its own run folder, as torch does, so that
  // TensorBoard draws them as separate runs on one chart.
  private readonly subRuns = new Map<string, EventFile>();
  // The embeddings this writer added, in order: projector_config.pbtxt is rewritten from them
  // on each addEmbedding, as torch keeps its ProjectorConfig.
  private readonly embeddings: EmbeddingInfo[] = [];

  constructor(logDir?: string, private readonly options: SummaryWriterOptions = {}) {
    if (logDir !== undefined && (typeof logDir !== 'string' || logDir === '')) {
      throw new TensorBoardError(`SummaryWriter: logDir must be a non-empty string, got ${JSON.stringify(logDir)}`);
    }
    this.logDir = logDir ?? defaultLogDir();
    this.main = new EventFile(this.logDir, options.filenameSuffix);
  }

  /** The path of the main event file. */
  get path(): string {
    return this.main.path;
  }

  /** `value`: a number, or a one-element tensor (read back, waiting for it, as PyTorch's add_scalar does). */
  addScalar(tag: string, value: number | ScalarTensor, step?: number, wallTime?: number): void {
    checkTag(tag, 'addScalar');
    let v: unknown = value;
    if (typeof value === 'object' && value !== null && (value as ScalarTensor).isTensor) {
      if (value.numel !== 1) throw new TensorBoardError(`addScalar: value expected a number or a one-element tensor, got a tensor of ${value.numel} elements`);
      v = value.itemSync();
    }
    checkNumber(v, 'addScalar', 'value');
    this.emit(this.main, scalarValue(tag, v as number), step, wallTime, 'addScalar');
  }

  /** Several values on one chart: each name becomes the run `<logDir>/<mainTag>_<name>`, tagged `mainTag`. */
  addScalars(mainTag: string, values: Record<string, number>, step?: number, wallTime?: number): void {
    checkTag(mainTag, 'addScalars');
    if (values === null || typeof values !== 'object') throw new TensorBoardError(`addScalars: values must be an object of name: number, got ${values}`);
    for (const [name, value] of Object.entries(values)) checkNumber(value, 'addScalars', `values.${name}`);
    for (const [name, value] of Object.entries(values)) {
      const dir = join(this.logDir, `${mainTag.replaceAll('/', '_')}_${name}`);
      let file = this.subRuns.get(dir);
      if (!file) {
        this.checkOpen('addScalars');
        file = new EventFile(dir, this.options.filenameSuffix);
        this.subRuns.set(dir, file);
      }
      this.emit(file, scalarValue(mainTag, value), step, wallTime, 'addScalars');
    }
  }

  /**
   * An image: a RasterImage (`{ width, height, channels: 1 | 3 | 4, data, layout? }`, Uint8Array
   * data in 0..255 or float data in 0..1, HWC unless layout is 'chw'), the bytes of a PNG file, or
   * a tensor [C, H, W] / [H, W] (floats in [0, 1]), as PyTorch's add_image.
   */
  addImage(tag: string, image: RasterImage | Uint8Array | TensorLike, step?: number, wallTime?: number): void {
    checkTag(tag, 'addImage');
    if (isTensorLike(image) && image.shape.length === 4) {
      throw new TensorBoardError(`addImage: image expected [C, H, W] or [H, W], got a batch [${image.shape.join(', ')}]: addImages(tag, batch) writes it as one grid`);
    }
    this.emit(this.main, imageValue(tag, toSummaryImage(image, 'addImage')), step, wallTime, 'addImage');
  }

  /**
   * A batch of images [N, C, H, W] (floats in [0, 1]) as one grid of up to 8 columns, as
   * PyTorch's add_images.
   */
  addImages(tag: string, images: TensorLike, step?: number, wallTime?: number): void {
    checkTag(tag, 'addImages');
    if (!isTensorLike(images) || images.shape.length !== 4) {
      throw new TensorBoardError(`addImages: images expected a tensor [N, C, H, W], got ${isTensorLike(images) ? `shape [${images.shape.join(', ')}]` : typeof images}`);
    }
    const grid = imageGrid(images, { columns: Math.max(1, Math.min(images.shape[0], 8)), padding: 0, scale: 1, normalize: 'none' });
    this.emit(this.main, imageValue(tag, toSummaryImage(grid, 'addImages')), step, wallTime, 'addImages');
  }

  /**
   * The distribution of `values` (an array, a typed array, or anything with dataSync() such as a
   * tensor), in TensorFlow's exponential buckets or in `bins` equal-width bins.
   */
  addHistogram(tag: string, values: Values, step?: number, bins: Bins = 'tensorflow', wallTime?: number): void {
    checkTag(tag, 'addHistogram');
    const data = toFloat64(values, 'addHistogram');
    this.emit(this.main, histogramValue(tag, histogram(data, bins, `addHistogram('${tag}')`)), step, wallTime, 'addHistogram');
  }

  /** Text for the Text tab; TensorBoard renders it as Markdown. */
  addText(tag: string, text: string, step?: number, wallTime?: number): void {
    checkTag(tag, 'addText');
    if (typeof text !== 'string') throw new TensorBoardError(`addText: text must be a string, got ${typeof text}`);
    this.emit(this.main, textValue(tag, text), step, wallTime, 'addText');
  }

  /**
   * Points for TensorBoard's Projector tab (PCA, t-SNE, UMAP), as PyTorch's add_embedding:
   * `mat` is [N, D] (a 2-D tensor or N rows of D numbers), `metadata` a label per point (or
   * rows of several, with `metadataHeader`), `labelImg` an image per point ([N, C, H, W]). Writes
   * `<logDir>/<globalStep, 5 digits>/<tag>/` tensors.tsv, metadata.tsv and sprite.png, and
   * rewrites `<logDir>/projector_config.pbtxt` with every embedding this writer added. The same
   * tag and step again replace their files and entry.
   */
  addEmbedding(mat: TensorLike | readonly ArrayLike<number>[], options: EmbeddingOptions = {}): void {
    this.checkOpen('addEmbedding');
    const info = writeEmbedding(this.logDir, mat, options);
    const same = this.embeddings.findIndex((e) => e.tensorName === info.tensorName);
    if (same >= 0) this.embeddings[same] = info;
    else this.embeddings.push(info);
    writeFileAtomic(join(this.logDir, 'projector_config.pbtxt'), [projectorConfigText(this.embeddings)]);
  }

  /** Forces written records to disk (they reach the file, and TensorBoard, when added). */
  flush(): void {
    this.main.flush();
    for (const f of this.subRuns.values()) f.flush();
  }

  close(): void {
    this.main.close();
    for (const f of this.subRuns.values()) f.close();
  }

  /** `using writer = new SummaryWriter(dir)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  private checkOpen(method: string): void {
    if (this.main.closed) throw new TensorBoardError(`${method}: this SummaryWriter (${this.logDir}) is closed`);
  }

  private emit(file: EventFile, value: ProtoWriter, step: number | undefined, wallTime: number | undefined, method: string): void {
    this.checkOpen(method);
    if (step !== undefined && !Number.isSafeInteger(step)) throw new TensorBoardError(`${method}: step must be an integer, got ${step}`);
    if (wallTime !== undefined && !Number.isFinite(wallTime)) throw new TensorBoardError(`${method}: wallTime must be seconds since the epoch, got ${wallTime}`);
    file.write(encodeEvent({ wallTime: wallTime ?? Date.now() / 1000, step: step ?? 0, summary: [value] }));
  }
}

/** runs/<date>_<time>_<host>, as torch's default. */
function defaultLogDir(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
  return join('runs', `${stamp}_${hostname()}`);
}

function checkTag(tag: unknown, method: string): void {
  if (typeof tag !== 'string' || tag === '') throw new TensorBoardError(`${method}: tag must be a non-empty string, got ${JSON.stringify(tag)}`);
}

function checkNumber(value: unknown, method: string, name: string): void {
  if (typeof value !== 'number') throw new TensorBoardError(`${method}: ${name} must be a number, got ${typeof value}`);
}
