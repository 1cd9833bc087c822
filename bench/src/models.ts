// The nutshell twins of python/models.py, written with the functional ops of @nutshell/tensor
// (looked up by name, so a model whose op has not landed reports which one is missing).
// Parameters carry PyTorch's names, so lenet.safetensors exported by PyTorch loads as is.
import { T, op, type BenchDevice, type Tensor } from './nut.js';

export type Params = Record<string, Tensor>;

/** PyTorch's default init for Linear and Conv2d: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), here from a seeded LCG. */
export function initParams(shapes: Record<string, number[]>, seed = 1, device: BenchDevice = 'cpu'): Params {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out: Params = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const layer = name.slice(0, name.lastIndexOf('.'));
    // fan-in as PyTorch: the layer's weight for Linear/Conv, the hidden size for LSTM (1/sqrt(H)).
    const fanIn = name.includes('_l0') ? shapes[`${layer}.weight_hh_l0`][1] : (shapes[`${layer}.weight`] ?? shape).slice(1).reduce((a, b) => a * b, 1);
    const bound = layer === 'embed' ? 1 : 1 / Math.sqrt(fanIn);
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (rand() * 2 - 1) * bound;
    out[name] = T.tensor(data, { shape, requiresGrad: true, device });
  }
  return out;
}

export function loadParams(tensors: Map<string, { shape: number[]; data: unknown }>, requiresGrad = false): Params {
  const out: Params = {};
  for (const [name, t] of tensors) out[name] = T.tensor(t.data as Float32Array, { shape: t.shape, requiresGrad });
  return out;
}

/** x @ w.T + b, through `linear` when it exists, else matmul and transpose. */
export function linear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const T_ = T as unknown as Record<string, unknown>;
  if (typeof T_.linear === 'function') return op('linear')(x, w, b);
  const wt = typeof T_.transpose === 'function' ? op('transpose')(w, 0, 1) : op('permute')(w, [1, 0]);
  return T.add(op('matmul')(x, wt), b);
}

export const LENET_SHAPES: Record<string, number[]> = {
  'conv1.weight': [6, 1, 5, 5],
  'conv1.bias': [6],
  'conv2.weight': [16, 6, 5, 5],
  'conv2.bias': [16],
  'fc1.weight': [120, 400],
  'fc1.bias': [120],
  'fc2.weight': [84, 120],
  'fc2.bias': [84],
  'fc3.weight': [10, 84],
  'fc3.bias': [10],
};

export const LENET_OPS = ['conv2d', 'relu', 'maxPool2d', 'reshape', 'crossEntropy'];

// The convolutions' relu runs fused (conv2d's `activation`, as ONNX Runtime fuses Conv+Relu).
export function lenetForward(p: Params, x: Tensor): Tensor {
  const conv2d = op('conv2d');
  const relu = op('relu');
  const maxPool2d = op('maxPool2d');
  let y = maxPool2d(conv2d(x, p['conv1.weight'], p['conv1.bias'], { padding: 2, activation: 'relu' }), 2);
  y = maxPool2d(conv2d(y, p['conv2.weight'], p['conv2.bias'], { activation: 'relu' }), 2);
  y = T.reshape(y, [y.shape[0], -1]);
  y = relu(linear(y, p['fc1.weight'], p['fc1.bias']));
  y = relu(linear(y, p['fc2.weight'], p['fc2.bias']));
  return linear(y, p['fc3.weight'], p['fc3.bias']);
}

export function inceptionShapes(cin: number): Record<string, number[]> {
  return {
    'b1.weight': [64, cin, 1, 1],
    'b1.bias': [64],
    'b2a.weight': [96, cin, 1, 1],
    'b2a.bias': [96],
    'b2b.weight': [128, 96, 3, 3],
    'b2b.bias': [128],
    'b3a.weight': [16, cin, 1, 1],
    'b3a.bias': [16],
    'b3b.weight': [32, 16, 5, 5],
    'b3b.bias': [32],
    'b4.weight': [32, cin, 1, 1],
    'b4.bias': [32],
    'fc.weight': [10, 256],
    'fc.bias': [10],
  };
}

export const INCEPTION_OPS = ['conv2d', 'relu', 'maxPool2d', 'cat', 'adaptiveAvgPool2d', 'crossEntropy'];

export function inceptionForward(p: Params, x: Tensor): Tensor {
  const conv2d = op('conv2d');
  const relu = op('relu');
  const c = (name: string, v: Tensor, padding = 0) => relu(conv2d(v, p[`${name}.weight`], p[`${name}.bias`], { padding }));
  const y1 = c('b1', x);
  const y2 = c('b2b', c('b2a', x), 1);
  const y3 = c('b3b', c('b3a', x), 2);
  const y4 = c('b4', op('maxPool2d')(x, 3, { stride: 1, padding: 1 }));
  const y = op('cat')([y1, y2, y3, y4], 1);
  const pooled = T.reshape(op('adaptiveAvgPool2d')(y, 1), [x.shape[0], -1]);
  return linear(pooled, p['fc.weight'], p['fc.bias']);
}

export function charLstmShapes(vocab: number, embed: number, hidden: number): Record<string, number[]> {
  return {
    'embed.weight': [vocab, embed],
    'lstm.weight_ih_l0': [4 * hidden, embed],
    'lstm.weight_hh_l0': [4 * hidden, hidden],
    'lstm.bias_ih_l0': [4 * hidden],
    'lstm.bias_hh_l0': [4 * hidden],
    'fc.weight': [vocab, hidden],
    'fc.bias': [vocab],
  };
}

export const CHARLSTM_OPS = ['embedding', 'lstm', 'crossEntropy'];

/** ids [seq, batch] int64 -> logits [seq * batch, vocab]. */
export function charLstmForward(p: Params, ids: Tensor): Tensor {
  const x = op('embedding')(ids, p['embed.weight']);
  const weights = { weight_ih_l0: p['lstm.weight_ih_l0'], weight_hh_l0: p['lstm.weight_hh_l0'], bias_ih_l0: p['lstm.bias_ih_l0'], bias_hh_l0: p['lstm.bias_hh_l0'] };
  const { output } = op('lstm')(x, weights);
  const h = output.shape[2];
  return linear(T.reshape(output, [-1, h]), p['fc.weight'], p['fc.bias']);
}
