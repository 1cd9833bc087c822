// The small models of scripts/fixtures_nn.py, written with @nutshell/nn.
import { crossEntropy, flatten, maxPool2d, relu, reshape, type Tensor } from '@nutshell/tensor';
import { BatchNorm2d, Conv2d, Embedding, LSTM, Linear, Module } from '../src/index.js';

export class SmallCNN extends Module {
  conv1 = new Conv2d(1, 4, 3, { padding: 1 });
  bn1 = new BatchNorm2d(4);
  conv2 = new Conv2d(4, 8, 3);
  fc = new Linear(8 * 2 * 2, 5);
  forward(x: Tensor): Tensor {
    x = maxPool2d(relu(this.bn1.forward(this.conv1.forward(x))), 2);
    x = maxPool2d(relu(this.conv2.forward(x)), 2);
    return this.fc.forward(flatten(x, 1));
  }
}

export class SmallLSTM extends Module {
  embed = new Embedding(12, 6);
  lstm = new LSTM(6, 8, { batchFirst: true });
  head = new Linear(8, 12);
  forward(idx: Tensor): Tensor {
    return reshape(this.head.forward(this.lstm.forward(this.embed.forward(idx)).output), [-1, 12]);
  }
}

export const lossOf = (logits: Tensor, target: Tensor): Tensor => crossEntropy(logits, reshape(target, [-1]));
