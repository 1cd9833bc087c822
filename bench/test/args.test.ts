import { describe, expect, it } from 'vitest';
import { defaultThreads, parseArgs, SUITES } from '../src/args.js';

const d = { out: '/tmp/r', cores: 2 };

describe('parseArgs', () => {
  it('defaults: every suite, 1 thread and the core count, all peers', () => {
    const o = parseArgs([], d);
    expect(o.suites).toEqual([...SUITES]);
    expect(o.threads).toEqual([1, 2]);
    expect(o.quick).toBe(false);
    expect(o.peers).toEqual(['torch', 'ort', 'tfjs']);
    expect(o.out).toBe('/tmp/r');
    expect(o.devices).toBeUndefined();
    expect(defaultThreads(1)).toEqual([1]);
    expect(defaultThreads(8)).toEqual([1, 8]);
  });

  it('reads --suite, --threads, --quick, --peers, --only, --out (also with =)', () => {
    const o = parseArgs(['--suite', 'ops,overhead', '--threads=2', '--quick', '--peers', 'torch', '--only', 'conv', '--out', 'x'], d);
    expect(o.suites).toEqual(['ops', 'overhead']);
    expect(o.threads).toEqual([2]);
    expect(o.quick).toBe(true);
    expect(o.peers).toEqual(['torch']);
    expect(o.filter).toBe('conv');
    expect(o.out).toBe('x');
    expect(parseArgs(['--suite', 'ops', '--suite', 'training'], d).suites).toEqual(['ops', 'training']);
    expect(parseArgs(['--device', 'cuda'], d).devices).toEqual(['cuda']);
    expect(parseArgs(['--peers', 'none'], d).peers).toEqual([]);
    expect(parseArgs(['--device=cpu,cuda'], d).devices).toEqual(['cpu', 'cuda']);
  });

  it('refuses what it does not know', () => {
    expect(() => parseArgs(['--suite', 'gpu'], d)).toThrow(/unknown 'gpu'/);
    expect(() => parseArgs(['--threads', '0'], d)).toThrow(/--threads/);
    expect(() => parseArgs(['--threads', 'two'], d)).toThrow(/--threads/);
    expect(() => parseArgs(['--fast'], d)).toThrow(/unknown option '--fast'/);
    expect(() => parseArgs(['--out'], d)).toThrow(/--out/);
    expect(() => parseArgs(['--device', 'gpu'], d)).toThrow(/--device: unknown 'gpu'/);
  });
});
