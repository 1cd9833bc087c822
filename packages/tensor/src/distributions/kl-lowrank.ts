// The KL divergences PyTorch registers for LowRankMultivariateNormal (torch/distributions/kl.py):
// with itself and either way with MultivariateNormal, through the capacitance matrix (the matrix
// determinant lemma for log det Σ_q, the Woodbury identity for Σ_q⁻¹) so that nothing d×d of the
// low-rank side is factored. The other new classes have no pair of their own in PyTorch:
// InverseGamma and LogisticNormal use TransformedDistribution‖TransformedDistribution (their
// Gammas' and Normals' KL).
import { ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { diagonal } from '../ops/table/composed-shape.js';
import { matmul } from '../ops/table/linalg.js';
import { solveTriangular } from '../ops/table/linalg-decomp.js';
import { diagEmbed } from '../ops/table/linalg-norms.js';
import { sum } from '../ops/table/reduce.js';
import { expand, unsqueeze } from '../ops/table/shape.js';
import { log, rsqrt, sqrt } from '../ops/table/unary.js';
import type { Distribution } from './distribution.js';
import { registerKl } from './kl.js';
import { LowRankMultivariateNormal, lowrankLogdet, lowrankMahalanobis, woodburyFactor } from './lowrank-multivariate-normal.js';
import { MultivariateNormal, batchMahalanobis } from './multivariate-normal.js';

/** tr(X·Xᵀ): the sum of squares over the last two dims (PyTorch's _batch_trace_XXT). */
const traceXXt = (x: Tensor): Tensor => sum(square(x), [-2, -1]);

/** Refuses p and q of different sizes d (PyTorch's ValueError). */
function sameSize(p: Distribution, q: Distribution): number {
  const [pe, qe] = [p.eventShape, q.eventShape];
  if (pe[0] !== qe[0]) throw new ShapeError(`klDivergence: ${p.constructor.name} p and ${q.constructor.name} q expected the same eventShape, got ${fmtShape(pe)} and ${fmtShape(qe)}`);
  return pe[0];
}

const lowrankParts = (d: LowRankMultivariateNormal): [Tensor, Tensor, Tensor] => [d.unbroadcastedCovFactor, d.unbroadcastedCovDiag, d.capacitanceTril];

// ½·(log det Σ_q − log det Σ_p + tr(Σ_q⁻¹·Σ_p) + (μ_q − μ_p)ᵀ·Σ_q⁻¹·(μ_q − μ_p) − d), with
// Σ_q⁻¹·Σ_p = (D_q⁻¹ − Aᵀ·A)·(D_p + W_p·W_pᵀ) expanded into four traces.
registerKl(LowRankMultivariateNormal, LowRankMultivariateNormal, (p: LowRankMultivariateNormal, q: LowRankMultivariateNormal) => {
  const n = sameSize(p, q);
  const [pW, pD, pC] = lowrankParts(p);
  const [qW, qD, qC] = lowrankParts(q);
  const term1 = sub(lowrankLogdet(qW, qD, qC), lowrankLogdet(pW, pD, pC));
  const term3 = lowrankMahalanobis(qW, qD, sub(q.loc, p.loc), qC);
  const A = woodburyFactor(qW, qD, qC);
  const term21 = sum(div(pD, qD), -1);
  const term22 = traceXXt(mul(pW, unsqueeze(rsqrt(qD), -1)));
  const term23 = traceXXt(mul(A, unsqueeze(sqrt(pD), -2)));
  const term24 = traceXXt(matmul(A, pW));
  const term2 = sub(sub(add(term21, term22), term23), term24);
  return mul(sub(add(add(term1, term2), term3), n), 0.5);
});

// Σ_q⁻¹·Σ_p = (D_q⁻¹ − Aᵀ·A)·L_p·L_pᵀ.
registerKl(MultivariateNormal, LowRankMultivariateNormal, (p: MultivariateNormal, q: LowRankMultivariateNormal) => {
  const n = sameSize(p, q);
  const [qW, qD, qC] = lowrankParts(q);
  const pL = p.unbroadcastedScaleTril;
  const term1 = sub(lowrankLogdet(qW, qD, qC), mul(sum(log(diagonal(pL)), -1), 2));
  const term3 = lowrankMahalanobis(qW, qD, sub(q.loc, p.loc), qC);
  const A = woodburyFactor(qW, qD, qC);
  const term21 = traceXXt(mul(pL, unsqueeze(rsqrt(qD), -1)));
  const term22 = traceXXt(matmul(A, pL));
  return mul(sub(add(add(term1, sub(term21, term22)), term3), n), 0.5);
});

// Σ_q⁻¹·Σ_p = (L_q·L_qᵀ)⁻¹·(W_p·W_pᵀ + D_p): two triangular solves with L_q.
registerKl(LowRankMultivariateNormal, MultivariateNormal, (p: LowRankMultivariateNormal, q: MultivariateNormal) => {
  const n = sameSize(p, q);
  const [pW, pD, pC] = lowrankParts(p);
  const qL = q.unbroadcastedScaleTril;
  const term1 = sub(mul(sum(log(diagonal(qL)), -1), 2), lowrankLogdet(pW, pD, pC));
  const term3 = batchMahalanobis(qL, sub(q.loc, p.loc));
  const batch = [pW.shape.slice(0, -2), pD.shape.slice(0, -1)].reduce((b, s) => broadcastShapes('klDivergence', b, s), qL.shape.slice(0, -2));
  const L = expand(qL, [...batch, n, n]);
  const W = expand(pW, [...batch, n, pW.shape[pW.shape.length - 1]]);
  const Dm = expand(diagEmbed(sqrt(pD)), [...batch, n, n]);
  const term21 = traceXXt(solveTriangular(L, W, { upper: false }));
  const term22 = traceXXt(solveTriangular(L, Dm, { upper: false }));
  return mul(sub(add(add(term1, add(term21, term22)), term3), n), 0.5);
});
