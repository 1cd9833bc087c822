// Variable-length sequences for the recurrent layers: PyTorch's torch.nn.utils.rnn functions
// (padSequence, packPaddedSequence, padPackedSequence, packSequence, unpadSequence,
// unpackSequence) and PackedSequence.
//
// Note [packed sequences]: a PackedSequence here keeps the padded batch (time-major, trimmed to
// the longest sequence) and the lengths, not PyTorch's interleaved `data`. A recurrent layer given
// one runs each group of equal-length sequences on exactly its own steps (runPacked), so padding
// never enters a state: the final h and c are each sequence's own last step, the reverse
// direction starts at each sequence's end, and the output is zero past every end — what PyTorch
// computes from the packed form. The groups are ordinary differentiable calls of the fused op, in
// the order of the batch, so gradients and both devices come with them; with one length the call
// is the plain one.
import { cat, checkOptions, fmtShape, indexSelect, narrow, pad, sameShape, select, stack, tensor, transpose, where, ShapeError, Tensor, ValueError, scope } from '@nutshell/tensor';
import { namedTuple, type NamedTuple } from '@nutshell/tensor';

/** A padded batch of sequences and their lengths, as a recurrent layer's input (Note [packed sequences]). */
export class PackedSequence {
  /** @internal use packPaddedSequence or packSequence. */
  constructor(
    /** [T, batch, …] time-major, T the longest length; values past a sequence's end are not read. */
    readonly padded: Tensor,
    /** Each sequence's length, in batch order. */
    readonly lengths: readonly number[],
  ) {}

  /** PyTorch's batch_sizes: how many sequences are still running at each step. */
  get batchSizes(): number[] {
    return Array.from({ length: this.padded.shape[0] }, (_, t) => this.lengths.filter((l) => l > t).length);
  }

  /** PyTorch's sorted_indices: the batch by decreasing length (ties keep batch order). */
  get sortedIndices(): number[] {
    return this.lengths.map((l, b) => [l, b] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]).map(([, b]) => b);
  }

  /** PyTorch's unsorted_indices: where each sequence of the batch sits in sortedIndices. */
  get unsortedIndices(): number[] {
    const out = new Array<number>(this.lengths.length);
    this.sortedIndices.forEach((b, i) => (out[b] = i));
    return out;
  }

  /**
   * PyTorch's packed `data` [Σ lengths, …]: step by step, the sequences still running, in
   * sortedIndices order — what PyTorch code computes a loss on (`criterion(out.data, target.data)`).
   * Made from the padded batch on each access (differentiable); read-only here.
   */
  get data(): Tensor {
    const order = this.sortedIndices;
    const device = this.padded.device;
    return scope(() =>
      cat(
        this.batchSizes.map((n, t) => indexSelect(select(this.padded, 0, t), 0, tensor(order.slice(0, n), { dtype: 'int64', device }))),
        0,
      ),
    );
  }

  toString(): string {
    return `PackedSequence(padded=${fmtShape(this.padded.shape)}, lengths=[${this.lengths.join(', ')}])`;
  }
}

export interface PadSequenceOptions {
  /** Output [batch, T, …] instead of [T, batch, …]. */
  batchFirst?: boolean;
  paddingValue?: number;
  /** Where the padding goes (PyTorch 2.6's padding_side); default 'right'. */
  paddingSide?: 'right' | 'left';
}

/** torch.nn.utils.rnn.pad_sequence: sequences [Lᵢ, …] (same trailing shape) → [T, batch, …], T = max Lᵢ. */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  checkOptions('padSequence', options, ['batchFirst', 'paddingValue', 'paddingSide']);
  const side = options.paddingSide ?? 'right';
  if (side !== 'right' && side !== 'left') throw new ValueError(`padSequence: paddingSide expected 'right' or 'left', got ${JSON.stringify(side)}`);
  if (!Array.isArray(sequences) || sequences.length === 0) throw new ValueError('padSequence: sequences expected a non-empty array of tensors');
  sequences.forEach((s, i) => {
    if (!(s instanceof Tensor)) throw new ValueError(`padSequence: sequences[${i}] expected a Tensor, got ${s === null ? 'null' : typeof s}`);
    if (s.shape.length === 0) throw new ShapeError(`padSequence: sequences[${i}] expected at least 1 dimension (its length), got a 0-d tensor`);
    if (!sameShape(s.shape.slice(1), sequences[0].shape.slice(1))) {
      throw new ShapeError(`padSequence: sequences[${i}] ${fmtShape(s.shape)} has trailing dimensions unlike sequences[0] ${fmtShape(sequences[0].shape)}`);
    }
  });
  const longest = Math.max(...sequences.map((s) => s.shape[0]));
  const padded = sequences.map((s) => {
    const extra = longest - s.shape[0];
    if (extra === 0) return s;
    const pads = [...new Array<number>(2 * (s.shape.length - 1)).fill(0), side === 'right' ? 0 : extra, side === 'right' ? extra : 0];
    return pad(s, pads, { value: options.paddingValue ?? 0 });
  });
  return stack(padded, options.batchFirst ? 0 : 1);
}

/**
 * Sequence lengths as PyTorch takes them: a list, a tensor, or what reading an int64 tensor
 * gives — a BigInt64Array, or bigints in a list ([3n, 2n]) — and any other typed array.
 */
export type Lengths = readonly (number | bigint)[] | Tensor | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `a string ('${v}')`;
  if (typeof v !== 'object') return typeof v;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null ? 'a plain object' : `a ${proto.constructor.name}`;
}

function lengthsOf(op: string, lengths: Lengths, batch: number, longest: number, least = 1): number[] {
  let list: readonly unknown[];
  if (lengths instanceof Tensor) list = Array.from(lengths.dataSync() as ArrayLike<number | bigint>);
  else if (Array.isArray(lengths)) list = lengths;
  else if (ArrayBuffer.isView(lengths) && !(lengths instanceof DataView)) list = Array.from(lengths as ArrayLike<number | bigint>);
  else throw new ValueError(`${op}: lengths expected an array of integers, a typed array or a tensor, got ${describe(lengths)}`);
  if (list.length !== batch) {
    // Time-major by default, as PyTorch: a batch-first input read so has its length as the batch.
    const hint = op === 'packPaddedSequence' ? ' (input is [T, N, …] unless batchFirst: true)' : '';
    throw new ShapeError(`${op}: lengths has ${list.length} entries but the batch has ${batch} sequences${hint}`);
  }
  return list.map((l, i) => {
    // An int64 tensor reads back as bigints; within the padded length they are exact as numbers.
    const n = typeof l === 'bigint' && l >= BigInt(least) && l <= BigInt(longest) ? Number(l) : l;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < least || n > longest) {
      throw new ValueError(`${op}: lengths[${i}] expected an integer from ${least} to ${longest} (the padded length), got ${typeof l === 'bigint' ? `${l}n` : typeof l === 'number' ? l : describe(l)}`);
    }
    return n;
  });
}

/**
 * torch.nn.utils.rnn.pack_padded_sequence: `input` [T, batch, …] ([batch, T, …] with batchFirst)
 * and each sequence's length. enforceSorted (default true, as PyTorch) asks for decreasing
 * lengths; false takes them in any order (nothing is reordered here, so it costs nothing).
 */
export function packPaddedSequence(input: Tensor, lengths: Lengths, options: { batchFirst?: boolean; enforceSorted?: boolean } = {}): PackedSequence {
  checkOptions('packPaddedSequence', options, ['batchFirst', 'enforceSorted']);
  if (!(input instanceof Tensor)) throw new ValueError(`packPaddedSequence: input expected a Tensor, got ${input === null ? 'null' : typeof input}`);
  if (input.shape.length < 2) throw new ShapeError(`packPaddedSequence: input expected at least 2 dimensions ([T, batch, …] or [batch, T, …] with batchFirst), got ${fmtShape(input.shape)}`);
  const timeMajor = options.batchFirst ? transpose(input, 0, 1) : input;
  // As PyTorch ("Cannot pack empty tensors"): nothing to run a layer on, and no longest length.
  if (timeMajor.shape[1] === 0) throw new ShapeError(`packPaddedSequence: cannot pack an empty batch: input ${fmtShape(input.shape)} has no sequences (dim ${options.batchFirst ? 0 : 1})`);
  if (timeMajor.shape[0] === 0) throw new ShapeError(`packPaddedSequence: cannot pack empty sequences: input ${fmtShape(input.shape)} has a padded length of 0 (dim ${options.batchFirst ? 1 : 0})`);
  const list = lengthsOf('packPaddedSequence', lengths, timeMajor.shape[1], timeMajor.shape[0]);
  if ((options.enforceSorted ?? true) && list.some((l, i) => i > 0 && l > list[i - 1])) {
    throw new ValueError(`packPaddedSequence: lengths expected in decreasing order when enforceSorted is true (pass enforceSorted: false for any order), got [${list.join(', ')}]`);
  }
  const longest = Math.max(...list);
  return new PackedSequence(longest < timeMajor.shape[0] ? narrow(timeMajor, 0, 0, longest) : timeMajor, list);
}

/** torch.nn.utils.rnn.pack_sequence: a list of [Lᵢ, …] sequences, packed. */
export function packSequence(sequences: readonly Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  checkOptions('packSequence', options, ['enforceSorted']);
  if (Array.isArray(sequences) && sequences.length === 0) throw new ValueError('packSequence: cannot pack an empty batch: sequences is an empty array');
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]), options);
}

/** padPackedSequence's result: PyTorch's (padded, lengths), that also reads as { padded, lengths }. */
export type PaddedResult = NamedTuple<readonly [padded: Tensor, lengths: Tensor], { padded: Tensor; lengths: Tensor }>;

/**
 * torch.nn.utils.rnn.pad_packed_sequence: → [padded, lengths], also { padded, lengths }: padded
 * [T, batch, …] ([batch, T, …] with batchFirst), lengths int64; paddingValue past each end,
 * T = totalLength when given.
 */
export function padPackedSequence(sequence: PackedSequence, options: { batchFirst?: boolean; paddingValue?: number; totalLength?: number } = {}): PaddedResult {
  checkOptions('padPackedSequence', options, ['batchFirst', 'paddingValue', 'totalLength']);
  if (!(sequence instanceof PackedSequence)) throw new ValueError(`padPackedSequence: sequence expected a PackedSequence (from packPaddedSequence or a recurrent layer), got ${sequence === null ? 'null' : typeof sequence}`);
  const { padded: x, lengths } = sequence;
  const [T, batch] = x.shape;
  const total = options.totalLength ?? T;
  if (!Number.isInteger(total) || total < T) throw new ValueError(`padPackedSequence: totalLength expected an integer at least ${T} (the longest sequence), got ${total}`);
  const within = tensor(
    Array.from({ length: T * batch }, (_, i) => Math.floor(i / batch) < lengths[i % batch]),
    { shape: [T, batch, ...new Array<number>(x.shape.length - 2).fill(1)], dtype: 'bool', device: x.device },
  );
  let padded = where(within, x, options.paddingValue ?? 0);
  if (total > T) padded = pad(padded, [...new Array<number>(2 * (x.shape.length - 1)).fill(0), 0, total - T], { value: options.paddingValue ?? 0 });
  const out = options.batchFirst ? transpose(padded, 0, 1) : padded;
  const counts = tensor([...lengths], { dtype: 'int64' });
  return namedTuple([out, counts] as const, { padded: out, lengths: counts });
}

/**
 * torch.nn.utils.rnn.unpad_sequence: the padded batch `padded` [T, batch, …] ([batch, T, …] with
 * batchFirst) back to its sequences, each [lengthᵢ, …], in batch order — padSequence undone.
 * Lengths as packPaddedSequence takes them, from 0 (an empty sequence, as PyTorch's mask gives)
 * to T. Each sequence is a differentiable slice of `padded`; unlike PyTorch's, `padded` itself is
 * left as it is (PyTorch transposes it in place when batch_first is False).
 */
export function unpadSequence(padded: Tensor, lengths: Lengths, options: { batchFirst?: boolean } = {}): Tensor[] {
  checkOptions('unpadSequence', options, ['batchFirst']);
  if (!(padded instanceof Tensor)) throw new ValueError(`unpadSequence: padded expected a Tensor, got ${Array.isArray(padded) ? 'an array' : describe(padded)}`);
  if (padded.shape.length < 2) throw new ShapeError(`unpadSequence: padded expected at least 2 dimensions ([T, batch, …] or [batch, T, …] with batchFirst), got ${fmtShape(padded.shape)}`);
  const [batchDim, timeDim] = options.batchFirst ? [0, 1] : [1, 0];
  const list = lengthsOf('unpadSequence', lengths, padded.shape[batchDim], padded.shape[timeDim], 0);
  return list.map((length, b) => scope(() => narrow(select(padded, batchDim, b), 0, 0, length)));
}

/**
 * torch.nn.utils.rnn.unpack_sequence: a PackedSequence (packSequence's, or a recurrent layer's
 * output) back to its sequences, each [lengthᵢ, …], in batch order — packSequence undone.
 */
export function unpackSequence(sequence: PackedSequence): Tensor[] {
  if (!(sequence instanceof PackedSequence)) throw new ValueError(`unpackSequence: sequence expected a PackedSequence (from packSequence, packPaddedSequence or a recurrent layer), got ${describe(sequence)}`);
  return sequence.lengths.map((length, b) => scope(() => narrow(select(sequence.padded, 1, b), 0, 0, length)));
}

export interface RecurrentResult {
  output: Tensor;
  h: Tensor;
  c?: Tensor | null;
}

/**
 * A recurrent layer's functional call on a packed batch (Note [packed sequences]): `run` gets a
 * time-major group and its slice of each given state ([layers·directions, batch, hidden]).
 */
export function runPacked(owner: string, sequence: PackedSequence, states: Readonly<Record<string, Tensor | null | undefined>>, run: (x: Tensor, states: Record<string, Tensor | undefined>) => RecurrentResult): { output: PackedSequence; h: Tensor; c: Tensor | null } {
  const { padded, lengths } = sequence;
  const [T, batch] = padded.shape;
  for (const [name, s] of Object.entries(states)) {
    if (s instanceof Tensor && (s.shape.length !== 3 || s.shape[1] !== batch)) {
      throw new ShapeError(`${owner}: ${name} expected [layers·directions, ${batch}, hidden] (the packed batch's ${batch} sequences), got ${fmtShape(s.shape)}`);
    }
  }
  const groups = new Map<number, number[]>();
  lengths.forEach((l, b) => (groups.get(l) ?? groups.set(l, []).get(l)!).push(b));
  const result = scope(() => {
    if (groups.size === 1) {
      const r = run(padded, Object.fromEntries(Object.entries(states).map(([k, s]) => [k, s ?? undefined])));
      return { output: r.output, h: r.h, c: r.c ?? null };
    }
    const order: number[] = [];
    const outputs: Tensor[] = [];
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (const [length, members] of [...groups].sort((a, b) => b[0] - a[0])) {
      const index = tensor(members, { dtype: 'int64', device: padded.device });
      const slice = Object.fromEntries(Object.entries(states).map(([k, s]) => [k, s ? indexSelect(s, 1, index) : undefined]));
      const r = run(indexSelect(narrow(padded, 0, 0, length), 1, index), slice);
      outputs.push(length < T ? pad(r.output, [0, 0, 0, 0, 0, T - length]) : r.output);
      hs.push(r.h);
      if (r.c) cs.push(r.c);
      order.push(...members);
    }
    const back = new Array<number>(batch);
    order.forEach((b, i) => (back[b] = i));
    const inBatchOrder = (parts: Tensor[]) => indexSelect(cat(parts, 1), 1, tensor(back, { dtype: 'int64', device: padded.device }));
    return { output: inBatchOrder(outputs), h: inBatchOrder(hs), c: cs.length > 0 ? inBatchOrder(cs) : null };
  });
  return { output: new PackedSequence(result.output, lengths), h: result.h, c: result.c };
}
