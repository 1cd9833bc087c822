#!/usr/bin/env python3
"""PyTorch golden values for the composed norms and matrix functions (test/linalg-more.test.ts,
src/ops/table/linalg-norms.ts, linalg-lowrank.ts): linalg.vector_norm, matrix_norm, norm, cond,
multi_dot, matrix_power; torch.logdet, diag_embed, cov, corrcoef; svd_lowrank and pca_lowrank
(random: each case compares what does not depend on the draw when q is A's rank — S, its gradient,
and U·diag(S)·Vᵀ, detached), and Tensor.svd (signs as ours: each column of U with its largest
entry positive).

    /opt/torch-venv/bin/python scripts/fixtures_linalg_more.py

Writes test/fixtures/linalg-more.safetensors (layout: scripts/golden_cases.py).
"""
import torch

from golden_cases import fixture_path, inf, randn, write_cases

OUT = fixture_path("linalg-more")
torch.manual_seed(0)
LA = torch.linalg


def separated(*shape):
    """Matrices with singular values 1, 2, … (well apart): Q1·diag·Q2ᵀ."""
    *batch, m, n = shape
    k = min(m, n)
    q1, _ = LA.qr(torch.randn(*batch, m, k))
    q2, _ = LA.qr(torch.randn(*batch, n, k))
    return (q1 * torch.arange(1, k + 1, dtype=torch.float32)) @ q2.mT


def well_conditioned(*shape):
    """Square matrices with a dominant diagonal (inverse and powers stay moderate)."""
    *batch, n, _ = shape
    return torch.randn(*batch, n, n) * 0.3 + torch.eye(n) * 1.5


def low_rank(*shape, rank):
    """Exactly rank `rank`, singular values well apart: Q1·diag(3, 5, 7…)·Q2ᵀ."""
    *batch, m, n = shape
    q1, _ = LA.qr(torch.randn(*batch, m, rank))
    q2, _ = LA.qr(torch.randn(*batch, n, rank))
    return (q1 * (3 + 2 * torch.arange(rank, dtype=torch.float32))) @ q2.mT


def usv_golden(result):
    """What a low-rank result is compared by: S, and U·diag(S)·Vᵀ without gradient."""
    U, S, V = result
    return [S, ((U * S.unsqueeze(-2)) @ V.mT).detach()]


def svd_with_v(a, some=True):
    U, S, V = torch.svd(a, some=some)
    k = S.shape[-1]
    at = U[..., :, :k].detach().abs().argmax(dim=-2, keepdim=True)
    sign = torch.where(torch.gather(U[..., :, :k].detach(), -2, at) < 0, -1.0, 1.0)
    return [U[..., :, :k] * sign, S, V[..., :, :k] * sign]


def with_zero_row(*shape):
    x = torch.randn(*shape)
    x[0] = 0
    return x


def with_zeros(*shape):
    x = torch.randn(*shape)
    x[..., 1] = 0
    return x


TIES = torch.tensor([[1.0, -3.0, 3.0, 2.0], [0.5, 0.25, -0.5, 0.5]])
SIGNS = torch.stack([well_conditioned(3, 3), torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])])  # det > 0, det < 0
SINGULAR = torch.tensor([[1.0, 2.0], [2.0, 4.0]])
FWEIGHTS = torch.tensor([1, 2, 0, 3, 1])
AWEIGHTS = torch.tensor([0.5, 1.0, 2.0, 0.25, 1.5])
LOW = low_rank(6, 4, rank=2)
LOW_M = torch.randn(1, 4)

CASES = [
    # vector_norm
    ("vectorNormDefault", LA.vector_norm, [randn(3, 4)], [True]),
    ("vectorNormOrd3Keepdim", lambda x: LA.vector_norm(x, ord=3, dim=1, keepdim=True), [randn(2, 5)], [True]),
    ("vectorNormInfDims", lambda x: LA.vector_norm(x, ord=inf, dim=(0, 2)), [randn(2, 3, 4)], [True]),
    ("vectorNormInfTies", lambda x: LA.vector_norm(x, ord=inf, dim=1), [TIES], [True]),
    ("vectorNormNegInf", lambda x: LA.vector_norm(x, ord=-inf, dim=-1), [TIES], [True]),
    ("vectorNormOne", lambda x: LA.vector_norm(x, ord=1, dim=0), [randn(3, 4)], [True]),
    ("vectorNormHalfWithZeros", lambda x: LA.vector_norm(x, ord=0.5, dim=1), [with_zeros(3, 4)], [True]),
    ("vectorNormNegative", lambda x: LA.vector_norm(x, ord=-1.5, dim=1), [randn(3, 4)], [True]),
    ("vectorNormNegativeWithZeros", lambda x: LA.vector_norm(x, ord=-1, dim=1), [with_zeros(3, 4)], [True]),
    ("vectorNormZero", lambda x: LA.vector_norm(x, ord=0, dim=1), [with_zeros(3, 4)], [False]),
    ("vectorNormZeroVector", lambda x: LA.vector_norm(x, dim=1), [with_zero_row(3, 4)], [True]),
    ("vectorNormScalar", lambda x: LA.vector_norm(x, ord=3), [torch.tensor(-2.5)], [True]),
    # matrix_norm
    ("matrixNormFro", LA.matrix_norm, [randn(2, 3, 4)], [True]),
    ("matrixNormNuc", lambda a: LA.matrix_norm(a, ord="nuc"), [separated(3, 4)], [True]),
    ("matrixNormInf", lambda a: LA.matrix_norm(a, ord=inf), [randn(2, 3, 4)], [True]),
    ("matrixNormNegInf", lambda a: LA.matrix_norm(a, ord=-inf), [randn(2, 3, 4)], [True]),
    ("matrixNormOne", lambda a: LA.matrix_norm(a, ord=1), [randn(2, 3, 4)], [True]),
    ("matrixNormNegOne", lambda a: LA.matrix_norm(a, ord=-1), [randn(2, 3, 4)], [True]),
    ("matrixNormTwo", lambda a: LA.matrix_norm(a, ord=2), [separated(2, 4, 3)], [True]),
    ("matrixNormNegTwo", lambda a: LA.matrix_norm(a, ord=-2), [separated(2, 3, 4)], [True]),
    ("matrixNormDimsKeepdim", lambda a: LA.matrix_norm(a, ord=1, dim=(0, 2), keepdim=True), [randn(3, 2, 4)], [True]),
    ("matrixNormNucDimsKeepdim", lambda a: LA.matrix_norm(a, ord="nuc", dim=(2, 0), keepdim=True), [separated(2, 4, 3).permute(1, 0, 2).contiguous()], [True]),
    ("matrixNormEmpty", lambda a: LA.matrix_norm(a, ord=1), [torch.zeros(2, 0, 3)], [True]),
    # linalg.norm
    ("normDefault", LA.norm, [randn(2, 3, 2)], [True]),
    ("normMatrixInf", lambda a: LA.norm(a, ord=inf), [randn(3, 3)], [True]),
    ("normVectorOrd", lambda a: LA.norm(a, ord=3), [randn(5)], [True]),
    ("normOneDim", lambda a: LA.norm(a, ord=-1, dim=1), [randn(2, 3, 4)], [True]),
    ("normTwoDimsNuc", lambda a: LA.norm(a, ord="nuc", dim=(1, 2)), [separated(2, 3, 4)], [True]),
    ("normFro", lambda a: LA.norm(a, ord="fro"), [randn(3, 4)], [True]),
    # cond (PyTorch's backward of the norms through inv_ex fails — an in-place masked_fill_ on
    # inv_ex's output — so those cases are forward only; the test checks their gradients by finite
    # differences)
    ("condDefault", LA.cond, [separated(3, 3)], [True]),
    ("condMinusTwoWide", lambda a: LA.cond(a, p=-2), [separated(2, 3, 4)], [True]),
    ("condFro", lambda a: LA.cond(a, p="fro"), [well_conditioned(3, 3)], [False]),
    ("condNuc", lambda a: LA.cond(a, p="nuc"), [separated(2, 3, 3)], [True]),
    ("condInf", lambda a: LA.cond(a, p=inf), [well_conditioned(2, 3, 3)], [False]),
    ("condOne", lambda a: LA.cond(a, p=1), [well_conditioned(4, 4)], [False]),
    ("condNegOne", lambda a: LA.cond(a, p=-1), [well_conditioned(3, 3)], [False]),
    ("condSingular", lambda a: LA.cond(a, p=1), [torch.stack([torch.eye(2), SINGULAR])], [False]),
    ("condEmpty", LA.cond, [torch.zeros(2, 0, 0)], [False]),
    # multi_dot
    ("multiDotChain", lambda a, b, c, d: LA.multi_dot([a, b, c, d]), [randn(2, 3), randn(3, 5), randn(5, 4), randn(4, 6)], [True] * 4),
    ("multiDotVectors", lambda a, b, c, d: LA.multi_dot([a, b, c, d]), [randn(3), randn(3, 4), randn(4, 2), randn(2)], [True] * 4),
    ("multiDotRowVector", lambda a, b: LA.multi_dot([a, b]), [randn(4), randn(4, 3)], [True, True]),
    ("multiDotColumnVector", lambda a, b, c: LA.multi_dot([a, b, c]), [randn(2, 3), randn(3, 3), randn(3)], [True] * 3),
    # matrix_power
    ("matrixPowerThree", lambda a: LA.matrix_power(a, 3), [well_conditioned(3, 3)], [True]),
    ("matrixPowerZero", lambda a: LA.matrix_power(a, 0), [well_conditioned(2, 3, 3)], [False]),
    ("matrixPowerOne", lambda a: LA.matrix_power(a, 1), [well_conditioned(3, 3)], [True]),
    ("matrixPowerMinusTwo", lambda a: LA.matrix_power(a, -2), [well_conditioned(3, 3)], [True]),
    ("matrixPowerMinusOne", lambda a: LA.matrix_power(a, -1), [well_conditioned(2, 3, 3)], [True]),
    ("matrixPowerSixBatched", lambda a: LA.matrix_power(a, 6), [well_conditioned(2, 3, 3) * 0.7], [True]),
    # logdet
    ("logdet", torch.logdet, [well_conditioned(4, 4) @ well_conditioned(4, 4).mT], [True]),
    ("logdetSigns", torch.logdet, [SIGNS], [True]),
    ("logdetSingular", torch.logdet, [SINGULAR], [False]),
    # diag_embed
    ("diagEmbed", torch.diag_embed, [randn(2, 3)], [True]),
    ("diagEmbedOffsetDims", lambda x: torch.diag_embed(x, offset=1, dim1=0, dim2=2), [randn(2, 3)], [True]),
    ("diagEmbedNegativeOffset", lambda x: torch.diag_embed(x, offset=-2, dim1=-1, dim2=0), [randn(2, 3)], [True]),
    # cov, corrcoef
    ("cov", torch.cov, [randn(3, 5)], [True]),
    ("covCorrection0", lambda x: torch.cov(x, correction=0), [randn(3, 5)], [True]),
    ("covOneVariable", torch.cov, [randn(6)], [True]),
    ("covFweights", lambda x, f: torch.cov(x, fweights=f), [randn(2, 5), FWEIGHTS], [True, False]),
    ("covAweights", lambda x, a: torch.cov(x, aweights=a), [randn(3, 5), AWEIGHTS], [True, True]),
    ("covBothWeights", lambda x, f, a: torch.cov(x, correction=2, fweights=f, aweights=a), [randn(3, 5), FWEIGHTS, AWEIGHTS], [True, False, True]),
    ("corrcoef", torch.corrcoef, [randn(3, 6)], [True]),
    ("corrcoefOneVariable", torch.corrcoef, [randn(5)], [True]),
    # svd_lowrank, pca_lowrank (q = A's rank: S, its gradient and the reconstruction are the draw's own)
    ("svdLowrankTall", lambda a: usv_golden(torch.svd_lowrank(a, q=2)), [low_rank(8, 5, rank=2)], [True]),
    ("svdLowrankWideBatched", lambda a: usv_golden(torch.svd_lowrank(a, q=3, niter=1)), [low_rank(2, 4, 7, rank=3)], [True]),
    ("svdLowrankM", lambda a, m: usv_golden(torch.svd_lowrank(a, q=2, M=m)), [LOW + LOW_M, LOW_M], [True, True]),
    ("pcaLowrank", lambda a: usv_golden(torch.pca_lowrank(a, q=2)), [low_rank(9, 4, rank=2) + torch.randn(1, 4)], [True]),
    ("pcaLowrankUncentred", lambda a: usv_golden(torch.pca_lowrank(a, q=3, center=False, niter=3)), [low_rank(5, 6, rank=3)], [True]),
    # Tensor.svd
    ("tensorSvd", svd_with_v, [separated(5, 3)], [True]),
    ("tensorSvdWideBatched", svd_with_v, [separated(2, 3, 4)], [True]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
