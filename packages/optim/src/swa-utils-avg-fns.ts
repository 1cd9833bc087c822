// The averaging functions of AveragedModel (PyTorch's get_ema_multi_avg_fn, get_ema_avg_fn,
// get_swa_multi_avg_fn, get_swa_avg_fn). The multi forms write the averaged tensors in place; the
// single forms return a new tensor, which AveragedModel copies in. Each runs under noGrad, as
// PyTorch's are decorated with torch.no_grad(), so calling one directly on parameters that require
// grad is not refused by the in-place guard.
//
// Each also runs in a scope of its own, so its temporaries are released when it returns, called by
// AveragedModel or directly.
//
// Integer tensors (BatchNorm's num_batches_tracked, averaged with useBuffers) are averaged in
// float32 and written back truncated: PyTorch computes `p * decay + q * (1 - decay)` (or
// `p + (q - p) / (n + 1)`) as float32 and its copy_ into the int64 buffer truncates.
import { ValueError, add, copyInto, div, mul, noGrad, scope, sub, type Tensor } from '@nutshell/tensor';

/** Averages one tensor: (the average so far, the model's current value, the number averaged so far) → the new average. */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: number) => Tensor;
/**
 * Averages lists of tensors in place, all of one device and dtype: (the averages, the model's
 * current values, the number averaged so far). PyTorch passes numAveraged as a tensor; here it is
 * a number, which costs no device read.
 */
export type MultiAvgFn = (averaged: readonly Tensor[], current: readonly Tensor[], numAveraged: number) => void;

function checkDecay(fn: string, decay: unknown): number {
  if (typeof decay !== 'number' || !(decay >= 0 && decay <= 1)) {
    throw new ValueError(`${fn}: decay expected a number in [0, 1], got ${typeof decay === 'number' || decay === undefined ? String(decay) : typeof decay}`);
  }
  return decay;
}

const inScope = <T>(fn: () => T): T => noGrad(() => scope(fn));

const asFloat = (t: Tensor): Tensor => (t.dtype === 'float32' ? t : t.cast('float32'));

/** decay · averaged + (1 − decay) · current, in float32 (an integer tensor's result is truncated when written back). */
function emaValue(averaged: Tensor, current: Tensor, decay: number): Tensor {
  return add(mul(asFloat(averaged), decay), mul(asFloat(current), 1 - decay));
}

/** averaged + (current − averaged) / (numAveraged + 1), in float32: PyTorch's per-tensor SWA form (its cpu path). */
function swaValue(averaged: Tensor, current: Tensor, numAveraged: number): Tensor {
  const a = asFloat(averaged);
  return add(a, div(sub(asFloat(current), a), numAveraged + 1));
}

/**
 * An exponential moving average in place: averaged ← averaged + (1 − decay)(current − averaged),
 * one lerp_ per tensor (PyTorch's _foreach_lerp_). `new AveragedModel(model, { multiAvgFn:
 * getEmaMultiAvgFn(0.999) })` keeps an EMA of the weights.
 */
export function getEmaMultiAvgFn(decay = 0.999): MultiAvgFn {
  const d = checkDecay('getEmaMultiAvgFn', decay);
  return (averaged, current) =>
    inScope(() => {
      averaged.forEach((a, i) => {
        if (a.dtype === 'float32') a.lerp_(current[i], 1 - d);
        else copyInto(a, emaValue(a, current[i], d)); // copyInto casts (truncates) into the integer tensor
      });
    });
}

/** An exponential moving average, one tensor at a time: decay · averaged + (1 − decay) · current. */
export function getEmaAvgFn(decay = 0.999): AvgFn {
  const d = checkDecay('getEmaAvgFn', decay);
  return (averaged, current) => inScope(() => emaValue(averaged, current, d));
}

/** The equal average in place (SWA): averaged ← averaged + (current − averaged) / (numAveraged + 1). AveragedModel's default. */
export function getSwaMultiAvgFn(): MultiAvgFn {
  return (averaged, current, numAveraged) =>
    inScope(() => {
      averaged.forEach((a, i) => {
        // add_ writes the float result back into a float tensor; copyInto also casts into an integer one.
        if (a.dtype === 'float32') a.add_(div(sub(current[i], a), numAveraged + 1));
        else copyInto(a, swaValue(a, current[i], numAveraged));
      });
    });
}

/** The equal average, one tensor at a time: averaged + (current − averaged) / (numAveraged + 1). */
export function getSwaAvgFn(): AvgFn {
  return (averaged, current, numAveraged) => inScope(() => swaValue(averaged, current, numAveraged));
}
