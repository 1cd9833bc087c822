// The autoencoder: two stride-2 convolutions take a 28×28 image to 32×7×7, a linear layer to a
// code of `latent` numbers; the decoder mirrors it back up to 28×28, either with transposed
// convolutions (the learned upsampling of DCGAN-style decoders) or with bilinear upsampling
// followed by a plain convolution (which avoids transposed convolutions' checkerboard artefacts).
import { Conv2d, ConvTranspose2d, Flatten, Linear, Module, ReLU, Sequential, Sigmoid, Upsample } from '@nutshell/nn';
import { reshape, type Tensor } from '@nutshell/tensor';

export type Upsampling = 'transposed' | 'bilinear';

const up = (inChannels: number, outChannels: number, how: Upsampling): Module[] =>
  how === 'transposed'
    ? [new ConvTranspose2d(inChannels, outChannels, 3, { stride: 2, padding: 1, outputPadding: 1 })]
    : [new Upsample({ scaleFactor: 2, mode: 'bilinear' }), new Conv2d(inChannels, outChannels, 3, { padding: 1 })];

export class Autoencoder extends Module {
  encoder: Sequential;
  project: Linear;
  decoder: Sequential;

  constructor(readonly latent = 16, readonly upsampling: Upsampling = 'transposed') {
    super();
    this.encoder = new Sequential(
      new Conv2d(1, 16, 3, { stride: 2, padding: 1 }), new ReLU(), // 16×14×14
      new Conv2d(16, 32, 3, { stride: 2, padding: 1 }), new ReLU(), // 32×7×7
      new Flatten(), new Linear(32 * 7 * 7, latent),
    );
    this.project = new Linear(latent, 32 * 7 * 7);
    this.decoder = new Sequential(...up(32, 16, upsampling), new ReLU(), ...up(16, 1, upsampling), new Sigmoid());
  }

  /** The code of each image: [N, 1, 28, 28] → [N, latent]. */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x) as Tensor;
  }

  /** Images from codes: [N, latent] → [N, 1, 28, 28], pixels in (0, 1). */
  decode(z: Tensor): Tensor {
    const h = this.project.forward(z).relu();
    return this.decoder.forward(reshape(h, [z.shape[0], 32, 7, 7])) as Tensor;
  }

  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }
}
