"""References for the random family. rand, randn, randint, bernoulli, dropout, standardGamma and poisson have none: their
values come from our Philox stream, not PyTorch's generator (test/random.test.ts checks them
statistically and against a reference Philox). dropout's backward is deterministic given the mask."""
import mpmath
import torch


def standard_gamma_grad(x, a):
    """grad · dx/dα of a Gamma(α, 1) draw x: the exact −(∂P/∂α)/p by mpmath at 40 digits.
    PyTorch's own _standard_gamma_grad is a fitted approximation (up to 3 % off in the tails)."""
    mpmath.mp.dps = 40
    grad, alpha, draw = (t.double().flatten().tolist() for t in x)
    out = []
    for g, al, xv in zip(grad, alpha, draw):
        A, X = mpmath.mpf(al), mpmath.mpf(xv)
        pdf = mpmath.exp((A - 1) * mpmath.log(X) - X - mpmath.loggamma(A))
        dp = mpmath.diff(lambda s: mpmath.gammainc(s, 0, X, regularized=True), A)
        out.append(g * float(-dp / pdf))
    return [torch.tensor(out, dtype=torch.float32).reshape(x[0].shape)]


TORCH = {
    "standardGammaGrad": standard_gamma_grad,
    "dropoutBackward": lambda x, a: [torch.ops.aten.native_dropout_backward(x[0], x[1], a["scale"])],
}
