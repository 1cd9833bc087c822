import { describe, expect, it } from 'vitest';
import { CLASS_PALETTE, imageGrid, type RasterImage } from '../src/index.js';
import { decodePng, rgbAt } from './decode-png.js';

const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];
const grey = (width: number, values: number[]): RasterImage => ({ width, height: 1, channels: 1, data: Float32Array.from(values) });
/** Pixel x of image `i` in a one-row grid of images `width` wide, at scale 1 with no padding. */
const at = (png: ReturnType<typeof decodePng>, i: number, x: number, width = 3) => rgbAt(png, i * width + x, 0);
const grid = (images: RasterImage[], normalize: unknown, columns?: number) =>
  decodePng(imageGrid(images, { normalize: normalize as never, columns: columns ?? images.length, scale: 1, padding: 0 }));

describe('imageGrid: a normalize mode per image or per column', () => {
  // What a segmentation trial draws: an image, its true mask and the predicted mask.
  const image = grey(3, [-2, 0, 2]);
  const truth = grey(3, [0, 1, 2]);
  const predicted = { width: 3, height: 1, channels: 1 as const, data: Int32Array.of(0, 2, 2) };

  it('one mode per column: image stretched, masks in class colours, on every row', () => {
    const png = decodePng(imageGrid([image, truth, predicted, image, truth, predicted], { normalize: ['each', 'classes', 'classes'], columns: 3, scale: 1, padding: 0 }));
    expect([png.width, png.height]).toEqual([9, 2]);
    for (const y of [0, 1]) {
      expect([rgbAt(png, 0, y), rgbAt(png, 2, y)]).toEqual([BLACK, WHITE]); // -2..2 stretched
      expect([rgbAt(png, 3, y), rgbAt(png, 4, y), rgbAt(png, 5, y)]).toEqual([BLACK, CLASS_PALETTE[0], CLASS_PALETTE[1]]);
      expect([rgbAt(png, 6, y), rgbAt(png, 7, y), rgbAt(png, 8, y)]).toEqual([BLACK, CLASS_PALETTE[1], CLASS_PALETTE[1]]);
    }
  });

  it('one mode per image, a range among them; a list of two numbers is still one range', () => {
    const png = grid([image, image, truth], [[-2, 2], 'none', 'classes']);
    expect(at(png, 0, 1)[0]).toBe(128); // 0 in -2..2
    expect([at(png, 1, 0), at(png, 1, 1), at(png, 1, 2)]).toEqual([BLACK, BLACK, WHITE]); // floats as 0..1, clamped
    expect(at(png, 2, 1)).toEqual(CLASS_PALETTE[0]);
    const ranged = grid([image, image], [-2, 2]);
    expect(at(ranged, 1, 1)[0]).toBe(128);
  });

  it("'all' shares one range among the images drawn with 'all' only", () => {
    const faint = grey(3, [0, 0.5, 1]);
    const strong = grey(3, [0, 5, 10]);
    const png = grid([faint, truth, strong], ['all', 'classes', 'all']);
    // Range 0..10 over the two 'all' images; the mask's class 2 does not enter it.
    expect(at(png, 0, 2)[0]).toBe(Math.round(255 / 10));
    expect(at(png, 2, 2)).toEqual(WHITE);
  });

  it('with the default columns, a list as long as a row sets the columns', () => {
    // Nine images: three columns by default.
    const nine = [image, truth, predicted, image, truth, predicted, image, truth, predicted];
    const png = decodePng(imageGrid(nine, { normalize: ['each', 'classes', 'classes'], scale: 1, padding: 0 }));
    expect([png.width, png.height]).toEqual([9, 3]);
    expect(rgbAt(png, 7, 2)).toEqual(CLASS_PALETTE[1]);
  });

  it('refuses a list of the wrong length or with a bad entry', () => {
    expect(() => grid([image, image, image, image], ['each', 'classes'], 3)).toThrow(
      /^imageGrid: normalize has 2 modes, but a list takes one per image \(4\) or one per column \(3\)$/,
    );
    expect(() => grid([image, image], ['each', 'foo'])).toThrow(/^imageGrid: normalize\[1\] must be 'each', 'all', 'none', 'classes' or \[lo, hi\] with lo < hi, got "foo"$/);
    expect(() => grid([image, image], ['each', [1, -1]])).toThrow(/^imageGrid: normalize\[1\] must be .*, got \[1,-1\]$/);
    expect(() => grid([image], [])).toThrow(/^imageGrid: normalize must be 'each', 'all', 'none', 'classes' or \[lo, hi\] with lo < hi, got \[\]$/);
    expect(() => grid([image], 'classes ')).toThrow(/^imageGrid: normalize must be .*, got "classes "$/);
  });
});

describe("imageGrid: 'classes' takes integer or bool class labels", () => {
  it('refuses a float image that is not whole numbers (it used to come out all grey)', () => {
    const probabilities = grey(3, [0, 0.5, 1]);
    expect(() => grid([probabilities], 'classes')).toThrow(
      /^imageGrid: normalize 'classes' expects integer or bool class labels in images\[0\], got float32 with non-integer values \(0\.5 at data\[1\]\); pass class indices \(an argmax over the class scores\) or another normalize mode for this image$/,
    );
    expect(() => grid([grey(3, [0, 1, 2]), probabilities], ['each', 'classes'])).toThrow(/in images\[1\], got float32 /);
    const f64 = { width: 1, height: 1, channels: 1 as const, data: Float64Array.of(0.25) };
    expect(() => grid([f64], 'classes')).toThrow(/in images\[0\], got float64 with non-integer values \(0\.25 at data\[0\]\)/);
    expect(() => grid([{ width: 1, height: 1, channels: 1, data: [NaN] }], 'classes')).toThrow(/got an array of numbers with non-integer values \(NaN at data\[0\]\)/);
    const tensor = { isTensor: true as const, shape: [1, 1, 2], dataSync: () => Float32Array.of(1, 0.75) };
    expect(() => imageGrid([tensor], { normalize: 'classes' })).toThrow(/in images\[0\], got float32 .*\(0\.75 at data\[1\]\)/);
  });

  it('accepts floats holding whole numbers, integer arrays, bool masks and int64 tensors', () => {
    const colours = (img: RasterImage | Parameters<typeof imageGrid>[0]) =>
      decodePng(imageGrid((Array.isArray(img) ? img : [img]) as never, { normalize: 'classes', scale: 1, padding: 0 }));
    const wholeFloats = colours(grey(3, [0, 1, -1]));
    expect([at(wholeFloats, 0, 0), at(wholeFloats, 0, 1), at(wholeFloats, 0, 2)]).toEqual([BLACK, CLASS_PALETTE[0], [200, 200, 200]]);
    const bool = colours({ width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 1) });
    expect(rgbAt(bool, 1, 0)).toEqual(CLASS_PALETTE[0]);
    const int64 = colours({ isTensor: true as const, shape: [1, 2], dataSync: () => BigInt64Array.of(2n, 0n) } as never);
    expect([rgbAt(int64, 0, 0), rgbAt(int64, 1, 0)]).toEqual([CLASS_PALETTE[1], BLACK]);
    const int16 = colours({ width: 1, height: 1, channels: 1, data: Int16Array.of(3) as never });
    expect(rgbAt(int16, 0, 0)).toEqual(CLASS_PALETTE[2]);
  });

  it('checks only the images drawn as classes: a float image beside a mask is fine', () => {
    const png = grid([grey(3, [0, 0.5, 1]), grey(3, [0, 1, 2])], ['none', 'classes']);
    expect(at(png, 0, 1)[0]).toBe(128);
  });
});
