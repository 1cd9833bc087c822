import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonFloat, SummaryWriter, TensorBoardError } from '../src/index.js';
// The plot package's strict PNG reader (written apart from the encoder, in its tests).
import { decodePng, rgbAt } from '../../plot/test/decode-png.js';

const root = mkdtempSync(join(tmpdir(), 'nutshell-tb-embedding-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const newDir = () => join(root, `run${runs++}`);

const f32 = (shape: number[], data: ArrayLike<number>) => ({ isTensor: true as const, shape, dataSync: () => Float32Array.from(data) });
const i64 = (shape: number[], data: bigint[]) => ({ isTensor: true as const, shape, dataSync: () => BigInt64Array.from(data) });
/** torch.linspace(0, 1, n) in float32, as the reference run below used. */
const linspace = (n: number) => Array.from({ length: n }, (_, i) => Math.fround(i / (n - 1)));
const read = (...path: string[]) => readFileSync(join(...path), 'utf8');

// Goldens: what PyTorch 2.13's SummaryWriter.add_embedding (torch/utils/tensorboard, with
// tensorboard 2.21 and protobuf's text_format) wrote for the same calls:
//   mat = torch.tensor([[1.0, 2.5, -3.0], [0.1, 1e-8, 12345678.0], [1/3, 2.0, 0.0], [-0.0, 7.0, 1e20], [nan, 1.0, 2.0]])
//   w.add_embedding(mat, metadata=['a', …, 'e'], label_img=torch.linspace(0, 1, 240).reshape(5, 3, 4, 4), global_step=3, tag='emb/one')
//   w.add_embedding(mat, metadata=[['a', 1], …, ['e', 5]], metadata_header=['name', 'cls'], tag='t"q\\é')
//   w.add_embedding(torch.arange(6).reshape(3, 2), tag='ints', global_step=1)
const MAT = [1.0, 2.5, -3.0, 0.1, 1e-8, 12345678.0, 1 / 3, 2.0, 0.0, -0.0, 7.0, 1e20, NaN, 1.0, 2.0];
const TENSORS_TSV = [
  '1.0\t2.5\t-3.0',
  '0.10000000149011612\t9.99999993922529e-09\t12345678.0',
  '0.3333333432674408\t2.0\t0.0',
  '-0.0\t7.0\t1.0000000200408773e+20',
  'nan\t1.0\t2.0',
  '',
].join('\n');
const CONFIG = `embeddings {
  tensor_name: "emb/one:00003"
  metadata_path: "00003/emb%2fone/metadata.tsv"
  sprite {
    image_path: "00003/emb%2fone/sprite.png"
    single_image_dim: 4
    single_image_dim: 4
  }
  tensor_path: "00003/emb%2fone/tensors.tsv"
}
embeddings {
  tensor_name: "t\\"q\\\\é:00000"
  metadata_path: "00000/t\\"q%5cé/metadata.tsv"
  tensor_path: "00000/t\\"q%5cé/tensors.tsv"
}
embeddings {
  tensor_name: "ints:00001"
  tensor_path: "00001/ints/tensors.tsv"
}
`;

describe('addEmbedding', () => {
  it("writes the projector's files as PyTorch's add_embedding does: tensors.tsv, metadata.tsv, sprite.png, projector_config.pbtxt", () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addEmbedding(f32([5, 3], MAT), { metadata: ['a', 'b', 'c', 'd', 'e'], labelImg: f32([5, 3, 4, 4], linspace(240)), globalStep: 3, tag: 'emb/one' });
    w.addEmbedding(f32([5, 3], MAT), { metadata: [['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]], metadataHeader: ['name', 'cls'], tag: 't"q\\é' });
    w.addEmbedding(i64([3, 2], [0n, 1n, 2n, 3n, 4n, 5n]), { tag: 'ints', globalStep: 1 });
    w.close();
    expect(readdirSync(dir).sort()).toEqual(['00000', '00001', '00003', expect.stringMatching(/^events\.out\.tfevents\./), 'projector_config.pbtxt']);
    expect(readdirSync(join(dir, '00003', 'emb%2fone')).sort()).toEqual(['metadata.tsv', 'sprite.png', 'tensors.tsv']);
    expect(readdirSync(join(dir, '00000', 't"q%5cé')).sort()).toEqual(['metadata.tsv', 'tensors.tsv']);
    expect(read(dir, '00003', 'emb%2fone', 'tensors.tsv')).toBe(TENSORS_TSV);
    expect(read(dir, '00000', 't"q%5cé', 'tensors.tsv')).toBe(TENSORS_TSV);
    expect(read(dir, '00001', 'ints', 'tensors.tsv')).toBe('0\t1\n2\t3\n4\t5\n');
    expect(read(dir, '00003', 'emb%2fone', 'metadata.tsv')).toBe('a\nb\nc\nd\ne\n');
    expect(read(dir, '00000', 't"q%5cé', 'metadata.tsv')).toBe('name\tcls\na\t1\nb\t2\nc\t3\nd\t4\ne\t5\n');
    expect(read(dir, 'projector_config.pbtxt')).toBe(CONFIG);
    // No temp file is left behind by the atomic writes.
    expect(readdirSync(join(dir, '00003', 'emb%2fone')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("makes the sprite as make_sprite: ceil(sqrt(N)) columns, unused cells black, RGB, floats as uint8(v * 255) (PyTorch's pixels)", () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addEmbedding(f32([5, 3], MAT), { labelImg: f32([5, 3, 4, 4], linspace(240)), globalStep: 3, tag: 'emb/one' });
    w.close();
    const png = decodePng(readFileSync(join(dir, '00003', 'emb%2fone', 'sprite.png')));
    // Five 4×4 images in a 3×3 grid: 12×12 pixels, as PyTorch's.
    expect([png.width, png.height, png.colorType]).toEqual([12, 12, 2]);
    // PyTorch's first row of pixels (read with Pillow): image 0, then image 1 from x = 4.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((x) => rgbAt(png, x, 0))).toEqual([
      [0, 17, 34], [1, 18, 35], [2, 19, 36], [3, 20, 37], [51, 68, 85], [52, 69, 86], [53, 70, 87], [54, 71, 88],
    ]);
    // Image 4 in the second row's middle cell; the rest black.
    expect(rgbAt(png, 4, 4)[0]).toBe(Math.floor(Math.fround(4 * 48 / 239) * 255));
    expect(rgbAt(png, 8, 4)).toEqual([0, 0, 0]);
    expect(rgbAt(png, 11, 11)).toEqual([0, 0, 0]);
  });

  it('a grey, non-square label image: grey repeated, the grid square in cells (what the projector assumes), singleImageDim [W, H]', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    // Five 2×4 (H×W) images: 3 columns, 3 rows of cells → 12 × 6 pixels. (PyTorch pads to
    // 12 × 12, which puts the projector's rows off: it divides by height / H to find a row.)
    w.addEmbedding([[0, 0], [1, 0], [0, 1], [1, 1], [2, 2]], { labelImg: f32([5, 1, 2, 4], linspace(40)), tag: 'wide' });
    // uint8 images, as a list of { width, height, channels, data } images: bytes as they are.
    const byte = (v: number) => ({ width: 2, height: 2, channels: 3 as const, data: new Uint8Array(12).fill(v) });
    w.addEmbedding([[0], [1]], { labelImg: [byte(10), byte(200)], tag: 'bytes' });
    w.close();
    const png = decodePng(readFileSync(join(dir, '00000', 'wide', 'sprite.png')));
    expect([png.width, png.height]).toEqual([12, 6]);
    const v = Math.floor(Math.fround(1 / 39) * 255); // pixel (1, 0) of image 0: 6, as PyTorch
    expect(rgbAt(png, 1, 0)).toEqual([v, v, v]);
    expect(rgbAt(png, 4, 0)[0]).toBe(Math.floor(Math.fround(8 / 39) * 255));
    const config = read(dir, 'projector_config.pbtxt');
    expect(config).toContain('  sprite {\n    image_path: "00000/wide/sprite.png"\n    single_image_dim: 4\n    single_image_dim: 2\n  }\n');
    const bytes = decodePng(readFileSync(join(dir, '00000', 'bytes', 'sprite.png')));
    expect([bytes.width, bytes.height]).toEqual([4, 4]);
    expect([rgbAt(bytes, 0, 0), rgbAt(bytes, 2, 0), rgbAt(bytes, 0, 2)]).toEqual([[10, 10, 10], [200, 200, 200], [0, 0, 0]]);
  });

  it('writes floats as Python repr does (str(x.item())), integers as integers', () => {
    const cases: [number, string][] = [
      [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [0.1, '0.1'], [1e-4, '0.0001'], [1e-5, '1e-05'], [9.999e-5, '9.999e-05'],
      [1e15, '1000000000000000.0'], [1e16, '1e+16'], [1.5e16, '1.5e+16'], [123456789012345.6, '123456789012345.6'],
      [2 / 3, '0.6666666666666666'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
      [Math.fround(0.1), '0.10000000149011612'], [-2.5e-7, '-2.5e-07'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
    ];
    for (const [v, s] of cases) expect(pythonFloat(v), String(v)).toBe(s);
    const dir = newDir();
    const w = new SummaryWriter(dir);
    // Rows of numbers are Python floats; labels from a tensor of class indices are integers.
    w.addEmbedding([[1, 0.5], [2, 1e-5]], { metadata: i64([2], [7n, 3n]) });
    w.close();
    expect(read(dir, '00000', 'default', 'tensors.tsv')).toBe('1.0\t0.5\n2.0\t1e-05\n');
    expect(read(dir, '00000', 'default', 'metadata.tsv')).toBe('7\n3\n');
  });

  it('keeps one config entry per tag and step (the same again replaces its files), in the order added', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    w.addEmbedding([[1]], { tag: 'a', globalStep: 10 });
    w.addEmbedding([[2]], { tag: 'b', globalStep: 123456 });
    w.addEmbedding([[3]], { tag: 'a', globalStep: 10, metadata: ['x'] });
    w.close();
    expect(read(dir, 'projector_config.pbtxt')).toBe(
      'embeddings {\n  tensor_name: "a:00010"\n  metadata_path: "00010/a/metadata.tsv"\n  tensor_path: "00010/a/tensors.tsv"\n}\n' +
      'embeddings {\n  tensor_name: "b:123456"\n  tensor_path: "123456/b/tensors.tsv"\n}\n',
    );
    expect(read(dir, '00010', 'a', 'tensors.tsv')).toBe('3.0\n');
  });

  it('refuses what the projector would misread, and bad arguments, naming them', () => {
    const dir = newDir();
    const w = new SummaryWriter(dir);
    const mat = [[1, 2], [3, 4]];
    expect(() => w.addEmbedding(f32([4], [1, 2, 3, 4]))).toThrow(/^addEmbedding: mat must be 2-D \[N, D\] \(a row per point\), got a tensor of shape \[4\]$/);
    expect(() => w.addEmbedding([[1, 2], [3]])).toThrow(/^addEmbedding: mat\[1\] must be an array of 2 numbers \(as mat\[0\]\), got an array of 1$/);
    expect(() => w.addEmbedding([[1, 'x']] as never)).toThrow(/^addEmbedding: mat\[0\]\[1\] is "x", expected a number$/);
    expect(() => w.addEmbedding([])).toThrow(/^addEmbedding: mat has no rows$/);
    expect(() => w.addEmbedding(mat, { label_img: [] } as never)).toThrow(/^addEmbedding: unknown option 'label_img' \(it takes 'metadata', .*\); did you mean labelImg\?$/);
    expect(() => w.addEmbedding(mat, { metadata: ['a'] })).toThrow(/^addEmbedding: metadata has 1 entries but mat has 2 rows \(one label per point\)$/);
    expect(() => w.addEmbedding(mat, { metadata: ['a\tb', 'c'] })).toThrow(/^addEmbedding: metadata\[0\] "a\\tb" holds a tab, which would split the projector's columns or rows$/);
    expect(() => w.addEmbedding(mat, { metadata: ['a', 'b\n'] })).toThrow(/holds a line break/);
    expect(() => w.addEmbedding(mat, { metadata: ['a', ' '] })).toThrow(/^addEmbedding: metadata\[1\] is blank; the projector skips blank lines/);
    expect(() => w.addEmbedding(mat, { metadata: ['a', null] as never })).toThrow(/^addEmbedding: metadata\[1\] must be a string, number or boolean, got null$/);
    expect(() => w.addEmbedding(mat, { metadata: [['a', 1], ['b', 2]] })).toThrow(/^addEmbedding: metadata\[0\] is a row of 2 values; rows of several columns need metadataHeader/);
    expect(() => w.addEmbedding(mat, { metadata: [['a', 1], ['b']], metadataHeader: ['name', 'n'] })).toThrow(/^addEmbedding: metadata\[1\] must be a row of 2 values \(one per metadataHeader column\), got an array of 1$/);
    expect(() => w.addEmbedding(mat, { metadata: [['a'], ['b']], metadataHeader: ['name'] })).toThrow(/^addEmbedding: metadataHeader must name two or more columns/);
    expect(() => w.addEmbedding(mat, { metadataHeader: ['a', 'b'] })).toThrow(/^addEmbedding: metadataHeader names the columns of metadata, but no metadata was given$/);
    expect(() => w.addEmbedding(mat, { labelImg: f32([3, 1, 2, 2], new Float32Array(12)) })).toThrow(/^addEmbedding: labelImg has 3 images but mat has 2 rows \(one image per point\)$/);
    expect(() => w.addEmbedding(mat, { labelImg: f32([2, 4, 2, 2], new Float32Array(32)) })).toThrow(/^addEmbedding: labelImg has 4 channels; the sprite takes 1 \(grey\) or 3 \(RGB\)/);
    expect(() => w.addEmbedding(mat, { labelImg: f32([2, 2, 2], new Float32Array(8)) })).toThrow(/^addEmbedding: labelImg must be a tensor \[N, C, H, W\] \(C = 1 or 3\), got shape \[2, 2, 2\]$/);
    const img = (w: number) => ({ width: w, height: 2, channels: 1 as const, data: new Float32Array(2 * w) });
    expect(() => w.addEmbedding(mat, { labelImg: [img(2), img(3)] })).toThrow(/^addEmbedding: labelImg\[1\] is 3x2 but labelImg\[0\] is 2x2; the sprite's images share one size$/);
    expect(() => w.addEmbedding([[1]], { labelImg: [{ width: 8193, height: 1, channels: 1, data: new Uint8Array(8193) }] })).toThrow(
      /^addEmbedding: 1 images of 8193x1 make a sprite of 8193x1 pixels, but the projector shows sprites of at most 8192x8192/,
    );
    expect(() => w.addEmbedding(mat, { globalStep: 1.5 })).toThrow(/^addEmbedding: globalStep must be an integer, got 1.5$/);
    expect(() => w.addEmbedding(mat, { tag: '..' })).toThrow(/^addEmbedding: tag must be a non-empty string other than '.' and '..', got "\.\."$/);
    // Nothing was written by the refused calls.
    expect(existsSync(join(dir, '00000'))).toBe(false);
    expect(existsSync(join(dir, 'projector_config.pbtxt'))).toBe(false);
    // A file where the embedding's folder should be.
    writeFileSync(join(dir, '00007'), 'x');
    expect(() => w.addEmbedding(mat, { globalStep: 7 })).toThrow(TensorBoardError);
    w.close();
    expect(() => w.addEmbedding(mat)).toThrow(/^addEmbedding: this SummaryWriter \(.*\) is closed$/);
  });
});
