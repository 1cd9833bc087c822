// Next-token windows over a text, at the byte or the character level: sample i is the input
// tokens[i*stride .. +seqLength] and the target the same window shifted by one, both int64
// (what an embedding and cross-entropy take).
import { readFileSync } from 'node:fs';
import { DataError, ValueError } from '@nutshell/tensor/errors';
import { checkIndex, type Dataset } from '../dataset.js';
import type { NDArray } from '../ndarray.js';
import type { WorkerSpec } from '../worker-spec.js';
import { checkOptions } from '@nutshell/tensor/options';

export interface CharDatasetOptions {
  /** The text itself … */
  text?: string;
  /** … or a UTF-8 file to read it from. */
  path?: string;
  /** Tokens per window. */
  seqLength: number;
  /** 'char' (default): one token per Unicode code point seen in the text; 'byte': the 256 byte values of its UTF-8. */
  level?: 'char' | 'byte';
  /** Tokens between the starts of consecutive windows (default 1). */
  stride?: number;
}

/** [input, target], each int64 [seqLength]. */
export type CharSample = [NDArray<BigInt64Array>, NDArray<BigInt64Array>];

export class CharDataset implements Dataset<CharSample> {
  /** Token id → its text (a one-byte latin1 string per byte at the byte level). */
  readonly vocab: readonly string[];
  /** Every token of the text, in order. */
  readonly tokens: Int32Array;
  readonly seqLength: number;
  readonly stride: number;
  readonly level: 'char' | 'byte';
  readonly length: number;
  private readonly ids: Map<string, number>;
  private readonly options: CharDatasetOptions;

  constructor(options: CharDatasetOptions) {
    const where = 'CharDataset';
    checkOptions(where, options ?? {}, ['text', 'path', 'seqLength', 'level', 'stride']);
    const { seqLength, level = 'char', stride = 1 } = options ?? ({} as CharDatasetOptions);
    if ((options?.text === undefined) === (options?.path === undefined)) throw new ValueError(`${where}: expected exactly one of text or path`);
    if (!Number.isInteger(seqLength) || seqLength < 1) throw new ValueError(`${where}: seqLength expected a positive integer, got ${seqLength}`);
    if (!Number.isInteger(stride) || stride < 1) throw new ValueError(`${where}: stride expected a positive integer, got ${stride}`);
    if (level !== 'char' && level !== 'byte') throw new ValueError(`${where}: level expected 'char' or 'byte', got ${JSON.stringify(level)}`);
    let text: string | Uint8Array;
    if (options.path !== undefined) {
      try {
        const bytes = readFileSync(options.path);
        text = level === 'byte' ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : bytes.toString('utf8');
      } catch (err) {
        throw new DataError(`${where}: cannot read ${options.path}: ${(err as Error).message}`);
      }
    } else {
      if (typeof options.text !== 'string') throw new ValueError(`${where}: text expected a string, got ${typeof options.text}`);
      text = options.text;
    }
    this.options = { ...options, level, stride };
    this.level = level;
    this.seqLength = seqLength;
    this.stride = stride;
    if (level === 'byte') {
      this.vocab = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));
      this.tokens = Int32Array.from(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    } else {
      const chars = Array.from(text as string);
      this.vocab = [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
      const ids = new Map(this.vocab.map((c, i) => [c, i]));
      this.tokens = Int32Array.from(chars, (c) => ids.get(c)!);
    }
    this.ids = new Map(this.vocab.map((c, i) => [c, i]));
    const windows = this.tokens.length - seqLength; // the target needs one token past the input
    if (windows < 1) {
      throw new ValueError(`${where}: the text has ${this.tokens.length} tokens; windows of seqLength ${seqLength} need at least ${seqLength + 1}`);
    }
    this.length = Math.floor((windows - 1) / stride) + 1;
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Token ids of `text` (at the byte level, of its UTF-8). */
  encode(text: string): number[] {
    if (this.level === 'byte') return [...Buffer.from(text, 'utf8')];
    return Array.from(text, (c) => {
      const id = this.ids.get(c);
      if (id === undefined) throw new ValueError(`CharDataset.encode: ${JSON.stringify(c)} is not in the vocabulary (${this.vocab.length} characters)`);
      return id;
    });
  }

  /** The text of token ids (at the byte level, decoded as UTF-8). */
  decode(ids: ArrayLike<number | bigint>): string {
    const list = Array.from(ids, Number);
    for (const id of list) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocab.length) throw new ValueError(`CharDataset.decode: id ${id} is not in [0, ${this.vocab.length})`);
    }
    return this.level === 'byte' ? Buffer.from(list).toString('utf8') : list.map((id) => this.vocab[id]).join('');
  }

  get(index: number): CharSample {
    checkIndex('CharDataset.get', index, this.length);
    const start = index * this.stride;
    const input = new BigInt64Array(this.seqLength);
    const target = new BigInt64Array(this.seqLength);
    for (let i = 0; i < this.seqLength; i++) {
      input[i] = BigInt(this.tokens[start + i]);
      target[i] = BigInt(this.tokens[start + i + 1]);
    }
    return [{ data: input, shape: [this.seqLength] }, { data: target, shape: [this.seqLength] }];
  }

  workerSpec(): WorkerSpec {
    return { module: import.meta.url, name: 'CharDataset', args: [this.options], construct: true };
  }
}
