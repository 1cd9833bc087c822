// How exactly cpu convolutions compute when their `algo` is 'auto' or 'heuristic' (Note [cpu conv
// precision] in native/src/cpu/conv_precision.h): 'high', the default, lets oneDNN choose
// (Winograd for many 3×3 stride-1 convolutions on AVX-512: about twice as fast, relative error
// 1–2e-6); 'highest' always computes directly, as PyTorch's cpu convolutions do.
import { ValueError, fromNative } from './errors.js';
import { native } from './native.js';

export type CpuConvPrecision = 'highest' | 'high';

const CPU = 0;

function control(args: Record<string, unknown>): CpuConvPrecision {
  try {
    return (JSON.parse(native().control(CPU, 'convPrecision', JSON.stringify(args))) as { highest: boolean }).highest ? 'highest' : 'high';
  } catch (err) {
    throw fromNative(err);
  }
}

/**
 * Sets the precision of cpu convolutions whose `algo` is 'auto' or 'heuristic' (the default):
 * 'highest' computes them directly, as PyTorch does, for results within float32 rounding of
 * PyTorch's; 'high' (the default) lets oneDNN pick its fastest kernel, Winograd included.
 * Process-wide; applies to convolutions called after it. An explicit `algo` is unaffected.
 */
export function setCpuConvPrecision(precision: CpuConvPrecision): void {
  if (precision !== 'highest' && precision !== 'high') {
    throw new ValueError(`setCpuConvPrecision: expected 'highest' or 'high', got ${JSON.stringify(precision)}`);
  }
  control({ highest: precision === 'highest' });
}

/** The precision setCpuConvPrecision last set ('high' unless changed). */
export function cpuConvPrecision(): CpuConvPrecision {
  return control({});
}
