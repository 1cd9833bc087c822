// klDiv's reduction 'mean' (the default) divides by the number of classes as well as the batch:
// PyTorch warns, and a distillation loss copied without 'batchmean' was 10× too small in a user
// trial with no word from nutshell.
import { expect, it } from 'vitest';
import { KL_DIV_MEAN_WARNING, klDiv, logSoftmax, softmax, tensor } from '../src/index.js';

it("warns once that reduction 'mean' divides by the support size too; 'batchmean' does not warn", async () => {
  const warnings: Error[] = [];
  const listen = (w: Error) => warnings.push(w);
  process.on('warning', listen);
  try {
    const x = tensor([[0.1, 0.5, 2], [1, -1, 0]]);
    const input = logSoftmax(x, 1);
    const target = softmax(tensor([[1, 0, 0], [0, 0, 1]]), 1);
    klDiv(input, target, { reduction: 'batchmean' });
    await new Promise((r) => setImmediate(r));
    expect(warnings).toHaveLength(0);
    const mean = klDiv(input, target);
    klDiv(input, target, { reduction: 'mean' });
    await new Promise((r) => setImmediate(r));
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual([KL_DIV_MEAN_WARNING]);
    expect(warnings[0].message).toMatch(/^klDiv: reduction 'mean' divides the total loss by both the batch size and the support size; 'batchmean'/);
    // The value stays PyTorch's 'mean': batchmean / number of classes here.
    expect(await mean.item()).toBeCloseTo((await klDiv(input, target, { reduction: 'batchmean' }).item()) / 3, 6);
  } finally {
    process.off('warning', listen);
  }
});
