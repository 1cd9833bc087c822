import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { renderGuarded } from '../scripts/render-guarded.js';
import { renderNative } from '../scripts/render-native.js';
import { native } from '../src/native.js';
import { opIds } from '../src/gen/op-ids.gen.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

it('the committed native dispatch matches the op table (npm run gen -w @nutshell/tensor)', async () => {
  for (const [rel, content] of Object.entries({ ...(await renderNative()), ...renderGuarded() })) {
    expect(readFileSync(root + rel, 'utf8'), `${rel} is stale`).toBe(content);
  }
});

it('the loaded addon was built from the same table', () => {
  const names = native().opNames();
  expect(names.length).toBe(Object.keys(opIds).length);
  for (const [name, id] of Object.entries(opIds)) expect(names[id]).toBe(name);
});

it('every cpu-declared op has a cpu kernel registered', () => {
  for (const [name, id] of Object.entries(opIds)) expect(native().hasKernel(id, 0), name).toBe(true);
});
