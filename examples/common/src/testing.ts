// What the examples' tests share (imported from '@nutshell/example-common/testing', so an
// example's run never loads vitest).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const runDirs: string[] = [];
// Registered when a test file imports this module, so folders made inside a test are removed too.
afterAll(() => {
  for (const dir of runDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh run folder under the system's temporary folder, removed after the test file. */
export function temporaryRunDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  runDirs.push(dir);
  return dir;
}

/** Width and height of a PNG file, after checking its signature and IHDR. */
export function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((v, i) => b[i] === v)) throw new Error(`${path}: not a PNG`);
  if (b.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${path}: first chunk is not IHDR`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
