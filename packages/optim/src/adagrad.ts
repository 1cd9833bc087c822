import { adagradStep, adagradStepForeach, type Tensor } from '@nutshell/tensor';
import { Optimizer, checkRange, type ParamsArg, type PreparedStep, type StepOps } from './optimizer.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
  /** One foreach call per group and device (default), or one op per parameter. */
  foreach?: boolean;
}

/** Adagrad (torch.optim.Adagrad). */
export class Adagrad extends Optimizer<Required<AdagradOptions>> {
  constructor(params: ParamsArg<AdagradOptions>, options: AdagradOptions = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, foreach: true }, options);
  }
  protected validate(o: Required<AdagradOptions>): void {
    checkRange('Adagrad', 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange('Adagrad', 'lrDecay', o.lrDecay, o.lrDecay >= 0, 'lrDecay >= 0');
    checkRange('Adagrad', 'initialAccumulatorValue', o.initialAccumulatorValue, o.initialAccumulatorValue >= 0, '>= 0');
    checkRange('Adagrad', 'eps', o.eps, o.eps >= 0, 'eps >= 0');
  }
  protected readonly stepOps: StepOps = {
    single: ([p, g, sum], attrs) => adagradStep(p!, g!, sum!, attrs),
    foreach: (list, attrs) => adagradStepForeach(list as [Tensor, Tensor, Tensor][], attrs),
  };
  protected prepare(p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, o: Required<AdagradOptions>): PreparedStep {
    if (st.step === undefined) {
      st.step = 0;
      st.sum = this.stateTensor(p, o.initialAccumulatorValue);
    }
    st.step = (st.step as number) + 1;
    return {
      tensors: [p, grad, st.sum as Tensor],
      attrs: { lr: o.lr, lrDecay: o.lrDecay, weightDecay: o.weightDecay, eps: o.eps, maximize: o.maximize, step: st.step },
      key: String(st.step),
    };
  }
}
