// Losses as modules (torch.nn.*Loss), over the tensor package's fused loss ops.
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, huberLoss, klDiv, l1Loss, mseLoss, nllLoss, smoothL1Loss, ValueError,
  type HuberOptions, type KlDivOptions, type SmoothL1Options, type Tensor,
} from '@nutshell/tensor';
import { Loss } from './loss.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  weight?: Tensor;
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
}

/** Softmax cross-entropy over logits [N, C, …] with class indices or class probabilities. */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  constructor(options: CrossEntropyOptions = {}) {
    super(options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
    const smoothing = options.labelSmoothing;
    if (smoothing !== undefined && !(typeof smoothing === 'number' && smoothing >= 0 && smoothing <= 1)) {
      throw new ValueError(`CrossEntropyLoss: labelSmoothing expected a number in [0, 1], got ${JSON.stringify(smoothing)}`);
    }
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

export class NLLLoss extends Loss<{ weight?: Tensor; ignoreIndex?: number; reduction?: Reduction }> {
  constructor(options: { weight?: Tensor; ignoreIndex?: number; reduction?: Reduction } = {}) {
    super(options, ['weight', 'ignoreIndex', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

export class MSELoss extends Loss<{ reduction?: Reduction }> {
  constructor(options: { reduction?: Reduction } = {}) {
    super(options, ['reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

export class L1Loss extends Loss<{ reduction?: Reduction }> {
  constructor(options: { reduction?: Reduction } = {}) {
    super(options, ['reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

export class BCELoss extends Loss<{ weight?: Tensor; reduction?: Reduction }> {
  constructor(options: { weight?: Tensor; reduction?: Reduction } = {}) {
    super(options, ['weight', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

export class BCEWithLogitsLoss extends Loss<{ weight?: Tensor; posWeight?: Tensor; reduction?: Reduction }> {
  constructor(options: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {}) {
    super(options, ['weight', 'posWeight', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}

export class SmoothL1Loss extends Loss<SmoothL1Options> {
  constructor(options: SmoothL1Options = {}) {
    super(options, ['reduction', 'beta']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

export class HuberLoss extends Loss<HuberOptions> {
  constructor(options: HuberOptions = {}) {
    super(options, ['reduction', 'delta']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** The input holds log-probabilities; reduction 'batchmean' gives the true KL divergence per sample. */
export class KLDivLoss extends Loss<KlDivOptions> {
  constructor(options: KlDivOptions = {}) {
    super(options, ['reduction', 'logTarget'], { reduction: [(v) => v === 'mean' || v === 'batchmean' || v === 'sum' || v === 'none', "one of 'mean', 'batchmean', 'sum', 'none'"] });
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}
