import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng, writePng } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nutshell-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writePng', () => {
  it('creates folders, replaces the file, and leaves no temp file behind', async () => {
    const path = join(dir, 'a', 'b', 'chart.png');
    const first = encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3) });
    await writePng(path, first);
    expect(readFileSync(path).equals(first)).toBe(true);
    const second = encodePng({ width: 2, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    await writePng(path, second);
    expect(readFileSync(path).equals(second)).toBe(true);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['chart.png']);
  });

  it('removes its temp file when the rename fails', async () => {
    // A non-empty folder in the target's place makes the rename fail after the temp file is written.
    const target = join(dir, 'occupied');
    mkdirSync(join(target, 'inside'), { recursive: true });
    await expect(writePng(target, Uint8Array.of(1))).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
