import { ValueError, adamStep, adamStepForeach, type Tensor } from '@nutshell/tensor';
import { Optimizer, checkRange, type ParamsArg, type PreparedStep, type StepOps } from './optimizer.js';

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

type Resolved = Required<AdamOptions> & { lr: number };

abstract class AdamBase extends Optimizer<Resolved> {
  protected abstract readonly decoupled: boolean;
  /** PyTorch's Adam and AdamW both carry decoupled_weight_decay: inert where it names this class. */
  protected override inertTorchFlags(): Record<string, readonly unknown[]> {
    return { ...super.inertTorchFlags(), decoupledWeightDecay: [this.decoupled] };
  }
  protected validate(o: Resolved): void {
    const name = this.constructor.name;
    checkRange(name, 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange(name, 'eps', o.eps, o.eps >= 0, 'eps >= 0');
    if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new ValueError(`${name}: betas expected a pair [beta1, beta2], got ${JSON.stringify(o.betas)}`);
    checkRange(name, 'betas[0]', o.betas[0], o.betas[0] >= 0 && o.betas[0] < 1, '0 <= beta1 < 1');
    checkRange(name, 'betas[1]', o.betas[1], o.betas[1] >= 0 && o.betas[1] < 1, '0 <= beta2 < 1');
    checkRange(name, 'weightDecay', o.weightDecay, o.weightDecay >= 0, 'weightDecay >= 0');
  }
  protected readonly stepOps: StepOps = {
    single: ([p, g, m, v, vmax], attrs) => adamStep(p!, g!, m!, v!, vmax, attrs),
    foreach: (list, attrs) => adamStepForeach(list as [Tensor, Tensor, Tensor, Tensor, Tensor | null][], attrs),
  };
  protected prepare(p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, o: Resolved): PreparedStep {
    if (st.step === undefined) {
      st.step = 0;
      st.expAvg = this.stateTensor(p);
      st.expAvgSq = this.stateTensor(p);
    }
    // Made when first needed: amsgrad may be switched on part-way (group.amsgrad = true), and the
    // step op must never be handed a stand-in for it.
    if (o.amsgrad && st.maxExpAvgSq === undefined) st.maxExpAvgSq = this.stateTensor(p);
    st.step = (st.step as number) + 1;
    return {
      tensors: [p, grad, st.expAvg as Tensor, st.expAvgSq as Tensor, o.amsgrad ? (st.maxExpAvgSq as Tensor) : null],
      attrs: {
        lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay,
        decoupled: this.decoupled, amsgrad: o.amsgrad, maximize: o.maximize, step: st.step,
      },
      key: String(st.step),
    };
  }
}

/** Adam (torch.optim.Adam): L2 weight decay added to the gradient. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsArg<AdamOptions>, options: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, foreach: true }, options);
  }
}

/** AdamW (torch.optim.AdamW): decoupled weight decay, default 0.01. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsArg<AdamOptions>, options: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, foreach: true }, options);
  }
}
