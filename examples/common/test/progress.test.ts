import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/progress.js';

const sink = () => {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream };
};

describe('ProgressBar', () => {
  it('shows step, rate, ETA and metrics, one line per tenth in a log', () => {
    const { lines, stream } = sink();
    const bar = new ProgressBar({ total: 100, label: 'epoch 1', unit: 'img', stream });
    for (let i = 0; i < 100; i++) bar.tick(64, { loss: 2 - i / 100, acc: i / 100 });
    bar.finish();
    expect(lines.length).toBe(11);
    expect(lines.at(-1)).toMatch(/^epoch 1 █+ 100\/100 {2}\d+ img\/s {2}\d+:\d\d<0:00 {2}loss 1\.010 {2}acc 0\.9900\n$/);
  });
});
