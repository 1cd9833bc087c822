// torch.distributions' essentials, composed of tensor ops (both devices, gradients from the
// parts): `import { distributions as D } from '@nutshell/tensor'`.
import { guardArity } from '../arity.js';
import { guardMethods } from '../guard-methods.js';
import { answerSnakeCase, snakeCaseExport } from '../namespace-spellings.js';
import { trapPyTorchSpellings } from '../pytorch-spellings.js';
import { Bernoulli } from './bernoulli.js';
import { Beta } from './beta.js';
import { Binomial } from './binomial.js';
import { Categorical } from './categorical.js';
import { Cauchy } from './cauchy.js';
import { Chi2 } from './chi2.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import { Dirichlet } from './dirichlet.js';
import { Distribution } from './distribution.js';
import { Exponential } from './exponential.js';
import { ExpandedDistribution } from './expanded.js';
import { FisherSnedecor } from './fisher-snedecor.js';
import { Gamma } from './gamma.js';
import { GeneralizedPareto } from './generalized-pareto.js';
import { Geometric } from './geometric.js';
import { Gumbel } from './gumbel.js';
import { HalfCauchy } from './half-cauchy.js';
import { HalfNormal } from './half-normal.js';
import { Independent } from './independent.js';
import { InverseGamma } from './inverse-gamma.js';
import { klDivergence as klDivergenceUnguarded, registerKl as registerKlUnguarded } from './kl.js';
import './kl-more.js';
import './kl-third.js';
import './kl-gamma.js';
import './kl-cross.js';
import './kl-lowrank.js';
import { Kumaraswamy } from './kumaraswamy.js';
import { LKJCholesky } from './lkj-cholesky.js';
import { Laplace } from './laplace.js';
import { LogNormal } from './log-normal.js';
import { LogisticNormal } from './logistic-normal.js';
import { LowRankMultivariateNormal } from './lowrank-multivariate-normal.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { Multinomial } from './multinomial.js';
import { MultivariateNormal } from './multivariate-normal.js';
import { NegativeBinomial } from './negative-binomial.js';
import { Normal } from './normal.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import { Pareto } from './pareto.js';
import { Poisson } from './poisson.js';
import { RelaxedBernoulli } from './relaxed-bernoulli.js';
import { RelaxedOneHotCategorical } from './relaxed-one-hot-categorical.js';
import { StudentT } from './student-t.js';
import { TransformedDistribution } from './transformed-distribution.js';
import * as transformClasses from './transforms/index.js';
import * as C from './transforms/constraint.js';
import { bijectTo as bijectToUnguarded, transformTo as transformToUnguarded } from './transforms/registry.js';
import { Uniform } from './uniform.js';
import { VonMises } from './von-mises.js';
import { Weibull } from './weibull.js';
import { Wishart } from './wishart.js';
import { getDefaultValidateArgs as getDefaultUnguarded, setDefaultValidateArgs as setDefaultUnguarded } from './validation.js';

export { Distribution, type DistributionOptions, type EnumerateSupportOptions, type SampleOptions } from './distribution.js';
export { ExpandedDistribution } from './expanded.js';
export { Normal } from './normal.js';
export { Bernoulli } from './bernoulli.js';
export { Categorical } from './categorical.js';
export { Uniform } from './uniform.js';
export { Independent } from './independent.js';
export { Laplace } from './laplace.js';
export { LogNormal } from './log-normal.js';
export { OneHotCategorical } from './one-hot-categorical.js';
export { ContinuousBernoulli, type ContinuousBernoulliOptions } from './continuous-bernoulli.js';
export { Multinomial } from './multinomial.js';
export { MultivariateNormal, type MultivariateNormalMatrix, type MultivariateNormalOptions } from './multivariate-normal.js';
export { Exponential } from './exponential.js';
export { Cauchy } from './cauchy.js';
export { HalfNormal } from './half-normal.js';
export { HalfCauchy } from './half-cauchy.js';
export { Gumbel } from './gumbel.js';
export { Geometric } from './geometric.js';
export { Pareto } from './pareto.js';
export { RelaxedBernoulli } from './relaxed-bernoulli.js';
export { RelaxedOneHotCategorical } from './relaxed-one-hot-categorical.js';
export { MixtureSameFamily } from './mixture-same-family.js';
export { Gamma } from './gamma.js';
export { Chi2 } from './chi2.js';
export { Beta } from './beta.js';
export { Dirichlet } from './dirichlet.js';
export { StudentT } from './student-t.js';
export { Poisson } from './poisson.js';
export { NegativeBinomial } from './negative-binomial.js';
export { Binomial } from './binomial.js';
export { Weibull } from './weibull.js';
export { Kumaraswamy } from './kumaraswamy.js';
export { TransformedDistribution } from './transformed-distribution.js';
export { InverseGamma } from './inverse-gamma.js';
export { FisherSnedecor } from './fisher-snedecor.js';
export { VonMises } from './von-mises.js';
export { GeneralizedPareto } from './generalized-pareto.js';
export { LowRankMultivariateNormal } from './lowrank-multivariate-normal.js';
export { LogisticNormal } from './logistic-normal.js';
export { Wishart, type WishartOptions } from './wishart.js';
export { LKJCholesky } from './lkj-cholesky.js';
// PyTorch has both torch.distributions.transforms.TanhTransform and torch.distributions.TanhTransform.
export * as transforms from './transforms/index.js';
export {
  AbsTransform, AffineTransform, type AffineTransformOptions, CatTransform, ComposeTransform, Constraint, CorrCholeskyTransform, CumulativeDistributionTransform, ExpTransform,
  IndependentTransform, InverseTransform, LowerCholeskyTransform, PositiveDefiniteTransform, PowerTransform, ReshapeTransform, SigmoidTransform, SoftmaxTransform,
  SoftplusTransform, StackTransform, StickBreakingTransform, TanhTransform, Transform, type TransformOptions, identityTransform,
} from './transforms/index.js';
export type { ConstraintRegistry, TransformFactory } from './transforms/registry.js';
// torch.distributions.constraints (camelCase): the sets a distribution's support and parameters
// lie in (d.support, d.argConstraints) and a transform's domain and codomain; realVector is
// PyTorch's real_vector, c.independent(n) (or independent(c, n)) its independent. The sets
// bijectTo and transformTo map onto carry their parameters (lowerBound, upperBound, parts …).
// PyTorch's snake_case names (constraints.greater_than) throw a TypeError naming ours (Note [namespace spellings]).
export const constraints = answerSnakeCase('distributions.constraints', Object.freeze({
  real: C.real,
  realVector: C.real.independent(1),
  positive: C.positive,
  nonnegative: C.nonnegative,
  unitInterval: C.unitInterval,
  simplex: C.simplex,
  lowerCholesky: C.lowerCholesky,
  positiveDefinite: C.positiveDefinite,
  positiveSemidefinite: C.positiveSemidefinite,
  corrCholesky: C.corrCholesky,
  boolean: C.boolean,
  nonnegativeInteger: C.nonnegativeInteger,
  positiveInteger: C.positiveInteger,
  oneHot: C.oneHot,
  interval: guardArity('interval', C.interval),
  halfOpenInterval: guardArity('halfOpenInterval', C.halfOpenInterval),
  greaterThan: guardArity('greaterThan', C.greaterThan),
  greaterThanEq: guardArity('greaterThanEq', C.greaterThanEq),
  lessThan: guardArity('lessThan', C.lessThan),
  integerInterval: guardArity('integerInterval', C.integerInterval),
  multinomial: guardArity('multinomial', C.multinomial),
  independent: guardArity('independent', C.independent),
  cat: guardArity('cat', C.cat),
  stack: guardArity('stack', C.stack),
  Constraint: C.Constraint,
}));
export type { Param } from './params.js';
export type { ProbsOrLogits } from './probs-or-logits.js';

// Note [arity guard]: d.sample([2], true) or d.logProb(x, y) refused rather than dropped.
export const klDivergence = guardArity('klDivergence', klDivergenceUnguarded);
export const registerKl = guardArity('registerKl', registerKlUnguarded);
export const setDefaultValidateArgs = guardArity('setDefaultValidateArgs', setDefaultUnguarded);
export const getDefaultValidateArgs = guardArity('getDefaultValidateArgs', getDefaultUnguarded);
/** PyTorch's biject_to: bijectTo(constraint) is the bijective transform from the reals onto it; bijectTo.register(constraint, factory) adds one. */
export const bijectTo = bijectToUnguarded;
/** PyTorch's transform_to: transformTo(constraint), transformTo.register(constraint, factory). */
export const transformTo = transformToUnguarded;
// Note [namespace spellings]: D.kl_divergence(p, q) throws a TypeError naming D.klDivergence.
/** @deprecated PyTorch's spelling: this API spells it klDivergence (calling this throws a TypeError saying so). */
export const kl_divergence = snakeCaseExport('distributions', 'kl_divergence', 'klDivergence');
/** @deprecated PyTorch's spelling: this API spells it registerKl (calling this throws a TypeError saying so). */
export const register_kl = snakeCaseExport('distributions', 'register_kl', 'registerKl');
/** @deprecated PyTorch's spelling: this API spells it bijectTo (calling this throws a TypeError saying so). */
export const biject_to = snakeCaseExport('distributions', 'biject_to', 'bijectTo');
/** @deprecated PyTorch's spelling: this API spells it transformTo (calling this throws a TypeError saying so). */
export const transform_to = snakeCaseExport('distributions', 'transform_to', 'transformTo');
const classes = [
  Distribution, Normal, Bernoulli, Categorical, Uniform, Independent, Laplace, LogNormal, OneHotCategorical, ContinuousBernoulli, MultivariateNormal,
  Exponential, Cauchy, HalfNormal, HalfCauchy, Gumbel, Geometric, Pareto, RelaxedBernoulli, RelaxedOneHotCategorical, MixtureSameFamily,
  Gamma, Chi2, Beta, Dirichlet, StudentT, Poisson, NegativeBinomial, Binomial, Weibull, Kumaraswamy, TransformedDistribution, Multinomial, ExpandedDistribution,
  InverseGamma, FisherSnedecor, VonMises, GeneralizedPareto, LowRankMultivariateNormal, LogisticNormal, Wishart, LKJCholesky,
];
guardMethods(['sample', 'rsample', 'logProb', 'entropy', 'cdf', 'icdf', 'extendedShape', 'logNormalizer', 'expand', 'logSurvivalFunction', 'logCdf', 'enumerateSupport'], classes);
// Note [PyTorch spellings]: d.log_prob(x), d.batch_shape, d.base_dist … refused, naming ours.
trapPyTorchSpellings(classes, {
  base_dist: 'baseDist',
  reinterpreted_batch_ndims: 'reinterpretedBatchNdims',
  mixture_distribution: 'mixtureDistribution',
  component_distribution: 'componentDistribution',
  total_count: 'totalCount',
  arg_constraints: 'argConstraints',
  cov_factor: 'covFactor',
  cov_diag: 'covDiag',
});
// The transforms: t.forward(x, y) refused as d.logProb(x, y) is; t.log_abs_det_jacobian, t.cache_size … name ours.
guardMethods(['forward', 'logAbsDetJacobian', 'forwardShape', 'inverseShape', 'withCache', 'equals', 'violations', 'independent'], [transformClasses]);
trapPyTorchSpellings([transformClasses], {
  cache_size: 'cacheSize', event_dim: 'eventDim', _inverse: 'inv.forward', _call: 'forward', base_transform: 'baseTransform',
  reinterpreted_batch_ndims: 'reinterpretedBatchNdims', in_shape: 'inShape', out_shape: 'outShape',
});
