import { rmspropStep, rmspropStepForeach, type Tensor } from '@nutshell/tensor';
import { Optimizer, checkRange, type ParamsArg, type PreparedStep, type StepOps } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
  /** One foreach call per group and device (default), or one op per parameter. */
  foreach?: boolean;
}

/** RMSprop (torch.optim.RMSprop), optionally centered and with momentum. */
export class RMSprop extends Optimizer<Required<RMSpropOptions>> {
  constructor(params: ParamsArg<RMSpropOptions>, options: RMSpropOptions = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, foreach: true }, options);
  }
  protected validate(o: Required<RMSpropOptions>): void {
    checkRange('RMSprop', 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange('RMSprop', 'alpha', o.alpha, o.alpha >= 0, 'alpha >= 0');
    checkRange('RMSprop', 'eps', o.eps, o.eps >= 0, 'eps >= 0');
    checkRange('RMSprop', 'momentum', o.momentum, o.momentum >= 0, 'momentum >= 0');
    checkRange('RMSprop', 'weightDecay', o.weightDecay, o.weightDecay >= 0, 'weightDecay >= 0');
  }
  protected readonly stepOps: StepOps = {
    single: ([p, g, sq, ga, buf], attrs) => rmspropStep(p!, g!, sq!, ga, buf, attrs),
    foreach: (list, attrs) => rmspropStepForeach(list as [Tensor, Tensor, Tensor, Tensor | null, Tensor | null][], attrs),
  };
  protected prepare(p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, o: Required<RMSpropOptions>): PreparedStep {
    if (st.step === undefined) {
      st.step = 0;
      st.squareAvg = this.stateTensor(p);
    }
    // Made when first needed: momentum or centered may be switched on part-way through training.
    if (o.momentum > 0 && st.momentumBuffer === undefined) st.momentumBuffer = this.stateTensor(p);
    if (o.centered && st.gradAvg === undefined) st.gradAvg = this.stateTensor(p);
    st.step = (st.step as number) + 1;
    return {
      tensors: [p, grad, st.squareAvg as Tensor, o.centered ? (st.gradAvg as Tensor) : null, o.momentum > 0 ? (st.momentumBuffer as Tensor) : null],
      // By name: a group also holds what schedulers and callers add to it.
      attrs: { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weightDecay, momentum: o.momentum, centered: o.centered, maximize: o.maximize },
      key: '',
    };
  }
}
