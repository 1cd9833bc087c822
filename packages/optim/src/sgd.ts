import { ValueError, sgdStep, sgdStepForeach, type Tensor } from '@nutshell/tensor';
import { Optimizer, checkRange, type ParamsArg, type PreparedStep, type StepOps } from './optimizer.js';

export interface SGDOptions {
  /** Default 1e-3, as PyTorch's. */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  /** One foreach call per group and device (default), or one op per parameter. */
  foreach?: boolean;
}

/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD). */
export class SGD extends Optimizer<Required<SGDOptions>> {
  constructor(params: ParamsArg<SGDOptions>, options: SGDOptions = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, foreach: true }, options);
  }
  protected validate(o: Required<SGDOptions>): void {
    checkRange('SGD', 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange('SGD', 'momentum', o.momentum, o.momentum >= 0, 'momentum >= 0');
    checkRange('SGD', 'weightDecay', o.weightDecay, o.weightDecay >= 0, 'weightDecay >= 0');
    if (o.nesterov && !(o.momentum > 0 && o.dampening === 0)) {
      throw new ValueError(`SGD: nesterov expected momentum > 0 and dampening 0, got momentum ${o.momentum}, dampening ${o.dampening}`);
    }
  }
  protected readonly stepOps: StepOps = {
    single: ([p, g, buf], attrs) => sgdStep(p!, g!, buf, attrs),
    foreach: (list, attrs) => sgdStepForeach(list as [Tensor, Tensor, Tensor | null][], attrs),
  };
  protected prepare(p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, o: Required<SGDOptions>): PreparedStep {
    let buf = st.momentumBuffer as Tensor | undefined;
    const firstStep = o.momentum !== 0 && !buf;
    if (firstStep) buf = st.momentumBuffer = this.stateTensor(p);
    // The step op's attributes by name: a group also holds what schedulers and callers add to it.
    const attrs = { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay, nesterov: o.nesterov, maximize: o.maximize, firstStep };
    return { tensors: [p, grad, o.momentum !== 0 ? buf! : null], attrs, key: firstStep ? 'first' : '' };
  }
}
