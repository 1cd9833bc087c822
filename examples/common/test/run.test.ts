import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { runFolder } from '../src/run.js';

const root = mkdtempSync(`${tmpdir()}/nutshell-runs-`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('gives every run a folder of its own, even two started in the same second', () => {
  process.env.NUTSHELL_RUNS = root;
  try {
    const [a, b, c] = [runFolder('demo'), runFolder('demo'), runFolder('demo')];
    expect(new Set([a, b, c]).size).toBe(3);
    expect([a, b, c].every((d) => existsSync(d))).toBe(true);
  } finally {
    delete process.env.NUTSHELL_RUNS;
  }
});
