import { adadeltaStep, adadeltaStepForeach, type Tensor } from '@nutshell/tensor';
import { Optimizer, checkRange, type ParamsArg, type PreparedStep, type StepOps } from './optimizer.js';

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
  /** One foreach call per group and device (default), or one op per parameter. */
  foreach?: boolean;
}

/** Adadelta (torch.optim.Adadelta): steps scaled by the running RMS of past steps over that of the gradients. */
export class Adadelta extends Optimizer<Required<AdadeltaOptions>> {
  constructor(params: ParamsArg<AdadeltaOptions>, options: AdadeltaOptions = {}) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, foreach: true }, options);
  }
  protected validate(o: Required<AdadeltaOptions>): void {
    checkRange('Adadelta', 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange('Adadelta', 'rho', o.rho, o.rho >= 0 && o.rho <= 1, '0 <= rho <= 1');
    checkRange('Adadelta', 'eps', o.eps, o.eps >= 0, 'eps >= 0');
    checkRange('Adadelta', 'weightDecay', o.weightDecay, o.weightDecay >= 0, 'weightDecay >= 0');
  }
  protected readonly stepOps: StepOps = {
    single: ([p, g, sq, acc], attrs) => adadeltaStep(p!, g!, sq!, acc!, attrs),
    foreach: (list, attrs) => adadeltaStepForeach(list as [Tensor, Tensor, Tensor, Tensor][], attrs),
  };
  protected prepare(p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, o: Required<AdadeltaOptions>): PreparedStep {
    if (st.step === undefined) {
      st.step = 0;
      st.squareAvg = this.stateTensor(p);
      st.accDelta = this.stateTensor(p);
    }
    st.step = (st.step as number) + 1;
    return {
      tensors: [p, grad, st.squareAvg as Tensor, st.accDelta as Tensor],
      attrs: { lr: o.lr, rho: o.rho, eps: o.eps, weightDecay: o.weightDecay, maximize: o.maximize },
      key: '',
    };
  }
}
