import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '@nutshell/plot';
import { SummaryWriter, TensorBoardError } from '../src/index.js';
import { type DecodedEvent, decodeEvent, readRecords } from './read-events.js';

const root = mkdtempSync(join(tmpdir(), 'nutshell-tb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const newDir = () => join(root, `run${runs++}`);

function eventsIn(dir: string): DecodedEvent[] {
  const files = readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
  expect(files.length).toBe(1);
  return readRecords(readFileSync(join(dir, files[0]))).map(decodeEvent);
}

describe('SummaryWriter', () => {
  it('names the file like TensorFlow and starts it with the file version', () => {
    const dir = join(newDir(), 'nested', 'deeper');
    const w = new SummaryWriter(dir);
    w.close();
    const [name] = readdirSync(dir);
    expect(name).toMatch(/^events\.out\.tfevents\.\d{10}\.[^.]+.*\.\d+\.\d+$/);
    expect(name).toContain(`.${process.pid}.`);
    const events = eventsIn(dir);
    expect(events.length).toBe(1);
    expect(events[0].fileVersion).toBe('brain.Event:2');
    expect(Math.abs(events[0].wallTime - Date.now() / 1000)).toBeLessThan(60);
  });

  it('writes scalars with their step, including 0.0 values and large steps', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addScalar('loss/train', 2.5, 0);
    w.addScalar('loss/train', 0, 1);
    w.addScalar('lr', 1e-3, 2 ** 40, 1234.5);
    w.close();
    const [, a, b, c] = eventsIn(dir);
    expect(a.values).toEqual([{ tag: 'loss/train', simpleValue: 2.5 }]);
    expect(a.step).toBe(0n);
    expect(b.values).toEqual([{ tag: 'loss/train', simpleValue: 0 }]);
    expect(b.step).toBe(1n);
    expect(c.values[0].simpleValue).toBeCloseTo(1e-3, 9);
    expect(c.step).toBe(2n ** 40n);
    expect(c.wallTime).toBe(1234.5);
  });

  it('takes a one-element tensor as the value (duck-typed, read with itemSync), as torch does', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const scalar = { isTensor: true as const, numel: 1, itemSync: () => 0.75 };
    w.addScalar('loss', scalar, 3);
    expect(() => w.addScalar('loss', { isTensor: true as const, numel: 4, itemSync: () => 0 }, 4)).toThrow(/^addScalar: value expected a number or a one-element tensor, got a tensor of 4 elements$/);
    w.close();
    const [, a] = eventsIn(dir);
    expect(a.values).toEqual([{ tag: 'loss', simpleValue: 0.75 }]);
  });

  it('records are in the file as soon as they are added, before flush or close', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addScalar('x', 1, 1);
    expect(eventsIn(dir).length).toBe(2);
    w.flush();
    w.close();
  });

  it('addScalars writes one sub-run per name, tagged with the main tag', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addScalars('loss/all', { train: 0.5, val: 0.7 }, 3);
    w.addScalars('loss/all', { train: 0.4, val: 0.6 }, 4);
    w.close();
    expect(readdirSync(dir).sort()).toEqual([expect.stringMatching(/^events/), 'loss_all_train', 'loss_all_val'].sort());
    const train = eventsIn(join(dir, 'loss_all_train'));
    expect(train.slice(1).map((e) => [e.step, e.values[0].tag, e.values[0].simpleValue])).toEqual([
      [3n, 'loss/all', 0.5],
      [4n, 'loss/all', expect.closeTo(0.4, 6)],
    ]);
    expect(eventsIn(join(dir, 'loss_all_val')).length).toBe(3);
  });

  it('writes images as PNG with size and colour space', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const grey = { width: 3, height: 2, channels: 1 as const, data: Float32Array.of(0, 0.5, 1, 1, 0.5, 0) };
    w.addImage('samples/grey', grey, 1);
    const rgbPng = encodePng({ width: 4, height: 5, channels: 4, data: new Uint8Array(80).fill(200) });
    w.addImage('samples/png', rgbPng, 2);
    w.close();
    const [, a, b] = eventsIn(dir);
    const img = a.values[0].image!;
    expect([img.width, img.height, img.colorspace]).toEqual([3, 2, 1]);
    const png = Buffer.from(img.png);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // The pixels: first IDAT after IHDR; each row is a filter byte and three grey bytes.
    const idat = inflateSync(png.subarray(8 + 25 + 8, 8 + 25 + 8 + png.readUInt32BE(8 + 25)));
    expect(idat.length).toBe(2 * 4);
    expect(b.values[0].image).toMatchObject({ width: 4, height: 5, colorspace: 4 });
    expect(Buffer.from(b.values[0].image!.png).equals(rgbPng)).toBe(true);
  });

  it('takes a tensor image [C, H, W] or [H, W], as PyTorch add_image (found by a user trial)', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const tensorLike = (shape: number[], data: Float32Array) => ({ isTensor: true as const, shape, dataSync: () => data });
    w.addImage('t/rgb', tensorLike([3, 2, 4], new Float32Array(24).fill(0.5)), 0);
    w.addImage('t/grey', tensorLike([2, 3], Float32Array.of(0, 0.2, 0.4, 0.6, 0.8, 1)), 0);
    expect(() => w.addImage('t/bad', tensorLike([2, 2, 5], new Float32Array(20)), 0)).toThrow(/^addImage: a tensor image expected \[C, H, W\] \(C = 1, 3 or 4\) or \[H, W\], got \[2,2,5\]$/);
    w.close();
    const [, a, b] = eventsIn(dir);
    expect(a.values[0].image).toMatchObject({ width: 4, height: 2, colorspace: 3 });
    expect(b.values[0].image).toMatchObject({ width: 3, height: 2, colorspace: 1 });
  });

  it('takes a batch [N, C, H, W] as one grid with addImages (PyTorch add_images; a user trial), and says so to addImage', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const tensorLike = (shape: number[], data: Float32Array) => ({ isTensor: true as const, shape, dataSync: () => data });
    const batch = tensorLike([10, 1, 3, 2], new Float32Array(60).fill(0.25));
    w.addImages('samples', batch, 4);
    expect(() => w.addImage('samples', batch, 4)).toThrow(/^addImage: image expected \[C, H, W\] or \[H, W\], got a batch \[10, 1, 3, 2\]: addImages\(tag, batch\) writes it as one grid$/);
    expect(() => w.addImages('samples', tensorLike([1, 3, 2], new Float32Array(6)), 4)).toThrow(/^addImages: images expected a tensor \[N, C, H, W\], got shape \[1, 3, 2\]$/);
    w.close();
    const [, grid] = eventsIn(dir);
    // 8 columns of 2 pixels, 2 rows of 3.
    expect(grid.values[0].image).toMatchObject({ width: 16, height: 6 });
  });

  it('writes histograms with TensorFlow buckets or fixed bins, from arrays or tensor-likes', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    w.addHistogram('weights', values, 5);
    w.addHistogram('weights/fixed', { dataSync: () => values }, 6, 10);
    w.close();
    const [, tf, fixed] = eventsIn(dir);
    const h = tf.values[0].histo!;
    expect(h.num).toBe(1000);
    expect(h.min).toBeCloseTo(Math.min(...values), 6);
    expect(h.max).toBeCloseTo(Math.max(...values), 6);
    expect(h.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(h.bucketLimit.length).toBe(h.bucket.length);
    const f = fixed.values[0].histo!;
    expect(f.bucket.length).toBe(10);
    expect(f.bucket.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(f.bucketLimit[9]).toBe(f.max);
  });

  it('writes text for the text plugin as a scalar string tensor', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addText('notes', 'lr **0.01**, batch 64 — ünïcode', 7);
    w.close();
    const [, e] = eventsIn(dir);
    expect(e.step).toBe(7n);
    const v = e.values[0];
    expect(v.tag).toBe('notes');
    expect(v.pluginName).toBe('text');
    expect(v.tensor!.dtype).toBe(7);
    expect(v.tensor!.shape.size).toBe(0);
    expect(v.tensor!.stringVal).toEqual(['lr **0.01**, batch 64 — ünïcode']);
  });

  it('a corrupted byte in the file is detected by the reader', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addScalar('a', 1, 1);
    w.addScalar('a', 2, 2);
    w.close();
    const file = join(dir, readdirSync(dir)[0]);
    const bytes = readFileSync(file);
    expect(readRecords(bytes).length).toBe(3);
    bytes[bytes.length - 10] ^= 0x01; // inside the last record's payload
    writeFileSync(file, bytes);
    expect(() => readRecords(readFileSync(file))).toThrow(/data CRC mismatch/);
  });

  it('refuses bad arguments and use after close with clear errors', () => {
    const w = new SummaryWriter(newDir());
    expect(() => w.addScalar('', 1, 0)).toThrow(/addScalar: tag must be a non-empty string/);
    expect(() => w.addScalar('x', '1' as unknown as number, 0)).toThrow(/value must be a number, got string/);
    expect(() => w.addScalar('x', 1, 1.5)).toThrow(/step must be an integer, got 1.5/);
    expect(() => w.addHistogram('h', [], 0)).toThrow(/values is empty/);
    expect(() => w.addHistogram('h', [1, NaN, Infinity], 0)).toThrow(/2 of 3 values are NaN or infinite/);
    expect(() => w.addHistogram('h', [1], 0, 0)).toThrow(/bins must be/);
    expect(() => w.addHistogram('h', 'abc' as unknown as number[], 0)).toThrow(TensorBoardError);
    expect(() => w.addImage('i', Uint8Array.of(1, 2, 3), 0)).toThrow(/not a PNG/);
    expect(() => w.addImage('i', { width: 2, height: 2, channels: 3, data: new Uint8Array(3) }, 0)).toThrow(/addImage: data must hold/);
    w.close();
    expect(() => w.addScalar('x', 1, 0)).toThrow(/closed/);
    expect(() => w.addScalars('x', { a: 1 }, 0)).toThrow(/closed/);
    w.close(); // closing twice is harmless
  });
});
