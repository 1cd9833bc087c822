import { Linear, Module } from '@nutshell/nn';
import { flatten, type Tensor } from '@nutshell/tensor';

/**
 * Multinomial logistic regression: one linear map from the 784 pixels to 10 class scores.
 * Softmax turns the scores into probabilities; crossEntropy (which applies log-softmax itself)
 * is its negative log-likelihood. Each row of `fc.weight` is a 28×28 template of its class.
 */
export class LogisticRegression extends Module {
  fc: Linear;

  constructor(inFeatures = 28 * 28, numClasses = 10) {
    super();
    this.fc = new Linear(inFeatures, numClasses);
  }

  forward(x: Tensor): Tensor {
    return this.fc.forward(flatten(x, 1));
  }
}
