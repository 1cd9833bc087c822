// Where the bench's pieces live, wherever it runs from (src/ under vitest, dist/ under node).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ */
export const benchRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const peersDir = join(benchRoot, 'peers');
export const modelsDir = join(peersDir, 'models');
export const pythonDir = join(benchRoot, 'python');
export const resultsDir = join(benchRoot, 'results');
export const torchPython = process.env.TORCH_PYTHON ?? '/opt/torch-venv/bin/python';
export const fashionDir = process.env.NUTSHELL_DATA ? join(process.env.NUTSHELL_DATA, 'fashion-mnist') : '/usr/share/datasets/fashion-mnist';
export const fashionDirs = [fashionDir, '/usr/share/datasets/fashion-mnist'];

export function findFashion(): string | undefined {
  return fashionDirs.find((d) => existsSync(join(d, 'train-images-idx3-ubyte.gz')) || existsSync(join(d, 'train-images-idx3-ubyte')));
}

/**
 * Text for the char-LSTM: the machine's license texts (plain English, installed on Debian and
 * Ubuntu); on a machine without them (a bare GPU box), this repository's Markdown.
 */
export const charTextFiles = (() => {
  const licenses = ['GPL-3', 'Apache-2.0', 'LGPL-3', 'MPL-2.0', 'Artistic'].map((f) => join('/usr/share/common-licenses', f)).filter((f) => existsSync(f));
  if (licenses.length) return licenses;
  const repo = resolve(benchRoot, '..');
  const docs = join(repo, 'docs');
  return [join(repo, 'README.md'), ...(existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join(docs, f)) : [])].filter((f) => existsSync(f));
})();

/** A max pooling's workload: `d` (depth) makes it 3-d over [N, C, D, H, W] with a k×k×k window. */
export interface PoolShape {
  name: string;
  label: string;
  n: number;
  c: number;
  d?: number;
  h: number;
  w: number;
  k: number;
  stride: number;
}

export interface Shapes {
  /** `d` (depth) makes it a 3-d convolution over [N, C, D, H, W] with a k×k×k kernel. */
  conv: { name: string; label: string; n: number; c: number; o: number; d?: number; h: number; w: number; k: number; pad: number }[];
  maxpool: PoolShape;
  maxpool3d: PoolShape;
  batchnorm: { name: string; label: string; n: number; c: number; h: number; w: number };
  lstm: { seq: number; batch: number; input: number; hidden: number };
  matmul: { m: number; k: number; n: number };
  peak: { m: number; k: number; n: number };
  lenet: { batch: number; lr: number; momentum: number; testBatch: number };
  charLstm: { seq: number; batch: number; embed: number; hidden: number };
  inception: { n: number; c: number; h: number; w: number };
  transformer: { n: number; seq: number; d: number; heads: number };
}

export const shapes: Shapes = JSON.parse(readFileSync(join(benchRoot, 'shapes.json'), 'utf8'));
