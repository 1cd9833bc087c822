"""References for elementwise math, comparisons, where and activations (and their backward ops)."""
import torch
import torch.nn.functional as F

A = torch.ops.aten


def clamp(x, a):
    # Absent bounds are ±Infinity on the TS side, which JSON turns into null.
    lo, hi = a["min"], a["max"]
    if lo is None and hi is None:
        return [x[0].clone()]
    return [torch.clamp(x[0], min=lo, max=hi)]


class _Gammainc(torch.autograd.Function):
    """torch.special.gammainc / gammaincc with a gradient in a as well (PyTorch implements only
    x's): central differences in float64, ample for float32 goldens."""

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        f = torch.special.gammaincc if upper else torch.special.gammainc
        return f(a.double(), x.double()).float()

    @staticmethod
    def backward(ctx, g):
        a, x = (t.double() for t in ctx.saved_tensors)
        f = torch.special.gammaincc if ctx.upper else torch.special.gammainc
        h = 1e-6 * a.clamp(min=1.0)
        da = (f(a + h, x) - f(a - h, x)) / (2 * h)
        density = torch.exp(torch.xlogy(a - 1, x) - x - torch.lgamma(a))
        dx = -density if ctx.upper else density
        return (g.double() * da).float(), (g.double() * dx).float(), None


TORCH = {
    "gammainc": lambda x, a: [_Gammainc.apply(x[0], x[1], a["upper"])],
    # binary (NumPy broadcasting)
    "sub": lambda x, a: [x[0] - x[1]],
    "div": lambda x, a: [torch.div(x[0], x[1])],
    "pow": lambda x, a: [torch.pow(x[0], x[1])],
    "maximum": lambda x, a: [torch.maximum(x[0], x[1])],
    "minimum": lambda x, a: [torch.minimum(x[0], x[1])],
    "where": lambda x, a: [torch.where(x[0], x[1], x[2])],
    # comparisons and logic
    "eq": lambda x, a: [torch.eq(x[0], x[1])],
    "ne": lambda x, a: [torch.ne(x[0], x[1])],
    "lt": lambda x, a: [torch.lt(x[0], x[1])],
    "le": lambda x, a: [torch.le(x[0], x[1])],
    "gt": lambda x, a: [torch.gt(x[0], x[1])],
    "ge": lambda x, a: [torch.ge(x[0], x[1])],
    "logicalAnd": lambda x, a: [torch.logical_and(x[0], x[1])],
    "logicalOr": lambda x, a: [torch.logical_or(x[0], x[1])],
    "logicalNot": lambda x, a: [torch.logical_not(x[0])],
    # unary math
    "neg": lambda x, a: [torch.neg(x[0])],
    "abs": lambda x, a: [torch.abs(x[0])],
    "sign": lambda x, a: [torch.sign(x[0])],
    "exp": lambda x, a: [torch.exp(x[0])],
    "log": lambda x, a: [torch.log(x[0])],
    "sin": lambda x, a: [torch.sin(x[0])],
    "cos": lambda x, a: [torch.cos(x[0])],
    "floor": lambda x, a: [torch.floor(x[0])],
    "trunc": lambda x, a: [torch.trunc(x[0])],
    "remainder": lambda x, a: [torch.remainder(x[0], x[1])],
    "fmod": lambda x, a: [torch.fmod(x[0], x[1])],
    "floorDivide": lambda x, a: [torch.floor_divide(x[0], x[1])],
    "atan2": lambda x, a: [torch.atan2(x[0], x[1])],
    **{name: (lambda fn: lambda x, a: [fn(x[0])])(getattr(torch, name)) for name in
       ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log1p", "expm1", "log2", "log10", "erf", "erfc", "erfinv", "lgamma", "digamma"]},
    "polygamma": lambda x, a: [torch.polygamma(a["n"], x[0])],
    "ceil": lambda x, a: [torch.ceil(x[0])],
    "round": lambda x, a: [torch.round(x[0])],
    "sqrt": lambda x, a: [torch.sqrt(x[0])],
    "rsqrt": lambda x, a: [torch.rsqrt(x[0])],
    "clamp": clamp,
    "powScalar": lambda x, a: [torch.pow(x[0], a["exponent"])],
    # activations and their backward ops (aten's own backward functions, double-differentiable)
    "relu": lambda x, a: [F.relu(x[0])],
    "reluBackward": lambda x, a: [A.threshold_backward(x[0], x[1], 0)],
    "leakyRelu": lambda x, a: [F.leaky_relu(x[0], a["negativeSlope"])],
    "leakyReluBackward": lambda x, a: [A.leaky_relu_backward(x[0], x[1], a["negativeSlope"], False)],
    "elu": lambda x, a: [F.elu(x[0], a["alpha"])],
    "eluBackward": lambda x, a: [A.elu_backward(x[0], a["alpha"], 1, 1, False, x[1])],
    "sigmoid": lambda x, a: [torch.sigmoid(x[0])],
    "sigmoidBackward": lambda x, a: [A.sigmoid_backward(x[0], x[1])],
    "tanh": lambda x, a: [torch.tanh(x[0])],
    "tanhBackward": lambda x, a: [A.tanh_backward(x[0], x[1])],
    "gelu": lambda x, a: [F.gelu(x[0], approximate=a["approximate"])],
    "geluBackward": lambda x, a: [A.gelu_backward(x[0], x[1], approximate=a["approximate"])],
    "softplus": lambda x, a: [F.softplus(x[0], a["beta"], a["threshold"])],
    "softplusBackward": lambda x, a: [A.softplus_backward(x[0], x[1], a["beta"], a["threshold"])],
}
