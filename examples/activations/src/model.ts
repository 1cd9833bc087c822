import { Linear, Module, init } from '@nutshell/nn';
import { flatten, relu, sigmoid, tanh, type Tensor } from '@nutshell/tensor';

/** 'gain': Glorot uniform scaled by the unit's gain (the fair comparison); 'pytorch': nn.Linear's default, the same for every unit. */
export type InitRule = 'gain' | 'pytorch';
export type Activation = 'sigmoid' | 'tanh' | 'relu';
export const activations: readonly Activation[] = ['sigmoid', 'tanh', 'relu'];
const fns: Record<Activation, (x: Tensor) => Tensor> = { sigmoid, tanh, relu };

/**
 * 784 → hidden → … → hidden → 10 (`depth` hidden layers, 2 by default) with one choice of
 * nonlinearity after every hidden layer. Layers are fc1, fc2 … (PyTorch's names for the same model).
 */
export class MLP extends Module {
  private readonly act: (x: Tensor) => Tensor;
  readonly layers: Linear[] = [];

  constructor(readonly activation: Activation, hidden = 128, depth = 2, options: { init?: InitRule } = {}, inFeatures = 28 * 28, numClasses = 10) {
    super();
    const sizes = [inFeatures, ...new Array<number>(depth).fill(hidden), numClasses];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const layer = new Linear(sizes[i], sizes[i + 1]);
      (this as unknown as Record<string, Linear>)[`fc${i + 1}`] = layer;
    }
    this.layers = sizes.slice(1).map((_, i) => (this as unknown as Record<string, Linear>)[`fc${i + 1}`]);
    this.act = fns[activation];
    if ((options.init ?? 'gain') === 'gain') {
      // Glorot's rule scaled by the nonlinearity's gain (1 for sigmoid, 5/3 for tanh, √2 for
      // ReLU: He's rule): every unit type starts with activations of about the same scale.
      this.layers.forEach((layer, i) => {
        init.xavierUniform(layer.weight, i + 1 < this.layers.length ? init.calculateGain(activation) : 1);
        init.constant(layer.bias!, 0);
      });
    }
  }

  forward(x: Tensor): Tensor {
    x = flatten(x, 1);
    this.layers.forEach((layer, i) => {
      x = layer.forward(x);
      if (i + 1 < this.layers.length) x = this.act(x);
    });
    return x;
  }

  protected override extraRepr(): string {
    return `${this.activation}, depth=${this.layers.length - 1}`;
  }
}
