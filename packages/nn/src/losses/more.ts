// More losses as modules (torch.nn.*Loss), over the tensor package's composed losses
// (ops/table/composed-losses-more.ts): GaussianNLLLoss, PoissonNLLLoss, MarginRankingLoss,
// HingeEmbeddingLoss, CosineEmbeddingLoss, TripletMarginLoss, TripletMarginWithDistanceLoss, SoftMarginLoss,
// MultiLabelSoftMarginLoss, MultiMarginLoss, CTCLoss. Options are checked when the module is made (keys,
// reduction and each option's type and range), as PyTorch's constructors check theirs.
import {
  ctcLoss, type CtcLengths, type CtcLossOptions,
  cosineEmbeddingLoss, gaussianNllLoss, hingeEmbeddingLoss, marginRankingLoss, multiLabelSoftMarginLoss, multiMarginLoss,
  poissonNllLoss, softMarginLoss, tripletMarginLoss, tripletMarginWithDistanceLoss,
  type GaussianNllLossOptions, type LossOptions, type MarginLossOptions, type MultiLabelSoftMarginLossOptions, type MultiMarginLossOptions,
  type PoissonNllLossOptions, type Tensor, type TripletMarginLossOptions, type TripletMarginWithDistanceLossOptions,
} from '@nutshell/tensor';
import { Loss, isNumber, type Rule } from './loss.js';

/** Gaussian negative log-likelihood of the target under N(input, var); forward(input, target, var) with var a tensor or a number. */
export class GaussianNLLLoss extends Loss<GaussianNllLossOptions> {
  constructor(options: GaussianNllLossOptions = {}) {
    super(options, ['full', 'eps', 'reduction']);
  }
  forward(input: Tensor, target: Tensor, variance: Tensor | number): Tensor {
    return gaussianNllLoss(input, target, variance, this.options);
  }
}

/** Poisson negative log-likelihood of target counts; the input holds log-rates unless logInput is false. */
export class PoissonNLLLoss extends Loss<PoissonNllLossOptions> {
  constructor(options: PoissonNllLossOptions = {}) {
    super(options, ['logInput', 'full', 'eps', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, this.options);
  }
}

/** max(0, −y·(x1 − x2) + margin), y = ±1 (default margin 0). */
export class MarginRankingLoss extends Loss<MarginLossOptions> {
  constructor(options: MarginLossOptions = {}) {
    super(options, ['margin', 'reduction']);
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, this.options);
  }
}

/** x where y = 1, max(0, margin − x) where y = −1 (default margin 1). */
export class HingeEmbeddingLoss extends Loss<MarginLossOptions> {
  constructor(options: MarginLossOptions = {}) {
    super(options, ['margin', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, this.options);
  }
}

/** 1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1; margin in [−1, 1] (default 0). */
export class CosineEmbeddingLoss extends Loss<MarginLossOptions> {
  constructor(options: MarginLossOptions = {}) {
    super(options, ['margin', 'reduction'], { margin: [(v) => isNumber(v) && v >= -1 && v <= 1, 'a number in [-1, 1]'] });
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, this.options);
  }
}

/** max(0, margin + d(a, p) − d(a, n)) with pairwise p-norm distances (default margin 1, p 2, eps 1e-6, no swap). */
export class TripletMarginLoss extends Loss<TripletMarginLossOptions> {
  constructor(options: TripletMarginLossOptions = {}) {
    super(options, ['margin', 'p', 'eps', 'swap', 'reduction'], {
      margin: [(v) => isNumber(v) && v > 0 && v < Infinity, 'a finite number > 0'],
      p: [(v) => isNumber(v) && v > 0, 'a number > 0 or Infinity'],
      eps: [(v) => isNumber(v) && Number.isFinite(v), 'a finite number'],
    });
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, negative, this.options);
  }
}

/** The triplet loss with any distance function (default pairwiseDistance); forward(anchor, positive, negative). */
export class TripletMarginWithDistanceLoss extends Loss<TripletMarginWithDistanceLossOptions> {
  constructor(options: TripletMarginWithDistanceLossOptions = {}) {
    super(options, ['distanceFunction', 'margin', 'swap', 'reduction'], {
      distanceFunction: [(v) => v === null || typeof v === 'function', 'a function (a, b) => distances, or null'],
      margin: [(v) => isNumber(v) && v > 0 && v < Infinity, 'a finite number > 0'],
    });
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginWithDistanceLoss(anchor, positive, negative, this.options);
  }
}

/** log(1 + exp(−y·x)), y = ±1. */
export class SoftMarginLoss extends Loss<LossOptions> {
  constructor(options: LossOptions = {}) {
    super(options, ['reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return softMarginLoss(input, target, this.options);
  }
}

/** Per-class logistic loss averaged over the classes (multi-label targets of 0/1 or probabilities), optionally weighted per class. */
export class MultiLabelSoftMarginLoss extends Loss<MultiLabelSoftMarginLossOptions> {
  constructor(options: MultiLabelSoftMarginLossOptions = {}) {
    super(options, ['weight', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return multiLabelSoftMarginLoss(input, target, this.options);
  }
}

/** The multi-class hinge over int64 class indices (p 1 or 2, default margin 1), optionally weighted per class. */
export class MultiMarginLoss extends Loss<MultiMarginLossOptions> {
  constructor(options: MultiMarginLossOptions = {}) {
    super(options, ['p', 'margin', 'weight', 'reduction'], { p: [(v) => v === 1 || v === 2, '1 or 2'] });
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, this.options);
  }
}

/**
 * Connectionist temporal classification (torch.nn.CTCLoss): forward(logProbs [T, N, C] after
 * logSoftmax, targets [N, S] or 1-D, inputLengths, targetLengths).
 */
export class CTCLoss extends Loss<CtcLossOptions> {
  constructor(options: CtcLossOptions = {}) {
    super(options, ['blank', 'reduction', 'zeroInfinity'], {
      blank: [(v) => Number.isInteger(v) && (v as number) >= 0, 'an integer >= 0'],
      zeroInfinity: [(v) => typeof v === 'boolean', 'a boolean'],
    });
  }
  forward(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}
