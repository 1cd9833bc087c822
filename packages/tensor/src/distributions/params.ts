// Parameters as the distributions take them: float32 tensors or numbers, broadcast against each
// other to the batch shape as PyTorch's broadcast_all does (a copy here, since expand copies;
// a parameter already of the batch shape is kept as it is, the user's own tensor).
import { Device, getDefaultDevice } from '../device.js';
import { DeviceError, DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { PROMISE_HINT } from '../ops/check-args.js';
import { full } from '../ops/table/creation.js';
import { expand } from '../ops/table/shape.js';
import type { DistributionOptions } from './distribution.js';
import { type Checks, checkNumber, checksOf, notPositive, refuseViolations } from './validation.js';

/** A parameter: a float32 tensor, or a number (a 0-d tensor on the other parameters' device). */
export type Param = Tensor | number;

const describe = (v: unknown): string =>
  v === null ? 'null' : v instanceof Promise ? PROMISE_HINT : Array.isArray(v) ? 'an array (make it a tensor with tensor([...]))' : typeof v;

/** Refuses anything but a float32 tensor or a number. */
export function checkParam(cls: string, name: string, value: unknown): asserts value is Param {
  if (typeof value === 'number') return;
  if (!(value as Tensor | null | undefined)?.isTensor) throw new ValueError(`${cls}: ${name} expected a tensor or a number, got ${describe(value)}`);
  const t = value as Tensor;
  if (t.dtype !== 'float32') throw new DTypeError(`${cls}: ${name} expected float32, got ${t.dtype}`);
}

/** The device of the first tensor among `params` (the default device when all are numbers), refusing tensors on others. */
export function deviceOf(cls: string, params: readonly (readonly [string, Param])[]): Device {
  const tensors = params.filter((p): p is readonly [string, Tensor] => typeof p[1] !== 'number');
  if (tensors.length === 0) return getDefaultDevice();
  const [firstName, first] = tensors[0];
  for (const [name, t] of tensors.slice(1)) {
    if (t.device !== first.device) throw new DeviceError(`${cls}: ${name} expected a tensor on ${firstName}'s device ${first.device}, got one on ${t.device}`);
  }
  return first.device;
}

/** The shapes' broadcast, or a ShapeError naming the parameters. */
export function broadcastAll(cls: string, shapes: readonly (readonly [string, readonly number[]])[]): number[] {
  try {
    return shapes.reduce<number[]>((out, [, shape]) => broadcastShapes(cls, out, shape), []);
  } catch {
    const list = shapes.map(([name, s]) => `${name} ${fmtShape(s)}`).join(', ');
    throw new ShapeError(`${cls}: ${shapes.map(([name]) => name).join(' and ')} expected shapes that broadcast together, got ${list}`);
  }
}

/** The parameters as float32 tensors of their common broadcast shape, on one device. */
export function broadcastParams(cls: string, params: readonly (readonly [string, Param])[]): { tensors: Tensor[]; batchShape: number[]; device: Device } {
  for (const [name, value] of params) checkParam(cls, name, value);
  const device = deviceOf(cls, params);
  const batchShape = broadcastAll(cls, params.map(([name, v]) => [name, typeof v === 'number' ? [] : v.shape] as const));
  // Numbers become 0-d tensors only to be expanded: the scope frees them, keeping the results.
  const tensors = scope(() => params.map(([, v]) => expand(typeof v === 'number' ? full([], v, { device }) : v, batchShape)));
  return { tensors, batchShape, device };
}

/**
 * Parameters that must all be > 0 (Exponential's rate, Gamma's, Beta's and Kumaraswamy's
 * concentrations, Pareto's scale and alpha, Chi2's df, Weibull's): options checked, numbers checked
 * at once, broadcast together, tensors checked when validation is on (loc-scale.ts's rules), each
 * refusal naming `cls` and the parameter.
 */
export function positiveParams(cls: string, params: readonly (readonly [string, Param])[], options: DistributionOptions): { tensors: Tensor[]; batchShape: number[]; checks: Checks } {
  checkOptions(cls, options, ['validateArgs']);
  const checks = checksOf(cls, options.validateArgs);
  for (const [name, value] of params) checkNumber(cls, name, value, (v) => v > 0, 'a number > 0', checks);
  const { tensors, batchShape } = broadcastParams(cls, params);
  if (checks.tensors) refuseViolations(cls, () => tensors.map((t, i) => ({ name: params[i][0], bad: notPositive(t), expected: 'values > 0' })));
  return { tensors, batchShape, checks };
}
