// The files TensorBoard's projector plugin reads, written as torch.utils.tensorboard writes them
// (writer.py add_embedding, _embedding.py): under <logDir>/<step, 5 digits>/<tag>/ the points as
// tensors.tsv, their labels as metadata.tsv and their images as sprite.png, and one
// `embeddings { … }` entry per embedding in <logDir>/projector_config.pbtxt.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkImage, encodePng, imageOfTensor, imagesOfBatch, isTensorLike, writeFileAtomic, type RasterImage, type TensorLike } from '@nutshell/plot';
import { TensorBoardError } from './errors.js';

/** One value of metadata: a label, written as text. */
export type MetadataValue = string | number | boolean | bigint;

export interface EmbeddingOptions {
  /**
   * A label per point: values (one column), or rows of values with `metadataHeader` (several
   * columns), or a 1-D tensor (class indices).
   */
  metadata?: readonly MetadataValue[] | readonly (readonly MetadataValue[])[] | TensorLike;
  /** Column names when each metadata entry is a row of several values. */
  metadataHeader?: readonly string[];
  /** An image per point for the projector's sprite: a tensor [N, C, H, W] (C = 1 or 3), or a list of images of one size. */
  labelImg?: TensorLike | readonly (RasterImage | TensorLike)[];
  /** Default 0; part of the folder name, zero-padded to 5 digits. */
  globalStep?: number;
  /** Default 'default'. */
  tag?: string;
}

/** A projector_config.pbtxt entry (EmbeddingInfo in tensorboard/plugins/projector/projector_config.proto). */
export interface EmbeddingInfo {
  tensorName: string;
  tensorPath: string;
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [number, number] };
}

const OPTIONS = ['metadata', 'metadataHeader', 'labelImg', 'globalStep', 'tag'];
/** PyTorch's keyword names. */
const RENAMED: Record<string, string> = { metadata_header: 'metadataHeader', label_img: 'labelImg', global_step: 'globalStep', labels: 'metadata', header: 'metadataHeader', step: 'globalStep', images: 'labelImg' };

/**
 * Writes one embedding's files under `logDir` and returns its config entry; the caller rewrites
 * projector_config.pbtxt with every entry it holds.
 */
export function writeEmbedding(logDir: string, mat: unknown, options: EmbeddingOptions): EmbeddingInfo {
  const where = 'addEmbedding';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TensorBoardError(`${where}: options must be an object of { metadata, metadataHeader, labelImg, globalStep, tag }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) {
      const hint = Object.hasOwn(RENAMED, key) ? `; did you mean ${RENAMED[key]}?` : '';
      throw new TensorBoardError(`${where}: unknown option '${key}' (it takes ${OPTIONS.map((k) => `'${k}'`).join(', ')})${hint}`);
    }
  }
  const { globalStep = 0, tag = 'default' } = options;
  if (!Number.isSafeInteger(globalStep)) throw new TensorBoardError(`${where}: globalStep must be an integer, got ${describe(globalStep)}`);
  if (typeof tag !== 'string' || tag === '' || tag === '.' || tag === '..') {
    throw new TensorBoardError(`${where}: tag must be a non-empty string other than '.' and '..', got ${JSON.stringify(tag)}`);
  }
  const rows = matrixOf(mat, where);
  const metadata = options.metadata !== undefined || options.metadataHeader !== undefined ? metadataLines(options, rows.n, where) : undefined;
  const sprite = options.labelImg !== undefined ? makeSprite(options.labelImg, rows.n, where) : undefined;

  // PyTorch's folder: the step as str(step).zfill(5), the tag with %, / and \ percent-encoded.
  const subdir = `${zfill(globalStep, 5)}/${encodeTag(tag)}`;
  const folder = join(logDir, ...subdir.split('/'));
  ensureFolder(folder, where);
  const info: EmbeddingInfo = { tensorName: `${tag}:${zfill(globalStep, 5)}`, tensorPath: `${subdir}/tensors.tsv` };
  if (metadata) {
    writeFileAtomic(join(folder, 'metadata.tsv'), [metadata.join('\n') + '\n']);
    info.metadataPath = `${subdir}/metadata.tsv`;
  }
  if (sprite) {
    writeFileAtomic(join(folder, 'sprite.png'), [sprite.png]);
    info.sprite = { imagePath: `${subdir}/sprite.png`, singleImageDim: [sprite.width, sprite.height] };
  }
  writeFileAtomic(join(folder, 'tensors.tsv'), tsvChunks(rows));
  return info;
}

/** projector_config.pbtxt as protobuf's text_format.MessageToString writes a ProjectorConfig (fields in number order). */
export function projectorConfigText(entries: readonly EmbeddingInfo[]): string {
  let out = '';
  for (const e of entries) {
    out += 'embeddings {\n';
    out += `  tensor_name: ${quote(e.tensorName)}\n`;
    if (e.metadataPath !== undefined) out += `  metadata_path: ${quote(e.metadataPath)}\n`;
    if (e.sprite) {
      out += '  sprite {\n';
      out += `    image_path: ${quote(e.sprite.imagePath)}\n`;
      for (const d of e.sprite.singleImageDim) out += `    single_image_dim: ${d}\n`;
      out += '  }\n';
    }
    out += `  tensor_path: ${quote(e.tensorPath)}\n`;
    out += '}\n';
  }
  return out;
}

/**
 * A string field as text_format writes it (protobuf's CEscape with as_utf8, its default):
 * quotes, backslashes and control characters escaped, other text as UTF-8.
 */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\' + c.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out + '"';
}

/** Python's str(n).zfill(width): '-3' → '-0003'. */
function zfill(n: number, width: number): string {
  const s = String(n);
  const sign = s.startsWith('-') ? '-' : '';
  return sign + s.slice(sign.length).padStart(width - sign.length, '0');
}

/** SummaryWriter._encode: the tag as one folder name. */
const encodeTag = (tag: string) => tag.replaceAll('%', '%25').replaceAll('/', '%2f').replaceAll('\\', '%5c');

/**
 * A float as Python's repr() writes it, which is what PyTorch's tensors.tsv holds (str(x.item())):
 * the shortest digits that read back as the same double, in fixed notation with at least one
 * decimal ('1.0', '0.0001') for decimal exponents -4 to 15, else as '1e-05', '1.5e+16'; 'nan', 'inf'.
 */
export function pythonFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  // toExponential() with no argument gives the shortest round-tripping digits, as repr does.
  const [mantissa, e] = v.toExponential().split('e');
  const exp = Number(e);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits.padEnd(exp + 1, '0')}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

interface Matrix {
  n: number;
  d: number;
  /** Row-major values; integers are written as integers (an integer tensor), floats as Python floats. */
  values: ArrayLike<number | bigint>;
  integers: boolean;
}

/** mat as [N, D]: a 2-D tensor, or rows of numbers (arrays or typed arrays) of one length. */
function matrixOf(mat: unknown, where: string): Matrix {
  if (isTensorLike(mat)) {
    const shape = mat.shape;
    if (shape.length !== 2) throw new TensorBoardError(`${where}: mat must be 2-D [N, D] (a row per point), got a tensor of shape [${shape.join(', ')}]`);
    const [n, d] = shape;
    if (n === 0 || d === 0) throw new TensorBoardError(`${where}: mat is empty (shape [${n}, ${d}])`);
    const values = mat.dataSync();
    return { n, d, values, integers: !(values instanceof Float32Array || values instanceof Float64Array) };
  }
  if (!Array.isArray(mat)) throw new TensorBoardError(`${where}: mat must be a 2-D tensor [N, D] or an array of rows of numbers, got ${describe(mat)}`);
  const n = mat.length;
  if (n === 0) throw new TensorBoardError(`${where}: mat has no rows`);
  const d = (mat[0] as ArrayLike<number> | undefined)?.length;
  if (!d) throw new TensorBoardError(`${where}: mat[0] must be a non-empty array of numbers, got ${describe(mat[0])}`);
  const values = new Float64Array(n * d);
  mat.forEach((row: unknown, i) => {
    const r = row as ArrayLike<unknown>;
    if (!(Array.isArray(row) || (ArrayBuffer.isView(row) && !(row instanceof DataView))) || r.length !== d) {
      throw new TensorBoardError(`${where}: mat[${i}] must be an array of ${d} numbers (as mat[0]), got ${describe(row)}`);
    }
    for (let j = 0; j < d; j++) {
      const v = r[j];
      if (typeof v !== 'number') throw new TensorBoardError(`${where}: mat[${i}][${j}] is ${describe(v)}, expected a number`);
      values[i * d + j] = v;
    }
  });
  return { n, d, values, integers: false };
}

/** tensors.tsv in pieces of about a megabyte: a row per point, tab-separated, as PyTorch's make_mat. */
function* tsvChunks({ n, d, values, integers }: Matrix): Generator<string> {
  const format = integers ? (v: number | bigint) => String(v) : (v: number | bigint) => pythonFloat(v as number);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    let line = format(values[i * d]);
    for (let j = 1; j < d; j++) line += '\t' + format(values[i * d + j]);
    chunk += line + '\n';
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * The lines of metadata.tsv: a value per point, or a header row and a row per point when there
 * are several columns (make_tsv). The projector reads a first line holding a tab as the header
 * and skips blank lines, so a value with a tab or line break, or a blank row, would shift every
 * label after it: those are refused.
 */
function metadataLines(options: EmbeddingOptions, n: number, where: string): string[] {
  const { metadata, metadataHeader } = options;
  if (metadata === undefined) throw new TensorBoardError(`${where}: metadataHeader names the columns of metadata, but no metadata was given`);
  let header: string[] | undefined;
  if (metadataHeader !== undefined) {
    if (!Array.isArray(metadataHeader) || metadataHeader.length < 2) {
      throw new TensorBoardError(`${where}: metadataHeader must name two or more columns (the projector takes a first line as the header only when it holds a tab; one column has no header), got ${describe(metadataHeader)}`);
    }
    if (isTensorLike(metadata)) throw new TensorBoardError(`${where}: metadataHeader names several columns, but a metadata tensor has one`);
    header = metadataHeader.map((h, j) => {
      if (typeof h !== 'string') throw new TensorBoardError(`${where}: metadataHeader[${j}] must be a string, got ${describe(h)}`);
      return cell(h, `metadataHeader[${j}]`, where);
    });
  }
  let rows: string[][];
  if (isTensorLike(metadata)) {
    if (metadata.shape.length !== 1) throw new TensorBoardError(`${where}: metadata as a tensor must be 1-D (a label per point), got shape [${metadata.shape.join(', ')}]`);
    const values = metadata.dataSync();
    const floats = values instanceof Float32Array || values instanceof Float64Array;
    rows = Array.from(values as ArrayLike<number | bigint>, (v) => [floats ? pythonFloat(v as number) : String(v)]);
  } else if (Array.isArray(metadata)) {
    rows = metadata.map((entry: unknown, i) => {
      if (header === undefined) {
        if (Array.isArray(entry)) throw new TensorBoardError(`${where}: metadata[${i}] is a row of ${entry.length} values; rows of several columns need metadataHeader (their column names)`);
        return [cell(entry, `metadata[${i}]`, where)];
      }
      if (!Array.isArray(entry) || entry.length !== header.length) {
        throw new TensorBoardError(`${where}: metadata[${i}] must be a row of ${header.length} values (one per metadataHeader column), got ${describe(entry)}`);
      }
      return entry.map((v, j) => cell(v, `metadata[${i}][${j}]`, where));
    });
  } else {
    throw new TensorBoardError(`${where}: metadata must be an array of labels, an array of rows (with metadataHeader) or a 1-D tensor, got ${describe(metadata)}`);
  }
  if (rows.length !== n) throw new TensorBoardError(`${where}: metadata has ${rows.length} entries but mat has ${n} rows (one label per point)`);
  rows.forEach((r, i) => {
    if (r.join('\t').trim() === '') throw new TensorBoardError(`${where}: metadata[${i}] is blank; the projector skips blank lines, which would shift every later label (write a placeholder such as 'none')`);
  });
  if (header === undefined) return rows.map((r) => r[0]);
  return [header.join('\t'), ...rows.map((r) => r.join('\t'))];
}

/** One metadata value as text: strings as they are, integers as integers, other numbers as Python floats. */
function cell(v: unknown, name: string, where: string): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number') s = Number.isInteger(v) ? String(v) : pythonFloat(v);
  else if (typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else throw new TensorBoardError(`${where}: ${name} must be a string, number or boolean, got ${describe(v)}`);
  const bad = /[\t\n\r]/.exec(s);
  if (bad) throw new TensorBoardError(`${where}: ${name} ${JSON.stringify(s)} holds a ${bad[0] === '\t' ? 'tab' : 'line break'}, which would split the projector's columns or rows`);
  return s;
}

/** The largest sprite side the projector accepts (its front end refuses larger images). */
const MAX_SPRITE = 8192;

/**
 * The sprite: the images in a grid of ceil(√N) columns and as many rows, left to right and top
 * to bottom, unused cells black, RGB (grey repeated), floats mapped as PyTorch's make_sprite
 * does (uint8(clip(v · 255, 0, 255)), truncating), bytes as they are. For square images this is
 * make_sprite's square image; for others PyTorch pads to a square of pixels (and fails when the
 * images are taller than wide), whereas the projector's shader finds a point's row by dividing
 * by the sprite's height over an image's, so the grid here is square in cells.
 */
function makeSprite(given: EmbeddingOptions['labelImg'], n: number, where: string): { png: Buffer; width: number; height: number } {
  let images: RasterImage[];
  try {
    if (isTensorLike(given)) {
      if (given.shape.length !== 4) throw new TensorBoardError(`${where}: labelImg must be a tensor [N, C, H, W] (C = 1 or 3), got shape [${given.shape.join(', ')}]`);
      images = imagesOfBatch(given, `${where}: labelImg`);
    } else if (Array.isArray(given)) {
      images = given.map((img, i) => (isTensorLike(img) ? imageOfTensor(img, `${where}: labelImg[${i}]`) : img));
      images.forEach((img, i) => checkImage(img, `${where}: labelImg[${i}]`));
    } else {
      throw new TensorBoardError(`${where}: labelImg must be a tensor [N, C, H, W] or an array of images, got ${describe(given)}`);
    }
  } catch (err) {
    if (err instanceof TensorBoardError) throw err;
    throw new TensorBoardError((err as Error).message);
  }
  if (images.length !== n) throw new TensorBoardError(`${where}: labelImg has ${images.length} images but mat has ${n} rows (one image per point)`);
  const { width: w, height: h } = images[0];
  images.forEach((img, i) => {
    if (img.channels !== 1 && img.channels !== 3) throw new TensorBoardError(`${where}: labelImg${given instanceof Array ? `[${i}]` : ''} has ${img.channels} channels; the sprite takes 1 (grey) or 3 (RGB), as PyTorch's`);
    if (img.width !== w || img.height !== h) throw new TensorBoardError(`${where}: labelImg[${i}] is ${img.width}x${img.height} but labelImg[0] is ${w}x${h}; the sprite's images share one size`);
  });
  const cols = Math.ceil(Math.sqrt(n));
  const width = cols * w;
  const height = cols * h;
  if (width > MAX_SPRITE || height > MAX_SPRITE) {
    throw new TensorBoardError(`${where}: ${n} images of ${w}x${h} make a sprite of ${width}x${height} pixels, but the projector shows sprites of at most ${MAX_SPRITE}x${MAX_SPRITE} (it reports an error instead); use smaller images or fewer points`);
  }
  const data = new Uint8Array(width * height * 3);
  images.forEach((img, k) => {
    const x0 = (k % cols) * w;
    const y0 = Math.floor(k / cols) * h;
    const bytes = img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray;
    const planar = img.layout === 'chw';
    const c = img.channels;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const out = ((y0 + y) * width + x0 + x) * 3;
        for (let ch = 0; ch < 3; ch++) {
          const src = c === 1 ? 0 : ch;
          const v = Number(img.data[planar ? src * w * h + y * w + x : (y * w + x) * c + src]);
          data[out + ch] = bytes ? v : v * 255 >= 255 ? 255 : v * 255 > 0 ? Math.floor(v * 255) : 0;
        }
      }
    }
  });
  return { png: encodePng({ width, height, channels: 3, data }), width: w, height: h };
}

function ensureFolder(dir: string, where: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new TensorBoardError(`${where}: ${dir} (or a folder above it) exists and is not a folder`);
    throw err;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}
