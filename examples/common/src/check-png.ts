import { readFileSync } from 'node:fs';

/** Width and height of a PNG file, after checking its signature and IHDR (for the examples' tests). */
export function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((v, i) => b[i] === v)) throw new Error(`${path}: not a PNG`);
  if (b.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${path}: first chunk is not IHDR`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
