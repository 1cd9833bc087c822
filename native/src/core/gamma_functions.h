#pragma once
// Note [gamma functions]: log Γ, ψ (digamma), ψ⁽ⁿ⁾ (polygamma, through Hurwitz's ζ) and the
// derivative of a gamma draw with respect to its concentration, written once for both backends
// (CUDA kernels include this through __host__ __device__). Everything is computed in double and
// rounded to float32 at the end, at least as accurate as PyTorch's float kernels. (The cpu's
// lgamma and digamma of positive arguments are vectorised float polynomials instead, within 1.03
// ulp of these: Note [vectorised special functions] in cpu/vmath.h.) Edge values follow PyTorch (and C's conventions
// for the gamma family): ψ(±0) = ∓∞, ψ and ψ⁽ⁿ⁾ are NaN / ±∞ at the non-positive integers,
// log Γ is +∞ there.
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "host_device.h"

namespace nutshell::core::gamma_fn {

constexpr double kPi = 3.14159265358979323846;

// Neither NaN nor ±∞ (one spelling for host and device code).
NS_HOST_DEVICE bool is_finite(double x) { return ::fabs(x) <= DBL_MAX; }

// log|Γ(x)|. lgamma_r on the host: plain lgamma writes the global signgam, a data race between
// OpenMP threads.
NS_HOST_DEVICE double log_gamma(double x) {
#if defined(__CUDA_ARCH__)
  return ::lgamma(x);
#else
  int sign = 0;
  return ::lgamma_r(x, &sign);
#endif
}

// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
//   ψ(x) ≈ ln x − 1/(2x) − Σₖ B₂ₖ / (2k·x²ᵏ)   (seven terms: below 1e-16 relative from x = 10)
NS_HOST_DEVICE double digamma_positive(double x) {
  double shift = 0.0;
  while (x < 10.0) {
    shift -= 1.0 / x;
    x += 1.0;
  }
  const double z = 1.0 / (x * x);
  const double tail =
      z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
  return shift + ::log(x) - 0.5 / x - tail;
}

NS_HOST_DEVICE double digamma(double x) {
  if (x == 0.0) return ::copysign(INFINITY, -x);
  if (x < 0.0) {
    if (x == ::trunc(x)) return NAN;  // the poles, −∞ included
    // Reflection ψ(1 − x) − ψ(x) = π·cot(πx), with the fractional part in the tangent: π·x itself
    // loses digits for large |x|.
    return digamma_positive(1.0 - x) - kPi / ::tan(kPi * (x - ::trunc(x)));
  }
  return digamma_positive(x);  // NaN and +∞ pass through
}

// Hurwitz's ζ(s, q) = Σₖ (q + k)^−s for s > 1: the first terms summed directly until q + k ≥ w₀,
// then the Euler–Maclaurin tail at w = q + N,
//   w^(1−s)/(s − 1) + w^−s/2 + Σⱼ B₂ⱼ/(2j)! · s(s+1)…(s+2j−2) · w^(−s−2j+1),
// whose terms shrink like ((s + 2j)/(2πw))²ʲ: w₀ = max(9, s) keeps twelve of them ample. A
// negative q is allowed for integer s (polygamma's reflection-free definition); at q = 0, −1, …
// the sum has a pole.
NS_HOST_DEVICE double hurwitz_zeta(double s, double q) {
  if (s == 1.0) return INFINITY;
  if (!(s > 1.0) || q != q) return NAN;
  if (q == INFINITY) return 0.0;
  if (q == -INFINITY) return NAN;  // no limit: the poles never thin out
  if (q <= 0.0) {
    if (q == ::floor(q)) return INFINITY;
    if (s != ::floor(s)) return NAN;  // (q + k)^−s of a negative base is complex
  }
  // B₂ⱼ / (2j)!, j = 1 … 12
  const double bernoulli_over_factorial[12] = {
      1.0 / 12,
      -1.0 / 720,
      1.0 / 30240,
      -1.0 / 1209600,
      1.0 / 47900160,
      -691.0 / 1307674368000.0,
      1.0 / 74724249600.0,
      -3617.0 / 10670622842880000.0,
      43867.0 / 5109094217170944000.0,
      -174611.0 / 802857662698291200000.0,
      854513.0 / 155112100433309859840000.0,
      -236364091.0 / 1693824136731743669452800000.0,
  };
  // The direct sum runs to w₀ = max(9, s), capped at 1000: past it, w^−s has underflowed for any
  // s that large, so the tail adds nothing (and a huge s cannot loop for ever).
  const double start = s > 9.0 ? (s < 1000.0 ? s : 1000.0) : 9.0;
  double sum = 0.0, w = q;
  while (w < start) {
    sum += ::pow(w, -s);
    w += 1.0;
  }
  const double w_pow = ::pow(w, -s);
  sum += w * w_pow / (s - 1.0) + 0.5 * w_pow;
  double rising = s;            // s(s+1)…(s+2j−2)
  double power = w_pow / w;     // w^(−s−2j+1)
  for (int j = 0; j < 12; ++j) {
    const double term = bernoulli_over_factorial[j] * rising * power;
    sum += term;
    if (::fabs(term) <= 1e-17 * ::fabs(sum)) break;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    power /= w * w;
  }
  return sum;
}

// ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ · n! · ζ(n + 1, x) for n ≥ 1 (n = 0 is digamma).
NS_HOST_DEVICE double polygamma(int64_t n, double x) {
  if (n == 0) return digamma(x);
  // n! overflows a double past 170 (a huge n must not loop for ever: ±∞ or NaN follow anyway).
  double factorial = 1.0;
  for (int64_t k = 2; k <= n && k <= 171; ++k) factorial *= static_cast<double>(k);
  const double sign = (n % 2 == 1) ? 1.0 : -1.0;
  return sign * factorial * hurwitz_zeta(static_cast<double>(n + 1), x);
}

// A number and its derivative with respect to the concentration, for forward-mode
// differentiation of the continued fraction below.
struct Dual {
  double v, d;
};
NS_HOST_DEVICE Dual dual_add(Dual a, Dual b) { return {a.v + b.v, a.d + b.d}; }
NS_HOST_DEVICE Dual dual_mul(Dual a, Dual b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
NS_HOST_DEVICE Dual dual_div(Dual a, Dual b) { return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)}; }

// Both loops below run about |x − α| + a few·√α steps (capped; every draw of α ≤ 1e6 fits).
constexpr int kMaxSteps = 100000;

// Note [incomplete gamma]: the regularised lower incomplete gamma P(α, x) and Q = 1 − P, the way
// Numerical Recipes splits them:
//  - x < α + 1: the series P = x^α e^−x / Γ(α + 1) · S, S = Σₖ tₖ, tₖ = xᵏ / ((α+1)…(α+k)),
//    with Σₖ tₖ Hₖ (Hₖ = Σⱼ≤ₖ 1/(α + j)) beside it, which is ∂S/∂α up to sign;
//  - otherwise Legendre's continued fraction Q = x^α e^−x / Γ(α) · h(α, x), run by modified
//    Lentz in dual numbers so that ∂h/∂α comes with it.
struct LowerSeries {
  double sum, weighted;
};
NS_HOST_DEVICE LowerSeries lower_series(double alpha, double x) {
  double t = 1.0, harmonic = 0.0, sum = 1.0, weighted = 0.0;
  for (int k = 1; k < kMaxSteps; ++k) {
    harmonic += 1.0 / (alpha + k);
    t *= x / (alpha + k);
    sum += t;
    weighted += t * harmonic;
    if (t < 1e-17 * sum) break;
  }
  return {sum, weighted};
}

NS_HOST_DEVICE Dual upper_fraction(double alpha, double x) {
  constexpr double kTiny = 1e-300;
  Dual b{x + 1.0 - alpha, -1.0};
  Dual c{1.0 / kTiny, 0.0};
  Dual d = dual_div(Dual{1.0, 0.0}, b);
  Dual h = d;
  for (int i = 1; i < kMaxSteps; ++i) {
    const Dual an{-i * (i - alpha), static_cast<double>(i)};
    b.v += 2.0;
    d = dual_add(dual_mul(an, d), b);
    if (::fabs(d.v) < kTiny) d.v = kTiny;
    c = dual_add(b, dual_div(an, c));
    if (::fabs(c.v) < kTiny) c.v = kTiny;
    d = dual_div(Dual{1.0, 0.0}, d);
    const Dual step = dual_mul(d, c);
    h = dual_mul(h, step);
    if (::fabs(step.v - 1.0) < 1e-15 && ::fabs(step.d) < 1e-15) break;
  }
  return h;
}

// P(α, x), or Q(α, x) when `upper`, with PyTorch's edges: NaN for a negative or NaN argument and
// at α = x = 0; P(0, x > 0) = 1, P(α, 0) = 0, P(α, ∞) = 1, P(∞, x) = 0.
NS_HOST_DEVICE double regularized_gamma(double alpha, double x, bool upper) {
  if (alpha != alpha || x != x || alpha < 0.0 || x < 0.0) return NAN;
  double p;
  if (alpha == 0.0) {
    if (x == 0.0) return NAN;
    p = 1.0;
  } else if (x == 0.0) {
    p = 0.0;
  } else if (!is_finite(alpha)) {
    if (!is_finite(x)) return NAN;
    p = 0.0;
  } else if (!is_finite(x)) {
    p = 1.0;
  } else if (x < alpha + 1.0) {
    p = ::exp(alpha * ::log(x) - x - log_gamma(alpha + 1.0)) * lower_series(alpha, x).sum;
  } else {
    const double q = ::exp(alpha * ::log(x) - x - log_gamma(alpha)) * upper_fraction(alpha, x).v;
    return upper ? q : 1.0 - q;
  }
  return upper ? 1.0 - p : p;
}

// Note [gamma reparameterisation]: d x / d α of a Gamma(α, 1) draw x, by implicit
// differentiation of its CDF P(α, x) held fixed: dx/dα = −(∂P/∂α) / p(x; α) (Figurnov et al.,
// "Implicit reparameterization gradients", 2018). Both pieces of Note [incomplete gamma] share
// the factor x^α e^−x, which cancels, so nothing overflows:
//  - x < α + 1:  dx/dα = −(x/α) · [S · (ln x − ψ(α + 1)) − Σₖ tₖ Hₖ];
//  - otherwise:  dx/dα = x · [h · (ln x − ψ(α)) + ∂h/∂α].
// PyTorch uses a fitted approximation of the same quantity; this one is exact to ~1e-12 before
// rounding. It is also −(∂P/∂α)/p for gammainc's gradient in α.
NS_HOST_DEVICE double standard_gamma_grad(double alpha, double x) {
  if (!(alpha > 0.0) || !(x > 0.0) || !is_finite(x)) return 0.0;
  const double log_x = ::log(x);
  double result;
  if (x < alpha + 1.0) {
    const LowerSeries s = lower_series(alpha, x);
    result = -(x / alpha) * (s.sum * (log_x - digamma(alpha + 1.0)) - s.weighted);
  } else {
    const Dual h = upper_fraction(alpha, x);
    result = x * (h.v * (log_x - digamma(alpha)) + h.d);
  }
  return is_finite(result) ? result : 0.0;
}

}  // namespace nutshell::core::gamma_fn
