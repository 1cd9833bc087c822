import { describe, expect, it } from 'vitest';
import { manualSeed, matmul, scope, transpose, zeros } from '@nutshell/tensor';
import { init } from '../src/index.js';

const stats = (v: Float32Array) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...v), max: Math.max(...v) };
};

describe('init', () => {
  it('fills in place with the documented distributions', () => {
    manualSeed(3);
    const w = zeros([256, 128]);
    expect(init.xavierUniform(w)).toBe(w);
    const a = Math.sqrt(6 / (256 + 128));
    let s = stats(w.dataSync() as Float32Array);
    expect(s.max).toBeLessThanOrEqual(a);
    expect(s.min).toBeGreaterThanOrEqual(-a);
    expect(s.std).toBeCloseTo(a / Math.sqrt(3), 2);
    init.kaimingNormal(w, { nonlinearity: 'relu' });
    s = stats(w.dataSync() as Float32Array);
    expect(s.std).toBeCloseTo(Math.sqrt(2 / 128), 2);
    init.constant(w, 0.25);
    expect(stats(w.dataSync() as Float32Array)).toMatchObject({ min: 0.25, max: 0.25 });
  });

  it('truncNormal keeps to its bounds with the truncated normal moments (torch.nn.init.trunc_normal_)', () => {
    manualSeed(4);
    const w = zeros([128, 256]);
    expect(init.truncNormal(w)).toBe(w);
    const s = stats(w.dataSync() as Float32Array);
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThanOrEqual(2);
    expect(Math.abs(s.mean)).toBeLessThan(0.02);
    expect(s.std).toBeCloseTo(0.8796, 2); // sqrt(1 − 4φ(2)/(Φ(2) − Φ(−2)))
    init.truncNormal(w, 0, 1, 0, Infinity); // the half-normal: mean sqrt(2/π)
    const h = stats(w.dataSync() as Float32Array);
    expect(h.min).toBeGreaterThanOrEqual(0);
    expect(h.mean).toBeCloseTo(Math.sqrt(2 / Math.PI), 2);
    init.truncNormal(w, 5, 0.02, 4.96, 5.04); // ±2σ around 5
    expect(stats(w.dataSync() as Float32Array).std).toBeCloseTo(0.02 * 0.8796, 3);
    expect(() => init.truncNormal(w, 0, 1, 2, -2)).toThrow(/^truncNormal: expected a < b, got a 2, b -2$/);
  });

  it("takes PyTorch's positional a for kaiming, and refuses extra arguments and unknown options", () => {
    manualSeed(5);
    const a = init.kaimingUniform(zeros([64, 100]), Math.sqrt(5));
    const bound = Math.sqrt(3) * Math.sqrt(2 / (1 + 5)) / Math.sqrt(100); // gain for leaky relu with a = √5
    expect(stats(a.dataSync() as Float32Array).max).toBeLessThanOrEqual(bound);
    expect(stats(a.dataSync() as Float32Array).max).toBeGreaterThan(0.9 * bound);
    expect(() => init.kaimingUniform(zeros([2, 2]), { slope: 1 } as never)).toThrow(/^kaimingUniform: unknown option 'slope'/);
    expect(() => (init.uniform as (...a: unknown[]) => unknown)(zeros([2]), -1, 1, 4)).toThrow(/^uniform: takes at most 3 arguments, got 4/);
  });

  it('orthogonal gives orthonormal rows (wide) or columns (tall)', () => {
    for (const shape of [[4, 9], [9, 4]]) {
      const w = init.orthogonal(zeros(shape));
      const gram = scope(() => {
        const g = shape[0] <= shape[1] ? matmul(w, transpose(w, 0, 1)) : matmul(transpose(w, 0, 1), w);
        return Array.from(g.dataSync() as Float32Array);
      });
      const n = Math.min(...shape);
      gram.forEach((v, i) => expect(v).toBeCloseTo(Math.floor(i / n) === i % n ? 1 : 0, 4));
    }
  });

  it('calculateGain matches PyTorch', () => {
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(init.calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04));
    expect(init.calculateGain('leaky_relu', 0.2)).toBe(init.calculateGain('leakyRelu', 0.2));
    expect(init.calculateGain('conv_transpose2d')).toBe(1);
    expect(() => init.calculateGain('lrelu' as never)).toThrowError(/^calculateGain: unknown nonlinearity "lrelu" \(expected 'linear', .*'selu', or PyTorch's snake_case spelling\)$/);
  });

  it("kaiming's mode takes PyTorch's 'fan_in' / 'fan_out' and refuses anything else (a user trial found 'fan_in' silently read as fan out)", () => {
    const std = (mode: string) => {
      const w = zeros([64, 16, 3, 3]);
      manualSeed(7);
      init.kaimingNormal(w, { mode: mode as never, nonlinearity: 'relu' });
      const v = Array.from(w.dataSync() as Float32Array);
      return Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    };
    expect(std('fan_in')).toBe(std('fanIn'));
    expect(std('fan_out')).toBe(std('fanOut'));
    expect(std('fanIn') / std('fanOut')).toBeCloseTo(2, 1); // fanOut 576 vs fanIn 144: a factor 2 in std
    expect(() => init.kaimingUniform(zeros([4, 4]), { mode: 'fan-in' as never })).toThrowError(/^kaimingUniform: unknown mode "fan-in" \(expected 'fanIn', 'fanOut', or PyTorch's snake_case spelling\)$/);
    expect(() => init.kaimingNormal(zeros([4, 4]), { nonlinearity: 'leaky' as never })).toThrowError(/^calculateGain: unknown nonlinearity "leaky"/);
  });

  it("takes PyTorch's trailing-underscore names and names a non-tensor target (a GAN trial porting weights_init)", () => {
    const w = zeros([8, 4]);
    manualSeed(3);
    init.normal_(w, 0, 0.02);
    const viaAlias = Array.from(w.dataSync() as Float32Array);
    manualSeed(3);
    init.normal(w, 0, 0.02);
    expect(Array.from(w.dataSync() as Float32Array)).toEqual(viaAlias);
    expect(init.kaimingNormal_).toBeDefined();
    expect(init.kaiming_normal_).toBeDefined();
    expect(init.xavier_uniform_).toBeDefined();
    expect(init.zeros_(w)).toBe(w);
    expect(() => init.normal(w.data as never, 0, 0.02)).toThrowError(/^normal: expected a Tensor to fill, got function \(a Tensor's \.data is its async read method here, not the tensor: pass the parameter itself, normal\(m\.weight, …\)\)$/);
    expect(() => init.constant(null as never, 0)).toThrowError(/^constant: expected a Tensor to fill, got null \(a layer made with bias: false has a null bias: check it first\)$/);
    expect(() => init.xavierUniform(undefined as never)).toThrowError(/^xavierUniform: expected a Tensor to fill, got undefined/);
  });

  it('refuses fans of a 1-D tensor', () => {
    expect(() => init.xavierUniform(zeros([5]))).toThrowError(/init: fan in and fan out need a tensor of at least 2 dimensions/);
  });
});

describe('zero-element tensors', () => {
  it('are left as they are by every init, as PyTorch; layers with 0 channels or features build (user trial AO)', async () => {
    const { Conv2d, ConvTranspose2d, Linear } = await import('../src/index.js');
    scope(() => {
      for (const shape of [[8, 0, 3, 3], [0, 4], [4, 0]]) {
        const t = zeros(shape);
        for (const f of [init.kaimingUniform, init.kaimingNormal, init.xavierUniform, init.xavierNormal, init.orthogonal, (x: typeof t) => init.uniform(x, -Infinity, Infinity)]) {
          expect(f(t)).toBe(t);
        }
      }
      expect(new Conv2d(0, 8, 3).weight.shape).toEqual([8, 0, 3, 3]);
      expect(new ConvTranspose2d(0, 0, 2).weight.shape).toEqual([0, 0, 2, 2]);
      const linear = new Linear(0, 4);
      expect(Array.from(linear.forward(zeros([2, 0])).dataSync())).toEqual(new Array(8).fill(0));
    });
  });
});
