// Gradient clipping in place, like torch.nn.utils.clip_grad_norm_ / clip_grad_value_. The total
// norm stays a tensor (no device sync): the scale is min(1, maxNorm / (norm + 1e-6)) applied to
// every gradient, as PyTorch does.
import { ValueError, checkOptions, abs, clamp, copyInto, div, keep, max, mul, noGrad, pow, scope, sqrt, stack, sum, tensor, type Tensor } from '@nutshell/tensor';

/** The code of the warning about an iterator of parameters that was already used up. */
export const SPENT_PARAMETERS_WARNING = 'NUTSHELL_SPENT_PARAMETERS';
let warnedSpent = false;

function gradsOf(fn: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = [...(params && (params as Tensor).isTensor ? [params as Tensor] : (params as Iterable<Tensor>))];
  // model.parameters() is a generator, as PyTorch's: handed to the optimiser and then to the
  // clipping, the second sees nothing and clips nothing, silently (a user trial: a gradient of
  // norm 330 left as it was). An iterator that gives no parameters is said once.
  const iterator = params as Iterable<Tensor> & { next?: unknown };
  if (list.length === 0 && typeof iterator?.next === 'function' && !warnedSpent) {
    warnedSpent = true;
    process.emitWarning(
      `${fn} got an iterator with no parameters (a model.parameters() already iterated, by the optimiser say?): nothing was clipped. Pass [...model.parameters()] to each, or call model.parameters() again`,
      { code: SPENT_PARAMETERS_WARNING },
    );
  }
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/** Scales gradients so their joint norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normTypeOrOptions: number | { normType?: number; errorIfNonfinite?: boolean } = {}): Tensor {
  // A number is PyTorch's positional norm_type.
  const options = typeof normTypeOrOptions === 'number' ? { normType: normTypeOrOptions } : normTypeOrOptions;
  checkOptions('clipGradNorm', options, ['normType', 'errorIfNonfinite']);
  const normType = options.normType ?? 2;
  if (!(maxNorm >= 0)) throw new ValueError(`clipGradNorm: maxNorm expected a number >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new ValueError(`clipGradNorm: normType expected a positive number or Infinity, got ${normType}`);
  const grads = gradsOf('clipGradNorm', params);
  if (grads.length === 0) return keep(tensor(0));
  return noGrad(() =>
    scope(() => {
      // Each gradient's Σ|g|^p, then the p-th root of their sum: the norm of the per-gradient
      // norms PyTorch takes, with two roots and powers fewer per gradient (a small policy's
      // clipping cost 2× PyTorch's in a user trial); p = 2 as g·g, p = 1 as |g|.
      const powered = (g: Tensor) => (normType === 2 ? mul(g, g) : normType === 1 ? abs(g) : pow(abs(g), normType));
      const total =
        normType === Infinity
          ? max(stack(grads.map((g) => max(abs(g)))))
          : normType === 2
            ? sqrt(sum(stack(grads.map((g) => sum(powered(g))))))
            : pow(sum(stack(grads.map((g) => sum(powered(g))))), 1 / normType);
      if (options.errorIfNonfinite && !Number.isFinite(total.itemSync())) {
        throw new ValueError(`clipGradNorm: the total norm of order ${normType} is non-finite; set errorIfNonfinite: false to clip anyway`);
      }
      const scale = clamp(div(maxNorm, add1e6(total)), { max: 1 });
      for (const g of grads) copyInto(g, mul(g, scale));
      return total;
    }),
  );
}

const add1e6 = (t: Tensor): Tensor => t.add(1e-6);

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ValueError(`clipGradValue: clipValue expected a number >= 0, got ${clipValue}`);
  noGrad(() => scope(() => gradsOf('clipGradValue', params).forEach((g) => copyInto(g, clamp(g, { min: -clipValue, max: clipValue })))));
}
