// Helpers the resizing and cropping transforms share: size arguments, Python's rounding, and
// cutting a window (parts outside the image zero) out of every H×W plane.
import { ValueError } from '@nutshell/tensor/errors';
import { type NDArray, arrayClassOf } from '../ndarray.js';

/** torchvision's size argument: n (an n×n output), [n] or [h, w], positive integers. */
export function sizeArg(where: string, size: unknown): [number, number] {
  const pair = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 1 ? [size[0], size[0]] : size;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ValueError(`${where}: size expected a positive integer or [height, width] of them, got ${JSON.stringify(size)}`);
  }
  return [pair[0], pair[1]];
}

/** A [min, max] pair of finite numbers with min ≤ max (and `positive`: min > 0), or a refusal naming it. */
export function rangeArg(where: string, name: string, v: unknown, check: { positive?: boolean; within?: readonly [number, number] } = {}): [number, number] {
  const ok = Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && v[0] <= v[1];
  const bounded = ok && (!check.positive || v[0] > 0) && (!check.within || (v[0] >= check.within[0] && v[1] <= check.within[1]));
  if (!bounded) {
    const what = check.within ? ` within [${check.within.join(', ')}]` : check.positive ? ' (both positive)' : '';
    throw new ValueError(`${where}: ${name} expected [min, max] with min <= max${what}, got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]];
}

/** Python's round(): halves go to the even neighbour (round(2.5) == 2), as torchvision's offsets do. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The ch×cw window at (top, left) of every H×W plane; rows or columns outside the image are
 * `fill` (0 by default; an int64 mask's fill becomes a bigint). The whole image with nothing to
 * fill is x itself.
 */
export function cropPlanes(x: NDArray, planes: number, h: number, w: number, top: number, left: number, ch: number, cw: number, fill = 0): NDArray {
  if (top === 0 && left === 0 && ch === h && cw === w) return x;
  const src = x.data as Float32Array;
  const out = new (arrayClassOf(x.data))(planes * ch * cw) as Float32Array;
  if (fill !== 0) out.fill((out instanceof BigInt64Array ? BigInt(Math.trunc(fill)) : fill) as number);
  const c0 = Math.max(0, -left);
  const c1 = Math.min(cw, w - left);
  for (let k = 0; k < planes; k++) {
    for (let r = 0; r < ch; r++) {
      const y = top + r;
      if (y < 0 || y >= h || c1 <= c0) continue;
      const from = (k * h + y) * w + left;
      out.set(src.subarray(from + c0, from + c1), (k * ch + r) * cw + c0);
    }
  }
  return { data: out, shape: [...x.shape.slice(0, -2), ch, cw] };
}
