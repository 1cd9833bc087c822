// torchvision's transforms: resize against torch.nn.functional.interpolate, the color
// adjustments and rotate against torchvision's functional_tensor formulas (test/fixtures/transforms.json,
// written by scripts/fixtures_transforms.py); centerCrop's and randomResizedCrop's windows,
// colorJitter's, gaussianNoise's and randomErasing's draws by their ranges and distributions;
// refusals; determinism under a seed; worker specs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError } from '@nutshell/tensor';
import {
  adjustBrightness, adjustContrast, adjustHue, adjustSaturation, buildFromSpec, centerCrop, colorJitter, compose, gaussianNoise, randomErasing,
  randomResizedCrop, randomResizedCropParams, randomRotation, resize, rotate, rngFor, sampleRng, type NDArray, type Transform,
} from '@nutshell/data';

interface Case { shape: number[]; x: number[]; y: number[] }
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/transforms.json', import.meta.url), 'utf8')) as {
  resize: (Case & { size: [number, number]; interpolation: 'bilinear' | 'nearest' })[];
  adjust: (Case & { fn: 'brightness' | 'contrast' | 'saturation' | 'hue'; factor: number })[];
  jitter: Case & { order: number[]; factors: Record<string, number> };
  rotation: (Case & { angle: number; interpolation: 'bilinear' | 'nearest'; fill: number | number[] })[];
};

const f32 = (shape: number[], values: number[]): NDArray<Float32Array> => ({ data: Float32Array.from(values), shape });
const list = (x: NDArray) => Array.from(x.data as ArrayLike<number>);
/** A [c, h, w] float32 image whose values are their flat index. */
const ramp = (...shape: number[]): NDArray<Float32Array> => f32(shape, Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => i));
/** A [c, h, w] float32 image of values in [0, 1] from a seed. */
const noiseImage = (c: number, h: number, w: number, seed = 0): NDArray<Float32Array> => {
  const r = rngFor(seed, 99);
  return f32([c, h, w], Array.from({ length: c * h * w }, () => r.float()));
};

function expectClose(got: NDArray, want: Case, atol: number) {
  const g = list(got);
  expect(g.length).toBe(want.y.length);
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - want.y[i]));
  expect(worst).toBeLessThanOrEqual(atol);
}

describe('resize (torch.nn.functional.interpolate goldens)', () => {
  it.each(fixtures.resize.map((c) => [`${c.interpolation} [${c.shape}] -> ${c.size}`, c] as const))('%s', (_, c) => {
    const out = resize(c.size, { interpolation: c.interpolation })(f32(c.shape, c.x), rngFor(0));
    expect(out.shape).toEqual([...c.shape.slice(0, -2), ...c.size]);
    expectClose(out, c, c.interpolation === 'nearest' ? 0 : 1e-6); // bilinear: within 1 ulp
  });

  it('a number sets the shorter side, the longer truncated (torchvision), capped by maxSize; an unchanged size returns the input', () => {
    expect(resize(4)(ramp(3, 6, 9)).shape).toEqual([3, 4, 6]); // int(4 * 9 / 6)
    expect(resize(4)(ramp(1, 7, 3)).shape).toEqual([1, 9, 4]); // int(4 * 7 / 3) = 9
    expect(resize([5])(ramp(1, 10, 10)).shape).toEqual([1, 5, 5]);
    expect(resize(4, { maxSize: 5 })(ramp(1, 4, 8)).shape).toEqual([1, 2, 5]); // long 8 > 5: short int(5 * 4 / 8)
    const x = ramp(2, 4, 6);
    expect(resize([4, 6])(x)).toBe(x);
    expect(resize(4)(x)).toBe(x);
  });

  it('nearest keeps any dtype (a uint8 or int64 mask keeps its labels); bilinear needs float32', () => {
    const mask = { data: Uint8Array.from([1, 2, 3, 4]), shape: [1, 2, 2] };
    const up = resize([4, 4], { interpolation: 'nearest' })(mask);
    expect(up.data).toBeInstanceOf(Uint8Array);
    expect(list(up)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const big = resize([1, 1], { interpolation: 'nearest' })({ data: BigInt64Array.from([7n, 8n, 9n, 10n]), shape: [1, 2, 2] });
    expect(Array.from(big.data as BigInt64Array)).toEqual([7n]);
    expect(() => resize(3)(mask)).toThrow(DTypeError);
    expect(() => resize(3)(mask)).toThrow(/^resize: expected float32 values, got Uint8Array; put toFloat\(\) before it$/);
  });

  it('refuses bad arguments, naming the transform and the argument', () => {
    expect(() => resize(0)).toThrow(/^resize: size expected a positive integer or \[height, width\] of them, got 0$/);
    expect(() => resize([2, 2.5])).toThrow(/resize: size expected .* got \[2,2.5\]/);
    expect(() => resize(4, { interpolation: 'bicubic' as 'nearest' })).toThrow(/^resize: interpolation expected 'bilinear' or 'nearest', got "bicubic"$/);
    expect(() => resize(4, { antialias: true })).toThrow(/^resize: antialias expected false, got true/);
    expect(() => resize([4, 4], { maxSize: 8 })).toThrow(/resize: maxSize is only allowed with a number size/);
    expect(() => resize(4, { maxSize: 4 })).toThrow(/resize: maxSize expected an integer greater than size \(4\), got 4/);
    expect(() => resize(4, { max_size: 8 } as object)).toThrow(ValueError);
    expect(() => resize(4)({ data: new Float32Array(4), shape: [2, 2] })).toThrow(ShapeError);
  });
});

describe('centerCrop', () => {
  it('takes the central window with Python-rounded offsets (halves to even)', () => {
    const x = ramp(1, 5, 8);
    // H margin 5 - 2 = 3: round(1.5) = 2 rows above; W margin 8 - 3 = 5: round(2.5) = 2 columns left.
    expect(list(centerCrop([2, 3])(x))).toEqual([18, 19, 20, 26, 27, 28]);
    // Margin 1: round(0.5) = 0.
    expect(list(centerCrop([4, 7])(x)).slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(list(centerCrop(1)(ramp(1, 3, 3)))).toEqual([4]);
    expect(centerCrop([5, 8])(x)).toBe(x);
  });

  it('pads a crop larger than the image with zeros, (crop - size) // 2 before', () => {
    const x = f32([1, 2, 2], [1, 2, 3, 4]);
    expect(list(centerCrop([3, 5])(x))).toEqual([0, 1, 2, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0]);
    const clip = ramp(2, 3, 4, 4);
    expect(centerCrop(2)(clip).shape).toEqual([2, 3, 2, 2]);
  });

  it('refuses a bad size', () => {
    expect(() => centerCrop(-1)).toThrow(/^centerCrop: size expected a positive integer or \[height, width\] of them, got -1$/);
    expect(() => centerCrop([1, 2, 3] as unknown as number)).toThrow(/centerCrop: size expected/);
  });
});

describe('randomResizedCrop', () => {
  it('draws windows within the scale and ratio ranges, at every offset, and resizes them', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 400; s++) {
      const box = randomResizedCropParams(32, 40, [0.08, 1], [3 / 4, 4 / 3], rngFor(s));
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top + box.height).toBeLessThanOrEqual(32);
      expect(box.left + box.width).toBeLessThanOrEqual(40);
      const area = (box.height * box.width) / (32 * 40);
      expect(area).toBeGreaterThan(0.05);
      expect(box.width / box.height).toBeGreaterThan(0.6);
      expect(box.width / box.height).toBeLessThan(1.5);
      seen.add(`${box.top},${box.left}`);
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it("falls back to torchvision's central crop when no try fits", () => {
    // Area 1 at ratio 4 never fits a square: the whole width, height round(w / 4), centred.
    expect(randomResizedCropParams(10, 10, [1, 1], [4, 4], rngFor(0))).toEqual({ top: 4, left: 0, height: 2, width: 10 });
    // Ratio 1/4 on a wide image: the whole height, width round(h / 4).
    expect(randomResizedCropParams(10, 20, [1, 1], [0.25, 0.25], rngFor(0))).toEqual({ top: 0, left: 9, height: 10, width: 2 });
    // Ratios the image already has: the whole image.
    expect(randomResizedCropParams(6, 6, [2, 3], [0.5, 2], rngFor(0))).toEqual({ top: 0, left: 0, height: 6, width: 6 });
  });

  it('is the crop its params name, resized; the same rng gives the same output', () => {
    const x = noiseImage(3, 20, 24);
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      for (let s = 0; s < 10; s++) {
        const out = randomResizedCrop(8, { interpolation })(x, rngFor(s));
        expect(out.shape).toEqual([3, 8, 8]);
        const box = randomResizedCropParams(20, 24, [0.08, 1], [3 / 4, 4 / 3], rngFor(s));
        const crop = f32([3, box.height, box.width], Array.from({ length: 3 * box.height * box.width }, (_, i) => {
          const k = Math.floor(i / (box.height * box.width)), r = Math.floor(i / box.width) % box.height, c = i % box.width;
          return x.data[(k * 20 + box.top + r) * 24 + box.left + c];
        }));
        expect(list(out)).toEqual(list(resize([8, 8], { interpolation })(crop)));
        expect(list(randomResizedCrop(8, { interpolation })(x, rngFor(s)))).toEqual(list(out));
      }
    }
    expect(randomResizedCrop([5, 7])(ramp(2, 3, 12, 12), rngFor(1)).shape).toEqual([2, 3, 5, 7]);
  });

  it('refuses bad arguments', () => {
    expect(() => randomResizedCrop(0)).toThrow(/^randomResizedCrop: size expected/);
    expect(() => randomResizedCrop(8, { scale: [0.5, 0.1] })).toThrow(/^randomResizedCrop: scale expected \[min, max\] with min <= max \(both positive\), got \[0.5,0.1\]$/);
    expect(() => randomResizedCrop(8, { ratio: [0, 1] })).toThrow(/randomResizedCrop: ratio expected .* got \[0,1\]/);
    expect(() => randomResizedCrop(8, { interpolation: 'area' as 'nearest' })).toThrow(/randomResizedCrop: interpolation expected/);
    expect(() => randomResizedCrop(8, { antialias: true })).toThrow(/randomResizedCrop: antialias expected false/);
    expect(() => randomResizedCrop(8)({ data: new Uint8Array(16), shape: [1, 4, 4] }, rngFor(0))).toThrow(/^randomResizedCrop: expected float32 values/);
  });
});

describe('color adjustments (torchvision functional_tensor goldens)', () => {
  const fns = { brightness: adjustBrightness, contrast: adjustContrast, saturation: adjustSaturation, hue: adjustHue };
  it.each(fixtures.adjust.map((c) => [`${c.fn} ${c.factor} [${c.shape}]`, c] as const))('%s', (_, c) => {
    const x = f32(c.shape, c.x);
    const out = fns[c.fn](x, c.factor);
    expectClose(out, c, 1e-6); // float32 step by step: in practice exact
    expect(list(x)).toEqual(c.x.map(Math.fround)); // input untouched
  });

  it('clips [C, D, H, W]: each frame adjusted as an image of its own', () => {
    const a = noiseImage(3, 4, 5, 1);
    const b = noiseImage(3, 4, 5, 2);
    const clip = f32([3, 2, 4, 5], [0, 1, 2].flatMap((k) => [...list(a).slice(k * 20, k * 20 + 20), ...list(b).slice(k * 20, k * 20 + 20)]));
    for (const [fn, f] of [[adjustContrast, 0.5], [adjustSaturation, 1.5], [adjustHue, 0.2], [adjustBrightness, 0.7]] as const) {
      const out = list(fn(clip, f));
      const [oa, ob] = [list(fn(a, f)), list(fn(b, f))];
      expect([0, 1, 2].flatMap((k) => out.slice(k * 40, k * 40 + 20))).toEqual(oa);
      expect([0, 1, 2].flatMap((k) => out.slice(k * 40 + 20, k * 40 + 40))).toEqual(ob);
    }
  });

  it('refuse bad factors and images', () => {
    const rgb = noiseImage(3, 2, 2);
    expect(() => adjustHue(rgb, 0.6)).toThrow(/^adjustHue: hueFactor expected a number in \[-0.5, 0.5\], got 0.6$/);
    expect(() => adjustBrightness(rgb, -1)).toThrow(/^adjustBrightness: brightnessFactor expected a number in \[0, ∞\] \(non-negative\), got -1$/);
    expect(() => adjustSaturation(noiseImage(1, 2, 2), 2)).toThrow(/^adjustSaturation: expected an RGB image \(3 channels\), got 1 channel/);
    expect(() => adjustContrast(noiseImage(2, 2, 2), 2)).toThrow(/^adjustContrast: expected an RGB \(3 channels\) or grayscale \(1 channel\) image, got 2 channels/);
    expect(() => adjustContrast({ data: new Uint8Array(3), shape: [3, 1, 1] }, 2)).toThrow(DTypeError);
  });
});

describe('colorJitter', () => {
  it("applies the adjustments in the drawn order (the fixture's fixed draw)", () => {
    const { order, factors } = fixtures.jitter;
    const fns = [(x: NDArray) => adjustBrightness(x, factors.brightness), (x: NDArray) => adjustContrast(x, factors.contrast),
      (x: NDArray) => adjustSaturation(x, factors.saturation), (x: NDArray) => adjustHue(x, factors.hue)];
    const out = order.reduce((acc, k) => fns[k](acc), f32(fixtures.jitter.shape, fixtures.jitter.x) as NDArray);
    expectClose(out, fixtures.jitter, 1e-5);
  });

  it("draws torchvision's factor ranges, every order, and is deterministic under a seed", () => {
    const x = noiseImage(3, 6, 6);
    // With one adjustment, the output is that adjustment with the factor the rng gives after the permutation's 3 draws.
    const draws: number[] = [];
    for (let s = 0; s < 300; s++) {
      const r = rngFor(s);
      for (let i = 0; i < 3; i++) r.float();
      const f = 0.6 + 0.8 * r.float(); // brightness 0.4: [0.6, 1.4]
      draws.push(f);
      expect(list(colorJitter({ brightness: 0.4 })(x, rngFor(s)))).toEqual(list(adjustBrightness(x, f)));
    }
    expect(Math.min(...draws)).toBeLessThan(0.65);
    expect(Math.max(...draws)).toBeGreaterThan(1.35);
    expect(draws.reduce((a, b) => a + b) / draws.length).toBeCloseTo(1, 1);
    // A number b clips its range at 0: brightness 2 draws from [0, 3].
    const big = Array.from({ length: 200 }, (_, s) => {
      const r = rngFor(s);
      for (let i = 0; i < 3; i++) r.float();
      return 3 * r.float();
    });
    big.forEach((f, s) => expect(list(colorJitter({ brightness: 2 })(x, rngFor(s)))).toEqual(list(adjustBrightness(x, f))));
    // Hue 0.1 draws from [-0.1, 0.1], after the permutation.
    for (let s = 0; s < 20; s++) {
      const r = rngFor(s);
      for (let i = 0; i < 3; i++) r.float();
      expect(list(colorJitter({ hue: 0.1 })(x, rngFor(s)))).toEqual(list(adjustHue(x, -0.1 + 0.2 * r.float())));
    }
    // All four: the same seed gives the same image, and different seeds different ones.
    const t = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
    const outs = new Set<string>();
    for (let s = 0; s < 50; s++) {
      const a = list(t(x, sampleRng(3, 0, s)));
      expect(list(t(x, sampleRng(3, 0, s)))).toEqual(a);
      outs.add(a.join());
      for (const v of a) expect(v >= 0 && v <= 1).toBe(true);
    }
    expect(outs.size).toBe(50);
    // Nothing asked for: the image back (torchvision's None factors), after the permutation's draws.
    expect(colorJitter()(x, rngFor(0))).toBe(x);
    expect(colorJitter({ brightness: [1, 1], hue: 0 })(x, rngFor(0))).toBe(x);
  });

  it('takes brightness and contrast on grayscale images, and refuses saturation and hue there', () => {
    const g = noiseImage(1, 5, 5);
    expect(colorJitter({ brightness: 0.5, contrast: 0.5 })(g, rngFor(1)).shape).toEqual([1, 5, 5]);
    expect(() => colorJitter({ saturation: 0.5 })(g, rngFor(1))).toThrow(/^colorJitter: saturation needs an RGB image \(3 channels\), got a grayscale image \[1,5,5\]; give a grayscale image only brightness and contrast$/);
    expect(() => colorJitter({ saturation: 0.5, hue: 0.1 })(g, rngFor(1))).toThrow(/colorJitter: saturation and hue need an RGB image/);
    expect(() => colorJitter({ brightness: 0.5 })(noiseImage(4, 2, 2), rngFor(1))).toThrow(/^colorJitter: expected an RGB \(3 channels\) or grayscale \(1 channel\) image, got 4 channels/);
    expect(() => colorJitter({ brightness: 0.5 })({ data: new Uint8Array(3), shape: [3, 1, 1] }, rngFor(1))).toThrow(/^colorJitter: expected float32 values/);
  });

  it("refuses torchvision's bad ranges", () => {
    expect(() => colorJitter({ brightness: -0.1 })).toThrow(/^colorJitter: brightness as a single number expected a finite non-negative number, got -0.1$/);
    expect(() => colorJitter({ contrast: [1.5, 0.5] })).toThrow(/^colorJitter: contrast expected a range within \[0, ∞\] with min <= max, got \[1.5, 0.5\]$/);
    expect(() => colorJitter({ saturation: [-1, 1] })).toThrow(/colorJitter: saturation expected a range within \[0, ∞\]/);
    expect(() => colorJitter({ hue: 0.6 })).toThrow(/^colorJitter: hue expected a range within \[-0.5, 0.5\] with min <= max, got \[-0.6, 0.6\] \(from 0.6\)$/);
    expect(() => colorJitter({ hue: [0.1, 0.2, 0.3] as unknown as number })).toThrow(/colorJitter: hue expected a number or \[min, max\], got \[0.1,0.2,0.3\]/);
    expect(() => colorJitter({ gamma: 1 } as object)).toThrow(/colorJitter/);
  });
});

describe('gaussianNoise', () => {
  it('adds N(mean, sigma²) noise, clipped to [0, 1] by default; deterministic under a seed', () => {
    const n = 20000;
    const x = f32([1, 100, 200], new Array(n).fill(0.5));
    const out = list(gaussianNoise({ mean: 0.01, sigma: 0.05, clip: false })(x, rngFor(4)));
    const d = out.map((v) => v - 0.5);
    const m = d.reduce((a, b) => a + b) / n;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / n);
    expect(m).toBeCloseTo(0.01, 2);
    expect(sd).toBeCloseTo(0.05, 2);
    expect(d.filter((v) => Math.abs(v - 0.01) < 0.05).length / n).toBeCloseTo(0.683, 1); // within one sigma
    expect(list(gaussianNoise({ mean: 0.01, sigma: 0.05, clip: false })(x, rngFor(4)))).toEqual(out);
    expect(list(gaussianNoise({ sigma: 0.05, clip: false })(x, rngFor(5)))).not.toEqual(out);
    const clipped = list(gaussianNoise({ sigma: 2 })(x, rngFor(4)));
    expect(Math.min(...clipped)).toBe(0);
    expect(Math.max(...clipped)).toBe(1);
    expect(list(gaussianNoise({ sigma: 0 })(x, rngFor(4)))).toEqual(list(x));
  });

  it('refuses non-float images and bad arguments', () => {
    expect(() => gaussianNoise()({ data: new Uint8Array(4), shape: [1, 2, 2] }, rngFor(0))).toThrow(/^gaussianNoise: expected float32 values, got Uint8Array/);
    expect(() => gaussianNoise({ sigma: -1 })).toThrow(/^gaussianNoise: sigma expected a finite non-negative number, got -1$/);
    expect(() => gaussianNoise({ mean: NaN })).toThrow(/^gaussianNoise: mean expected a finite number, got NaN$/);
    expect(() => gaussianNoise({ clip: 1 as unknown as boolean })).toThrow(/^gaussianNoise: clip expected a boolean, got 1$/);
  });
});

describe('randomErasing', () => {
  /** The erased box of an all-ones image erased with 0: [top, left, h, w] or null. */
  const box = (out: NDArray, h: number, w: number): number[] | null => {
    const v = list(out).slice(0, h * w);
    const zeros = v.flatMap((x, i) => (x === 0 ? [i] : []));
    if (zeros.length === 0) return null;
    const rows = zeros.map((i) => Math.floor(i / w)), cols = zeros.map((i) => i % w);
    const t = Math.min(...rows), l = Math.min(...cols), bh = Math.max(...rows) - t + 1, bw = Math.max(...cols) - l + 1;
    expect(zeros.length).toBe(bh * bw); // a filled rectangle
    return [t, l, bh, bw];
  };

  it("erases a box of torchvision's area and ratio ranges with probability p, the same box in every channel", () => {
    const x = f32([3, 20, 30], new Array(1800).fill(1));
    let erased = 0;
    for (let s = 0; s < 400; s++) {
      const out = randomErasing()(x, rngFor(s));
      const b = box(out, 20, 30);
      if (!b) {
        expect(out).toBe(x);
        continue;
      }
      erased++;
      const [, , h, w] = b;
      expect(h).toBeLessThan(20);
      expect(w).toBeLessThan(30);
      expect(h * w / 600).toBeGreaterThan(0.01);
      expect(h * w / 600).toBeLessThan(0.4);
      expect(h / w).toBeGreaterThan(0.2);
      expect(h / w).toBeLessThan(4.5);
      const v = list(out);
      expect(v.slice(600, 1200)).toEqual(v.slice(0, 600));
      expect(v.slice(1200)).toEqual(v.slice(0, 600));
    }
    expect(erased / 400).toBeGreaterThan(0.4);
    expect(erased / 400).toBeLessThan(0.6);
    expect(list(x)).toEqual(new Array(1800).fill(1)); // input untouched
  });

  it('fills per channel, or with standard normals for "random"; deterministic under a seed', () => {
    const x = f32([3, 10, 10], new Array(300).fill(1));
    const out = list(randomErasing({ p: 1, value: [0.25, 0.5, 0.75] })(x, rngFor(2)));
    expect(new Set(out.slice(0, 100))).toEqual(new Set([1, 0.25]));
    expect(new Set(out.slice(200))).toEqual(new Set([1, 0.75]));
    const random = randomErasing({ p: 1, value: 'random', scale: [0.3, 0.33] });
    const a = list(random(x, rngFor(3)));
    expect(list(random(x, rngFor(3)))).toEqual(a);
    const changed = a.filter((v) => v !== 1);
    expect(changed.length).toBeGreaterThan(40);
    expect(Math.abs(changed.reduce((s, v) => s + v, 0) / changed.length)).toBeLessThan(0.5);
    // A clip: the same box in every frame.
    const clip = f32([1, 2, 10, 10], new Array(200).fill(1));
    const c = list(randomErasing({ p: 1 })(clip, rngFor(7)));
    expect(c.slice(100)).toEqual(c.slice(0, 100));
    // No box fits (scale 1 means h·w = H·W, never h < H and w < W): unchanged.
    expect(randomErasing({ p: 1, scale: [1, 1], ratio: [1, 1] })(x, rngFor(0))).toBe(x);
  });

  it('refuses bad arguments', () => {
    expect(() => randomErasing({ p: 1.5 })).toThrow(/^randomErasing: p expected a probability in \[0, 1\], got 1.5$/);
    expect(() => randomErasing({ scale: [0.1, 1.5] })).toThrow(/^randomErasing: scale expected \[min, max\] with min <= max within \[0, 1\], got \[0.1,1.5\]$/);
    expect(() => randomErasing({ ratio: [3, 1] })).toThrow(/randomErasing: ratio expected/);
    expect(() => randomErasing({ value: 'noise' as 'random' })).toThrow(/^randomErasing: value expected a finite number, a non-empty array of them \(one per channel\) or 'random', got "noise"$/);
    expect(() => randomErasing({ p: 1, value: [0, 0] })(noiseImage(3, 4, 4), rngFor(0))).toThrow(/^randomErasing: value has 2 values but the image has 3 channels \(expected 1 or 3\)$/);
    expect(() => randomErasing()({ data: new Uint8Array(4), shape: [1, 2, 2] }, rngFor(0))).toThrow(/^randomErasing: expected float32 values/);
  });
});

describe('randomRotation', () => {
  it.each(fixtures.rotation.map((c) => [`rotate ${c.angle} ${c.interpolation} fill ${c.fill} [${c.shape}]`, c] as const))('%s (torchvision F.rotate golden)', (_, c) => {
    expectClose(rotate(f32(c.shape, c.x), c.angle, { interpolation: c.interpolation, fill: c.fill }), c, 1e-6);
  });

  it('draws one angle uniformly from degrees; the same rng gives the same image; a clip turns every frame alike', () => {
    const x = noiseImage(3, 7, 9);
    for (let s = 0; s < 20; s++) {
      const r = rngFor(s);
      const angle = -30 + 60 * r.float();
      expect(list(randomRotation(30, { interpolation: 'bilinear', fill: [0.1, 0.2, 0.3] })(x, rngFor(s)))).toEqual(list(rotate(x, angle, { interpolation: 'bilinear', fill: [0.1, 0.2, 0.3] })));
      const r2 = rngFor(s);
      expect(list(randomRotation([10, 20])(x, rngFor(s)))).toEqual(list(rotate(x, 10 + 10 * r2.float())));
    }
    expect(list(rotate(x, 0))).toEqual(list(x));
    const clip = f32([1, 2, 7, 9], [...list(x).slice(0, 63), ...list(x).slice(63, 126)]);
    const turned = list(rotate(clip, 33, { interpolation: 'bilinear' }));
    expect(turned.slice(0, 63)).toEqual(list(rotate(f32([1, 7, 9], list(x).slice(0, 63)), 33, { interpolation: 'bilinear' })));
    expect(turned.slice(63)).toEqual(list(rotate(f32([1, 7, 9], list(x).slice(63, 126)), 33, { interpolation: 'bilinear' })));
  });

  it('refuses bad arguments', () => {
    expect(() => randomRotation(-5)).toThrow(/^randomRotation: degrees expected a non-negative number d \(for \[-d, d\]\) or \[min, max\] with min <= max, got -5$/);
    expect(() => randomRotation([20, 10])).toThrow(/randomRotation: degrees expected .* got \[20,10\]/);
    expect(() => randomRotation(10, { interpolation: 'bicubic' as 'nearest' })).toThrow(/^randomRotation: interpolation expected 'bilinear' or 'nearest'/);
    expect(() => randomRotation(10, { fill: 'white' as unknown as number })).toThrow(/^randomRotation: fill expected a finite number or a non-empty array of them \(one per channel\), got "white"$/);
    expect(() => randomRotation(10, { fill: [0, 0] })(noiseImage(3, 4, 4), rngFor(0))).toThrow(/^randomRotation: fill has 2 values but the image has 3 channels/);
    expect(() => randomRotation(10, { expand: true } as object)).toThrow(/randomRotation/);
    expect(() => randomRotation(10)({ data: new Uint8Array(4), shape: [1, 2, 2] }, rngFor(0))).toThrow(/^randomRotation: expected float32 values/);
    expect(() => rotate(noiseImage(1, 2, 2), NaN)).toThrow(/^rotate: angle expected a finite number of degrees, got NaN$/);
  });
});

describe('the new transforms in workers', () => {
  it('describe themselves, and the spec rebuilt (as a worker does) gives the same output for the same rng', async () => {
    const x = noiseImage(3, 12, 16);
    const t: Transform = compose(
      randomResizedCrop(10, { scale: [0.2, 1] }), centerCrop([8, 9]), resize([6, 7], { interpolation: 'nearest' }), resize(5),
      colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }), gaussianNoise({ sigma: 0.05 }), randomErasing({ p: 1, value: 'random' }),
      randomRotation(20, { interpolation: 'bilinear', fill: 0.5 }),
    );
    const spec = t.workerSpec!();
    expect(spec.args.map((a) => (a as { $spec: { name: string } }).$spec.name)).toEqual([
      'randomResizedCrop', 'centerCrop', 'resize', 'resize', 'colorJitter', 'gaussianNoise', 'randomErasing', 'randomRotation',
    ]);
    const cloned = structuredClone(spec);
    const rebuilt = (await buildFromSpec(cloned)) as Transform;
    for (let s = 0; s < 5; s++) expect(list(rebuilt(x, sampleRng(1, 0, s)))).toEqual(list(t(x, sampleRng(1, 0, s))));
  });
});
