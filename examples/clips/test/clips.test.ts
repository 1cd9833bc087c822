import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { load } from '@nutshell/nn';
import { FRAMES, MovingFashion, trainClips } from '../src/train.js';

it('makes clips in which the garment drifts one pixel per frame in its direction', () => {
  const clips = new MovingFashion({ train: false, subset: 8 });
  const { clip, direction } = clips.get(2); // direction (2·5 + 3) mod 8 = 5: south-west
  expect(direction).toBe(5);
  expect(clip.shape).toEqual([1, FRAMES, 36, 36]);
  // The garment's centre of mass moves by (+1, −1) per frame.
  const centre = (t: number) => {
    let m = 0, y = 0, x = 0;
    for (let i = 0; i < 36 * 36; i++) {
      const v = clip.data[t * 36 * 36 + i];
      m += v;
      y += v * Math.floor(i / 36);
      x += v * (i % 36);
    }
    return [y / m, x / m];
  };
  const [y0, x0] = centre(0), [y7, x7] = centre(FRAMES - 1);
  expect(y7 - y0).toBeCloseTo(FRAMES - 1, 5);
  expect(x7 - x0).toBeCloseTo(-(FRAMES - 1), 5);
});

// Measured: after two short epochs the 3-d model reads the direction of nearly every test clip,
// the per-frame model no better than chance; both learn the garment.
it('a 3-d model reads the direction of motion; a per-frame 2-d model cannot', async () => {
  const runDir = temporaryRunDir('clips');
  const clip = await trainClips({ model: 'clip', epochs: 2, subset: 1200, batchSize: 32, runDir, quiet: true, log: () => {} });
  expect(clip.test.direction).toBeGreaterThan(0.9);
  expect(clip.test.label).toBeGreaterThan(0.2);
  const frame = await trainClips({ model: 'frame', epochs: 2, subset: 1200, batchSize: 32, runDir: temporaryRunDir('frames'), quiet: true, log: () => {} });
  expect(frame.test.direction).toBeLessThan(0.3);
  expect(frame.test.label).toBeGreaterThan(0.4);
  expect(pngSize(join(runDir, 'accuracy.png'))).toEqual({ width: 800, height: 500 });
  expect(pngSize(join(runDir, 'clips.png')).width).toBeGreaterThanOrEqual(FRAMES * 36 * 3);
  expect(existsSync(join(runDir, 'tensorboard'))).toBe(true);
  const weights = load(join(runDir, 'clips.safetensors'));
  expect(weights.get('body.0.weight')!.shape).toEqual([8, 1, 3, 3, 3]);
  expect([...weights.keys()]).toContain('body.1.running_mean');
  expect([...weights.keys()]).toContain('directionHead.weight');
}, 180_000);
