// torch.distributions.transforms: D.transforms.TanhTransform, or flat as D.TanhTransform (PyTorch
// has both spellings). Maps with an inverse and a log-Jacobian, for TransformedDistribution.
export { Constraint } from './constraint.js';
export { ComposeTransform, InverseTransform, Transform, type TransformOptions, identityTransform } from './transform.js';
export { AbsTransform, AffineTransform, type AffineTransformOptions, ExpTransform, PowerTransform, SigmoidTransform, SoftmaxTransform, SoftplusTransform, TanhTransform } from './elementwise.js';
export { CatTransform, CumulativeDistributionTransform, IndependentTransform, ReshapeTransform, StackTransform } from './functors.js';
export { LowerCholeskyTransform, PositiveDefiniteTransform } from './matrix.js';
export { CorrCholeskyTransform, StickBreakingTransform } from './stick-breaking.js';
