import { Conv2d, Linear, MaxPool2d, Module } from '@nutshell/nn';
import { flatten, relu, type Tensor } from '@nutshell/tensor';

/**
 * A small CNN for 28×28 images: two 3×3 convolutions (16 and 32 channels) with ReLU and
 * max-pooling, whose 32×7×7 feature maps `fc`, the last layer, classifies. Transfer learning
 * keeps the convolutions (the feature extractor) and replaces fc.
 */
export class SmallCNN extends Module {
  conv1 = new Conv2d(1, 16, 3, { padding: 1 });
  conv2 = new Conv2d(16, 32, 3, { padding: 1 });
  pool = new MaxPool2d(2);
  fc: Linear;

  constructor(numClasses: number) {
    super();
    this.fc = new Linear(32 * 7 * 7, numClasses);
  }

  /** The 1568 features that fc classifies. */
  features(x: Tensor): Tensor {
    x = this.pool.forward(relu(this.conv1.forward(x)));
    x = this.pool.forward(relu(this.conv2.forward(x)));
    return flatten(x, 1);
  }

  forward(x: Tensor): Tensor {
    return this.fc.forward(this.features(x));
  }
}
