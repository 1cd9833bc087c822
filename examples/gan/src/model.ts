// The DCGAN pair for 28×28 images (Radford et al. 2015, as in PyTorch's DCGAN tutorial, scaled
// down). The generator projects a noise vector to 128 feature maps of 7×7 and doubles them twice
// with transposed convolutions, batch normalisation and ReLU between, ending in tanh (pixels in
// [-1, 1]); the discriminator mirrors it with strided convolutions and LeakyReLU(0.2) down to one
// logit per image: "real" when positive.
import { BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, init, LeakyReLU, Linear, Module, ReLU, Sequential, Tanh, Unflatten } from '@nutshell/nn';
import type { Tensor } from '@nutshell/tensor';

export class Generator extends Module {
  main: Sequential;

  constructor(readonly latent = 64) {
    super();
    this.main = new Sequential(
      // A linear layer from the noise to 128×7×7: the tutorial's 7×7 transposed convolution of a
      // 1×1 input is the same product, but its weight gradient is several times slower on the cpu.
      new Linear(latent, 128 * 7 * 7, { bias: false }), new Unflatten(1, [128, 7, 7]), new BatchNorm2d(128), new ReLU(),
      new ConvTranspose2d(128, 64, 4, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(64), new ReLU(), // 64×14×14
      new ConvTranspose2d(64, 1, 4, { stride: 2, padding: 1, bias: false }), new Tanh(), // 1×28×28
    );
  }

  /** Images from noise: [N, latent] → [N, 1, 28, 28], pixels in (-1, 1). */
  forward(z: Tensor): Tensor {
    return this.main.forward(z) as Tensor;
  }
}

export class Discriminator extends Module {
  main: Sequential;

  constructor() {
    super();
    this.main = new Sequential(
      new Conv2d(1, 32, 4, { stride: 2, padding: 1, bias: false }), new LeakyReLU(0.2), // 32×14×14
      new Conv2d(32, 64, 4, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(64), new LeakyReLU(0.2), // 64×7×7
      new Conv2d(64, 1, 7, { bias: false }), new Flatten(0), // one logit per image
    );
  }

  /** One logit per image: [N, 1, 28, 28] → [N]. */
  forward(x: Tensor): Tensor {
    return this.main.forward(x) as Tensor;
  }
}

/**
 * DCGAN's initialisation, applied to every module (PyTorch's `model.apply(weights_init)`):
 * convolution and linear weights from N(0, 0.02), batch-norm scales from N(1, 0.02), shifts 0.
 */
export function dcganInit(m: Module): void {
  if (m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof Linear) {
    init.normal_(m.weight, 0, 0.02);
  } else if (m instanceof BatchNorm2d) {
    init.normal_(m.weight!, 1, 0.02);
    init.zeros_(m.bias!);
  }
}
