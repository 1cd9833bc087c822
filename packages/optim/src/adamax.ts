import { adamaxStep, adamaxStepForeach, type Tensor } from '@nutshell/tensor';
import { Optimizer, checkBetas, checkRange, type ParamsArg, type PreparedStep, type StepOps } from './optimizer.js';

export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
  /** One foreach call per group and device (default), or one op per parameter. */
  foreach?: boolean;
}

/** Adamax (torch.optim.Adamax): Adam with an infinity norm in place of the second moment. */
export class Adamax extends Optimizer<Required<AdamaxOptions>> {
  constructor(params: ParamsArg<AdamaxOptions>, options: AdamaxOptions = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, foreach: true }, options);
  }
  protected validate(o: Required<AdamaxOptions>): void {
    checkRange('Adamax', 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange('Adamax', 'eps', o.eps, o.eps >= 0, 'eps >= 0');
    checkBetas('Adamax', o.betas);
    checkRange('Adamax', 'weightDecay', o.weightDecay, o.weightDecay >= 0, 'weightDecay >= 0');
  }
  protected readonly stepOps: StepOps = {
    single: ([p, g, m, u], attrs) => adamaxStep(p!, g!, m!, u!, attrs),
    foreach: (list, attrs) => adamaxStepForeach(list as [Tensor, Tensor, Tensor, Tensor][], attrs),
  };
  protected prepare(p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, o: Required<AdamaxOptions>): PreparedStep {
    if (st.step === undefined) {
      st.step = 0;
      st.expAvg = this.stateTensor(p);
      st.expInf = this.stateTensor(p);
    }
    st.step = (st.step as number) + 1;
    return {
      tensors: [p, grad, st.expAvg as Tensor, st.expInf as Tensor],
      attrs: { lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay, maximize: o.maximize, step: st.step },
      key: String(st.step),
    };
  }
}
