import { elu, flatten, gelu, leakyRelu, logSoftmax, relu, sigmoid, softmax, softplus, tanh, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { intArg, numberArg, positionalArgs } from './arg-checks.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    positionalArgs('LeakyReLU', ['negativeSlope'], [negativeSlope]);
    numberArg('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  protected override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    positionalArgs('ELU', ['alpha'], [alpha]);
    numberArg('ELU', 'alpha', alpha);
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
}
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    positionalArgs('GELU', ['approximate'], [approximate]);
  }
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    positionalArgs('Softplus', ['beta', 'threshold'], [beta, threshold]);
    numberArg('Softplus', 'beta', beta);
    numberArg('Softplus', 'threshold', threshold);
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
    positionalArgs('Softmax', ['dim'], [dim]);
    intArg('Softmax', 'dim', dim);
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
    positionalArgs('LogSoftmax', ['dim'], [dim]);
    intArg('LogSoftmax', 'dim', dim);
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
}
/** Flattens dims startDim..endDim (default: all but the batch dim). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    positionalArgs('Flatten', ['startDim', 'endDim'], [startDim, endDim]);
    intArg('Flatten', 'startDim', startDim);
    intArg('Flatten', 'endDim', endDim);
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}
