// FashionMNIST and MNIST: the real Fashion-MNIST files from Debian's dataset-fashion-mnist, and
// small fixture files for MNIST, NUTSHELL_DATA, un-gzipped names and bad files. Full-count checks
// read labels only, so the suite stays quick.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataError, ValueError } from '@nutshell/tensor';
import { FashionMNIST, MNIST, writeIdx } from '@nutshell/data';
import { tempDir } from './helpers.js';

const system = '/usr/share/datasets/fashion-mnist';
const haveFashion = existsSync(join(system, 'train-labels-idx1-ubyte.gz'));
const dir = tempDir();

function histogram(labels: Uint8Array): number[] {
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

/** A tiny MNIST-style split: n images whose pixels encode their index, labels i mod 10. */
function writeSplit(root: string, split: 'train' | 't10k', n: number, gzip: boolean): void {
  mkdirSync(root, { recursive: true });
  const images = Uint8Array.from({ length: n * 28 * 28 }, (_, i) => Math.floor(i / 784) * 10 + (i % 7));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const ext = gzip ? '.gz' : '';
  writeIdx(join(root, `${split}-images-idx3-ubyte${ext}`), { data: images, shape: [n, 28, 28] });
  writeIdx(join(root, `${split}-labels-idx1-ubyte${ext}`), { data: labels, shape: [n] });
}

describe.skipIf(!haveFashion)('Fashion-MNIST (dataset-fashion-mnist)', () => {
  it('has 60000 training labels, 6000 per class', () => {
    const labels = FashionMNIST.readLabels({ train: true });
    expect(labels.length).toBe(60000);
    expect(histogram(labels)).toEqual(new Array(10).fill(6000));
  });

  it('has 10000 test labels, 1000 per class', () => {
    const labels = FashionMNIST.readLabels({ train: false });
    expect(labels.length).toBe(10000);
    expect(histogram(labels)).toEqual(new Array(10).fill(1000));
  });

  it('loads the test split: float32 [1,28,28] in [0,1] and labels matching the label file', () => {
    const ds = new FashionMNIST({ train: false });
    expect(ds.length).toBe(10000);
    expect(ds.root).toBe(system);
    expect(ds.imageShape).toEqual([1, 28, 28]);
    const { image, label } = ds.get(0);
    expect(image.shape).toEqual([1, 28, 28]);
    expect(image.data).toBeInstanceOf(Float32Array);
    expect(Math.min(...image.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...image.data)).toBeLessThanOrEqual(1);
    expect(Math.max(...image.data)).toBeGreaterThan(0.5);
    expect(label).toBe(FashionMNIST.readLabels({ train: false })[0]);
    expect(ds.classes[label]).toBe('Ankle boot'); // the first test image, as published
  });

  it("format 'uint8' gives the file's bytes; subset keeps the first n", () => {
    const ds = new FashionMNIST({ train: false, format: 'uint8', subset: 100 });
    expect(ds.length).toBe(100);
    const full = new FashionMNIST({ train: false });
    const { image } = ds.get(99);
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(full.get(99).image.data)).toEqual(Array.from(image.data, (v) => Math.fround(v / 255)));
    expect(() => ds.get(100)).toThrow(ValueError);
  });

  it('lists the ten classes', () => {
    expect(FashionMNIST.classes).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });
});

describe('finding and checking MNIST-style files', () => {
  const saved = process.env.NUTSHELL_DATA;
  afterEach(() => {
    if (saved === undefined) delete process.env.NUTSHELL_DATA;
    else process.env.NUTSHELL_DATA = saved;
  });

  it('a missing dataset says where it looked and how to get it', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => new FashionMNIST({ root: empty })).toThrow(DataError);
    expect(() => new FashionMNIST({ root: empty })).toThrow(
      new RegExp(`cannot find the training files .*train-images-idx3-ubyte.gz.*looked in ${empty}\\. Install it with \`apt-get install dataset-fashion-mnist\``),
    );
    process.env.NUTSHELL_DATA = empty;
    expect(() => new MNIST()).toThrow(new RegExp(`looked in ${empty}/mnist, ${empty}, /usr/share/datasets/mnist\\. Pass \\{ root \\}.*MNIST IDX files`));
  });

  it('reads MNIST from NUTSHELL_DATA/mnist, gzipped', () => {
    writeSplit(join(dir, 'data', 'mnist'), 'train', 30, true);
    process.env.NUTSHELL_DATA = join(dir, 'data');
    const ds = new MNIST({ format: 'uint8' });
    expect(ds.length).toBe(30);
    expect(ds.root).toBe(join(dir, 'data', 'mnist'));
    const s = ds.get(7);
    expect(s.label).toBe(7);
    expect(s.image.data[0]).toBe(70);
    expect(MNIST.readLabels().length).toBe(30);
  });

  it('accepts un-gzipped files, and the dotted names some mirrors use', () => {
    const plain = join(dir, 'plain');
    writeSplit(plain, 't10k', 12, false);
    const ds = new MNIST({ root: plain, train: false, format: 'float32' });
    expect(ds.length).toBe(12);
    expect(ds.get(3).image.data[0]).toBeCloseTo(30 / 255, 6);
    const dotted = join(dir, 'dotted');
    mkdirSync(dotted);
    copyFileSync(join(plain, 't10k-images-idx3-ubyte'), join(dotted, 't10k-images.idx3-ubyte'));
    copyFileSync(join(plain, 't10k-labels-idx1-ubyte'), join(dotted, 't10k-labels.idx1-ubyte'));
    expect(new MNIST({ root: dotted, train: false }).length).toBe(12);
  });

  it('refuses files that do not pair up, or are not images and labels', () => {
    const root = join(dir, 'mismatch');
    writeSplit(root, 'train', 10, true);
    writeIdx(join(root, 'train-labels-idx1-ubyte.gz'), { data: new Uint8Array(9), shape: [9] });
    expect(() => new MNIST({ root })).toThrow(/has 10 images but .*train-labels-idx1-ubyte\.gz has 9 labels/);
    writeIdx(join(root, 'train-labels-idx1-ubyte.gz'), { data: new Uint8Array(10).fill(10), shape: [10] });
    expect(() => new MNIST({ root })).toThrow(/label 0 is 10, expected 0\.\.9/);
    writeIdx(join(root, 'train-images-idx3-ubyte.gz'), { data: new Float32Array(10 * 4), shape: [10, 4] });
    expect(() => new MNIST({ root })).toThrow(/expected uint8 images \[N, H, W\], got float32 \[10, 4\]/);
  });

  it('a corrupt file is a DataError naming the file', () => {
    const root = join(dir, 'corrupt');
    writeSplit(root, 'train', 4, false);
    writeFileSync(join(root, 'train-images-idx3-ubyte'), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]));
    expect(() => new MNIST({ root })).toThrow(new RegExp(`${root}/train-images-idx3-ubyte: dims \\[4, 28, 28\\] of uint8 need 3136 bytes of data but the file has only 3`));
  });

  it('checks its options', () => {
    const root = join(dir, 'plain');
    expect(() => new MNIST({ root, train: false, format: 'int8' as 'uint8' })).toThrow(/format expected 'uint8' or 'float32'/);
    expect(() => new MNIST({ root, train: false, subset: -1 })).toThrow(/subset expected a non-negative integer/);
  });
});
