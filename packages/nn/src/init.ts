// Initialisers (torch.nn.init), writing in place into existing parameters so modules and
// optimisers keep their references. Random values come from the tensor package's seeded Philox
// generator: `manualSeed(s)` makes initialisation reproducible.
import { ShapeError, ValueError, add, checkOptions, clamp, copyInto, erfinv, full, mul, noGrad, normal as normalTensor, randn, scope, tensor, uniform as uniformTensor, type Tensor } from '@nutshell/tensor';

/** A nonlinearity by our name or PyTorch's ('leakyRelu' or 'leaky_relu', 'convTranspose2d' or 'conv_transpose2d'). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu'
  | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d' | 'leaky_relu';

const GAIN_ONE = ['linear', 'conv1d', 'conv2d', 'conv3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'sigmoid'];
const NONLINEARITIES = [...GAIN_ONE, 'tanh', 'relu', 'leakyRelu', 'selu'];
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** An option value by our camelCase name or PyTorch's snake_case one, refused when it is neither. */
function oneOf(fn: string, what: string, value: unknown, allowed: readonly string[]): string {
  const name = typeof value === 'string' ? camel(value) : value;
  if (typeof name === 'string' && allowed.includes(name)) return name;
  throw new ValueError(`${fn}: unknown ${what} ${JSON.stringify(value)} (expected ${allowed.map((a) => `'${a}'`).join(', ')}, or PyTorch's snake_case spelling)`);
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const name = oneOf('calculateGain', 'nonlinearity', nonlinearity, NONLINEARITIES);
  if (GAIN_ONE.includes(name)) return 1;
  switch (name) {
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
  return 3 / 4; // selu
}

/** fan_in, fan_out as PyTorch computes them ([out, in, *kernel]). */
/**
 * The tensor an initialiser fills, checked: PyTorch's `init.normal_(m.weight.data, …)` passes a
 * function here (a Tensor's `data` is its async read), and a layer made with `bias: false` has a
 * null bias.
 */
function target(fn: string, t: unknown): asserts t is Tensor {
  if ((t as Tensor | null)?.isTensor) return;
  const hint =
    typeof t === 'function'
      ? ` (a Tensor's .data is its async read method here, not the tensor: pass the parameter itself, ${fn}(m.weight, …))`
      : t === null || t === undefined
        ? ' (a layer made with bias: false has a null bias: check it first)'
        : '';
  throw new ValueError(`${fn}: expected a Tensor to fill, got ${t === null ? 'null' : typeof t}${hint}`);
}

export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  target('fans', t);
  if (t.ndim < 2) throw new ShapeError(`init: fan in and fan out need a tensor of at least 2 dimensions, got shape [${t.shape}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  noGrad(() => scope(() => void copyInto(t, make())));
  return t;
}

// A zero-element tensor (a layer with 0 channels or features) is left as it is, as PyTorch's
// init functions do: its fans are 0, and Kaiming's bound 1/√0 would otherwise reach the draw as
// an infinite range (user trial AO: Conv2d(0, 8, 3) failed in rand). The fan-based inits draw
// through uniform or normal; orthogonal returns early itself.
export function uniform(t: Tensor, a = 0, b = 1): Tensor {
  target('uniform', t);
  if (t.numel === 0) return t;
  return fill(t, () => uniformTensor(t.shape, a, b, { device: t.device }));
}
export function normal(t: Tensor, mean = 0, std = 1): Tensor {
  target('normal', t);
  if (t.numel === 0) return t;
  return fill(t, () => normalTensor(mean, std, t.shape, { device: t.device }));
}
export function constant(t: Tensor, value: number): Tensor {
  target('constant', t);
  return fill(t, () => full(t.shape, value, { dtype: t.dtype, device: t.device }));
}
export function zeros(t: Tensor): Tensor {
  target('zeros', t);
  return constant(t, 0);
}
export function ones(t: Tensor): Tensor {
  target('ones', t);
  return constant(t, 1);
}

// The standard normal's cdf at the two bounds (erf by Abramowitz & Stegun 7.1.26, |error| <
// 1.5e-7): enough for float32 weights.
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return 0.5 * (1 + (x < 0 ? -erf : erf));
}

/**
 * Normal(mean, std) truncated to [a, b] (torch.nn.init.trunc_normal_, default ±2), as PyTorch
 * draws it: uniform draws between the cdf's values at the bounds (mapped to [−1, 1]) through
 * erfinv, scaled, shifted and clamped — on the tensor's device, nothing read back.
 */
export function truncNormal(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  target('truncNormal', t);
  if (!(std > 0)) throw new ValueError(`truncNormal: std expected a positive number, got ${std}`);
  if (!(a < b)) throw new ValueError(`truncNormal: expected a < b, got a ${a}, b ${b}`);
  const lo = normalCdf((a - mean) / std), hi = normalCdf((b - mean) / std);
  return fill(t, () => clamp(add(mul(erfinv(uniformTensor(t.shape, 2 * lo - 1, 2 * hi - 1, { device: t.device })), std * Math.SQRT2), mean), a, b));
}

export function xavierUniform(t: Tensor, gain = 1): Tensor {
  target('xavierUniform', t);
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a);
}
export function xavierNormal(t: Tensor, gain = 1): Tensor {
  target('xavierNormal', t);
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leakyRelu only). */
  a?: number;
  /** 'fanIn' (default) or 'fanOut'; PyTorch's 'fan_in' and 'fan_out' are taken too. */
  mode?: 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}
function kaimingStd(fn: string, t: Tensor, o: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  // Checked by name: any other value once fell through to fanOut, PyTorch's 'fan_in' included.
  const fan = oneOf(fn, 'mode', o.mode ?? 'fanIn', ['fanIn', 'fanOut']) === 'fanIn' ? fanIn : fanOut;
  return calculateGain(o.nonlinearity ?? 'leakyRelu', o.a ?? 0) / Math.sqrt(fan);
}
/** The options, or PyTorch's positional `a` (kaiming_uniform_(w, a=√5)), checked. */
function kaimingOptions(fn: string, o: KaimingOptions | number): KaimingOptions {
  const options = typeof o === 'number' ? { a: o } : o;
  checkOptions(fn, options, ['a', 'mode', 'nonlinearity']);
  return options;
}
export function kaimingUniform(t: Tensor, o: KaimingOptions | number = {}): Tensor {
  target('kaimingUniform', t);
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, kaimingOptions('kaimingUniform', o));
  return uniform(t, -bound, bound);
}
export function kaimingNormal(t: Tensor, o: KaimingOptions | number = {}): Tensor {
  target('kaimingNormal', t);
  return normal(t, 0, kaimingStd('kaimingNormal', t, kaimingOptions('kaimingNormal', o)));
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal sample (torch.nn.init.orthogonal_). */
export function orthogonal(t: Tensor, gain = 1): Tensor {
  target('orthogonal', t);
  if (t.ndim >= 2 && t.numel === 0) return t;
  if (t.ndim < 2) throw new ShapeError(`orthogonal: expected a tensor of at least 2 dimensions, got shape [${t.shape}]`);
  const rows = t.shape[0];
  const cols = t.numel / rows;
  const sample = scope(() => Array.from(randn([rows, cols], { device: 'cpu' }).dataSync() as Float32Array));
  // Work on the tall orientation (m ≥ n), as PyTorch does, with modified Gram–Schmidt in double.
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const a = (i: number, j: number) => (tall ? sample[i * cols + j] : sample[j * cols + i]);
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = Float64Array.from({ length: m }, (_, i) => a(i, j));
    for (const prev of q) {
      let d = 0;
      for (let i = 0; i < m; i++) d += prev[i] * v[i];
      for (let i = 0; i < m; i++) v[i] -= d * prev[i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm) || 1;
    // Gram–Schmidt's R has a positive diagonal: the sign fix PyTorch applies is built in.
    for (let i = 0; i < m; i++) v[i] /= norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[tall ? i * cols + j : j * cols + i] = gain * q[j][i];
  return fill(t, () => tensor(out, { shape: t.shape, device: t.device }));
}

// PyTorch's names, whose trailing underscore marks an in-place fill (torch.nn.init.normal_ …):
// the same functions, so ported initialisation code reads as it did.
export {
  uniform as uniform_,
  normal as normal_,
  constant as constant_,
  zeros as zeros_,
  ones as ones_,
  truncNormal as truncNormal_,
  xavierUniform as xavierUniform_,
  xavierNormal as xavierNormal_,
  kaimingUniform as kaimingUniform_,
  kaimingNormal as kaimingNormal_,
  orthogonal as orthogonal_,
  // and spelt exactly as PyTorch spells them, for code ported line by line
  truncNormal as trunc_normal_,
  xavierUniform as xavier_uniform_,
  xavierNormal as xavier_normal_,
  kaimingUniform as kaiming_uniform_,
  kaimingNormal as kaiming_normal_,
};
