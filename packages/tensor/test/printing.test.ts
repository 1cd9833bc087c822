// toString / console.log against PyTorch's str(tensor) (Note [printing like PyTorch] in
// src/format.ts); fixture from scripts/fixtures_printing.py.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture<string>('printing');

describe("printing matches PyTorch's str(tensor)", () => {
  for (const [name, want] of Object.entries(fx.cases)) {
    it(name, () => {
      const t = fx.load(name, 'cpu');
      expect(t.toString().replace(/, dtype=\w+/, '')).toBe(want);
      t.dispose();
    });
  }
});

describe('printing', () => {
  it('names dtypes as PyTorch does (not float32, nor int64 and bool with values), and requiresGrad', () => {
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], dtype=int32)');
    expect(tensor([1, 2], { dtype: 'int64' }).toString()).toBe('tensor([1, 2])');
    expect(tensor([1, 0]).ne(0).toString()).toBe('tensor([ True, False])');
    expect(tensor([], { dtype: 'int64' }).toString()).toBe('tensor([], dtype=int64)');
    expect(tensor([]).toString()).toBe('tensor([])');
    expect(tensor([1.5, -2], { requiresGrad: true }).toString()).toBe('tensor([ 1.5000, -2.0000], requiresGrad=true)');
    expect(tensor([], { dtype: 'int64' }).reshape([0, 3]).toString()).toBe('tensor([], size=(0, 3), dtype=int64)');
  });

  it('console.log shows what toString does', () => {
    const t = tensor([1e-6, 2e-6]);
    expect(inspect(t)).toBe('tensor([1.0000e-06, 2.0000e-06])');
  });
});
