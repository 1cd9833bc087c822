// embeddingBag: PyTorch's F.embedding_bag, the sums, means or maxima of bags of embedding rows
// without the [bags, bagLength, dim] lookup a user would otherwise reduce (fastText-style text
// classifiers, recommender features with many ids per example). Composed of declared ops (both
// devices, gradients from the parts): the rows are looked up by embedding (whose backward sums
// into the table) and reduced into their bags by indexSelectBackward (sum, mean) or
// scatterReduce's amax (max). Checked against PyTorch in test/composed-embedding-bag.test.ts.
//
// Note [bags of a flat input]: with a 1-D input and offsets, the bag of position j is the number
// of bag starts ≤ j, less one (a searchsorted on the device, no host loop). Positions that belong
// to no bag — those equal to paddingIdx, and with includeLastOffset those at or past the last
// offset — go to one extra bag that is dropped at the end: they count for nothing in a mean,
// take part in no maximum and get no gradient, as in PyTorch's kernel. A bag with nothing in it
// is zero in every mode. (PyTorch's cpu 'max' lets the last bag run on to the input's end even
// with includeLastOffset; its 'sum' and 'mean' stop at the last offset, as every mode does here.
// The documented form, offsets[-1] equal to the input's length, reads the same either way.)

import { DeviceError, DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { div, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { eq, ge, logicalOr, lt } from './compare.js';
import { searchsorted } from './composed-sequences.js';
import { arange, ones, zeros } from './creation.js';
import { embedding, indexSelectBackward, scatterReduce } from './index-ops.js';
import { max, mean, sum } from './reduce.js';
import { expand, narrow, reshape, unsqueeze } from './shape.js';
import { clamp } from './unary.js';
import { tensorArg } from '../check-args.js';

export type EmbeddingBagMode = 'sum' | 'mean' | 'max';
const MODES: readonly EmbeddingBagMode[] = ['sum', 'mean', 'max'];

export interface EmbeddingBagOptions {
  /** With a 1-D input: where each bag starts in it, int32 or int64, nondecreasing from 0. PyTorch's offsets. */
  offsets?: Tensor | null;
  /** How a bag's rows combine (default 'mean', as PyTorch's). */
  mode?: EmbeddingBagMode;
  /** A weight per input position (input's shape, float32) scaling its row; mode 'sum' only. */
  perSampleWeights?: Tensor | null;
  /** offsets has one more entry than there are bags: the end of the last bag (PyTorch's CSR form). */
  includeLastOffset?: boolean;
  /** Positions holding this index belong to no bag (and the row gets no gradient); negative counts from the end. */
  paddingIdx?: number | null;
}

const OPTION_KEYS = ['offsets', 'mode', 'perSampleWeights', 'includeLastOffset', 'paddingIdx'] as const;

function indexDType(fn: string, name: string, t: Tensor): void {
  if (t.dtype !== 'int64' && t.dtype !== 'int32') throw new DTypeError(`${fn}: ${name} expected dtype int32 or int64, got ${t.dtype}`);
}

/** PyTorch's checks of offsets, read on the host where that costs no device round trip (cpu), as PyTorch's cpu kernel does. */
function checkOffsetValues(fn: string, offsets: Tensor, positions: number): void {
  if (offsets.device.type !== 'cpu' || offsets.numel === 0) return;
  const read = Array.from(offsets.dataSync() as ArrayLike<number | bigint>, Number);
  if (read[0] !== 0) throw new ValueError(`${fn}: offsets[0] expected 0 (the first bag starts at position 0), got ${read[0]}`);
  for (let i = 1; i < read.length; i++) {
    if (read[i] < read[i - 1]) throw new ValueError(`${fn}: offsets expected nondecreasing values, got offsets[${i - 1}] = ${read[i - 1]} then offsets[${i}] = ${read[i]}`);
  }
  const last = read[read.length - 1];
  if (last > positions) throw new ValueError(`${fn}: offsets[-1] expected at most the input's length ${positions}, got ${last}`);
}

/**
 * PyTorch's F.embedding_bag: for each bag of indices, the sum, mean (default) or elementwise
 * maximum of weight's rows at them, out [bags, dim]. `input` is [bags, length] (every bag that
 * long) or 1-D with `offsets` giving where each bag starts (includeLastOffset: where the last one
 * ends, too). perSampleWeights (mode 'sum') scales each position's row; positions holding
 * paddingIdx are left out of their bag. Empty bags are zero. Gradients flow to weight (rows
 * summed into the table, none into paddingIdx's; in 'max' each feature's to the row that gave
 * its maximum) and to perSampleWeights.
 */
export function embeddingBag(input: Tensor, weight: Tensor, options: EmbeddingBagOptions = {}): Tensor {
  const fn = 'embeddingBag';
  checkOptions(fn, options, OPTION_KEYS);
  tensorArg(fn, 'input', input);
  tensorArg(fn, 'weight', weight);
  indexDType(fn, 'input', input);
  if (weight.shape.length !== 2) throw new ShapeError(`${fn}: weight expected a 2-D tensor [numEmbeddings, dim], got shape ${fmtShape(weight.shape)}`);
  if (weight.dtype !== 'float32') throw new DTypeError(`${fn}: weight expected float32, got ${weight.dtype}`);
  if (input.device !== weight.device) throw new DeviceError(`${fn}: input expected a tensor on weight's device ${weight.device}, got one on ${input.device}`);
  const mode = options.mode ?? 'mean';
  if (!MODES.includes(mode)) throw new ValueError(`${fn}: option 'mode' expected one of 'sum', 'mean', 'max', got ${typeof mode === 'string' ? `'${mode}'` : String(mode)}`);
  const includeLastOffset = options.includeLastOffset ?? false;
  if (typeof includeLastOffset !== 'boolean') throw new ValueError(`${fn}: option 'includeLastOffset' expected a boolean, got ${String(includeLastOffset)}`);
  const rows = weight.shape[0];
  let paddingIdx = options.paddingIdx ?? null;
  if (paddingIdx !== null) {
    if (!Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
      throw new ValueError(`${fn}: paddingIdx expected an integer in [${-rows}, ${rows}) for a weight with ${rows} rows, got ${String(paddingIdx)}`);
    }
    if (paddingIdx < 0) paddingIdx += rows;
  }
  const offsets = options.offsets ?? null;
  if (input.shape.length === 2) {
    if (offsets !== null) throw new ValueError(`${fn}: offsets expected none with a 2-D input (each row is a bag of the same length), got a tensor of shape ${fmtShape((offsets as Tensor).shape)}`);
  } else if (input.shape.length === 1) {
    if (offsets === null) throw new ValueError(`${fn}: offsets expected a 1-D tensor of bag starts with a 1-D input, got none`);
    tensorArg(fn, 'offsets', offsets);
    indexDType(fn, 'offsets', offsets);
    if (offsets.shape.length !== 1) throw new ShapeError(`${fn}: offsets expected a 1-D tensor, got shape ${fmtShape(offsets.shape)}`);
    if (offsets.device !== weight.device) throw new DeviceError(`${fn}: offsets expected a tensor on weight's device ${weight.device}, got one on ${offsets.device}`);
    if (includeLastOffset && offsets.numel === 0) throw new ValueError(`${fn}: offsets expected at least one entry with includeLastOffset (the end of the last bag), got none`);
  } else {
    throw new ShapeError(`${fn}: input expected a 1-D tensor (with offsets) or a 2-D tensor [bags, length], got shape ${fmtShape(input.shape)}`);
  }
  const perSampleWeights = options.perSampleWeights ?? null;
  if (perSampleWeights !== null) {
    tensorArg(fn, 'perSampleWeights', perSampleWeights);
    if (mode !== 'sum') throw new ValueError(`${fn}: perSampleWeights expected mode 'sum', got mode '${mode}' (PyTorch supports them only there)`);
    if (perSampleWeights.dtype !== 'float32') throw new DTypeError(`${fn}: perSampleWeights expected float32, got ${perSampleWeights.dtype}`);
    if (fmtShape(perSampleWeights.shape) !== fmtShape(input.shape)) throw new ShapeError(`${fn}: perSampleWeights expected input's shape ${fmtShape(input.shape)}, got ${fmtShape(perSampleWeights.shape)}`);
    if (perSampleWeights.device !== weight.device) throw new DeviceError(`${fn}: perSampleWeights expected a tensor on weight's device ${weight.device}, got one on ${perSampleWeights.device}`);
  }
  if (offsets !== null) checkOffsetValues(fn, offsets, input.numel);

  return scope(() => {
    const dim = weight.shape[1];
    // Fixed-length bags with every position counted: a lookup and a reduction over the bag axis.
    if (input.shape.length === 2 && paddingIdx === null && input.shape[1] > 0) {
      const looked = embedding(input, weight);
      if (mode === 'max') return max(looked, 1).values;
      if (mode === 'mean') return mean(looked, 1);
      return sum(perSampleWeights ? mul(looked, unsqueeze(perSampleWeights, -1)) : looked, 1);
    }
    const flat = reshape(input, [input.numel]);
    const bags = input.shape.length === 2 ? input.shape[0] : offsets!.numel - (includeLastOffset ? 1 : 0);
    const bagOf = bagIndex(input, offsets, includeLastOffset, paddingIdx, bags);
    const looked = paddingIdx === null ? embedding(flat, weight) : embedding(flat, weight, { paddingIdx });
    // Note [bags of a flat input]: row `bags` collects what belongs to no bag, and is dropped.
    const all = [bags + 1, dim];
    let out: Tensor;
    if (mode === 'max') {
      const spread = expand(unsqueeze(bagOf, -1), [flat.numel, dim]);
      out = scatterReduce(zeros(all, { device: weight.device }), 0, spread, looked, 'amax', { includeSelf: false });
    } else {
      const scaled = perSampleWeights ? mul(looked, reshape(perSampleWeights, [flat.numel, 1])) : looked;
      out = indexSelectBackward(scaled, bagOf, 0, all);
      if (mode === 'mean') {
        const counts = indexSelectBackward(ones([flat.numel, 1], { device: weight.device }), bagOf, 0, [bags + 1, 1]);
        out = div(out, clamp(counts, { min: 1 }));
      }
    }
    return narrow(out, 0, 0, bags);
  });
}

/** Each flat position's bag, int64; `bags` for positions in none (Note [bags of a flat input]). */
function bagIndex(input: Tensor, offsets: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null, bags: number): Tensor {
  const n = input.numel;
  const device = input.device;
  let bagOf: Tensor;
  if (offsets === null) {
    const length = input.shape[1];
    bagOf = reshape(expand(unsqueeze(arange(bags, { dtype: 'int64', device }), 1), [bags, length]), [n]);
  } else {
    const positions = arange(n, { dtype: 'int64', device });
    const starts = cast(includeLastOffset ? narrow(offsets, 0, 0, bags) : offsets, 'int64');
    // The number of bag starts ≤ j, less one: the last bag whose start is at or before j.
    bagOf = sub(searchsorted(starts, positions, { right: true }), 1);
    // Before the first start (offsets[0] > 0, refused on cpu) or at or past the end: in no bag.
    let outside = lt(bagOf, 0);
    if (includeLastOffset) outside = logicalOr(outside, ge(positions, cast(narrow(offsets, 0, bags, 1), 'int64')));
    bagOf = where(outside, bags, bagOf);
  }
  if (paddingIdx !== null) bagOf = where(eq(cast(reshape(input, [n]), 'int64'), paddingIdx), bags, bagOf);
  return bagOf;
}
