// Log-space and moment functions PyTorch users reach for (VAEs, mixtures, discrete latents),
// composed of declared ops: both devices run them and gradients come from their parts.
// logaddexp, xlogy, logit, varMean, stdMean, gumbelSoftmax.
import { defineFunction } from '../../autograd/function.js';
import { isFloating } from '../../dtype.js';
import { DTypeError, ValueError } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { add, div, maximum, mul, promoted, sub, where, type Operand } from './binary.js';
import { cast } from './cast.js';
import { eq, gt, le, logicalAnd, logicalOr, lt } from './compare.js';
import { isnan } from './composed-ops.js';
import { isinf } from './composed-elementwise.js';
import { scatter } from './composed-index.js';
import { log1p } from './math.js';
import { randLike, type Generator } from './random.js';
import { argmax, mean, std, variance, type ReduceArg, type VarianceOptions } from './reduce.js';
import { softmax } from './softmax.js';
import { abs, clamp, exp, log, neg } from './unary.js';
import { zeros } from './creation.js';

const asTensorArg = (fn: string, name: string, x: Operand) => {
  if (typeof x !== 'number') tensorArg(fn, name, x);
};

/**
 * log(eᵃ + eᵇ) without overflow (torch.logaddexp): max(a, b) + log1p(e^−|a−b|); equal infinities
 * give themselves. Gradients: σ(a − b) and σ(b − a) (½ each at a tie).
 */
export function logaddexp(a: Operand, b: Operand): Tensor {
  asTensorArg('logaddexp', 'input', a);
  asTensorArg('logaddexp', 'other', b);
  return scope(() => {
    const top = maximum(a, b);
    const sum = add(top, log1p(exp(neg(abs(sub(a, b))))));
    // −∞ with −∞ (and +∞ with +∞) would be ∞ − ∞ = NaN above.
    return where(logicalAnd(isinf(top), eq(a, b)), top, sum);
  });
}

/** x·log(y), 0 where x is 0 (unless y is NaN), as torch.xlogy (entropies of distributions with zeros). */
export function xlogy(x: Operand, y: Operand): Tensor {
  asTensorArg('xlogy', 'input', x);
  asTensorArg('xlogy', 'other', y);
  return scope(() => {
    const [xt, yt] = promoted('xlogy', x, y);
    const yf = isFloating(yt.dtype) ? yt : cast(yt, 'float32');
    // 0·log(y) is 0 by itself for y > 0, so only y ≤ 0 (−∞, NaN) is masked: the gradient in x
    // stays log(y) at x = 0, as PyTorch's (xlogy(grad, y), 0 where x = 0 and y ≤ 0).
    return where(isnan(yf), NaN, where(logicalAnd(eq(xt, 0), le(yf, 0)), 0, mul(xt, log(yf))));
  });
}

/*
 * logit's gradient is written out rather than left to log(z / (1 − z))'s parts: at p = 0 those
 * give ∞·1 − ∞·0 = NaN (and at 1 the same), where PyTorch's logit_backward gives g / (p(1 − p)),
 * ±∞ by the sign of g (NaN for g = 0). Outside the domain its rule is its own too: without eps,
 * NaN for p < 0 or p > 1; with eps, 0 for p < eps or p > 1 − eps, the ends themselves included
 * in the formula (eps = 0 thus gives ±∞ at 0 and 1, 0 beyond them).
 */
const logitFunction = defineFunction({
  name: 'logit',
  forward(ctx, p: Tensor, eps: number | null): Tensor {
    ctx.saveForBackward(p);
    ctx.eps = eps;
    const z = eps === null ? p : clamp(p, eps, 1 - eps);
    return log(div(z, sub(1, z)));
  },
  backward(ctx, g: Tensor) {
    const [p] = ctx.savedTensors;
    const eps = ctx.eps as number | null;
    const outside = eps === null ? logicalOr(lt(p, 0), gt(p, 1)) : logicalOr(lt(p, eps), gt(p, 1 - eps));
    return [where(outside, eps === null ? NaN : 0, div(g, mul(p, sub(1, p)))), null];
  },
});

/**
 * log(p / (1 − p)) (torch.logit), the inverse of sigmoid; with `eps`, p is first clamped into
 * [eps, 1 − eps] (so 0 and 1 give finite values, and no gradient outside). The gradient is
 * PyTorch's: 1/(p(1 − p)), so +∞ at 0 and 1 without eps.
 */
export function logit(p: Tensor, eps: number | null = null): Tensor {
  tensorArg('logit', 'input', p);
  if (eps !== null && (typeof eps !== 'number' || !(eps >= 0 && eps <= 0.5))) throw new ValueError(`logit: eps expected a number from 0 to 0.5, got ${eps}`);
  return logitFunction(p, eps);
}

function momentArgs(fn: string, x: Tensor, dims: ReduceArg<VarianceOptions> | undefined): { forVar: ReduceArg<VarianceOptions> | undefined; forMean: ReduceArg | undefined } {
  tensorArg(fn, 'input', x);
  if (!isFloating(x.dtype)) throw new DTypeError(`${fn}: input expected float32, got ${x.dtype}`);
  if (dims === undefined || dims === null || typeof dims === 'number' || Array.isArray(dims)) return { forVar: dims, forMean: dims as ReduceArg | undefined };
  checkOptions(fn, dims as object, ['dim', 'keepdim', 'correction']);
  const o = dims as VarianceOptions;
  return { forVar: o, forMean: { dim: o.dim, keepdim: o.keepdim } };
}

/** [variance, mean] over the same dims (torch.var_mean); options as variance's. */
export function varMean(x: Tensor, dims?: ReduceArg<VarianceOptions>): [Tensor, Tensor] {
  const { forVar, forMean } = momentArgs('varMean', x, dims);
  return [variance(x, forVar), mean(x, forMean)];
}

/** [standard deviation, mean] over the same dims (torch.std_mean); options as std's. */
export function stdMean(x: Tensor, dims?: ReduceArg<VarianceOptions>): [Tensor, Tensor] {
  const { forVar, forMean } = momentArgs('stdMean', x, dims);
  return [std(x, forVar), mean(x, forMean)];
}

export interface GumbelSoftmaxOptions {
  /** Temperature (default 1). */
  tau?: number;
  /** One-hot samples whose gradient is the soft sample's (straight-through), default false. */
  hard?: boolean;
  /** The categories' dim (default -1). */
  dim?: number;
  /** The stream the Gumbel noise is drawn from (default: the shared generator). */
  generator?: Generator;
}

/**
 * A sample of the Gumbel-softmax (Concrete) relaxation of a categorical with these logits
 * (F.gumbel_softmax): softmax((logits + g) / tau) for standard Gumbel noise g = −log(E),
 * E ~ Exponential(1); with `hard`, the one-hot of its argmax carrying the soft sample's gradient.
 */
export function gumbelSoftmax(logits: Tensor, options: GumbelSoftmaxOptions = {}): Tensor {
  tensorArg('gumbelSoftmax', 'logits', logits);
  checkOptions('gumbelSoftmax', options, ['tau', 'hard', 'dim', 'generator']);
  const { tau = 1, hard = false, dim = -1 } = options;
  if (typeof tau !== 'number' || !(tau > 0)) throw new ValueError(`gumbelSoftmax: option 'tau' expected a number > 0, got ${tau}`);
  if (typeof hard !== 'boolean') throw new ValueError(`gumbelSoftmax: option 'hard' expected a boolean, got ${typeof hard}`);
  if (!isFloating(logits.dtype)) throw new DTypeError(`gumbelSoftmax: logits expected float32, got ${logits.dtype}`);
  return scope(() => {
    // E = −log(U) with U in (0, 1]: 1 − rand, since rand may give 0.
    const exponential = neg(log(sub(1, randLike(logits, { generator: options.generator }))));
    const soft = softmax(div(add(logits, neg(log(exponential))), tau), dim);
    if (!hard) return soft;
    const index = argmax(soft, { dim, keepdim: true });
    const oneHot = scatter(zeros(soft.shape, { device: soft.device }), dim, index, 1);
    return add(sub(oneHot, soft.detach()), soft);
  });
}
