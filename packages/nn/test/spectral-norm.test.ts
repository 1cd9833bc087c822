// Note [spectral norm]: spectralNorm against torch.nn.utils.spectral_norm (PyTorch 2.13) with the
// same weight and the same starting u and v: the state dict keys, a training forward (one power
// iteration) with its gradient to weight_orig, an eval forward (no iteration), removal.
import { describe, expect, it } from "vitest";
import { copyInto, noGrad, scope, sum, mul, arange, tensor } from "@nutshell/tensor";
import { expectClose } from "@nutshell/tensor/testing";
import * as nn from "../src/index.js";

const torch = {"keys": ["bias", "weight_orig", "weight_u", "weight_v"], "y": [0.5299286842346191, -0.6798074245452881, 0.8200827836990356, -0.5499486923217773, -0.10004273802042007, 0.07305248081684113, -0.04059705138206482, 0.401324599981308], "u": [-0.46103858947753906, 0.49324101209640503, -0.5155712366104126, 0.5275822877883911], "v": [0.44137120246887207, -0.35442402958869934, -0.8243634104728699], "g": [1.7815803289413452, -0.01734813302755356, -0.9203386306762695, 2.3968544006347656, -0.4214342534542084, -0.17682823538780212, 3.1041181087493896, -0.899388313293457, 0.39487090706825256, 3.7152276039123535, -1.3001302480697632, 1.1461596488952637], "y_eval": [0.5299286842346191, -0.6798074245452881, 0.8200827836990356, -0.5499486923217773, -0.10004273802042007, 0.07305248081684113, -0.04059705138206482, 0.401324599981308], "u_eval": [-0.46103858947753906, 0.49324101209640503, -0.5155712366104126, 0.5275822877883911], "w_removed": [0.0, 0.37024226784706116, 0.4000854790210724, 0.06209196895360947, -0.3329886198043823, -0.4219210147857666, -0.12294116616249084, 0.2890702188014984, 0.43531179428100586, 0.18132969737052917, -0.2393660843372345, -0.4399898052215576], "keys_removed": ["bias", "weight"], "ct_u": [5], "ct_v": [18]} as Record<string, any>;

describe("spectralNorm", () => {
  it("follows PyTorch: keys, training forward and its gradient, eval forward, removal", () => {
    scope(() => {
      const lin = new nn.Linear(3, 4);
      noGrad(() => {
        copyInto(lin.weight, tensor(Array.from({ length: 12 }, (_, k) => Math.sin(Math.floor(k / 3) * 3 + (k % 3))), { shape: [4, 3] }));
        copyInto(lin.bias!, tensor([0.1, -0.2, 0.3, 0]));
      });
      const sn = nn.spectralNorm(lin);
      expect([...sn.stateDict().keys()]).toEqual(torch.keys);
      const r = sn as unknown as Record<string, any>;
      noGrad(() => {
        const norm = (v: number[]) => Math.hypot(...v);
        copyInto(r.weight_u, tensor([1, 2, 3, 4].map((x) => x / norm([1, 2, 3, 4]))));
        copyInto(r.weight_v, tensor([1, -1, 2].map((x) => x / norm([1, -1, 2]))));
      });
      const x = tensor([[0.5, -1, 2], [1, 0, -0.5]]);
      const y = sn.forward(x);
      sum(mul(y, arange(8, { dtype: "float32" }).reshape([2, 4]))).backward();
      expectClose(y.dataSync(), torch.y, 1e-5, 1e-5, "training output");
      expectClose(r.weight_u.dataSync(), torch.u, 1e-5, 1e-5, "u after the iteration");
      expectClose(r.weight_v.dataSync(), torch.v, 1e-5, 1e-5, "v after the iteration");
      expectClose(r.weight_orig.grad.dataSync(), torch.g, 1e-5, 1e-4, "gradient to weight_orig");
      sn.eval();
      expectClose(sn.forward(x).dataSync(), torch.y_eval, 1e-5, 1e-5, "eval output");
      expectClose(r.weight_u.dataSync(), torch.u_eval, 1e-6, 1e-6, "u unchanged in eval");
      nn.removeSpectralNorm(sn);
      expectClose(sn.weight.dataSync(), torch.w_removed, 1e-5, 1e-5, "the weight after removal");
      expect([...sn.stateDict().keys()]).toEqual(torch.keys_removed);
      expect([...sn.parameters()].length).toBe(2);
    });
  });

  it("two forwards before one backward (a GAN discriminator on real and fake) keep both graphs; an optimiser made before still steps the weight", () => {
    scope(() => {
      const lin = new nn.Linear(3, 2);
      const before = lin.weight;
      const sn = nn.spectralNorm(lin);
      const x = tensor([[1, 2, 3]]);
      const loss = sum(sn.forward(x)).add(sum(sn.forward(x.mul(-1))));
      loss.backward();
      const r = sn as unknown as Record<string, any>;
      expect(r.weight_orig).toBe(before);
      expect(r.weight_orig.grad).not.toBeNull();
      expect(Number.isFinite(r.weight_orig.grad.dataSync()[0])).toBe(true);
    });
  });

  it("takes the output dim 1 of a transposed convolution; refuses what it cannot normalise", () => {
    const ct = nn.spectralNorm(new nn.ConvTranspose2d(2, 5, 3));
    const r = ct as unknown as Record<string, any>;
    expect(r.weight_u.shape).toEqual(torch.ct_u);
    expect(r.weight_v.shape).toEqual(torch.ct_v);
    expect(() => nn.spectralNorm(ct)).toThrow(/^spectralNorm: ConvTranspose2d has no parameter .weight./);
    expect(() => nn.spectralNorm(new nn.ReLU())).toThrow(/^spectralNorm: ReLU has no parameter .weight.$/);
    expect(() => nn.spectralNorm(new nn.Linear(2, 2), { nPowerIterations: 0 })).toThrow(/^spectralNorm: nPowerIterations expected a positive integer, got 0$/);
    expect(() => nn.removeSpectralNorm(new nn.Linear(2, 2))).toThrow(/^removeSpectralNorm: Linear\.weight has no spectral norm$/);
  });
});
