// Settings and queries of the cuda backend that are not ops: cuDNN convolution algorithm policy
// (determinism, workspace limit), the per-algorithm report that shows when FFT wins, and the
// cache of 'auto'/'heuristic' choices. They reach native code through Backend::control (JSON in,
// JSON out; native/src/cuda/conv_algos.cc, Note [conv algorithm policy]). Arguments are checked
// here, on every machine, before anything asks for the cuda backend.
import { Device, type DeviceLike } from './device.js';
import { DeviceError, ShapeError, ValueError, fmtShape, fromNative } from './errors.js';
import { cudaAvailable, native } from './native.js';
import type { ConvAlgo } from './ops/table/conv.js';
import { Tensor } from './tensor.js';

const CUDA = 1;

function control<T>(name: string, args: Record<string, unknown>): T {
  let text: string;
  try {
    text = native().control(CUDA, name, JSON.stringify(args));
  } catch (err) {
    throw fromNative(err);
  }
  return JSON.parse(text) as T;
}


// Settings given before (or without) a GPU are kept here, so scripts can set them
// unconditionally; with a GPU the native side holds them.
const remembered = { deterministic: false, workspaceLimitBytes: 2 ** 30 };

interface Settings {
  deterministic: boolean;
  workspaceLimitBytes: number;
}

/**
 * Restricts cuDNN convolutions to algorithms cuDNN reports deterministic ('auto' and
 * 'heuristic' choose among them; an explicit non-deterministic `algo` is refused), like
 * torch.backends.cudnn.deterministic. Clears the algorithm cache when it changes.
 */
export function setDeterministic(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new ValueError(`setDeterministic: expected a boolean, got ${describe(enabled)}`);
  remembered.deterministic = enabled;
  if (cudaAvailable()) control<Settings>('setDeterministic', { enabled });
}

/** Whether setDeterministic(true) is in force. */
export function isDeterministic(): boolean {
  return cudaAvailable() ? control<Settings>('convSettings', {}).deterministic : remembered.deterministic;
}

/**
 * The most workspace (bytes, from the device's caching allocator) a cuDNN convolution algorithm
 * may use; algorithms that need more are skipped by 'auto'/'heuristic' and refused when forced.
 * Default 1 GiB. Clears the algorithm cache when it changes.
 */
export function setConvWorkspaceLimit(bytes: number): void {
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ValueError(`setConvWorkspaceLimit: expected a non-negative integer number of bytes, got ${describe(bytes)}`);
  }
  remembered.workspaceLimitBytes = bytes;
  if (cudaAvailable()) control<Settings>('setConvWorkspaceLimit', { bytes });
}

/** The workspace limit of cuDNN convolutions, in bytes. */
export function convWorkspaceLimit(): number {
  return cudaAvailable() ? control<Settings>('convSettings', {}).workspaceLimitBytes : remembered.workspaceLimitBytes;
}

export type ConvDirection = 'forward' | 'backwardData' | 'backwardWeights';

/** One cuDNN algorithm of one direction, for one convolution. */
export interface ConvAlgorithmReport {
  /** cuDNN's name, e.g. 'CUDNN_CONVOLUTION_FWD_ALGO_FFT'. */
  algo: string;
  /** The `algo` option values that force it (see Note [conv algorithm names] in conv_algos.cc). */
  names: ConvAlgo[];
  /** cuDNN's status for these shapes: 'CUDNN_STATUS_SUCCESS', 'CUDNN_STATUS_NOT_SUPPORTED' … */
  status: string;
  supported: boolean;
  /** Mean time of one run in milliseconds (CUDA events), or null when it did not run. */
  timeMs: number | null;
  workspaceBytes: number | null;
  deterministic: boolean;
  /** cuDNN's math type for it; convolutions run with CUDNN_FMA_MATH (strict float32). */
  mathType: string;
  /** Why it was not timed, when it was supported but not run (e.g. over the workspace limit). */
  note: string;
}

export interface ConvDirectionReport {
  algorithms: ConvAlgorithmReport[];
  /** What 'auto' would choose now (the fastest measured, deterministic if required). */
  auto: string | null;
  /** What 'heuristic' would choose now. */
  heuristic: string | null;
}

export interface ConvAlgorithmsResult {
  device: string;
  deterministic: boolean;
  workspaceLimitBytes: number;
  repeats: number;
  input: number[];
  weight: number[];
  output: number[];
  stride: number[];
  /** [top, left, bottom, right] */
  padding: number[];
  dilation: number[];
  groups: number;
  /** Whether the padding is asymmetric, so the input is padded explicitly before cuDNN. */
  explicitPadding: boolean;
  forward: ConvDirectionReport;
  backwardData: ConvDirectionReport;
  backwardWeights: ConvDirectionReport;
}

export interface ConvAlgorithmsOptions {
  stride?: number | readonly [number, number];
  /** A number, [h, w] or [top, left, bottom, right]. */
  padding?: number | readonly number[];
  dilation?: number | readonly [number, number];
  groups?: number;
  /** A cuda device; defaults to the input's when it is a cuda tensor, else 'cuda:0'. */
  device?: DeviceLike;
  /** Timed runs per algorithm after a warm-up (default 3). */
  repeats?: number;
}

const OPTIONS = ['stride', 'padding', 'dilation', 'groups', 'device', 'repeats'];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'number' ? String(x) : typeof x)).join(',')}]`;
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

function shapeOf(arg: string, v: unknown): number[] {
  const shape = v instanceof Tensor ? [...v.shape] : Array.isArray(v) ? v : null;
  if (!shape || !shape.every((d) => isInt(d, 0))) {
    throw new ValueError(`convAlgorithms: ${arg} expected a Tensor or a shape (an array of integers), got ${describe(v)}`);
  }
  const layout = arg === 'input' ? '[N,C,H,W]' : '[O,C/groups,kH,kW]';
  if (shape.length !== 4) throw new ShapeError(`convAlgorithms: ${arg} expected 4 dimensions ${layout}, got ${fmtShape(shape)}`);
  if (shape.some((d) => d === 0)) throw new ShapeError(`convAlgorithms: ${arg} expected sizes of at least 1, got ${fmtShape(shape)}`);
  return shape as number[];
}

function pairOf(name: string, v: unknown, fallback: number, min: number): number[] {
  if (v === undefined) return [fallback, fallback];
  const pair = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (!pair || !pair.every((d) => isInt(d, min))) {
    throw new ValueError(`convAlgorithms: option '${name}' expected an integer >= ${min} or a pair of them, got ${describe(v)}`);
  }
  return pair as number[];
}

function paddingOf(v: unknown): number[] {
  if (v === undefined) return [0, 0, 0, 0];
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) ? v : null;
  if (!p || !(p.length === 2 || p.length === 4) || !p.every((d) => isInt(d, 0))) {
    throw new ValueError(`convAlgorithms: option 'padding' expected an integer >= 0, [h, w] or [top, left, bottom, right], got ${describe(v)}`);
  }
  return p.length === 2 ? [p[0], p[1], p[0], p[1]] : [...p];
}

function cudaDeviceOf(input: unknown, spec: DeviceLike | undefined): Device {
  const device = spec !== undefined ? Device.of(spec, 'convAlgorithms') : input instanceof Tensor && input.device.type === 'cuda' ? input.device : Device.of('cuda');
  if (device.type !== 'cuda') throw new DeviceError(`convAlgorithms: device expected a cuda device, got ${device}`);
  return device;
}

/**
 * Every cuDNN convolution algorithm for each direction (forward, backward data, backward
 * weights) of the convolution of `input` by `weight` (tensors or shapes): cuDNN's status, the
 * measured time, the workspace, determinism and math type, and what 'auto' and 'heuristic' would
 * pick: e.g. to see when FFT wins. Runs the algorithms on scratch buffers of those shapes.
 */
export function convAlgorithms(input: Tensor | readonly number[], weight: Tensor | readonly number[], options: ConvAlgorithmsOptions = {}): ConvAlgorithmsResult {
  if (options === null || typeof options !== 'object') throw new ValueError(`convAlgorithms: options expected an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new ValueError(`convAlgorithms: unknown option '${key}' (options: ${OPTIONS.join(', ')})`);
  }
  const x = shapeOf('input', input);
  const w = shapeOf('weight', weight);
  const stride = pairOf('stride', options.stride, 1, 1);
  const dilation = pairOf('dilation', options.dilation, 1, 1);
  const padding = paddingOf(options.padding);
  const groups = options.groups ?? 1;
  if (!isInt(groups, 1)) throw new ValueError(`convAlgorithms: option 'groups' expected an integer >= 1, got ${describe(groups)}`);
  const repeats = options.repeats ?? 3;
  if (!isInt(repeats, 1) || repeats > 100) throw new ValueError(`convAlgorithms: option 'repeats' expected an integer from 1 to 100, got ${describe(repeats)}`);
  const shapes = `(input ${fmtShape(x)}, weight ${fmtShape(w)})`;
  if (w[0] % groups !== 0) throw new ShapeError(`convAlgorithms: weight has ${w[0]} output channels, not divisible by groups ${groups} ${shapes}`);
  if (w[1] * groups !== x[1]) {
    throw new ShapeError(
      groups === 1
        ? `convAlgorithms: weight has ${w[1]} input channels but input has ${x[1]} ${shapes}`
        : `convAlgorithms: weight has ${w[1]} input channels per group (${groups} groups: ${w[1] * groups}) but input has ${x[1]} ${shapes}`,
    );
  }
  const ekh = dilation[0] * (w[2] - 1) + 1;
  const ekw = dilation[1] * (w[3] - 1) + 1;
  const ph = x[2] + padding[0] + padding[2];
  const pw = x[3] + padding[1] + padding[3];
  if (ekh > ph || ekw > pw) throw new ShapeError(`convAlgorithms: kernel ${ekh}x${ekw} (dilated) is larger than the padded input ${ph}x${pw} ${shapes}`);
  const device = cudaDeviceOf(input, options.device);
  return control<ConvAlgorithmsResult>('convAlgorithms', { device: device.index, input: x, weight: w, stride, padding, dilation, groups, repeats });
}

/** A cached 'auto' or 'heuristic' choice. */
export interface ConvAlgorithmCacheEntry {
  device: string;
  direction: ConvDirection;
  policy: 'auto' | 'heuristic';
  algo: string;
  names: ConvAlgo[];
  workspaceBytes: number;
  /** Measured time of one run ('auto'), or null ('heuristic'). */
  timeMs: number | null;
  deterministic: boolean;
  mathType: string;
  input: number[];
  weight: number[];
  output: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
}

/** The algorithms 'auto' and 'heuristic' have chosen so far (empty without a GPU). */
export function convAlgorithmCache(): ConvAlgorithmCacheEntry[] {
  if (!cudaAvailable()) return [];
  return control<{ entries: ConvAlgorithmCacheEntry[] }>('convAlgorithmCache', {}).entries;
}

/** Forgets the cached choices: the next convolution of each shape measures again. */
export function clearConvAlgorithmCache(): void {
  if (cudaAvailable()) control<{ cleared: number }>('clearConvAlgorithmCache', {});
}
