// Transforms: exact results on small images, and the same result for the same rng stream.
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError } from '@nutshell/tensor';
import { compose, normalize, randomCrop, randomHorizontalFlip, randomVerticalFlip, rngFor, sampleRng, toFloat, type NDArray } from '@nutshell/data';

/** A [c, h, w] uint8 image whose pixel values are 1 + their flat index. */
const image = (c: number, h: number, w: number): NDArray<Uint8Array> => ({ data: Uint8Array.from({ length: c * h * w }, (_, i) => i + 1), shape: [c, h, w] });
const list = (x: NDArray) => Array.from(x.data as ArrayLike<number>);

describe('transforms', () => {
  it('toFloat scales uint8 to [0, 1] and passes float32 through', () => {
    const out = toFloat()({ data: new Uint8Array([0, 51, 255]), shape: [1, 1, 3] }, rngFor(0));
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(list(out)).toEqual([0, 0.2, 1].map(Math.fround));
    const f = { data: new Float32Array([0.5]), shape: [1, 1, 1] };
    expect(toFloat()(f, rngFor(0))).toBe(f);
    expect(() => toFloat()({ data: new Int32Array(1), shape: [1, 1, 1] }, rngFor(0))).toThrow(DTypeError);
  });

  it('normalize uses per-channel mean and std', () => {
    const x = { data: new Float32Array([1, 2, 3, 4]), shape: [2, 1, 2] };
    expect(list(normalize([1, 2], [1, 0.5])(x, rngFor(0)))).toEqual([0, 1, 2, 4]);
    expect(list(normalize(1, 2)(x, rngFor(0)))).toEqual([0, 0.5, 1, 1.5]);
    expect(() => normalize(0, 1)(image(1, 1, 1), rngFor(0))).toThrow(/expected float32 values, got Uint8Array; put toFloat\(\) before it/);
    expect(() => normalize([0, 0, 0], [1, 1, 1])(x, rngFor(0))).toThrow(/mean has 3 values but the image has 2 channels/);
    expect(() => normalize(0, 0)).toThrow(ValueError);
  });

  it('randomHorizontalFlip mirrors each row, or leaves the image alone', () => {
    const x = image(2, 2, 3);
    expect(list(randomHorizontalFlip(1)(x, rngFor(0)))).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
    expect(randomHorizontalFlip(0)(x, rngFor(0))).toBe(x);
    expect(list(x)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1)); // input untouched
    expect(() => randomHorizontalFlip(2)).toThrow(/p expected a probability/);
  });

  it('randomVerticalFlip mirrors each plane top-bottom, or leaves the image alone; one draw either way', () => {
    const x = image(2, 2, 3);
    expect(list(randomVerticalFlip(1)(x, rngFor(0)))).toEqual([4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
    expect(randomVerticalFlip(0)(x, rngFor(0))).toBe(x);
    expect(list(x)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // The same seed flips an image and its mask alike (a segmentation pair).
    const mask = image(1, 2, 3);
    for (let seed = 0; seed < 20; seed++) {
      const flipped = list(randomVerticalFlip()(x, rngFor(seed)))[0] === 4;
      expect(list(randomVerticalFlip()(mask, rngFor(seed)))[0] === 4).toBe(flipped);
    }
    expect(() => randomVerticalFlip(-0.1)).toThrow(/^randomVerticalFlip: p expected a probability in \[0, 1\], got -0.1$/);
  });

  it('called without an rng (a sample inspected by hand) they draw from a process-wide generator (found by a user trial: they crashed)', () => {
    const x = image(1, 6, 6);
    const crops = new Set(Array.from({ length: 20 }, () => list(randomCrop(3)(x)).join(',')));
    expect(crops.size).toBeGreaterThan(1);
    expect(randomCrop(3)(x).shape).toEqual([1, 3, 3]);
    expect(compose(randomHorizontalFlip(), randomCrop(4))(x).shape).toEqual([1, 4, 4]);
  });

  it('randomCrop cuts a window of the padded image', () => {
    const x = image(1, 3, 3); // 1 2 3 / 4 5 6 / 7 8 9
    // No padding, crop 3: the only window is the image itself.
    expect(list(randomCrop(3)(x, rngFor(0)))).toEqual(list(x));
    // Padding 1, crop 5: the only window is the padded image.
    expect(list(randomCrop(5, { padding: 1 })(x, rngFor(0)))).toEqual([
      0, 0, 0, 0, 0,
      0, 1, 2, 3, 0,
      0, 4, 5, 6, 0,
      0, 7, 8, 9, 0,
      0, 0, 0, 0, 0,
    ]);
    // Every 2x2 window with padding 1 is one of the 16 offsets; check all against a direct pad.
    const padded = (r: number, c: number) => (r < 1 || r > 3 || c < 1 || c > 3 ? 9 : x.data[(r - 1) * 3 + (c - 1)]);
    const seen = new Set<string>();
    for (let k = 0; k < 200; k++) {
      const out = randomCrop([2, 2], { padding: 1, fill: 9 })(x, rngFor(k));
      expect(out.shape).toEqual([1, 2, 2]);
      const v = list(out);
      const match = [0, 1, 2, 3].flatMap((t) => [0, 1, 2, 3].map((l) => [t, l])).find(([t, l]) =>
        v.join() === [padded(t, l), padded(t, l + 1), padded(t + 1, l), padded(t + 1, l + 1)].join());
      expect(match).toBeDefined();
      seen.add(match!.join());
    }
    expect(seen.size).toBe(16);
    // An int64 mask padded with an ignore label, cropped with the image's seed (found by a user trial: a raw TypeError).
    const mask = { data: BigInt64Array.from({ length: 9 }, (_, i) => BigInt(i)), shape: [1, 3, 3] };
    const cropped = randomCrop([2, 2], { padding: 1, fill: 255 })(mask, rngFor(0));
    const sameWindow = randomCrop([2, 2], { padding: 1, fill: 255 })({ data: Float32Array.from({ length: 9 }, (_, i) => i), shape: [1, 3, 3] }, rngFor(0));
    expect(Array.from(cropped.data as BigInt64Array, Number)).toEqual(Array.from(sameWindow.data as Float32Array));
    expect(() => randomCrop(4)(x, rngFor(0))).toThrow(ShapeError);
    expect(() => randomCrop(0)).toThrow(/size expected a positive integer/);
    expect(() => randomCrop(3)({ data: new Uint8Array(9), shape: [3, 3] }, rngFor(0))).toThrow(/shape \[C, H, W\] or a clip\/volume \[C, D, H, W\], got \[3,3\]/);
  });

  it('take a clip or volume [C, D, H, W]: every plane flipped and cropped alike, normalised per channel (user trial AP)', () => {
    // Two channels of three frames, each frame the 3×4 image of its own plane index.
    const clip = { data: Float32Array.from({ length: 2 * 3 * 3 * 4 }, (_, i) => i), shape: [2, 3, 3, 4] };
    const planes = (x: NDArray, count: number) => {
      const all = list(x), size = all.length / count;
      return Array.from({ length: count }, (_, k) => all.slice(k * size, (k + 1) * size));
    };
    const plane = (k: number) => ({ data: Float32Array.from(clip.data.slice(k * 12, (k + 1) * 12)), shape: [1, 3, 4] });
    for (const t of [randomHorizontalFlip(1), randomVerticalFlip(1), randomCrop([2, 3], { padding: 1 })]) {
      const out = t(clip, rngFor(4));
      expect(out.shape.slice(0, 2)).toEqual([2, 3]);
      // The same rng stream on each plane alone gives that plane of the clip's result.
      planes(out, 6).forEach((p, k) => expect(p).toEqual(list(t(plane(k), rngFor(4)))));
    }
    expect(randomCrop([2, 3])(clip, rngFor(1)).shape).toEqual([2, 3, 2, 3]);
    const n = normalize([1, 2], [2, 4])(clip, rngFor(0));
    expect(list(n).slice(0, 2)).toEqual([(0 - 1) / 2, (1 - 1) / 2]);
    expect(list(n).slice(36, 38)).toEqual([(36 - 2) / 4, (37 - 2) / 4]); // channel 1 starts at D·H·W = 36
    expect(() => normalize(0, 1)({ data: new Float32Array(32), shape: [2, 2, 2, 2, 2] }, rngFor(0))).toThrow(/expected an image of shape \[C, H, W\] or a clip\/volume \[C, D, H, W\], got \[2,2,2,2,2\]/);
  });

  it('are deterministic for a seed, and vary with it', () => {
    const t = compose(toFloat(), randomCrop(24, { padding: 4 }), randomHorizontalFlip(), normalize(0.5, 0.25));
    const x = image(3, 28, 28);
    const a = list(t(x, sampleRng(7, 0, 5)));
    expect(list(t(x, sampleRng(7, 0, 5)))).toEqual(a);
    const others = [sampleRng(7, 1, 5), sampleRng(7, 0, 6), sampleRng(8, 0, 5)].map((r) => list(t(x, r)).join());
    expect(others.filter((o) => o !== a.join()).length).toBeGreaterThanOrEqual(2);
  });

  it('describe themselves for workers', () => {
    const t = compose(randomCrop(28, { padding: 2 }), randomHorizontalFlip(0.25));
    const spec = t.workerSpec!();
    expect(spec.name).toBe('compose');
    expect(spec.args).toEqual([
      { $spec: expect.objectContaining({ name: 'randomCrop', args: [28, { padding: 2, fill: 0 }] }) },
      { $spec: expect.objectContaining({ name: 'randomHorizontalFlip', args: [0.25] }) },
    ]);
  });
});

describe('Node Buffers as sample data (what fs.readFileSync gives)', () => {
  it('crop and flips make Uint8Arrays, with no deprecated Buffer() call, and collate stacks them as uint8', async () => {
    const { collate } = await import('@nutshell/data');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const image: NDArray = { data: Buffer.from(Array.from({ length: 16 }, (_, i) => i)), shape: [1, 4, 4] };
      const rng = rngFor(7, 0);
      for (const t of [randomCrop(4, { padding: 1, fill: 255 }), randomHorizontalFlip(1), randomVerticalFlip(1)]) {
        const out = t(image, rng);
        expect(out.data.constructor).toBe(Uint8Array);
      }
      const batch = collate([{ mask: image }, { mask: { data: new Uint8Array(16), shape: [1, 4, 4] } }]);
      expect(batch.mask.dtype).toBe('uint8');
      expect(batch.mask.shape).toEqual([2, 1, 4, 4]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((m) => /Buffer\(\) is deprecated/.test(m))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
