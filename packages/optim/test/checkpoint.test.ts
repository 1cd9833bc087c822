// Optimiser checkpoints: saved after some steps, loaded into a fresh optimiser, training goes on
// exactly as if it had never stopped; the file has PyTorch's state_dict names.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsFile, tensor, type Tensor } from '@nutshell/tensor';
import * as optim from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nutshell-optim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gradAt = (t: number, n: number) => Array.from({ length: n }, (_, i) => Math.sin(0.7 * t + 0.3 * i));

type Make = (ps: Tensor[]) => optim.Optimizer<{ lr: number }>;
const makers: [string, Make, string[]][] = [
  ['Adam', (ps) => new optim.Adam([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.05 }], { lr: 0.01, amsgrad: true }), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']],
  ['SGD', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }), ['momentum_buffer']],
  ['RMSprop', (ps) => new optim.RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 }), ['grad_avg', 'momentum_buffer', 'square_avg', 'step']],
  ['Adagrad', (ps) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.01 }), ['step', 'sum']],
  ['NAdam', (ps) => new optim.NAdam(ps, { lr: 0.01, weightDecay: 0.1 }), ['exp_avg', 'exp_avg_sq', 'mu_product', 'step']],
  ['RAdam', (ps) => new optim.RAdam(ps, { lr: 0.01, decoupledWeightDecay: true, weightDecay: 0.1 }), ['exp_avg', 'exp_avg_sq', 'step']],
  ['Adamax', (ps) => new optim.Adamax(ps, { lr: 0.01 }), ['exp_avg', 'exp_inf', 'step']],
  ['Adadelta', (ps) => new optim.Adadelta(ps, { lr: 0.5 }), ['acc_delta', 'square_avg', 'step']],
];

describe('saveOptimizer / loadOptimizer', () => {
  it('says on stderr when the process exits with a saveOptimizer still in flight (Note [pending saves])', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-optim-exit-'));
    const lost = join(dir, 'opt.safetensors');
    const script = `
      import { randn } from '@nutshell/tensor';
      import { Adam, saveOptimizer } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const p = randn([256]).requiresGrad_();
      const opt = new Adam([p]);
      p.grad = randn([256]);
      opt.step();
      saveOptimizer(opt, ${JSON.stringify(lost)});
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`the process exited with 1 checkpoint save still in flight; not written: ${lost}.`);
    expect(existsSync(lost)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, make, stateNames] of makers) {
    it(`${name}: resumes from the file exactly, with PyTorch's state names`, async () => {
      const run = async (stopAt: number | null) => {
        const ps = [tensor([1, -2, 3], { requiresGrad: true }), tensor([[0.5, 0.25]], { requiresGrad: true })];
        let opt = make(ps);
        for (let t = 0; t < 8; t++) {
          if (t === stopAt) {
            const path = join(dir, `${name}.safetensors`);
            await optim.saveOptimizer(opt, path);
            const file = readSafetensorsFile(path);
            expect([...new Set([...file.tensors.keys()].map((k) => k.replace(/^state\.\d+\./, '')))].sort()).toEqual(stateNames);
            expect(JSON.parse(file.metadata.param_groups)[0]).toHaveProperty('lr');
            opt = make(ps); // a fresh optimiser: no state, the constructor's options
            optim.loadOptimizer(opt, path);
          }
          ps.forEach((p, k) => {
            p.grad?.dispose();
            p.grad = tensor(gradAt(t + k, p.numel), { shape: p.shape });
          });
          opt.step();
        }
        return ps.map((p) => Array.from(p.dataSync()));
      };
      expect(await run(3)).toEqual(await run(null));
    });
  }

  it('refuses a file of another optimiser, or no optimiser at all', async () => {
    const p = tensor([1], { requiresGrad: true });
    const sgd = new optim.SGD([p], { lr: 0.1 });
    const path = join(dir, 'sgd-only.safetensors');
    await optim.saveOptimizer(sgd, path);
    expect(() => optim.loadOptimizer(new optim.Adam([p]), path)).toThrow(/^loadOptimizer: .* holds SGD state, not Adam's$/);
  });
});
