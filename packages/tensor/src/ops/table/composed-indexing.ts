// Note [python indexing]: PyTorch's x[...] and x[...] = v, spelt index(x, ...specs) and
// indexPut(x, specs, value), composed of declared ops (both devices, gradients from the parts).
// A spec per dim, as Python writes them:
//   2 / -1          select: the dim goes away                      x[2]
//   '1:3', '::2'    a Python slice (start:stop:step, parts optional) x[1:3], x[::2]
//   ':'             the whole dim                                  x[:]
//   null            a new dim of size 1                            x[None]
//   '...'           as many ':' as the other specs leave           x[..., 0]
//   [0, -1], Tensor indices along the dim (int32/int64, any shape; negatives from the end) x[[0, -1]], x[idx]
// Several index lists/tensors broadcast together, one element per position (x[arange(n), labels]
// picks one per row); their dims go where the indexed dims were when those are adjacent, else
// first, as PyTorch places them. A bool mask (x[mask]) has a shape that depends on the values: maskedSelect reads them
// back and is async, and `where(mask, v, x)` writes through a mask.
// indexPut writes out of place: the positions are found by indexing an arange of x's flat
// offsets with the same specs, then indexCopy writes `value` there — the same specs mean the
// same elements for both functions by construction. Repeated indices get the mean of what is
// written to them (indexCopy's rule; PyTorch leaves the result undefined).
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { tensor } from '../../creation.js';
import { indexAdd, indexCopy } from './composed-index.js';
import { clone } from './composed-ops.js';
import { movedim, select } from './composed-shape.js';
import { arange, full } from './creation.js';
import { indexSelect, scatterReduce } from './index-ops.js';
import { lt } from './compare.js';
import { expand, permute, reshape, slice, unsqueeze } from './shape.js';
import { add, mul, where } from './binary.js';
import { tensorArg } from '../check-args.js';
import { checkOptions } from '../../options.js';

/** An index list: numbers, bigints (what reading an int64 tensor gives) or an integer typed array (a Subset's indices). */
export type IndexList = readonly (number | bigint)[] | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array;
export type IndexSpec = number | string | null | IndexList | Tensor;

/** The list as numbers, or null when `spec` is not a list (a typed array of floats is refused by the integer check). */
function indexList(spec: unknown): number[] | null {
  // A bigint beyond 2^53 would round to another index: it becomes NaN, which the integer check refuses.
  const asNumber = (v: unknown) => (typeof v !== 'bigint' ? (v as number) : v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN);
  if (Array.isArray(spec)) return spec.map(asNumber);
  if (ArrayBuffer.isView(spec) && !(spec instanceof DataView)) return Array.from(spec as unknown as ArrayLike<number | bigint>, asNumber);
  return null;
}

type Resolved = { kind: 'select'; index: number } | { kind: 'slice'; start: number; end: number; step: number } | { kind: 'new' } | { kind: 'tensor'; index: Tensor | readonly number[] };

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;
const END = Number.MAX_SAFE_INTEGER;

function describe(spec: unknown): string {
  if (spec === undefined) return 'undefined';
  if ((spec as Tensor)?.isTensor) return `a ${(spec as Tensor).dtype} tensor`;
  if (ArrayBuffer.isView(spec)) return `${spec.constructor.name} [${Array.from(spec as unknown as ArrayLike<unknown>).slice(0, 8).join(', ')}${(spec as unknown as ArrayLike<unknown>).length > 8 ? ', …' : ''}]`;
  return JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** The specs with '...' expanded, each with the input dim it consumes (none for null). */
function resolve(fn: string, x: Tensor, specs: readonly IndexSpec[]): Resolved[] {
  const ellipses = specs.filter((s) => s === '...').length;
  if (ellipses > 1) throw new ValueError(`${fn}: at most one '...' may appear, got ${ellipses}`);
  const consuming = specs.filter((s) => s !== null && s !== '...').length;
  if (consuming > x.ndim) throw new ShapeError(`${fn}: ${consuming} indices for a tensor of ${x.ndim} dimensions ${fmtShape(x.shape)}`);
  const out: Resolved[] = [];
  for (const spec of specs) {
    if (spec === '...') {
      for (let k = 0; k < x.ndim - consuming; k++) out.push({ kind: 'slice', start: 0, end: END, step: 1 });
    } else if (spec === null) out.push({ kind: 'new' });
    else if (typeof spec === 'number') {
      if (!Number.isInteger(spec)) throw new ValueError(`${fn}: an index expected an integer, got ${spec}`);
      out.push({ kind: 'select', index: spec });
    } else if (typeof spec === 'string') {
      const m = SLICE.exec(spec);
      if (!m) throw new ValueError(`${fn}: a string index expected a Python slice such as ':', '1:3' or '::2', or '...', got ${JSON.stringify(spec)}`);
      const step = m[3] === undefined ? 1 : Number(m[3]);
      if (step <= 0) throw new ValueError(`${fn}: slice step expected a positive integer (PyTorch has no negative steps; flip reverses), got ${step}`);
      out.push({ kind: 'slice', start: m[1] === undefined ? 0 : Number(m[1]), end: m[2] === undefined ? END : Number(m[2]), step });
    } else if ((spec as Tensor)?.isTensor) {
      const t = spec as Tensor;
      if (t.dtype === 'bool') {
        // A mask of x's first dim picks rows (logits[trainMask] in a user's GNN): maskedSelect
        // would broadcast it along the last dim instead, so the rows' spelling is given.
        const rows = t.shape.length === 1 && x.ndim > 1 && specs.length === 1;
        throw new DTypeError(`${fn}: a bool mask selects a number of elements that depends on its values: use await maskedSelect(x, mask) to read them${rows ? ', x.index((await nonzero(mask)).view([-1])) for the rows where a 1-d mask is true' : ''}, and where(mask, value, x) or x.maskedFill_(mask, value) to write through it`);
      }
      if (t.dtype !== 'int64' && t.dtype !== 'int32') throw new DTypeError(`${fn}: an index tensor expected int64 or int32, got ${t.dtype}`);
      out.push({ kind: 'tensor', index: t });
    } else {
      const list = indexList(spec);
      if (!list) throw new ValueError(`${fn}: an index expected an integer, a slice string, null, '...', an index list or tensor, got ${describe(spec)}`);
      if (!list.every((v) => Number.isInteger(v))) throw new ValueError(`${fn}: an index list expected integers, got ${describe(spec)}`);
      out.push({ kind: 'tensor', index: list });
    }
  }
  return out;
}

/** An index list or tensor along a dim of `size`, as an int tensor with negatives wrapped (Python counts them from the end; indexSelect takes 0..size−1). */
function wrapped(index: Tensor | readonly number[], size: number, device: Tensor['device']): Tensor {
  if ((index as Tensor).isTensor) return where(lt(index as Tensor, 0), add(index as Tensor, size), index as Tensor);
  return tensor(
    (index as readonly number[]).map((i) => {
      if (i < -size || i >= size) throw new ShapeError(`index: index ${i} is out of range for a dim of size ${size} (expected ${-size} to ${size - 1})`);
      return i < 0 ? i + size : i;
    }),
    { dtype: 'int64', device },
  );
}

/** x's flat offsets at the elements every dim's index tensor picks (broadcast together), each index range-checked by indexSelect. */
function flatPositions(x: Tensor, specs: readonly Resolved[]): Tensor {
  let positions: Tensor | null = null;
  let stride = 1;
  for (let d = x.ndim - 1; d >= 0; d--) {
    const size = x.shape[d];
    const idx = wrapped((specs[d] as { index: Tensor | readonly number[] }).index, size, x.device);
    const checked = reshape(indexSelect(arange(size, { dtype: 'int64', device: x.device }), 0, reshape(idx, [-1])), idx.shape);
    const term = stride === 1 ? checked : mul(checked, stride);
    positions = positions ? add(term, positions) : term;
    stride *= size;
  }
  return positions!;
}

function gathered(x: Tensor, specs: readonly Resolved[]): Tensor {
  return scope(() => {
    // Integers, slices and new dims first (PyTorch applies integers as basic indexing too); the
    // dims indexed by lists or tensors are kept and remembered by their position in y.
    let y = x;
    let dim = 0; // the dim of y the next spec applies to
    const advanced: { dim: number; index: Tensor | readonly number[] }[] = [];
    for (const s of specs) {
      if (s.kind === 'new') {
        y = unsqueeze(y, dim++);
      } else if (s.kind === 'select') {
        y = select(y, dim, s.index);
      } else if (s.kind === 'slice') {
        if (!(s.start === 0 && s.end === END && s.step === 1)) y = slice(y, dim, s.start, s.end, s.step);
        dim++;
      } else {
        advanced.push({ dim: dim++, index: s.index });
      }
    }
    if (advanced.length === 0) return y === x ? clone(x) : y;
    const idx = advanced.map((a) => wrapped(a.index, y.shape[a.dim], y.device));
    if (advanced.length === 1) {
      const d = advanced[0].dim;
      const [i] = idx;
      const picked = indexSelect(y, d, i.ndim === 1 ? i : reshape(i, [-1]));
      return i.ndim === 1 ? picked : reshape(picked, [...y.shape.slice(0, d), ...i.shape, ...y.shape.slice(d + 1)]);
    }
    // Several: they broadcast together to one shape B, and pick one element of the indexed dims
    // per position of B — as a flat index into those dims moved to the front. B takes the place
    // of the indexed dims when they are adjacent, else it comes first (PyTorch's rule).
    let B: number[] = [];
    for (const i of idx) B = broadcastShapes('index', B, i.shape);
    const dims = advanced.map((a) => a.dim);
    const sizes = dims.map((d) => y.shape[d]);
    let flat: Tensor | null = null;
    let stride = 1;
    for (let k = dims.length - 1; k >= 0; k--) {
      const term = mul(expand(idx[k], B), stride);
      flat = flat ? add(flat, term) : term;
      stride *= sizes[k];
    }
    const rest = y.shape.map((_, d) => d).filter((d) => !dims.includes(d));
    const front = reshape(permute(y, [...dims, ...rest]), [stride, ...rest.map((d) => y.shape[d])]);
    const picked = reshape(indexSelect(front, 0, reshape(flat!, [-1])), [...B, ...rest.map((d) => y.shape[d])]);
    const adjacent = dims.every((d, k) => k === 0 || d === dims[k - 1] + 1);
    if (!adjacent || dims[0] === 0) return picked;
    const block = B.map((_, k) => k);
    return movedim(picked, block, block.map((k) => dims[0] + k));
  });
}

/**
 * PyTorch's x[...]: one spec per dim — an integer (select), a Python slice string (':', '1:3',
 * '::2'), null (a new dim), '...', or an index list / int tensor (Note [python indexing]).
 * index(x, ':', 0) is x[:, 0]; index(x, '...', null) is x[..., None].
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  tensorArg('index', 'input', x);
  if (x.ndim === 0 && specs.some((s) => s !== null && s !== '...')) throw new ShapeError(`index: a 0-d tensor takes only null and '...', got ${specs.map(describe).join(', ')}`);
  return gathered(x, resolve('index', x, specs));
}

/**
 * PyTorch's x[...] = value, out of place: x with the elements `specs` pick (as index() picks
 * them) replaced by `value` (a number or a tensor broadcast to their shape). Gradients reach x
 * (but the overwritten elements) and value. x.indexPut_(specs, value) writes in place. With
 * `{ accumulate: true }` the values are added instead (repeated positions add up), as PyTorch's
 * index_put_(…, accumulate=True).
 */
export interface IndexPutOptions {
  /** Add the values at the positions instead of writing them (repeated positions add up), as PyTorch's accumulate=True. */
  accumulate?: boolean;
}

export function indexPut(x: Tensor, specs: readonly IndexSpec[], value: Tensor | number, options: IndexPutOptions = {}): Tensor {
  tensorArg('indexPut', 'input', x);
  if (!Array.isArray(specs)) throw new ValueError(`indexPut: specs expected an array of indices (as index() takes them), got ${describe(specs)}`);
  checkOptions('indexPut', options, ['accumulate']);
  const accumulate = options.accumulate ?? false;
  if (typeof accumulate !== 'boolean') throw new ValueError(`indexPut: option 'accumulate' expected a boolean, got ${describe(accumulate)}`);
  const resolved = resolve('indexPut', x, specs);
  return scope(() => {
    // Note [index put positions]: the flat positions written are x's flat offsets indexed like x.
    // Where every dim has an index tensor or list (scores[rows, cols] = −∞) they are Σ index·stride
    // instead: an arange of all x's offsets cost a user trial 80 MB per 2048 × 5000 chunk.
    const everyDimIndexed = resolved.length === x.ndim && x.ndim > 0 && resolved.every((r) => r.kind === 'tensor');
    const positions = everyDimIndexed ? flatPositions(x, resolved) : gathered(reshape(arange(x.numel, { dtype: 'int64', device: x.device }), x.shape), resolved);
    if (typeof value === 'number' && !accumulate && x.dtype === 'float32') {
      // One number written: repeated positions all get it, so no averaging of repeats (indexCopy's).
      if (positions.numel === 0) return clone(x);
      const flat = reshape(positions, [-1]);
      return reshape(scatterReduce(reshape(x, [-1]), 0, flat, full([flat.numel], value, { device: x.device }), 'amax', { includeSelf: false }), x.shape);
    }
    let v: Tensor;
    if (typeof value === 'number') v = full(positions.shape, value, { dtype: x.dtype, device: x.device });
    else {
      tensorArg('indexPut', 'value', value);
      if (value.dtype !== x.dtype) throw new DTypeError(`indexPut: value expected ${x.dtype} (the input's dtype), got ${value.dtype}; cast it first`);
      v = value;
    }
    let spread: Tensor;
    try {
      spread = expand(v, positions.shape);
    } catch {
      throw new ShapeError(`indexPut: value ${fmtShape(v.shape)} cannot be broadcast to the indexed shape ${fmtShape(positions.shape)}`);
    }
    if (positions.numel === 0) return clone(x);
    const flat = (accumulate ? indexAdd : indexCopy)(reshape(x, [-1]), 0, reshape(positions, [-1]), reshape(spread, [-1]));
    return reshape(flat, x.shape);
  });
}
