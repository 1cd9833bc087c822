import { ValueError, checkOptions, elu, flatten, gelu, leakyRelu, logSoftmax, relu, sigmoid, softmax, softplus, tanh, type SoftplusOptions, type Tensor } from '@nutshell/tensor';
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
/**
 * log(1 + e^(beta·x)) / beta, x itself above beta·x = threshold: new Softplus(beta, threshold) or,
 * as PyTorch's keywords, new Softplus({ beta, threshold }) (the function softplus takes both too).
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(beta: number | SoftplusOptions = 1, threshold?: number) {
    super();
    // Only an object literal is the options form: anything else where beta goes meets numberArg.
    const options = beta !== null && typeof beta === 'object' && Object.getPrototypeOf(beta) === Object.prototype ? beta : null;
    if (!options) positionalArgs('Softplus', ['beta', 'threshold'], [beta, threshold]);
    else {
      checkOptions('Softplus', options, ['beta', 'threshold']);
      if (threshold !== undefined) throw new ValueError(`Softplus: threshold goes inside the options object when one is given (new Softplus({ beta, threshold })), got ${typeof threshold === 'number' ? threshold : typeof threshold} after it`);
    }
    this.beta = options ? (options.beta ?? 1) : (beta as number);
    this.threshold = (options ? options.threshold : threshold) ?? 20;
    numberArg('Softplus', 'beta', this.beta);
    numberArg('Softplus', 'threshold', this.threshold);
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
  protected override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
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
