#!/usr/bin/env python3
"""PyTorch goldens for torch.autograd.functional (test/autograd-functional.test.ts,
src/autograd/functional.ts): jacobian, hessian, vjp, jvp, vhp and hvp, with single tensors and
tuples on either side, v given or implied, strict off, vectorize; and with create_graph=True the
gradients of sum(upstream * result) with respect to the inputs (so a third derivative for hessian,
hvp and vhp), which checks the graph the results carry.

    /opt/torch-venv/bin/python scripts/fixtures_autograd_functional.py

Writes test/fixtures/autograd-functional.safetensors (layout: scripts/golden_cases.py). Each case
is a function of its inputs (the differentiated tensors first, then v, then constants); nested
tuples of results are flattened in order (jac[0][0], jac[0][1], jac[1][0] …): the TS test's table
of calls flattens nutshell's nested arrays the same way.
"""
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

from golden_cases import fixture_path, randn, write_cases

OUT = fixture_path("autograd-functional")
torch.manual_seed(0)
T, F = True, False


def flat(r):
    """Nested tuples/lists of tensors as one flat list, in order."""
    if isinstance(r, torch.Tensor):
        return [r]
    return [t for x in r for t in flat(x)]


# The functions differentiated, written with the ops the TS test uses (each has a nutshell twin).
def f_vec(x):  # R^n → R^n, a full Jacobian
    return torch.sin(x) * x.sum()


def f_mat(x, w):  # [2,3] → [2,4]
    return torch.tanh(x @ w)


def f_pair(a, b):  # (R^3, R^2) → (R^3, R^2)
    return a * b.sum(), (a * a).sum() * torch.exp(b)


def f_two_out(x):  # R^3 → (R^3, scalar)
    return torch.exp(x), (x * x).sum()


def f_dot(a, b):  # (R^3, R^3) → scalar
    return (a * torch.sin(b)).sum()


def f_unused(a, b):  # b unused
    return a * 2


def s_cubic(x):  # scalar, Hessian diag(6x) + 2
    return (x * x * x).sum() + x.sum() * x.sum()


def s_mat(x):  # [2,2] → scalar through a product
    return torch.tanh(x @ x).sum()


def s_pair(a, b):  # scalar of (R^2, R^3)
    return a.sum() * a.sum() * torch.sin(b).sum() + (a * a).sum()


def s_sin(x):  # scalar, third derivative nonzero
    return (x * x * x * torch.sin(x)).sum()


def s_pair_cubic(a, b):
    return (a * a).sum() * torch.tanh(b).sum() + (b * b * b).sum()


def f_sq_sin(x):
    return x * x * torch.sin(x)


def f_pair_out(a, b):
    return a * b, a.sum() * b.sum()


x4, x3, x3b = randn(4), randn(3), randn(3)
a3, b2 = randn(3), randn(2)
xm, wm = randn(2, 3), randn(3, 4)
x22 = randn(2, 2) * 0.7
v3, v3b, v2, v22 = randn(3), randn(3), randn(2), randn(2, 2)

CASES = [
    ("jacVec", lambda x: jacobian(f_vec, x), [x4], [F]),
    ("jacVecGraph", lambda x: jacobian(f_vec, x, create_graph=True), [x4], [T]),
    ("jacVecVectorize", lambda x: jacobian(f_vec, x, vectorize=True), [x4], [F]),
    ("jacMat", lambda x, w: jacobian(lambda a: f_mat(a, w), x), [xm, wm], [F, F]),
    ("jacMatGraph", lambda x, w: jacobian(lambda a: f_mat(a, w), x, create_graph=True), [xm, wm], [T, T]),
    ("jacPair", lambda a, b: flat(jacobian(f_pair, (a, b))), [a3, b2], [F, F]),
    ("jacPairGraph", lambda a, b: flat(jacobian(f_pair, (a, b), create_graph=True)), [a3, b2], [T, T]),
    ("jacTwoOut", lambda x: flat(jacobian(f_two_out, x)), [x3], [F]),
    ("jacDot", lambda a, b: flat(jacobian(f_dot, (a, b))), [a3, x3b], [F, F]),
    ("jacUnused", lambda a, b: flat(jacobian(f_unused, (a, b))), [a3, b2], [F, F]),
    ("hessCubic", lambda x: hessian(s_cubic, x), [x3], [F]),
    ("hessCubicGraph", lambda x: hessian(s_cubic, x, create_graph=True), [x3], [T]),
    ("hessSin", lambda x: hessian(s_sin, x, create_graph=True), [x4], [T]),
    ("hessMat", lambda x: hessian(s_mat, x), [x22], [F]),
    ("hessPair", lambda a, b: flat(hessian(s_pair, (a, b))), [b2, x3], [F, F]),
    ("hessPairGraph", lambda a, b: flat(hessian(s_pair, (a, b), create_graph=True)), [b2, x3], [T, T]),
    ("vjpSqSin", lambda x, v: flat(vjp(f_sq_sin, x, v)), [x3, v3], [F, F]),
    ("vjpSqSinGraph", lambda x, v: flat(vjp(f_sq_sin, x, v, create_graph=True)), [x3, v3], [T, T]),
    ("vjpPair", lambda a, b, va, vb: flat(vjp(f_pair_out, (a, b), (va, vb))), [a3, x3b, v3, torch.tensor(0.7)], [F, F, F, F]),
    ("vjpScalar", lambda x: flat(vjp(s_cubic, x)), [x3], [F]),
    ("vjpMat", lambda x, w, v: flat(vjp(lambda a: f_mat(a, w), x, v)), [xm, wm, randn(2, 4)], [F, F, F]),
    ("jvpSqSin", lambda x, v: flat(jvp(f_sq_sin, x, v)), [x3, v3], [F, F]),
    ("jvpSqSinGraph", lambda x, v: flat(jvp(f_sq_sin, x, v, create_graph=True)), [x3, v3], [T, T]),
    ("jvpPair", lambda a, b, va, vb: flat(jvp(f_pair_out, (a, b), (va, vb))), [a3, x3b, v3, v3b], [F, F, F, F]),
    ("jvpMat", lambda x, w, v: flat(jvp(lambda a: f_mat(a, w), x, v)), [xm, wm, randn(2, 3)], [F, F, F]),
    ("vhpSin", lambda x, v: flat(vhp(s_sin, x, v)), [x3, v3], [F, F]),
    ("vhpSinGraph", lambda x, v: flat(vhp(s_sin, x, v, create_graph=True)), [x3, v3], [T, T]),
    ("vhpMat", lambda x, v: flat(vhp(s_mat, x, v)), [x22, v22], [F, F]),
    ("hvpSin", lambda x, v: flat(hvp(s_sin, x, v)), [x3, v3], [F, F]),
    ("hvpSinGraph", lambda x, v: flat(hvp(s_sin, x, v, create_graph=True)), [x3, v3], [T, T]),
    ("hvpPair", lambda a, b, va, vb: flat(hvp(s_pair_cubic, (a, b), (va, vb))), [b2, x3, v2, v3], [F, F, F, F]),
    ("vhpPair", lambda a, b, va, vb: flat(vhp(s_pair_cubic, (a, b), (va, vb))), [b2, x3, v2, v3], [F, F, F, F]),
]

if __name__ == "__main__":
    write_cases(CASES, OUT)
