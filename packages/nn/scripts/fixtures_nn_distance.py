#!/usr/bin/env python3
"""PyTorch golden values for the distance modules CosineSimilarity and PairwiseDistance:
test/fixtures/layers/<case>.safetensors in fixtures_nn.py's format (its record()), so
test/layers.test.ts checks them with every other layer (outputs and both inputs' gradients).

    /opt/torch-venv/bin/python scripts/fixtures_nn_distance.py

Kept apart from fixtures_nn.py, from its own seed, so the fixtures written there do not change.
"""
import torch
import torch.nn as nn

from fixtures_nn import randn, record


def cases():
    torch.manual_seed(23)
    a, b = randn(4, 6), randn(4, 6)
    # SimCLR's use: every view against every other, [N, 1, D] against [1, N, D] along the last dim.
    z = randn(5, 8)
    zero = randn(3, 4)
    zero[1] = 0.0  # a zero vector: its norm floored at eps
    return [
        ("cosinesimilarity", nn.CosineSimilarity(), {"cls": "CosineSimilarity", "args": []}, [a, b]),
        ("cosinesimilarity_pairs", nn.CosineSimilarity(dim=-1), {"cls": "CosineSimilarity", "args": [{"dim": -1}]}, [z.unsqueeze(1), z.unsqueeze(0)]),
        ("cosinesimilarity_dim0_eps", nn.CosineSimilarity(dim=0, eps=1e-3), {"cls": "CosineSimilarity", "args": [{"dim": 0, "eps": 1e-3}]}, [randn(5, 3), randn(5, 3)]),
        ("cosinesimilarity_zero", nn.CosineSimilarity(dim=1), {"cls": "CosineSimilarity", "args": [{"dim": 1}]}, [randn(3, 4), zero]),
        ("pairwisedistance", nn.PairwiseDistance(), {"cls": "PairwiseDistance", "args": []}, [randn(4, 6), randn(4, 6)]),
        ("pairwisedistance_p1_keepdim", nn.PairwiseDistance(p=1.0, keepdim=True), {"cls": "PairwiseDistance", "args": [{"p": 1, "keepdim": True}]}, [randn(3, 5), randn(3, 5)]),
        ("pairwisedistance_p3_eps_broadcast", nn.PairwiseDistance(p=3.0, eps=1e-2), {"cls": "PairwiseDistance", "args": [{"p": 3, "eps": 1e-2}]}, [randn(2, 3, 4), randn(3, 4)]),
    ]


def main():
    for name, module, spec, inputs in cases():
        record(name, module, spec, inputs)
    print("wrote the CosineSimilarity and PairwiseDistance fixtures")


if __name__ == "__main__":
    main()
