// Initialisers (torch.nn.init), writing in place into existing parameters so modules and
// optimisers keep their references. Random values come from the tensor package's seeded Philox
// generator: `manualSeed(s)` makes initialisation reproducible.
import { ShapeError, ValueError, copyInto, noGrad, normal as normalTensor, randn, scope, tensor, uniform as uniformTensor, type Tensor } from '@nutshell/tensor';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
  }
  throw new ValueError(`calculateGain: unknown nonlinearity '${nonlinearity}'`);
}

/** fan_in, fan_out as PyTorch computes them ([out, in, *kernel]). */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ShapeError(`init: fan in and fan out need a tensor of at least 2 dimensions, got shape [${t.shape}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  noGrad(() => scope(() => void copyInto(t, make())));
  return t;
}

export const uniform = (t: Tensor, a = 0, b = 1): Tensor => fill(t, () => uniformTensor(t.shape, a, b, { device: t.device }));
export const normal = (t: Tensor, mean = 0, std = 1): Tensor => fill(t, () => normalTensor(mean, std, t.shape, { device: t.device }));
export const constant = (t: Tensor, value: number): Tensor => fill(t, () => tensor(new Float32Array(t.numel).fill(value), { shape: t.shape, device: t.device }));
export const zeros = (t: Tensor): Tensor => constant(t, 0);
export const ones = (t: Tensor): Tensor => constant(t, 1);

export function xavierUniform(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a);
}
export function xavierNormal(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leakyRelu only). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}
function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  return calculateGain(o.nonlinearity ?? 'leakyRelu', o.a ?? 0) / Math.sqrt(fan);
}
export function kaimingUniform(t: Tensor, o: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform(t, -bound, bound);
}
export function kaimingNormal(t: Tensor, o: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, o));
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal sample (torch.nn.init.orthogonal_). */
export function orthogonal(t: Tensor, gain = 1): Tensor {
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
