import { Device, getDefaultDevice, type DeviceLike } from '../../device.js';
import { checkDType, dtypes, type DType } from '../../dtype.js';
import { ShapeError, ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { checkShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { applyOn, checkFits } from '../apply.js';
import { ALL, defineOp } from '../declare.js';

/** A tensor of `shape` filled with one value, made on the device (no host copy). */
export const fillOp = defineOp<{ shape: readonly number[]; value: number; dtype: string }>({
  name: 'fill',
  inputs: [],
  attrs: { shape: { kind: 'ints' }, value: { kind: 'float', nan: true }, dtype: { kind: dtypes } },
  outputs: (_, a) => [{ shape: checkShape('fill', a.shape), dtype: a.dtype as DType }],
  backends: ['cpu', 'cuda'],
  test: { samples: [{ name: 'matrix', inputs: [], attrs: { shape: [2, 3], value: 1.5, dtype: 'float32' } }] },
});

export interface CreateOptions {
  dtype?: DType;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

const CREATE_KEYS = ['dtype', 'device', 'requiresGrad'] as const;

/** @internal A creation function's options, checked: an object with only the keys it takes (`fn` names it). */
export function createOptions<O extends object>(fn: string, options: O | undefined, keys: readonly string[] = CREATE_KEYS): O {
  if (options === undefined) return {} as O;
  checkOptions(fn, options, keys);
  return options;
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63], uint8: [0, 255] };

/** Refuses a fill value an integer dtype cannot hold (PyTorch: "cannot be converted … without overflow"); fractions truncate. */
export function checkFillValue(fn: string, value: number, dtype: DType): void {
  const range = INT_RANGE[dtype];
  if (range && !(value >= range[0] && value < range[1] + 1)) {
    const bounds = dtype === 'int64' ? '-2^63 to 2^63 - 1' : `${range[0]} to ${range[1]}`;
    throw new ValueError(`${fn}: value ${value} cannot be converted to ${dtype} without overflow (expected ${bounds})`);
  }
}

function filled(fn: string, shape: readonly number[], fill: number | boolean, options: CreateOptions | undefined, like?: Tensor): Tensor {
  if (typeof shape === 'number') throw new ShapeError(`${fn}: shape expected an array of sizes, got ${shape} (sizes go in one array: ${fn}([${shape}, …]))`);
  checkShape(fn, shape);
  // A boolean fill makes a bool tensor, as torch.full((2,), True) does.
  if (typeof fill !== 'number' && typeof fill !== 'boolean') throw new ValueError(`${fn}: value expected a number or a boolean, got ${fill === null ? 'null' : typeof fill}`);
  const value = Number(fill);
  const o = createOptions(fn, options);
  const dtype = checkDType(o.dtype ?? like?.dtype ?? (typeof fill === 'boolean' ? 'bool' : 'float32'), fn);
  checkFillValue(fn, value, dtype);
  const device = o.device === undefined ? (like?.device ?? getDefaultDevice()) : Device.of(o.device, fn);
  if (device.type === 'cpu') checkFits(fn, [{ shape: [...shape], dtype }]); // as apply's check, named for the caller (a device's own allocator answers on cuda)
  const t = applyOn(device, fillOp, [], { shape, value, dtype })[0];
  return o.requiresGrad ? t.requiresGrad_() : t;
}

export const full = (shape: readonly number[], value: number | boolean, options?: CreateOptions): Tensor => filled('full', shape, value, options);
export const zeros = (shape: readonly number[], options?: CreateOptions): Tensor => filled('zeros', shape, 0, options);
export const ones = (shape: readonly number[], options?: CreateOptions): Tensor => filled('ones', shape, 1, options);
export const fullLike = (t: Tensor, value: number | boolean, options?: CreateOptions): Tensor => filled('fullLike', t.shape, value, options, t);
export const zerosLike = (t: Tensor, options?: CreateOptions): Tensor => filled('zerosLike', t.shape, 0, options, t);
export const onesLike = (t: Tensor, options?: CreateOptions): Tensor => filled('onesLike', t.shape, 1, options, t);

// ---------------------------------------------------------------------------------------------
// arange, linspace, eye: made on the device from their attributes alone, with PyTorch's rules.

const RANGE_DTYPES = ['float32', 'int32', 'int64', 'uint8'] as const;

/**
 * arange's length, as PyTorch computes it: ceil((end − start) / step) in double, except for int64,
 * where start, end and step are first truncated to integers and the length is
 * (end − start + step − sign(step)) / step in integers. Integer dtypes step by trunc(step).
 */
export function arangeLength(start: number, end: number, step: number, dtype: string): number {
  const integral = dtype !== 'float32';
  const xs = integral ? Math.trunc(start) : start;
  const xe = integral ? Math.trunc(end) : end;
  const xst = integral ? Math.trunc(step) : step;
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ValueError(`arange: start and end expected finite numbers, got ${start} -> ${end}`);
  if (!(xst > 0 || xst < 0)) throw new ValueError(`arange: step expected a nonzero number${integral && step !== 0 ? ` (${dtype} ranges step by trunc(step))` : ''}, got ${step}`);
  if (!((xst > 0 && xe >= xs) || (xst < 0 && xe <= xs))) {
    throw new ValueError(`arange: end expected to lie on the side of start that step ${step} points to, got start ${start}, end ${end}`);
  }
  const sign = xst > 0 ? 1 : -1;
  const size = dtype === 'int64' ? Math.trunc((xe - xs + xst - sign) / xst) : Math.ceil((end - start) / step);
  if (!(size >= 0 && size <= 2 ** 40)) throw new ValueError(`arange: ${size} elements is too many (start ${start}, end ${end}, step ${step})`);
  return size;
}

export const arangeOp = defineOp<{ start: number; end: number; step: number; dtype: string }>({
  name: 'arange',
  inputs: [],
  attrs: { start: { kind: 'float', default: 0 }, end: { kind: 'float' }, step: { kind: 'float', default: 1 }, dtype: { kind: RANGE_DTYPES } },
  outputs: (_, a) => [{ shape: [arangeLength(a.start, a.end, a.step, a.dtype)], dtype: a.dtype as DType }],
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'int64', inputs: [], attrs: { start: 0, end: 5, step: 1, dtype: 'int64' } },
      { name: 'float-step', inputs: [], attrs: { start: 0, end: 1, step: 0.1, dtype: 'float32' } },
      { name: 'negative-step', inputs: [], attrs: { start: 5, end: -3, step: -1.5, dtype: 'float32' } },
      { name: 'int64-fractional', inputs: [], attrs: { start: -2.7, end: 6.2, step: 3, dtype: 'int64' } },
      { name: 'int32-fractional', inputs: [], attrs: { start: 0.5, end: 7.5, step: 2, dtype: 'int32' } },
      { name: 'uint8', inputs: [], attrs: { start: 250, end: 256, step: 1, dtype: 'uint8' } },
      { name: 'size-one', inputs: [], attrs: { start: 0, end: 1, step: 5, dtype: 'float32' } },
      { name: 'empty', inputs: [], attrs: { start: 3, end: 3, step: 1, dtype: 'int64' } },
      { name: 'long', inputs: [], attrs: { start: -1000, end: 1000, step: 0.25, dtype: 'float32' } },
    ],
    bad: [
      { name: 'zero step', inputs: [], attrs: { end: 3, step: 0, dtype: 'float32' }, error: 'ValueError', message: /arange: step expected a nonzero number, got 0/ },
      { name: 'step truncated to zero', inputs: [], attrs: { end: 3, step: 0.5, dtype: 'int64' }, error: 'ValueError', message: /arange: step expected a nonzero number \(int64 ranges step by trunc\(step\)\), got 0.5/ },
      { name: 'wrong direction', inputs: [], attrs: { start: 0, end: 3, step: -1, dtype: 'float32' }, error: 'ValueError', message: /arange: end expected to lie on the side of start that step -1 points to, got start 0, end 3/ },
      { name: 'infinite end', inputs: [], attrs: { end: Infinity, dtype: 'float32' }, error: 'ValueError', message: /arange: start and end expected finite numbers, got 0 -> Infinity/ },
      { name: 'bool dtype', inputs: [], attrs: { end: 3, dtype: 'bool' }, error: 'ValueError', message: /arange: option 'dtype' expected one of 'float32', 'int32', 'int64', 'uint8', got string bool/ },
    ],
  },
});

/**
 * Values from start (default 0) up to but excluding end, `step` apart: arange(end) or
 * arange(start, end, step?). Like PyTorch, the dtype is int64 when start, end and step are all
 * integers and float32 otherwise, unless `dtype` says.
 */
export function arange(end: number, options?: CreateOptions): Tensor;
export function arange(start: number, end: number, options?: CreateOptions): Tensor;
export function arange(start: number, end: number, step?: number, options?: CreateOptions): Tensor;
export function arange(a: number, b?: number | CreateOptions, c?: number | CreateOptions, d?: CreateOptions): Tensor {
  let start = 0;
  let end = a;
  let step = 1;
  let options: CreateOptions = {};
  if (typeof b === 'number') {
    start = a;
    end = b;
    if (typeof c === 'number') {
      step = c;
      options = d ?? {};
    } else options = c ?? {};
  } else options = b ?? {};
  createOptions('arange', options);
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`arange: ${name} expected a number, got ${typeof v === 'number' ? v : typeof v}`);
  }
  const inferred: DType = [start, end, step].every(Number.isInteger) ? 'int64' : 'float32';
  const dtype = checkDType(options.dtype ?? inferred, 'arange');
  const device = options.device === undefined ? getDefaultDevice() : Device.of(options.device, 'arange');
  const t = applyOn(device, arangeOp, [], { start, end, step, dtype })[0];
  return options.requiresGrad ? t.requiresGrad_() : t;
}

export const linspaceOp = defineOp<{ start: number; end: number; steps: number; dtype: string }>({
  name: 'linspace',
  inputs: [],
  attrs: { start: { kind: 'float' }, end: { kind: 'float' }, steps: { kind: 'int' }, dtype: { kind: RANGE_DTYPES, default: 'float32' } },
  outputs: (_, a) => {
    if (a.steps < 0) throw new ValueError(`linspace: steps expected a non-negative integer, got ${a.steps}`);
    return [{ shape: checkShape('linspace', [a.steps]), dtype: a.dtype as DType }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'unit', inputs: [], attrs: { start: 0, end: 1, steps: 5 } },
      { name: 'reverse', inputs: [], attrs: { start: 3, end: -2, steps: 7 } },
      { name: 'odd-count', inputs: [], attrs: { start: -1, end: 1, steps: 11 } },
      { name: 'one-step', inputs: [], attrs: { start: 2.5, end: 9, steps: 1 } },
      { name: 'empty', inputs: [], attrs: { start: 0, end: 1, steps: 0 } },
      { name: 'int64', inputs: [], attrs: { start: -3, end: 10, steps: 6, dtype: 'int64' } },
      { name: 'int32', inputs: [], attrs: { start: 0, end: 7, steps: 4, dtype: 'int32' } },
      { name: 'uint8', inputs: [], attrs: { start: 0, end: 255, steps: 5, dtype: 'uint8' } },
      { name: 'long', inputs: [], attrs: { start: -3.5, end: 12.25, steps: 1001 } },
    ],
    bad: [
      { name: 'negative steps', inputs: [], attrs: { start: 0, end: 1, steps: -1 }, error: 'ValueError', message: /linspace: steps expected a non-negative integer, got -1/ },
      { name: 'fractional steps', inputs: [], attrs: { start: 0, end: 1, steps: 2.5 }, error: 'ValueError', message: /linspace: option 'steps' expected an integer, got number 2.5/ },
    ],
  },
});

/** `steps` values evenly spaced from start to end, both included (float32 unless `dtype`). */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  createOptions('linspace', options);
  const dtype = checkDType(options.dtype ?? 'float32', 'linspace');
  const device = options.device === undefined ? getDefaultDevice() : Device.of(options.device, 'linspace');
  const t = applyOn(device, linspaceOp, [], { start, end, steps, dtype })[0];
  return options.requiresGrad ? t.requiresGrad_() : t;
}

export const eyeOp = defineOp<{ n: number; m: number; dtype: string }>({
  name: 'eye',
  inputs: [],
  attrs: { n: { kind: 'int' }, m: { kind: 'int' }, dtype: { kind: dtypes, default: 'float32' } },
  outputs: (_, a) => {
    if (a.n < 0) throw new ValueError(`eye: n expected a non-negative integer, got ${a.n}`);
    if (a.m < 0) throw new ValueError(`eye: m expected a non-negative integer, got ${a.m}`);
    return [{ shape: checkShape('eye', [a.n, a.m]), dtype: a.dtype as DType }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'square', inputs: [], attrs: { n: 3, m: 3 } },
      { name: 'wide-int64', inputs: [], attrs: { n: 2, m: 4, dtype: 'int64' } },
      { name: 'tall-bool', inputs: [], attrs: { n: 4, m: 2, dtype: 'bool' } },
      { name: 'size-one', inputs: [], attrs: { n: 1, m: 1 } },
      { name: 'empty', inputs: [], attrs: { n: 0, m: 3 } },
    ],
    bad: [
      { name: 'negative n', inputs: [], attrs: { n: -1, m: 2 }, error: 'ValueError', message: /eye: n expected a non-negative integer, got -1/ },
      { name: 'negative m', inputs: [], attrs: { n: 2, m: -2 }, error: 'ValueError', message: /eye: m expected a non-negative integer, got -2/ },
    ],
  },
});

/** An n×m matrix (m defaults to n) with ones on the diagonal. */
export function eye(n: number, m?: number | CreateOptions, options: CreateOptions = {}): Tensor {
  if (typeof m === 'object' && m !== null) {
    options = m;
    m = undefined;
  }
  createOptions('eye', options);
  const dtype = checkDType(options.dtype ?? 'float32', 'eye');
  const device = options.device === undefined ? getDefaultDevice() : Device.of(options.device, 'eye');
  const t = applyOn(device, eyeOp, [], { n, m: m ?? n, dtype })[0];
  return options.requiresGrad ? t.requiresGrad_() : t;
}
