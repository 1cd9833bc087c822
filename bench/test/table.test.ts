import { describe, expect, it } from 'vitest';
import { fmtNumber, fmtPercent, fmtRatio, fmtTime, formatTable } from '../src/table.js';

describe('formatTable', () => {
  it('pads columns, right-aligns numbers and escapes pipes', () => {
    const t = formatTable(['name', 'ms'], [['conv a|b', '1.5'], ['x', '120']], ['l', 'r']);
    expect(t.split('\n')).toEqual([
      '| name      |  ms |',
      '|-----------|----:|',
      '| conv a\\|b | 1.5 |',
      '| x         | 120 |',
    ]);
  });

  it('refuses ragged rows', () => {
    expect(() => formatTable(['a', 'b'], [['1']])).toThrow(/row 0 has 1 cells, expected 2/);
  });
});

describe('number formats', () => {
  it('times pick their unit', () => {
    expect(fmtTime(0.0005)).toBe('500 ns');
    expect(fmtTime(0.00127)).toBe('1.27 µs');
    expect(fmtTime(64.04)).toBe('64.0 ms');
    expect(fmtTime(20940)).toBe('20.9 s');
    expect(fmtTime(undefined)).toBe('n/a');
    expect(fmtTime(NaN)).toBe('n/a');
  });

  it('ratios and other numbers', () => {
    expect(fmtRatio(0.2791)).toBe('0.28×');
    expect(fmtRatio(19.44)).toBe('19.4×');
    expect(fmtRatio(640.2)).toBe('640×');
    expect(fmtRatio(undefined)).toBe('n/a');
    expect(fmtNumber(343.21)).toBe('343');
    expect(fmtNumber(4567.8)).toBe('4,568');
    expect(fmtPercent(0.456)).toBe('46%');
  });
});
