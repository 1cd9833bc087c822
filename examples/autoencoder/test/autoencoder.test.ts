import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { load } from '@nutshell/nn';
import { trainAutoencoder, type Upsampling } from '../src/train.js';

for (const upsampling of ['transposed', 'bilinear'] as Upsampling[]) {
  it(`learns codes that reconstruct Fashion-MNIST far better than the mean image (${upsampling} upsampling)`, async () => {
    const runDir = temporaryRunDir(`autoencoder-${upsampling}`);
    const r = await trainAutoencoder({ epochs: 2, subset: 3000, batchSize: 50, upsampling, runDir, quiet: true, log: () => {} });
    expect(r.history.trainLoss[1]).toBeLessThan(r.history.trainLoss[0]);
    // Measured: a third of the mean image's error after these two short epochs, either way.
    expect(r.testLoss).toBeLessThan(0.5 * r.meanImageLoss);
    expect(pngSize(join(runDir, 'loss.png'))).toEqual({ width: 800, height: 500 });
    expect(pngSize(join(runDir, 'reconstructions.png')).width).toBeGreaterThanOrEqual(10 * 28 * 3);
    expect(pngSize(join(runDir, 'code-walk.png')).width).toBeGreaterThanOrEqual(8 * 28 * 3);
    expect(existsSync(join(runDir, 'tensorboard'))).toBe(true);
    const weights = load(join(runDir, 'autoencoder.safetensors'));
    const decoderWeight = upsampling === 'transposed' ? 'decoder.0.weight' : 'decoder.1.weight';
    expect(weights.get(decoderWeight)!.shape).toEqual(upsampling === 'transposed' ? [32, 16, 3, 3] : [16, 32, 3, 3]);
    expect([...weights.keys()]).toContain('encoder.5.weight');
  });
}
