import { Conv2d, Linear, MaxPool2d, Module, type ConvAlgo } from '@nutshell/nn';
import { flatten, relu, type Tensor } from '@nutshell/tensor';

/**
 * LeNet-5 for 28×28 images: conv 5×5 (padding 2) → ReLU → max-pool, conv 5×5 → ReLU → max-pool,
 * then 400 → 120 → 84 → 10. Parameter names match the same model written in PyTorch
 * (conv1.weight, fc3.bias …), so checkpoints load in either. The convolutions apply their ReLU
 * in the same kernel (`activation: 'relu'`), which is the same math as a separate relu.
 */
export class LeNet extends Module {
  conv1: Conv2d;
  conv2: Conv2d;
  pool = new MaxPool2d(2);
  fc1: Linear;
  fc2: Linear;
  fc3: Linear;

  constructor(options: { numClasses?: number; algo?: ConvAlgo } = {}) {
    super();
    this.conv1 = new Conv2d(1, 6, 5, { padding: 2, algo: options.algo, activation: 'relu' });
    this.conv2 = new Conv2d(6, 16, 5, { algo: options.algo, activation: 'relu' });
    this.fc1 = new Linear(16 * 5 * 5, 120);
    this.fc2 = new Linear(120, 84);
    this.fc3 = new Linear(84, options.numClasses ?? 10);
  }

  forward(x: Tensor): Tensor {
    x = this.pool.forward(this.conv1.forward(x));
    x = this.pool.forward(this.conv2.forward(x));
    x = flatten(x, 1);
    x = relu(this.fc1.forward(x));
    x = relu(this.fc2.forward(x));
    return this.fc3.forward(x);
  }
}
