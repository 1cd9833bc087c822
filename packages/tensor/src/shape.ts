// Shape rules shared by op declarations (said once: NumPy broadcasting, dim normalisation …).
import { ShapeError, ValueError, fmtShape } from './errors.js';

export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Whether a tensor of shape `from` broadcasts to exactly `to`, leaving `to` as it is. */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  return from.length <= to.length && from.every((d, i) => d === 1 || d === to[to.length - from.length + i]);
}

/** Normalises a possibly negative dim against a rank. */
export function normDim(op: string, dim: number, rank: number, arg = 'dim'): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new ShapeError(`${op}: ${arg} ${dim} is out of range for a tensor of rank ${rank} (expected ${-r} to ${r - 1})`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Dims to reduce over: all when empty/undefined; sorted, deduplicated, checked. */
export function normDims(op: string, dims: readonly number[] | undefined, rank: number): number[] {
  if (!dims || dims.length === 0) return [...Array(rank).keys()];
  const out = [...new Set(dims.map((d) => normDim(op, d, rank)))].sort((x, y) => x - y);
  if (out.length !== dims.length) throw new ValueError(`${op}: dims [${dims.join(',')}] name a dimension twice`);
  return out;
}

export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (dims.includes(i)) {
      if (keepdim) out.push(1);
    } else out.push(d);
  });
  return out;
}

export const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function checkShape(op: string, shape: unknown, arg = 'shape'): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`${op}: ${arg} expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (shape.length > 16) throw new ShapeError(`${op}: ${arg} has rank ${shape.length}, at most 16 is supported`);
  if (numelOf(shape) > 2 ** 40) throw new ShapeError(`${op}: ${arg} ${fmtShape(shape)} has too many elements`);
  return shape;
}

/** Whether two shapes are the same. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
