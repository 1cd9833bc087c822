import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, copyInto, decodeSafetensors, encodeSafetensors, memory, noGrad, readSafetensorsFile, scope, tensor } from '@nutshell/tensor';
import { expectClose, seededRandom } from '@nutshell/tensor/testing';
import { Linear, load, loadAsync, loadMetadata, save } from '../src/index.js';
import { SmallCNN } from './models.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'nutshell-ckpt-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('safetensors checkpoints', () => {
  it('round-trip every dtype with metadata', async () => {
    const dir = tmp();
    const state = new Map([
      ['f', tensor([[1.5, -2], [3, 4]])],
      ['i', tensor([1, -2, 3], { dtype: 'int32' })],
      ['l', tensor([5n, -6n])],
      ['u', tensor([7, 8], { dtype: 'uint8' })],
      ['b', tensor([true, false, true])],
      ['empty', tensor([], { shape: [0, 3] })],
    ]);
    await save(state, join(dir, 'c.safetensors'), { note: 'hi' });
    const back = load(join(dir, 'c.safetensors'));
    for (const [k, v] of state) {
      expect(back.get(k)!.shape).toEqual(v.shape);
      expect(back.get(k)!.dtype).toBe(v.dtype);
      expect(back.get(k)!.arraySync()).toEqual(v.arraySync());
    }
    expect(loadMetadata(join(dir, 'c.safetensors'))).toMatchObject({ note: 'hi', format: 'pt' });
  });

  it('encodeSafetensors refuses a plain record, saying what it takes (user trial AB)', () => {
    expect(() => encodeSafetensors({ low: 1 } as never)).toThrow(/^encodeSafetensors: tensors expected an iterable of \[name, RawTensor\] pairs \(a Map, or Object\.entries\(record\)\), got object/);
  });

  it('loadStateDict(path) reads the file, copies it in and keeps none of what it read (user trial AK: load()\'s Map looked like a leak)', async () => {
    const dir = tmp();
    const path = join(dir, 'lin.safetensors');
    const a = new Linear(6, 3);
    await save(a, path);
    const b = new Linear(6, 3);
    const wrong = new Linear(6, 4);
    const before = memory('cpu').liveTensors;
    expect(b.loadStateDict(path)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(memory('cpu').liveTensors).toBe(before);
    expect(b.weight.dataSync()).toEqual(a.weight.dataSync());
    expect(() => wrong.loadStateDict(path)).toThrow(/loadStateDict: 2 shape mismatches/);
    expect(memory('cpu').liveTensors).toBe(before);
    expect(() => b.loadStateDict(join(dir, 'missing.safetensors'))).toThrow(DataError);
  });

  it('a checkpoint written by PyTorch loads and gives the same outputs', () => {
    const model = new SmallCNN().eval();
    model.loadStateDict(load(join(fixtures, 'written-by-pytorch.safetensors')));
    const io = readSafetensorsFile(join(fixtures, 'written-by-pytorch.io.safetensors')).tensors;
    const out = scope(() => noGrad(() => model.forward(tensor(io.get('input')!.data, { shape: io.get('input')!.shape })).dataSync()));
    expectClose(out, io.get('output')!.data, 1e-5, 1e-4, 'outputs');
  });

  it('writes the checkpoint PyTorch reads back (scripts/fixtures_nn.py checks it)', async () => {
    // Deterministic weights so the committed file only changes when the format does.
    const model = new SmallCNN().eval();
    const rand = seededRandom(7);
    noGrad(() =>
      scope(() => {
        for (const p of model.parameters()) copyInto(p, tensor(Float32Array.from({ length: p.numel }, () => rand() - 0.5), { shape: p.shape }));
      }),
    );
    const input = Float32Array.from({ length: 2 * 144 }, () => rand());
    const output = scope(() => noGrad(() => model.forward(tensor(input, { shape: [2, 1, 12, 12] })).dataSync() as Float32Array));
    const path = join(fixtures, 'written-by-nutshell.safetensors');
    await save(model, path);
    writeFileSync(join(fixtures, 'written-by-nutshell.io.safetensors'), encodeSafetensors([
      ['input', { dtype: 'float32', shape: [2, 1, 12, 12], data: input }],
      ['output', { dtype: 'float32', shape: [2, 5], data: output }],
    ]));
    const keys = [...readSafetensorsFile(path).tensors.keys()].sort();
    expect(keys).toEqual([...model.stateDict().keys()].sort());
  });

  it('fuzz: thousands of mutated files are refused with a DataError or load consistently', () => {
    const good = encodeSafetensors([
      ['a', { dtype: 'float32', shape: [3, 4], data: new Float32Array(12).fill(1) }],
      ['b', { dtype: 'int64', shape: [2], data: new BigInt64Array([1n, 2n]) }],
      ['c', { dtype: 'uint8', shape: [5], data: new Uint8Array(5) }],
    ], { k: 'v' });
    const rand = seededRandom(99);
    let refused = 0, loaded = 0;
    const mutations: ((b: Buffer) => Buffer)[] = [
      (b) => { const c = Buffer.from(b); c[Math.floor(rand() * c.length)] = Math.floor(rand() * 256); return c; },
      (b) => b.subarray(0, Math.floor(rand() * b.length)),
      (b) => { const c = Buffer.from(b); c.writeBigUInt64LE(BigInt(Math.floor(rand() * 2 ** 40)), 0); return c; },
      (b) => { const c = Buffer.from(b); const i = 8 + Math.floor(rand() * Number(c.readBigUInt64LE(0))); c[i] = '0123456789[]{},:"'.charCodeAt(Math.floor(rand() * 17)); return c; },
      (b) => Buffer.concat([b, Buffer.alloc(Math.floor(rand() * 64))]),
      (b) => { const header = JSON.parse(b.subarray(8, 8 + Number(b.readBigUInt64LE(0))).toString()); header.a.shape = [Math.floor(rand() * 2 ** 31), 3]; const h = Buffer.from(JSON.stringify(header)); const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length)); return Buffer.concat([len, h, b.subarray(8 + Number(b.readBigUInt64LE(0)))]); },
      (b) => { const header = JSON.parse(b.subarray(8, 8 + Number(b.readBigUInt64LE(0))).toString()); header.b.data_offsets = [0, 16]; const h = Buffer.from(JSON.stringify(header)); const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length)); return Buffer.concat([len, h, b.subarray(8 + Number(b.readBigUInt64LE(0)))]); },
      (b) => { const header = JSON.parse(b.subarray(8, 8 + Number(b.readBigUInt64LE(0))).toString()); header.c.dtype = ['F16', 'Q8', 'F64', 7][Math.floor(rand() * 4)]; const h = Buffer.from(JSON.stringify(header)); const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length)); return Buffer.concat([len, h, b.subarray(8 + Number(b.readBigUInt64LE(0)))]); },
    ];
    for (let i = 0; i < 4000; i++) {
      const bad = mutations[i % mutations.length](good);
      try {
        const f = decodeSafetensors(bad, 'fuzz');
        for (const [, t] of f.tensors) expect(t.data.byteLength).toBe(t.shape.reduce((a, b) => a * b, 1) * ({ float32: 4, int32: 4, int64: 8, uint8: 1, bool: 1 }[t.dtype]));
        loaded++;
      } catch (err) {
        expect(err).toBeInstanceOf(DataError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1000);
    expect(loaded).toBeGreaterThan(10);
  });

  it('names the file and the field when refusing', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.safetensors'), Buffer.from([1, 2, 3]));
    expect(() => load(join(dir, 'x.safetensors'))).toThrowError(/x\.safetensors: file is 3 bytes, shorter than the 8-byte header length/);
    expect(() => load(join(dir, 'missing.safetensors'))).toThrowError(DataError);
  });

  it('saves a plain object of tensors, into a folder it creates (fourth user trial)', async () => {
    const path = join(tmp(), 'new', 'folder', 'w.safetensors');
    await save({ a: tensor([1, 2]), b: tensor([[3]]) }, path);
    const back = load(path);
    expect([...back.keys()].sort()).toEqual(['a', 'b']);
    expect(Array.from(back.get('a')!.dataSync())).toEqual([1, 2]);
    await expect(save({ a: 3 } as never, path)).rejects.toThrow(/^save: 'a' expected a tensor, got a number \(3\): plain values go in the metadata argument, as text \(save\(state, path, \{ a: '3' \}\)\)$/);
  });

  it("refuses a PyTorch-style nested checkpoint by key, pointing to what works (a user trial: \"'model' expected a tensor, got object\")", async () => {
    const dir = tmp();
    const path = join(dir, 'ckpt.safetensors');
    const m = new Linear(2, 2);
    const optimizerState = { state: {}, paramGroups: [{ lr: 0.1, params: [0, 1] }] }; // what an optimiser's stateDict() is
    await expect(save({ model: m.stateDict(), optimizer: optimizerState, epoch: 3 } as never, path)).rejects.toThrow(
      /^save: 'model' expected a tensor, got a Map \(a nested state dict\): save each part to its own file \(save\(model, path\), saveOptimizer\(optimizer, path\) from @nutshell\/optim\), or flatten it under a prefix \(Object.fromEntries\(\[...model.stateDict\(\)\].map\(\(\[k, t\]\) => \['model.' \+ k, t\]\)\)\); plain values go in the metadata argument$/,
    );
    await expect(save({ optimizer: optimizerState } as never, path)).rejects.toThrow(/^save: 'optimizer' expected a tensor, got a plain object \(a nested state dict\)/);
    await expect(save({ epoch: 3 } as never, path)).rejects.toThrow(/^save: 'epoch' expected a tensor, got a number \(3\): plain values go in the metadata argument, as text \(save\(state, path, \{ epoch: '3' \}\)\)$/);
    await expect(save(structuredClone(m.stateDict()), path)).rejects.toThrow(/^save: 'weight' expected a tensor, got a plain object \(structuredClone does not copy tensors/);
    expect(existsSync(path)).toBe(false);
    // The flattening the message suggests, with the epoch as metadata, is a file PyTorch reads as one dict.
    await save(Object.fromEntries([...m.stateDict()].map(([k, t]) => ['model.' + k, t])), path, { epoch: '3' });
    expect([...load(path).keys()].sort()).toEqual(['model.bias', 'model.weight']);
    expect(loadMetadata(path).epoch).toBe('3');
  });

  it('says on stderr when the process exits with a save still in flight (a user trial: save(); process.exit(0) wrote nothing, silently)', async () => {
    const dir = tmp();
    const run = (body: string) => {
      const script = `
        import { Linear, save } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
        const m = new Linear(64, 64);
        ${body}
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stderr })));
    };
    const lost = join(dir, 'lost.safetensors');
    const unawaited = await run(`save(m, ${JSON.stringify(lost)}); save(m, ${JSON.stringify(join(dir, 'lost2.safetensors'))}); process.exit(0);`);
    expect(unawaited.code).toBe(0);
    expect(unawaited.stderr).toContain(`(nutshell) Warning: the process exited with 2 checkpoint saves still in flight; not written: ${lost}, ${join(dir, 'lost2.safetensors')}. Await each save before the process ends (await save(model, path), await saveOptimizer(opt, path)).`);
    expect(existsSync(lost)).toBe(false);
    const kept = join(dir, 'kept.safetensors');
    const awaited = await run(`await save(m, ${JSON.stringify(kept)}); process.exit(0);`);
    expect(awaited.stderr).not.toContain('still in flight');
    expect(existsSync(kept)).toBe(true);
  });

  it('refuses metadata that is not text before writing (a number made a file nobody could read)', async () => {
    const path = join(tmp(), 'meta.safetensors');
    await expect(save({ a: tensor([1]) }, path, { epoch: 3 } as never)).rejects.toThrow(
      /^save: metadata 'epoch' expected a string \(safetensors metadata is text\), got number 3; pass String\(value\) or JSON.stringify\(value\)$/,
    );
    expect(existsSync(path)).toBe(false);
    expect(() => encodeSafetensors([], { nested: { a: 1 } } as never)).toThrow(/^encodeSafetensors: metadata 'nested' expected a string/);
    await save({ a: tensor([1]) }, path, { epoch: '3' });
    expect(loadMetadata(path).epoch).toBe('3');
  });

  it('loadAsync reads the file off the JS thread and gives what load gives', async () => {
    const path = join(tmp(), 'async.safetensors');
    await save({ a: tensor([1, 2, 3]), b: tensor([[4n]], { dtype: 'int64' }) }, path);
    const sync = load(path);
    const later = await loadAsync(path);
    expect([...later.keys()]).toEqual([...sync.keys()]);
    expect(Array.from(later.get('a')!.dataSync())).toEqual([1, 2, 3]);
    expect(later.get('b')!.dtype).toBe('int64');
    await expect(loadAsync(join(tmp(), 'missing.safetensors'))).rejects.toThrow(DataError);
  });

  it('reads half, bfloat16 and double tensors as float32, as PyTorch and Hugging Face checkpoints often hold them', () => {
    const half = Buffer.from(new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00, 0x7e00]).buffer); // 1 -2 0.5 65504 2^-24 inf NaN
    const bf16 = Buffer.from(new Uint16Array(Array.from(new Uint32Array(new Float32Array([1.5, -3.25, 1e30]).buffer), (b) => b >>> 16)).buffer);
    const f64 = Buffer.from(new Float64Array([0.1, -1e-40, 3]).buffer);
    const header = {
      h: { dtype: 'F16', shape: [7], data_offsets: [0, 14] },
      b: { dtype: 'BF16', shape: [3], data_offsets: [14, 20] },
      d: { dtype: 'F64', shape: [3], data_offsets: [20, 44] },
    };
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    const path = join(tmp(), 'mixed.safetensors');
    writeFileSync(path, Buffer.concat([len, json, half, bf16, f64]));
    const w = load(path);
    expect(w.get('h')!.dtype).toBe('float32');
    expect(Array.from(w.get('h')!.dataSync())).toEqual([1, -2, 0.5, 65504, 2 ** -24, Infinity, NaN]);
    const bf16Of = (x: number) => new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([x]).buffer)[0] & 0xffff0000]).buffer)[0];
    expect(Array.from(w.get('b')!.dataSync())).toEqual([1.5, -3.25, bf16Of(1e30)]);
    expect(Array.from(w.get('d')!.dataSync())).toEqual([Math.fround(0.1), Math.fround(-1e-40), 3]);
  });

  it("recognises PyTorch's torch.save files and says how to write safetensors instead", () => {
    const dir = tmp();
    // torch.save's first bytes (a zip archive since PyTorch 1.6; a pickle before).
    writeFileSync(join(dir, 'w.pt'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 8, 8, 0, 0, 0, 0]));
    expect(() => load(join(dir, 'w.pt'))).toThrowError(/w\.pt: this is a zip archive — PyTorch's torch\.save format .*not safetensors; in PyTorch: from safetensors\.torch import save_file; save_file\(model\.state_dict\(\), 'model\.safetensors'\)$/);
    writeFileSync(join(dir, 'old.pt'), Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20]));
    expect(() => load(join(dir, 'old.pt'))).toThrowError(/old\.pt: this is a Python pickle \(torch\.save's legacy format\), not safetensors/);
  });

  it('atomic save: a process killed in the middle of save leaves the previous checkpoint intact', async () => {
    const dir = tmp();
    const path = join(dir, 'model.safetensors');
    const first = new Linear(512, 512);
    await save(first, path);
    const before = readFileSync(path);
    // A child saves a large checkpoint over and over; we kill it at an arbitrary moment.
    const script = `
      import { Linear, save } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const m = new Linear(2048, 2048);
      process.send('ready');
      for (;;) await save(m, ${JSON.stringify(path)});
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const after = readFileSync(path);
    const file = decodeSafetensors(after, path); // whole and valid: either the old or a complete new one
    expect([...file.tensors.keys()].sort()).toEqual(['bias', 'weight']);
    expect(after.length === before.length || file.tensors.get('weight')!.shape[0] === 2048).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
    // The next save removes a temp file its dead writer left (one made by hand too, for certain);
    // a live process's stays.
    writeFileSync(join(dir, `.model.safetensors.${child.pid}.1.tmp`), 'partial');
    writeFileSync(join(dir, `.model.safetensors.${process.ppid}.2.tmp`), 'someone saving');
    await save(first, path);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([`.model.safetensors.${process.ppid}.2.tmp`]);
  });
});

describe('saving in half precision (found by a user trial: a student could not be shipped as float16)', () => {
  // Values and the bits PyTorch gives them: torch.tensor(values).half() / .bfloat16(), viewed as int16
  // (ties to even, overflow to inf, subnormals, values too small for either).
  const values = [1 / 3, 0.1, -2.5, 65504, 65519, 65520, 1e-8, 6e-8, 5.960464477539063e-8, 2.98023223876953125e-8, 1.0009765625, 1.00048828125, 1.00146484375, Infinity, -Infinity, -0, 3e38, 1.00390625, 1.005859375, 1e-40];
  const torchHalf = [13653, 11878, 49408, 31743, 31743, 31744, 0, 1, 1, 0, 15361, 15360, 15362, 31744, 64512, 32768, 31744, 15364, 15366, 0];
  const torchBf16 = [16043, 15821, 49184, 18304, 18304, 18304, 12844, 13185, 13184, 13056, 16256, 16256, 16256, 32640, 65408, 32768, 32610, 16256, 16257, 1];
  const rawBits = (file: Buffer, name: string) => {
    const hlen = Number(file.readBigUInt64LE(0));
    const entry = JSON.parse(file.subarray(8, 8 + hlen).toString())[name];
    const [begin, end] = entry.data_offsets;
    const data = file.subarray(8 + hlen + begin, 8 + hlen + end);
    return { dtype: entry.dtype, bits: Array.from({ length: data.length / 2 }, (_, i) => data.readUInt16LE(2 * i)) };
  };

  it("dtype 'float16' and 'bfloat16' round as PyTorch, keep integer tensors, and load back widened", async () => {
    const dir = tmp();
    const x = tensor(values);
    const count = tensor([7], { dtype: 'int64' });
    for (const [dtype, st, want] of [['float16', 'F16', torchHalf], ['bfloat16', 'BF16', torchBf16]] as const) {
      const path = join(dir, `${dtype}.safetensors`);
      await save({ x, count, nan: tensor([NaN]) }, path, { note: 'half' }, { dtype });
      const file = readFileSync(path);
      expect(rawBits(file, 'x')).toEqual({ dtype: st, bits: want });
      expect(rawBits(file, 'count').dtype).toBe('I64');
      const back = load(path);
      expect(Number.isNaN(back.get('nan')!.dataSync()[0])).toBe(true);
      expect(back.get('count')!.dataSync()).toEqual(BigInt64Array.from([7n]));
      const decoded = decodeSafetensors(file);
      expect(decoded.tensors.get('x')!.storedAs).toBe(st);
      expect(decoded.metadata.note).toBe('half');
    }
  });

  it('a model saved as float16 takes half the bytes and loads into the same model', async () => {
    const dir = tmp();
    const model = new Linear(64, 32);
    await save(model, join(dir, 'f32.safetensors'));
    await save(model, join(dir, 'f16.safetensors'), {}, { dtype: 'float16' });
    const f32 = readFileSync(join(dir, 'f32.safetensors')).length;
    const f16 = readFileSync(join(dir, 'f16.safetensors')).length;
    expect(f16).toBeLessThan(f32 * 0.52);
    const copy = new Linear(64, 32);
    copy.loadStateDict(load(join(dir, 'f16.safetensors')));
    expectClose(copy.weight.dataSync(), model.weight.dataSync(), 1e-3, 1e-3);
    await expect(save(model, join(dir, 'x.safetensors'), {}, { dtype: 'half' as never })).rejects.toThrow(/^save: dtype expected 'float32', 'float16' or 'bfloat16', got "half"$/);
  });
});
