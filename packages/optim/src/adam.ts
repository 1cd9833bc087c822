import { adamStep, adamStepForeach, type Tensor } from '@nutshell/tensor';
import { Optimizer, checkBetas, checkRange, type ParamsArg, type PreparedStep, type StepOps } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** One foreach call per group and device (default), or one op per parameter. */
  foreach?: boolean;
}

export interface NAdamOptions extends Omit<AdamOptions, 'amsgrad'> {
  /** How fast NAdam's momentum schedule warms up (PyTorch's momentum_decay, default 4e-3). */
  momentumDecay?: number;
  /** Weight decay applied to the parameter (AdamW's way) instead of added to the gradient. */
  decoupledWeightDecay?: boolean;
}

export interface RAdamOptions extends Omit<AdamOptions, 'amsgrad'> {
  /** Weight decay applied to the parameter (AdamW's way) instead of added to the gradient. */
  decoupledWeightDecay?: boolean;
}

type Resolved = { lr: number; betas: [number, number]; eps: number; weightDecay: number; maximize: boolean; foreach: boolean; amsgrad?: boolean; momentumDecay?: number; decoupledWeightDecay?: boolean };

// Adam, AdamW, NAdam and RAdam share their moments and one step op (Note [adam variants] in the
// tensor package's ops/table/optim.ts); they differ in the variant and where weight decay goes.
abstract class AdamBase<O extends Resolved = Resolved> extends Optimizer<O> {
  protected abstract readonly variant: 'adam' | 'nadam' | 'radam';
  /** Whether weight decay is decoupled (AdamW), fixed by the class or, for NAdam and RAdam, an option. */
  protected abstract decoupled(o: O): boolean;
  /** PyTorch's Adam and AdamW both carry decoupled_weight_decay: inert where it names this class. */
  protected override inertTorchFlags(): Record<string, readonly unknown[]> {
    return { ...super.inertTorchFlags(), decoupledWeightDecay: [this.decoupled(this.defaults)] };
  }
  protected validate(o: O): void {
    const name = this.constructor.name;
    checkRange(name, 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange(name, 'eps', o.eps, o.eps >= 0, 'eps >= 0');
    checkBetas(name, o.betas);
    checkRange(name, 'weightDecay', o.weightDecay, o.weightDecay >= 0, 'weightDecay >= 0');
    if (o.momentumDecay !== undefined) checkRange(name, 'momentumDecay', o.momentumDecay, o.momentumDecay >= 0, 'momentumDecay >= 0');
  }
  protected readonly stepOps: StepOps = {
    single: ([p, g, m, v, vmax], attrs) => adamStep(p!, g!, m!, v!, vmax, attrs),
    foreach: (list, attrs) => adamStepForeach(list as [Tensor, Tensor, Tensor, Tensor, Tensor | null][], attrs),
  };
  protected prepare(p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, o: O): PreparedStep {
    if (st.step === undefined) {
      st.step = 0;
      st.expAvg = this.stateTensor(p);
      st.expAvgSq = this.stateTensor(p);
      if (this.variant === 'nadam') st.muProduct = 1;
    }
    // Made when first needed: amsgrad may be switched on part-way (group.amsgrad = true), and the
    // step op must never be handed a stand-in for it.
    if (o.amsgrad && st.maxExpAvgSq === undefined) st.maxExpAvgSq = this.stateTensor(p);
    st.step = (st.step as number) + 1;
    let nadam = {};
    if (this.variant === 'nadam') {
      const momentumDecay = o.momentumDecay!;
      // PyTorch's mu_product: the product of every step's momentum so far, this one's included.
      // PyTorch keeps it in a float32 tensor, so it is rounded to float32 at every step as there.
      st.muProduct = Math.fround((st.muProduct as number) * Math.fround(o.betas[0] * (1 - 0.5 * 0.96 ** (st.step * momentumDecay))));
      nadam = { momentumDecay, muProduct: st.muProduct };
    }
    return {
      tensors: [p, grad, st.expAvg as Tensor, st.expAvgSq as Tensor, o.amsgrad ? (st.maxExpAvgSq as Tensor) : null],
      attrs: {
        lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay,
        decoupled: this.decoupled(o), amsgrad: o.amsgrad ?? false, maximize: o.maximize, step: st.step, variant: this.variant, ...nadam,
      },
      key: this.variant === 'nadam' ? `${st.step}|${st.muProduct}` : String(st.step),
    };
  }
}

/** Adam (torch.optim.Adam): L2 weight decay added to the gradient. */
export class Adam extends AdamBase {
  protected readonly variant = 'adam';
  protected decoupled(): boolean {
    return false;
  }
  constructor(params: ParamsArg<AdamOptions>, options: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, foreach: true }, options);
  }
}

/** AdamW (torch.optim.AdamW): decoupled weight decay, default 0.01. */
export class AdamW extends AdamBase {
  protected readonly variant = 'adam';
  protected decoupled(): boolean {
    return true;
  }
  constructor(params: ParamsArg<AdamOptions>, options: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, foreach: true }, options);
  }
}

/** NAdam (torch.optim.NAdam): Adam with Nesterov momentum on a warming-up momentum schedule. */
export class NAdam extends AdamBase<Required<NAdamOptions>> {
  protected readonly variant = 'nadam';
  protected decoupled(o: Required<NAdamOptions>): boolean {
    return o.decoupledWeightDecay;
  }
  constructor(params: ParamsArg<NAdamOptions>, options: NAdamOptions = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false, foreach: true }, options);
  }
}

/** RAdam (torch.optim.RAdam): Adam with the variance of its adaptive step rectified; plain momentum for the first steps. */
export class RAdam extends AdamBase<Required<RAdamOptions>> {
  protected readonly variant = 'radam';
  protected decoupled(o: Required<RAdamOptions>): boolean {
    return o.decoupledWeightDecay;
  }
  constructor(params: ParamsArg<RAdamOptions>, options: RAdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false, foreach: true }, options);
  }
}
