#!/usr/bin/env python3
"""PyTorch golden values for the losses composed in src/ops/table/composed-losses-more.ts
(test/losses-more.test.ts): gaussian_nll_loss, poisson_nll_loss, margin_ranking_loss,
hinge_embedding_loss, cosine_embedding_loss, triplet_margin_loss, soft_margin_loss,
multilabel_soft_margin_loss, multi_margin_loss, each with reduction 'none', 'mean' and 'sum'.

    /opt/torch-venv/bin/python scripts/fixtures_losses_more.py

Writes test/fixtures/losses-more.safetensors: per case `<case>.input.<i>`, `<case>.output.0`, the
upstream gradient `<case>.upstream.0` and the input gradients `<case>.grad.<i>` (for the inputs
the case differentiates), recorded by scripts/golden_cases.py. Metadata `cases` is JSON {case: {fn, args, options, grad}}: `fn` the
nutshell function, `args` its positional arguments ("t" for the next input tensor, or a number),
`options` its options object with nutshell's names (a value {"input": i} is input tensor i),
`grad` which inputs are differentiated. The TS test makes each call from this alone.
"""
import math
import os

import torch
import torch.nn.functional as F

from golden_cases import fixture_path, randn, record_case, save_cases, upstream_generator

OUT = fixture_path("losses-more")
torch.manual_seed(0)
REDUCTIONS = ["none", "mean", "sum"]


def signs(*shape):
    """±1 labels (float32), both present."""
    s = torch.where(torch.rand(*shape) < 0.5, -1.0, 1.0)
    s.view(-1)[0] = 1.0
    if s.numel() > 1:
        s.view(-1)[1] = -1.0
    return s


def counts(*shape, low=0, high=7):
    return torch.randint(low, high, shape).float()


def positive(*shape, low=0.1):
    return torch.rand(shape) * 2 + low


# (variant, nutshell fn, torch call (inputs, reduction) → tensor, inputs, which get gradients,
#  nutshell positional args after the tensors, nutshell options without reduction)
T = "t"
VARIANTS = [
    # gaussian_nll_loss(input, target, var, full, eps)
    ("gaussian", "gaussianNllLoss", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, reduction=r),
     [randn(4, 3), randn(4, 3), positive(4, 3)], [True, True, True], [T, T, T], {}),
    ("gaussianFullShortVar", "gaussianNllLoss", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, full=True, reduction=r),
     [randn(4, 3), randn(4, 3), positive(4)], [True, True, True], [T, T, T], {"full": True}),
    # var below eps in places: clamped in value, the gradient passed through (PyTorch's no_grad clamp_)
    ("gaussianClampedVar", "gaussianNllLoss", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, eps=1e-3, reduction=r),
     [randn(4, 2), randn(4, 2), torch.tensor([[5e-4], [0.5], [0.0], [2.0]])], [True, True, True], [T, T, T], {"eps": 1e-3}),
    ("gaussianScalarVar", "gaussianNllLoss", lambda x, t, r: F.gaussian_nll_loss(x, t, 0.7, reduction=r),
     [randn(3, 4), randn(3, 4)], [True, True], [T, T, 0.7], {}),
    ("gaussianBroadcastTarget", "gaussianNllLoss", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, full=True, eps=1e-4, reduction=r),
     [randn(2, 3), randn(3), positive(2, 1)], [True, True, True], [T, T, T], {"full": True, "eps": 1e-4}),
    ("gaussianUnbatched", "gaussianNllLoss", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, reduction=r),
     [randn(5), randn(5), positive()], [True, True, True], [T, T, T], {}),
    # poisson_nll_loss(input, target, log_input, full, eps)
    ("poisson", "poissonNllLoss", lambda x, t, r: F.poisson_nll_loss(x, t, reduction=r),
     [randn(3, 4), counts(3, 4)], [True, True], [T, T], {}),
    ("poissonRates", "poissonNllLoss", lambda x, t, r: F.poisson_nll_loss(x, t, log_input=False, reduction=r),
     [positive(3, 4), counts(3, 4)], [True, True], [T, T], {"logInput": False}),
    # full: PyTorch's target gradient is NaN at target 0 (0·log 0 in the masked Stirling term): input only
    ("poissonFull", "poissonNllLoss", lambda x, t, r: F.poisson_nll_loss(x, t, full=True, reduction=r),
     [randn(3, 4), counts(3, 4)], [True, False], [T, T], {"full": True}),
    ("poissonFullRates", "poissonNllLoss", lambda x, t, r: F.poisson_nll_loss(x, t, log_input=False, full=True, eps=1e-4, reduction=r),
     [positive(2, 5), torch.tensor([[0.5, 1.0, 1.5, 3.0, 7.0], [2.0, 0.25, 11.0, 1.01, 4.0]])], [True, True], [T, T],
     {"logInput": False, "full": True, "eps": 1e-4}),
    # margin_ranking_loss(x1, x2, y, margin)
    ("marginRanking", "marginRankingLoss", lambda a, b, y, r: F.margin_ranking_loss(a, b, y, reduction=r),
     [randn(6), randn(6), signs(6)], [True, True, True], [T, T, T], {}),
    ("marginRankingIntTarget", "marginRankingLoss", lambda a, b, y, r: F.margin_ranking_loss(a, b, y, margin=0.5, reduction=r),
     [randn(5), randn(5), signs(5).long()], [True, True, False], [T, T, T], {"margin": 0.5}),
    ("marginRankingBroadcast", "marginRankingLoss", lambda a, b, y, r: F.margin_ranking_loss(a, b, y, margin=-0.2, reduction=r),
     [randn(2, 3), randn(2, 1), signs(1, 3)], [True, True, True], [T, T, T], {"margin": -0.2}),
    # hinge_embedding_loss(x, y, margin); a label neither 1 nor -1 takes both terms, as PyTorch's
    ("hinge", "hingeEmbeddingLoss", lambda x, y, r: F.hinge_embedding_loss(x, y, reduction=r),
     [randn(3, 4), signs(3, 4)], [True, False], [T, T], {}),
    ("hingeMarginOddLabel", "hingeEmbeddingLoss", lambda x, y, r: F.hinge_embedding_loss(x, y, margin=2.0, reduction=r),
     [randn(2, 4) * 2, torch.tensor([[1.0, -1.0, 0.0, 1.0], [-1.0, 2.0, -1.0, 1.0]])], [True, False], [T, T], {"margin": 2.0}),
    ("hingeIntTarget", "hingeEmbeddingLoss", lambda x, y, r: F.hinge_embedding_loss(x, y, margin=0.5, reduction=r),
     [randn(7), signs(7).long()], [True, False], [T, T], {"margin": 0.5}),
    # cosine_embedding_loss(x1, x2, y, margin)
    ("cosine", "cosineEmbeddingLoss", lambda a, b, y, r: F.cosine_embedding_loss(a, b, y, reduction=r),
     [randn(4, 5), randn(4, 5), signs(4)], [True, True, False], [T, T, T], {}),
    ("cosineMarginBroadcast", "cosineEmbeddingLoss", lambda a, b, y, r: F.cosine_embedding_loss(a, b, y, margin=-0.3, reduction=r),
     [randn(5, 3), randn(1, 3), signs(5).long()], [True, True, False], [T, T, T], {"margin": -0.3}),
    ("cosineUnbatched", "cosineEmbeddingLoss", lambda a, b, y, r: F.cosine_embedding_loss(a, b, y, margin=-0.5, reduction=r),
     [randn(6), randn(6), torch.tensor(-1.0)], [True, True, False], [T, T, T], {"margin": -0.5}),
    # tiny vectors: the 1e-12 PyTorch's kernel adds to each squared norm decides the value
    ("cosineTinyNorms", "cosineEmbeddingLoss", lambda a, b, y, r: F.cosine_embedding_loss(a, b, y, reduction=r),
     [torch.tensor([[1e-6, 0.0], [3e-6, -4e-6], [0.6, 0.8]]), torch.tensor([[1e-6, 0.0], [3e-6, -4e-6], [0.0, 1.0]]), torch.tensor([1.0, -1.0, 1.0])],
     [True, True, False], [T, T, T], {}),
    # triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap)
    ("triplet", "tripletMarginLoss", lambda a, p, n, r: F.triplet_margin_loss(a, p, n, reduction=r),
     [randn(4, 5), randn(4, 5), randn(4, 5)], [True, True, True], [T, T, T], {}),
    ("tripletL1Swap", "tripletMarginLoss", lambda a, p, n, r: F.triplet_margin_loss(a, p, n, margin=0.5, p=1, eps=1e-4, swap=True, reduction=r),
     None, [True, True, True], [T, T, T], {"margin": 0.5, "p": 1, "eps": 1e-4, "swap": True}),
    ("tripletP3Unbatched", "tripletMarginLoss", lambda a, p, n, r: F.triplet_margin_loss(a, p, n, margin=2.0, p=3, reduction=r),
     [randn(5), randn(5), randn(5)], [True, True, True], [T, T, T], {"margin": 2.0, "p": 3}),
    # soft_margin_loss(x, y): PyTorch gives no gradient to the target
    ("softMargin", "softMarginLoss", lambda x, y, r: F.soft_margin_loss(x, y, reduction=r),
     [randn(3, 4) * 3, signs(3, 4)], [True, False], [T, T], {}),
    ("softMarginBroadcast", "softMarginLoss", lambda x, y, r: F.soft_margin_loss(x, y, reduction=r),
     [randn(2, 4) * 10, signs(1, 4)], [True, False], [T, T], {}),
    # multilabel_soft_margin_loss(x, y, weight)
    ("multiLabelSoftMargin", "multiLabelSoftMarginLoss", lambda x, y, r: F.multilabel_soft_margin_loss(x, y, reduction=r),
     [randn(3, 5), (torch.rand(3, 5) < 0.5).float()], [True, True], [T, T], {}),
    ("multiLabelSoftMarginWeighted", "multiLabelSoftMarginLoss", lambda x, y, w, r: F.multilabel_soft_margin_loss(x, y, weight=w, reduction=r),
     [randn(4, 3), torch.rand(4, 3), positive(3)], [True, True, True], [T, T], {"weight": {"input": 2}}),
    ("multiLabelSoftMarginUnbatched", "multiLabelSoftMarginLoss", lambda x, y, r: F.multilabel_soft_margin_loss(x, y, reduction=r),
     [randn(6), (torch.rand(6) < 0.5).float()], [True, True], [T, T], {}),
    ("multiLabelSoftMargin3d", "multiLabelSoftMarginLoss", lambda x, y, w, r: F.multilabel_soft_margin_loss(x, y, weight=w, reduction=r),
     [randn(2, 3, 4), (torch.rand(2, 3, 4) < 0.5).float(), positive(3, 1)], [True, True, True], [T, T], {"weight": {"input": 2}}),
    # multi_margin_loss(x, y, p, margin, weight): int64 class indices
    ("multiMargin", "multiMarginLoss", lambda x, y, r: F.multi_margin_loss(x, y, reduction=r),
     [randn(4, 5), torch.tensor([0, 4, 2, 2])], [True, False], [T, T], {}),
    ("multiMarginP2Weighted", "multiMarginLoss", lambda x, y, w, r: F.multi_margin_loss(x, y, p=2, margin=0.7, weight=w, reduction=r),
     [randn(5, 4), torch.tensor([3, 0, 1, 3, 2]), positive(4)], [True, False, False], [T, T], {"p": 2, "margin": 0.7, "weight": {"input": 2}}),
    ("multiMarginUnbatched", "multiMarginLoss", lambda x, y, r: F.multi_margin_loss(x, y, margin=2.0, reduction=r),
     [randn(6), torch.tensor(3)], [True, False], [T, T], {"margin": 2.0}),
    ("multiMarginOneRow", "multiMarginLoss", lambda x, y, r: F.multi_margin_loss(x, y, p=2, reduction=r),
     [randn(1, 3), torch.tensor([1])], [True, False], [T, T], {"p": 2}),
]


def swap_inputs():
    """Negatives nearer the positive than the anchor, in half the rows: the swap changes the result."""
    a, p = randn(4, 3), randn(4, 3)
    n = randn(4, 3)
    n[:2] = p[:2] + 0.1 * randn(2, 3)
    return [a, p, n]


def main():
    t, meta = {}, {}
    gen = upstream_generator()
    for variant, fn_name, call, inputs, grads, args, options in VARIANTS:
        if inputs is None:
            inputs = swap_inputs()
        for reduction in REDUCTIONS:
            name = f"{variant}_{reduction}"
            record_case(t, name, lambda *xs: call(*xs, reduction), inputs, grads, gen)
            assert f"{name}.upstream.0" in t, f"{name}: the loss does not require grad"
            meta[name] = {"fn": fn_name, "args": args, "options": {**options, "reduction": reduction}, "grad": grads, "inputs": len(inputs)}
    for k, v in t.items():
        assert torch.isfinite(v).all() if v.is_floating_point() else True, f"{k} is not finite"
    save_cases(t, meta, OUT)
    print(f"wrote {len(meta)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
