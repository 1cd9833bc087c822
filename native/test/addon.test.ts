// The addon's own surface: it loads, reports its backends, and turns every native failure into a
// JS error (never an abort). Ops themselves are tested through @nutshell/tensor's op table.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addon, backends, formatBackends } from '../js/index.js';

const a = addon();
const f32 = (values: number[]) => new Float32Array(values);

describe('backends', () => {
  it('says why, instead of throwing, when the addon cannot load (a health check can ask)', () => {
    const script = `import('${new URL('../dist/index.js', import.meta.url).href}').then((m) => { const b = m.backends(); console.log(JSON.stringify([b.cpu.available, b.cuda.available, b.cpu.reason])); })`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, NUTSHELL_ADDON: '/nonexistent/nutshell.node' }, encoding: 'utf8' });
    const [cpu, cuda, reason] = JSON.parse(out) as [boolean, boolean, string];
    expect([cpu, cuda]).toEqual([false, false]);
    expect(reason).toMatch(/^@nutshell\/native: cannot load the addon at \/nonexistent\/nutshell.node \(/);
  });

  it('reports cpu available with oneDNN, ISA and threads', () => {
    const b = backends();
    expect(b.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(b.cpu.compiled).toBe(true);
    expect(b.cpu.available).toBe(true);
    expect(b.cpu.facts.onednn).toMatch(/^2\.\d+\.\d+$/);
    expect(b.cpu.facts.isa).toBeTruthy();
    expect(Number(b.cpu.facts.threads)).toBeGreaterThan(0);
  });

  it('reports cuda compiled-or-not, and why it is unavailable', () => {
    const { cuda } = backends();
    if (!cuda.available) expect(cuda.reason.length).toBeGreaterThan(0);
    if (cuda.compiled) {
      expect(cuda.facts.cudnnCompiled).toMatch(/^9\./);
      expect(cuda.facts.cublasCompiled).toMatch(/^\d+\./);
      expect(cuda.facts.cudaCompiled).toMatch(/^\d+\./);
    }
    expect(formatBackends()).toContain('cuda');
  });

  it('`nutshell info` prints the same report from the command line', () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const out = execFileSync(process.execPath, [cli, 'info', '--json'], { encoding: 'utf8' });
    const report = JSON.parse(out);
    expect(report.cpu.available).toBe(true);
    expect(Object.keys(report)).toEqual(['version', 'cpu', 'cuda']);
  });
});

describe('storage', () => {
  it('round-trips bytes, synchronously and asynchronously', async () => {
    const h = a.fromBytes(0, 0, f32([1, 2, 3]));
    expect(Array.from(new Float32Array(a.readSync(h, 12)))).toEqual([1, 2, 3]);
    expect(Array.from(new Float32Array(await a.read(h, 12)))).toEqual([1, 2, 3]);
    const shared = a.share(h);
    a.release(h);
    expect(Array.from(new Float32Array(a.readSync(shared, 12)))).toEqual([1, 2, 3]);
    a.release(shared);
  });

  it('counts live storages and bytes', () => {
    const before = a.memory(0, 0);
    const h = a.fromBytes(0, 0, new Uint8Array(1000));
    expect(a.memory(0, 0).liveTensors).toBe(before.liveTensors + 1);
    expect(a.memory(0, 0).liveBytes).toBe(before.liveBytes + 1000);
    a.release(h);
    expect(a.memory(0, 0).liveBytes).toBe(before.liveBytes);
  });
});

describe('native failures become JS errors', () => {
  it('a released handle', () => {
    const h = a.fromBytes(0, 0, f32([1]));
    a.release(h);
    a.release(h); // idempotent
    expect(() => a.readSync(h, 4)).toThrowError(/disposed/);
  });

  it('reading past the storage', () => {
    const h = a.fromBytes(0, 0, f32([1]));
    expect(() => a.readSync(h, 8)).toThrowError(/asked for 8 bytes of a 4-byte storage/);
  });

  it('an unknown op id, a bad dtype, a shape bigger than its storage', () => {
    const h = a.fromBytes(0, 0, f32([1, 2]));
    // packed = [handles…][meta…][attrs…]
    const run = (op: number, handles: number[], meta: number[]) => a.run(op, 0, 0, Float64Array.from([...handles, ...meta]), handles.length, meta.length, 0);
    expect(() => run(-1, [h], [0, 1, 2, 0])).toThrowError(/unknown op id/);
    expect(() => run(0, [h], [9, 1, 2, 0])).toThrowError(/unknown dtype/);
    expect(() => run(0, [h, h], [0, 1, 100, 0, 1, 100, 1, 0, 1, 100])).toThrowError(/exceeds its storage/);
    expect(() => run(0, [h], [0])).toThrowError(/truncated/);
    expect(() => a.run(0, 0, 0, new Float64Array(2), 1, 5, 0)).toThrowError(/counts exceed the packed buffer/);
    expect(() => a.run(0, 0, 0, [h] as unknown as Float64Array, 1, 0, 0)).toThrowError(/expected a Float64Array/);
    expect(() => run(0, [h + 1000], [0, 1, 2, 1, 0, 1, 2])).toThrowError(/not a tensor handle/);
  });

  it('a wrong device type, a cuda request without cuda', () => {
    expect(() => a.fromBytes(7, 0, f32([1]))).toThrowError(/unknown device type 7/);
    if (!backends().cuda.available) {
      expect(() => a.fromBytes(1, 0, f32([1]))).toThrowError(expect.objectContaining({ nutshellKind: 'DeviceError' }));
    }
  });

  it('a bad thread count', () => {
    expect(() => a.setNumThreads(0)).toThrowError(/expected 1 to 1024 threads, got 0/);
  });
});
