// Creation functions composed of declared ops: empty / emptyLike (PyTorch's uninitialised
// tensors, zero-filled here), meshgrid (coordinate grids from 1-d tensors, as expand()s) and
// triuIndices / trilIndices (a triangle's coordinates, made on the host).
import { tensor } from '../../creation.js';
import { Device, getDefaultDevice, type DeviceLike } from '../../device.js';
import { checkDType, type DType } from '../../dtype.js';
import { DeviceError, DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { checkShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { checkFits } from '../apply.js';
import { tensorArg } from '../check-args.js';
import { cast } from './cast.js';
import { createOptions, full, type CreateOptions } from './creation.js';
import { expand, reshape } from './shape.js';

// Note [empty is zeros]: PyTorch's empty hands back memory as the allocator left it, which is
// never to be read before it is written. Here the storage comes from a caching allocator too, so
// uninitialised memory would hold an earlier tensor's values, and a program that reads them by
// mistake would change from run to run; zeros cost one fill kernel and make such a mistake
// repeatable. Programs that write before they read cannot tell the difference.
function emptyOf(fn: string, shape: readonly number[], options: CreateOptions | undefined, like?: Tensor): Tensor {
  if (typeof shape === 'number') throw new ShapeError(`${fn}: shape expected an array of sizes, got ${shape} (sizes go in one array: ${fn}([${shape}, …]))`);
  const dims = checkShape(fn, shape);
  const o = createOptions(fn, options);
  const dtype = checkDType(o.dtype ?? like?.dtype ?? 'float32', fn);
  const device = o.device === undefined ? (like?.device ?? getDefaultDevice()) : Device.of(o.device, fn);
  if (device.type === 'cpu') checkFits(fn, [{ shape: dims, dtype }]);
  return full(dims, 0, { dtype, device, requiresGrad: o.requiresGrad });
}

/**
 * A tensor of `shape` whose values are not to be relied on (PyTorch's torch.empty): filled with
 * zeros here (Note [empty is zeros]); float32 on the default device unless the options say.
 */
export function empty(shape: readonly number[], options?: CreateOptions): Tensor {
  return emptyOf('empty', shape, options);
}

/** empty with `like`'s shape, dtype and device unless the options say otherwise (zeros here). */
export function emptyLike(like: Tensor, options?: CreateOptions): Tensor {
  tensorArg('emptyLike', 'input', like);
  return emptyOf('emptyLike', like.shape, options, like);
}

export interface MeshgridOptions {
  /** 'ij' (matrix indexing, PyTorch's default): output dim i follows tensor i. 'xy' (Cartesian): the first two dims swapped. */
  indexing?: 'ij' | 'xy';
}

/**
 * Coordinate grids from N 1-d (or 0-d) tensors, as torch.meshgrid(*tensors, indexing): N tensors
 * of shape [n0, n1, …] ('ij') or [n1, n0, n2, …] ('xy'), the i-th holding tensor i's values
 * along its dim. Each is an expand of its input, so gradients sum back into it.
 */
export function meshgrid(tensors: readonly Tensor[], options: MeshgridOptions = {}): Tensor[] {
  if (!Array.isArray(tensors)) {
    const hint = (tensors as unknown as Tensor | null | undefined)?.isTensor ? ' (pass the tensors as one array: meshgrid([x, y]))' : '';
    throw new ValueError(`meshgrid: tensors expected an array of tensors, got ${tensors === null ? 'null' : typeof tensors}${hint}`);
  }
  checkOptions('meshgrid', options, ['indexing']);
  const indexing = options.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') throw new ValueError(`meshgrid: option 'indexing' expected 'ij' or 'xy', got ${JSON.stringify(indexing)}`);
  if (tensors.length === 0) throw new ValueError('meshgrid: tensors expected at least one tensor, got an empty array');
  tensors.forEach((t, i) => {
    tensorArg('meshgrid', `tensors[${i}]`, t);
    if (t.shape.length > 1) throw new ShapeError(`meshgrid: tensors[${i}] expected a 0-d or 1-d tensor, got shape ${fmtShape(t.shape)}`);
    if (t.dtype !== tensors[0].dtype) throw new DTypeError(`meshgrid: tensors expected one dtype, got ${tensors[0].dtype} (tensors[0]) and ${t.dtype} (tensors[${i}])`);
    if (t.device !== tensors[0].device) throw new DeviceError(`meshgrid: tensors expected one device, got ${tensors[0].device} (tensors[0]) and ${t.device} (tensors[${i}])`);
  });
  // Output dim of tensor i: i, except that 'xy' swaps the first two.
  const swap = indexing === 'xy' && tensors.length >= 2;
  const dimOf = (i: number): number => (swap && i < 2 ? 1 - i : i);
  const shape: number[] = [];
  tensors.forEach((t, i) => (shape[dimOf(i)] = t.numel));
  return scope(() =>
    tensors.map((t, i) => {
      const along = shape.map((_, d) => (d === dimOf(i) ? t.numel : 1));
      return expand(reshape(t, along), shape);
    }),
  );
}

export interface TriangleIndicesOptions {
  /** int64 (default) or int32. */
  dtype?: DType;
  device?: DeviceLike;
}

/**
 * The coordinates [2, K] (rows, then columns) of the elements of a row × col matrix on and above
 * (`upper`) or on and below the diagonal `offset`, in row-major order: torch.triu_indices and
 * torch.tril_indices. Made on the host (a loop per row) and copied to the device.
 */
function triangleIndices(fn: string, upper: boolean, row: number, col: number, offsetOrOptions: number | TriangleIndicesOptions | undefined, givenOptions: TriangleIndicesOptions | undefined): Tensor {
  const optionsFirst = offsetOrOptions !== null && typeof offsetOrOptions === 'object';
  if (optionsFirst && givenOptions !== undefined) throw new ValueError(`${fn}: the options go last, after offset, got two options objects`);
  const offset = optionsFirst || offsetOrOptions === undefined ? 0 : offsetOrOptions;
  const options = createOptions<TriangleIndicesOptions>(fn, optionsFirst ? offsetOrOptions : givenOptions, ['dtype', 'device']);
  for (const [name, v] of [['row', row], ['col', col]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new ValueError(`${fn}: ${name} expected a non-negative integer, got ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  }
  if (!Number.isSafeInteger(offset)) throw new ValueError(`${fn}: offset expected an integer, got ${typeof offset === 'number' ? offset : JSON.stringify(offset)}`);
  const dtype = checkDType(options.dtype ?? 'int64', fn);
  if (dtype !== 'int64' && dtype !== 'int32') throw new DTypeError(`${fn}: option 'dtype' expected int64 or int32, got ${dtype} (as PyTorch's)`);
  const device = options.device === undefined ? getDefaultDevice() : Device.of(options.device, fn);
  // Row i holds columns [max(0, i + offset), col) (upper) or [0, min(col, i + offset + 1)) (lower).
  const span = (i: number): [number, number] => (upper ? [Math.min(col, Math.max(0, i + offset)), col] : [0, Math.max(0, Math.min(col, i + offset + 1))]);
  let count = 0;
  for (let i = 0; i < row; i++) count += span(i)[1] - span(i)[0];
  if (2 * count > 2 ** 31 - 1) throw new ValueError(`${fn}: ${row} × ${col} with offset ${offset} gives ${count} index pairs, more than this function holds (2^30)`);
  const out = new Int32Array(2 * count);
  let k = 0;
  for (let i = 0; i < row; i++) {
    const [from, to] = span(i);
    for (let j = from; j < to; j++, k++) {
      out[k] = i;
      out[count + k] = j;
    }
  }
  return scope(() => {
    const t = tensor(out, { shape: [2, count], device });
    return dtype === 'int32' ? t : cast(t, 'int64');
  });
}

/** torch.triu_indices(row, col, offset): [2, K] coordinates of the upper triangle (j − i >= offset) of a row × col matrix, row by row; int64 unless the options say int32. */
export function triuIndices(row: number, col: number, offset?: number | TriangleIndicesOptions, options?: TriangleIndicesOptions): Tensor {
  return triangleIndices('triuIndices', true, row, col, offset, options);
}

/** torch.tril_indices(row, col, offset): [2, K] coordinates of the lower triangle (j − i <= offset) of a row × col matrix, row by row; int64 unless the options say int32. */
export function trilIndices(row: number, col: number, offset?: number | TriangleIndicesOptions, options?: TriangleIndicesOptions): Tensor {
  return triangleIndices('trilIndices', false, row, col, offset, options);
}
