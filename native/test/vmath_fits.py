"""The polynomial coefficients of cpu/vmath.h's erf, erfc, lgamma and digamma (Note [vectorised
special functions]): weighted minimax fits (Lawson's iteratively reweighted least squares over
Chebyshev nodes, references from mpmath), then rounded to float32 one coefficient at a time from
the constant term up, the rest refitted after each rounding. A constant term that the code adds in
two parts (or in double) is kept exact. Prints each set as C++ initialisers with its largest
weighted error; the low parts of the exact constants may differ from vmath.h's in their last
digits (a few 1e-15: least squares' rounding), which changes no result. Needs numpy and mpmath
(the PyTorch virtualenv has both):

    python3 native/test/vmath_fits.py
"""
import math

import mpmath as mp
import numpy as np

mp.mp.dps = 40


def nodes(a, b, n):
    k = np.arange(n)
    return (a + b) / 2 + (b - a) / 2 * np.cos(np.pi * (k + 0.5) / n)


def lawson(A, f, w, iters=60):
    weight = np.ones(len(f))
    for _ in range(iters):
        s = np.sqrt(weight) / np.abs(w)
        c, *_ = np.linalg.lstsq(A * s[:, None], f * s, rcond=None)
        err = np.abs((A @ c - f) / w)
        weight = weight * err
        weight /= weight.sum()
    return c


def fit(xs, f, basis, w, fixed=(), exact_first=False):
    """Coefficients of `basis` for f, weighted by 1/w; those in `fixed` given; float32-rounded."""
    A = np.array([[b(x) for b in basis] for x in xs], dtype=np.float64)
    f = np.asarray(f, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    done = list(fixed)
    while len(done) < len(basis):
        k = len(done)
        rest = f - (A[:, :k] @ np.array(done) if k else 0)
        c = lawson(A[:, k:], rest, w)
        done.append(float(c[0]) if exact_first and k == 0 else float(np.float32(c[0])))
    return done, float(np.abs((A @ np.array(done) - f) / w).max())


def split(v):
    hi = float(np.float32(v))
    return hi, float(np.float32(v - hi))


def show(name, c, err, first_split=True):
    print(f"// {name}: largest weighted error 2^{math.log2(err):.1f}")
    if first_split:
        print("//   constant term as hi + lo: %.9g, %.9g" % split(c[0]))
        c = c[1:]
    print("  {" + ", ".join("%.9ef" % v for v in c) + "}")


powers = lambda n, shift=0.0, f=lambda x: x: [lambda x, k=k: (f(x) - shift) ** k for k in range(n)]  # noqa: E731

# erf(x) = x + x·Q(x²) on [0, 1]: erf(x)/x = 1 + q0 + …, q0 = 2/√π − 1 rounded to float.
q0 = float(np.float32(float(2 / mp.sqrt(mp.pi)) - 1))
xs = nodes(1e-6, 1.0, 2000)
f = [float(mp.erf(x) / x) for x in xs]
c, e = fit(xs, f, powers(7, f=lambda x: x * x), f, fixed=[1 + q0])
print("// kErfQ[0] = %.9ef (2/√π − 1)" % q0)
show("kErfQ[1:]", c, e, first_split=False)

# (1 + 2x)·e^(x²)·erfc(x) = G(y), y = (x − 3)/(x + 3), x in [0.5, 10.5].
xs = nodes(0.5, 10.5, 2000)
ys = (xs - 3) / (xs + 3)
f = [float((1 + 2 * x) * mp.erfc(x) * mp.exp(x * x)) for x in xs]
c, e = fit(ys, f, powers(11), f, exact_first=True)
show("kErfcG (after G0)", c, e)

# erfc(x) = E(x − 2.5) on [1, 4], absolute error (erf = 1 − E).
xs = nodes(1.0, 4.0, 3000)
f = [float(mp.erfc(x)) for x in xs]
c, e = fit(xs, f, powers(16, 2.5), np.ones(len(xs)))
show("kErfE", c, e, first_split=False)

# log Γ(1 + t) = t·A(t), |t| ≤ ½;  log Γ(2 + t) = t·B(t), t in [0, 1].
ts = nodes(-0.5, 0.5, 2000)
ts = ts[np.abs(ts) > 1e-9]
f = [float(mp.loggamma(1 + mp.mpf(t)) / t) for t in ts]
c, e = fit(ts, f, powers(14), f, exact_first=True)
show("kLgammaA (after its constant)", c, e)
ts = nodes(0.0, 1.0, 2000)
ts = ts[np.abs(ts) > 1e-9]
f = [float(mp.loggamma(2 + mp.mpf(t)) / t) for t in ts]
c, e = fit(ts, f, powers(9), f, exact_first=True)
show("kLgammaB (after its constant)", c, e)

# log Γ(x) = (x − 1)(x − 2)·C(x − 1.5) on [1, 2].
xs = nodes(1.0, 2.0, 2000)
xs = xs[(np.abs(xs - 1) > 1e-7) & (np.abs(xs - 2) > 1e-7)]
f = [float(mp.loggamma(x) / ((mp.mpf(x) - 1) * (mp.mpf(x) - 2))) for x in xs]
c, e = fit(xs, f, powers(11, 1.5), f, exact_first=True)
show("kLgammaC (after its constant)", c, e)

# Stirling from 8: x·(log Γ(x) − (x − ½)(log x − 1) − c) = S(1/x²), error relative to log Γ.
xs = 1 / nodes(0.0, 1 / 8, 2000)
xs = xs[np.isfinite(xs)]
stirling = float(np.float32(float(0.5 * mp.log(2 * mp.pi) - 0.5)))
f = [float((mp.loggamma(x) - ((x - 0.5) * (mp.log(x) - 1) + stirling)) * x) for x in xs]
w = [float(mp.loggamma(x) * x) for x in xs]
c, e = fit(xs, f, powers(3, f=lambda x: 1 / (x * x)), w)
print("// kLgammaStirling = %.9gf" % stirling)
show("kLgammaS", c, e, first_split=False)

# ψ(x₀ + u) = u·R(u) for x₀ + u in [1, 2.5]; ψ(x) = log x − 1/(2x) − z·T(z), z = 1/x², from 2.5.
x0 = mp.findroot(mp.digamma, 1.46)
print("// kDigammaRoot as hi + lo: %.9g, %.9g" % split(float(x0)))
us = nodes(1.0, 2.5, 2000) - float(x0)
us = us[np.abs(us) > 1e-9]
f = [float(mp.digamma(x0 + mp.mpf(u)) / u) for u in us]
c, e = fit(us, f, powers(13), f, exact_first=True)
show("kDigammaR (after its constant)", c, e)
xs = 1 / nodes(0.0, 1 / 2.5, 2000)
xs = xs[np.isfinite(xs)]
f = [float((mp.log(x) - 0.5 / x - mp.digamma(x)) * x * x) for x in xs]
w = [float(mp.digamma(x) * x * x) for x in xs]
c, e = fit(xs, f, powers(4, f=lambda x: 1 / (x * x)), w)
show("kDigammaT", c, e, first_split=False)
