#pragma once
// Note [vectorised exp/log]: libm's expf/logf are calls, and GCC will not vectorise a loop around
// them (nor if-convert the selects of a branch-free version under -ftrapping-math), so these are
// written with GCC/Clang vector extensions and exposed as array functions. Each array function
// is compiled three times — 4 lanes (the build's baseline, SSE), 8 (AVX2) and 16 (AVX-512) —
// and picks the widest the CPU has at run time: the addon is built for x86-64-v2, so without
// this the exp-heavy kernels (softmax over a strided dim, logsumexp, losses) would run at a
// quarter of the machine's width. Cephes' single-precision polynomials: within 1 ulp of the true
// value over the normal range, as close as PyTorch's (Sleef) versions. exp returns 0 below
// −87.33 (where the result would be subnormal) and +inf above 88.37 (instead of the last ~3e38
// of float range); all propagate NaN. The kernels mostly call them on arguments shifted by a
// maximum, which stay ≤ 0.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../core/gamma_functions.h"
#include "broadcast.h"
#include "onednn.h"

namespace nutshell::cpu::vmath {

typedef float f4 __attribute__((vector_size(16)));
typedef int32_t i4 __attribute__((vector_size(16)));
typedef float f8 __attribute__((vector_size(32)));
typedef int32_t i8 __attribute__((vector_size(32)));
typedef float f16 __attribute__((vector_size(64)));
typedef int32_t i16 __attribute__((vector_size(64)));
// Doubles, as many as a float vector's lanes (two registers' worth, or more).
typedef double d4 __attribute__((vector_size(32)));
typedef double d8 __attribute__((vector_size(64)));
typedef double d16 __attribute__((vector_size(128)));

template <typename V>
struct lanes;
template <>
struct lanes<f4> {
  static constexpr int n = 4;
  typedef i4 I;
  typedef d4 D;
};
template <>
struct lanes<f8> {
  static constexpr int n = 8;
  typedef i8 I;
  typedef d8 D;
  typedef f4 Half;
};
template <>
struct lanes<f16> {
  static constexpr int n = 16;
  typedef i16 I;
  typedef d16 D;
  typedef f8 Half;
};

#define NS_VMATH_INLINE inline __attribute__((always_inline))
// For a lambda around a large function: one that is not inlined into its caller is compiled for
// the baseline instruction set, where a 16-lane vector is four registers and every operation four.
#define NS_VMATH_INLINE_LAMBDA __attribute__((always_inline))

// Helpers take and give vectors by reference: a wider-than-baseline vector passed or returned by
// value makes GCC warn (-Wpsabi) about an ABI no call here ever uses, since all are inlined.

template <typename V>
NS_VMATH_INLINE void load(V& v, const float* p) {
  std::memcpy(&v, p, sizeof v);
}

template <typename V>
NS_VMATH_INLINE void store(float* p, const V& v) {
  std::memcpy(p, &v, sizeof v);
}

// The first m ≤ lanes floats, for a loop's tail: the rest of the vector is 0 on load, not stored.
template <typename V>
NS_VMATH_INLINE void load_first(V& v, const float* p, int64_t m) {
  if (m == lanes<V>::n) return load(v, p);
  v = V{};
  std::memcpy(&v, p, sizeof(float) * static_cast<size_t>(m));
}

template <typename V>
NS_VMATH_INLINE void store_first(float* p, const V& v, int64_t m) {
  if (m == lanes<V>::n) return store(p, v);
  std::memcpy(p, &v, sizeof(float) * static_cast<size_t>(m));
}

// x ← r, except where x is NaN (which stays).
template <typename V>
NS_VMATH_INLINE void x_or_nan(V& x, const V& r) {
  x = x != x ? x : r;
}

// Whether any lane of a comparison's result is true.
template <typename I>
NS_VMATH_INLINE bool any(const I& m) {
  uint64_t w[sizeof(I) / 8];
  std::memcpy(w, &m, sizeof m);
  uint64_t r = 0;
  for (uint64_t v : w) r |= v;
  return r != 0;
}

// The smallest lane of vlo and the largest of vhi (neither holding NaN), halving the vectors
// down to 4 lanes.
template <typename V>
NS_VMATH_INLINE void lane_range(float& lo, float& hi, const V& vlo, const V& vhi) {
  if constexpr (lanes<V>::n == 4) {
    lo = std::numeric_limits<float>::infinity();
    hi = -lo;
    for (int i = 0; i < 4; ++i) {
      lo = vlo[i] < lo ? vlo[i] : lo;
      hi = vhi[i] > hi ? vhi[i] : hi;
    }
  } else {
    typedef typename lanes<V>::Half H;
    H a, b, c, d;
    std::memcpy(&a, &vlo, sizeof a);
    std::memcpy(&b, reinterpret_cast<const char*>(&vlo) + sizeof a, sizeof b);
    std::memcpy(&c, &vhi, sizeof c);
    std::memcpy(&d, reinterpret_cast<const char*>(&vhi) + sizeof c, sizeof d);
    lane_range(lo, hi, b < a ? b : a, d > c ? d : c);
  }
}

// The smallest and the largest lane of x, NaN lanes skipped (+∞ and −∞ if all are NaN): two
// reductions that answer every "does any lane fall in this region?" of a function with
// several regions.
template <typename V>
NS_VMATH_INLINE void lane_range(float& lo, float& hi, const V& x) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  lane_range(lo, hi, x == x ? x : V{} + inf, x == x ? x : V{} - inf);
}

// p = Σₖ c[k]·tᵏ by Horner's rule (c in increasing powers).
template <typename V, size_t N>
NS_VMATH_INLINE void polynomial(V& p, const V& t, const float (&c)[N]) {
  p = V{} + c[N - 1];
  for (size_t k = N - 1; k-- > 0;) p = p * t + c[k];
}

// s = e^r − 1 for |r| ≤ ½ ln 2 (a little beyond is fine): Cephes' polynomial for e^r, less its 1
// (which a caller may add later, when it has fewer digits to lose).
template <typename V>
NS_VMATH_INLINE void expm1_small(V& s, const V& r) {
  V p = V{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  s = p * r * r + r;
}

// e^c = 2^k · e^r with r = c − k·ln 2 (in two parts, for precision): Cephes' polynomial for e^r,
// scaled by 2^k through the exponent bits. k (as float and as integer) is the caller's rounding of
// c / ln 2; 2^k must be normal or zero (k + 127 in [0, 254]).
template <typename V>
NS_VMATH_INLINE void exp_reduced(V& c, const V& k, const typename lanes<V>::I& ki) {
  V r = c - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  V s;
  expm1_small(s, r);
  const V scale = (V)((ki + 127) << 23);
  c = (s + 1.f) * scale;
}

template <typename V>
NS_VMATH_INLINE void exp_inplace(V& x) {
  typedef typename lanes<V>::I I;
  const V lo = V{} - 87.33654f, hi = V{} + 88.37626f;  // hi = 127.5·ln 2 keeps 2^k normal
  V c = x < lo ? lo : x;
  c = c > hi ? hi : c;
  // k = floor(c / ln 2 + 1/2): truncate, then step down where truncation went up.
  const V t = c * 1.44269504088896341f + 0.5f;
  I ki = __builtin_convertvector(t, I);
  ki = ki + (__builtin_convertvector(ki, V) > t);  // a true comparison is −1
  const V k = __builtin_convertvector(ki, V);
  V y = c;
  exp_reduced(y, k, ki);
  V out = x < lo ? V{} : y;
  out = x > hi ? V{} + std::numeric_limits<float>::infinity() : out;
  x_or_nan(x, out);
}

// log x = hi + lo for finite x > 0 (subnormals are scaled first): hi = k·ln 2's leading part
// (exact), lo = the rest. Callers that add to log x something small keep its digits by adding
// it to lo first.
template <typename V>
NS_VMATH_INLINE void log_parts(V& hi, V& lo, const V& x) {
  typedef typename lanes<V>::I I;
  // −1 where subnormal (or ≤ 0, fixed by log_inplace); compared as integers, which GCC keeps in
  // vector registers (a float compare feeding integer arithmetic got scalarised).
  const I sub = (I)x < 0x00800000;
  const V xs = sub ? x * 8388608.f : x;  // 2^23
  const I bits = (I)xs;
  I e = ((bits >> 23) & 0xff) - 126 + (sub & -23);
  V m = (V)((bits & 0x007fffff) | 0x3f000000);  // x = m·2^e, m in [0.5, 1)
  const I low = m < 0.707106781186547524f;
  e = e + low;
  m = low ? m + m - 1.f : m - 1.f;
  const V z = m * m;
  V y = V{} + 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  const V fe = __builtin_convertvector(e, V);
  y = y + fe * -2.12194440e-4f;
  y = y + z * -0.5f;
  lo = m + y;
  hi = fe * 0.693359375f;
}

// Natural log: −inf at 0, NaN below 0 and for NaN, +inf at +inf; subnormals are scaled first.
template <typename V>
NS_VMATH_INLINE void log_inplace(V& x) {
  typedef typename lanes<V>::I I;
  V hi, lo;
  log_parts(hi, lo, x);
  V r = lo + hi;
  // Special inputs, one select each (GCC scalarises comparisons combined with |): +inf, ±0,
  // below zero (sign bit set), NaN (exponent all ones with a mantissa).
  const I xb = (I)x;
  const I mag = xb & 0x7fffffff;
  const V inf = V{} + std::numeric_limits<float>::infinity();
  const V nan = V{} + std::numeric_limits<float>::quiet_NaN();
  r = xb == 0x7f800000 ? inf : r;
  r = xb < 0 ? nan : r;
  r = mag == 0 ? -inf : r;
  x = mag > 0x7f800000 ? nan : r;
}

// log(1 + x) for x ≥ −1, accurate for tiny x: log(u)·x/(u − 1) with u = 1 + x undoes the
// rounding of u (Goldberg's trick).
template <typename V>
NS_VMATH_INLINE void log1p_inplace(V& x) {
  const V u = 1.f + x;
  const V d = u - 1.f;
  V lu = u;
  log_inplace(lu);
  const V r = lu * (x / (d == 0.f ? V{} + 1.f : d));
  x = d == 0.f ? x : u == std::numeric_limits<float>::infinity() ? u : r;
}

// a ← e^(−a) for a ≥ 0 (or NaN, which propagates): exp_inplace for the non-positive exponents
// sigmoid and tanh need, without its overflow and special-value selects, so they pay about two
// thirds of its operations (an LSTM cell runs five per unit). k = round(−a / ln 2) by the
// 1.5·2^23 trick: adding it leaves k in the low mantissa bits (which -ffast-math would fold
// away). a is clamped at 88, where k = −127 makes the scale 0: e^(−88) would be subnormal, and 0
// is what exp_inplace gives there too.
template <typename V>
NS_VMATH_INLINE void exp_neg_inplace(V& a) {
  typedef typename lanes<V>::I I;
  a = a > 88.f ? V{} + 88.f : a;  // NaN compares false and stays
  const V magic = V{} + 12582912.f;
  a = -a;
  const V t = a * 1.44269504088896341f + magic;
  const V k = t - magic;
  exp_reduced(a, k, (I)t - (I)magic);
}

// σ(x) = 1 / (1 + e^(−x)), from e^(−|x|) so that it never overflows.
template <typename V>
NS_VMATH_INLINE void sigmoid_inplace(V& x) {
  V e = x < 0.f ? -x : x;
  exp_neg_inplace(e);
  const V r = 1.f / (1.f + e);
  x = x < 0.f ? e * r : r;
}

// tanh, Cephes' tanhf: an odd polynomial below |x| = 0.625 (where (1 − e^(−2|x|)) / (1 + e^(−2|x|))
// would lose digits to cancellation), that form above it; ±1 for large |x|, NaN propagates.
template <typename V>
NS_VMATH_INLINE void tanh_inplace(V& x) {
  const V a = x < 0.f ? -x : x;
  const V z = x * x;
  V p = V{} - 5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const V small = p * z * x + x;
  V e = a * 2.f;
  exp_neg_inplace(e);
  V big = (1.f - e) / (1.f + e);
  big = x < 0.f ? -big : big;
  x = a < 0.625f ? small : big;
}

// log(1 + e^z) without overflow or cancellation: max(z, 0) + log1p(e^(−|z|)) (softplus).
template <typename V>
NS_VMATH_INLINE void softplus_inplace(V& z) {
  V e = z < 0.f ? -z : z;
  exp_neg_inplace(e);
  log1p_inplace(e);
  x_or_nan(z, (z > 0.f ? z : V{}) + e);
}

// e^x − 1, accurate near 0: (u − 1)·x / log(u) with u = e^x undoes the rounding of u (Kahan);
// x where u rounds to 1, −1 where it underflows, +inf where it overflows, NaN propagates.
template <typename V>
NS_VMATH_INLINE void expm1_inplace(V& x) {
  V u = x;
  exp_inplace(u);
  V lu = u;
  log_inplace(lu);
  const V um1 = u - 1.f;
  V r = um1 * (x / (lu == 0.f ? V{} + 1.f : lu));
  r = u == 1.f ? x : r;
  r = u == 0.f ? V{} - 1.f : r;
  r = u == std::numeric_limits<float>::infinity() ? u : r;
  x_or_nan(x, r);
}

// sin or cos, Cephes' sinf/cosf: x reduced by the nearest even multiple j of π/4 (π/4 in three
// parts, each product exact for |x| ≤ 8192), then the sine or cosine polynomial of the remainder
// by j's octant, the sign by the octant (and x's, for sine). Past 8192, at ±inf and NaN, libm's
// sinf/cosf per lane (which reduce exactly): those lanes are rare and keep libm's results. A user
// trial's periodic GP kernel spent 19 ms per step in libm's sin of 1e6 floats (PyTorch: 7 ms).
template <typename V>
NS_VMATH_INLINE void sincos_inplace(V& x, bool cosine) {
  typedef typename lanes<V>::I I;
  const V a = x < 0.f ? -x : x;
  const I fits = a <= 8192.f;  // false for NaN
  const V safe = fits ? a : V{};
  I j = __builtin_convertvector(safe * 1.27323954473516f, I);  // truncates: safe ≥ 0
  j = (j + 1) & ~1;
  const V y = __builtin_convertvector(j, V);
  const V r = ((safe - y * 0.78515625f) - y * 2.4187564849853515625e-4f) - y * 3.77489497744594108e-8f;
  const V z = r * r;
  V c = V{} + 2.443315711809948e-5f;
  c = c * z - 1.388731625493765e-3f;
  c = c * z + 4.166664568298827e-2f;
  c = c * z * z - 0.5f * z + 1.f;
  V sn = V{} - 1.9515295891e-4f;
  sn = sn * z + 8.3321608736e-3f;
  sn = sn * z - 1.6666654611e-1f;
  sn = sn * z * r + r;
  const I odd_pair = (j & 2) != 0;  // octants 2, 6: the other polynomial
  I flip = (j & 4) != 0;            // octants 4, 6: the other half turn
  V poly;
  if (cosine) {
    poly = odd_pair ? sn : c;
    flip = flip ^ odd_pair;
  } else {
    poly = odd_pair ? c : sn;
    flip = flip ^ (x < 0.f);  // sine is odd
  }
  V out = flip ? -poly : poly;
  if (!cosine) out = a == 0.f ? x : out;  // sin(−0) = −0
  for (int i = 0; i < lanes<V>::n; ++i) {
    if (!fits[i]) out[i] = cosine ? std::cos(x[i]) : std::sin(x[i]);
  }
  x = out;
}
template <typename V>
NS_VMATH_INLINE void sin_inplace(V& x) {
  sincos_inplace(x, false);
}
template <typename V>
NS_VMATH_INLINE void cos_inplace(V& x) {
  sincos_inplace(x, true);
}

// Note [vectorised special functions]: erf, erfc, lgamma and digamma of float32, in the style of
// the functions above (one polynomial per region, a region computed only when one of the vector's
// lanes falls in it, the lanes' results picked by selects). The polynomials are our own fits
// (weighted minimax, then rounded to float one coefficient at a time and the rest refitted, by
// native/test/vmath_fits.py), each within 2^−28 of its function before rounding; where a result
// goes through zero (erf at 0, lgamma at 1 and 2, digamma at its root x₀ = 1.4616…) the polynomial
// is fitted to f(x)/(x − root) with the root's argument computed exactly, and a constant term that
// float cannot hold to the needed precision is added in two parts, so that results keep their
// relative accuracy there. lgamma and digamma also do each form's last few operations in double
// (each rounding there cost up to half an ulp: they were within 2.3 ulp in float only, at twice the
// speed); erfc does not, since that would cost it its lead over PyTorch. Against the same functions
// in double, over every float32 with the 16-lane build (native/test/vmath_ulps.cc; the test
// packages/tensor/test/gamma-erf-accuracy.test.ts sweeps 370k values on each run): erf within 1.0
// ulp, erfc 2.5, lgamma 1.03, digamma 1.0, no special value different (the 4-lane build, without
// FMA, samples to 1.16, 2.4, 1.07, 1.06). PyTorch's float erf, erfc and lgamma are within 1 ulp;
// its float digamma loses all relative accuracy next to the roots. Negative arguments of lgamma and
// digamma (reflection through sin πx and cot πx would lose the relative accuracy near their many
// roots) go one lane at a time through the double-precision definitions of core/gamma_functions.h,
// which cuda uses too: rare in practice, no slower than before, and within 0.5 ulp. 1e6 values at
// one thread: lgamma 1.7 ms, digamma 1.25, erf 0.64, erfc 1.1 (PyTorch 4.5, 11.7, 1.3, 1.8; the
// double loop this replaced took 7.5 and 17, and libm's erf and erfc 13).

// erf(x) = x + x·Q(x²) for |x| < 1, Q(0) = 2/√π − 1 (so that 2/√π's rounding does not cost
// tiny x an ulp).
constexpr float kErfQ[] = {1.28379166e-01f,  -3.761262596e-01f, 1.128357872e-01f, -2.685334720e-02f,
                           5.187162198e-03f, -7.997853099e-04f, 7.806903159e-05f};
// (1 + 2x)·e^(x²)·erfc(x) = G(y), y = (x − 3)/(x + 3), for x in [0.5, 10.5] (Shepherd and
// Laframboise's form, 1981): G(0) in two parts, then G's other coefficients.
constexpr float kErfcG0Hi = 1.25300801f, kErfcG0Lo = 5.08388389e-08f;
constexpr float kErfcG[] = {-1.356211007e-01f, -4.756237566e-02f, 1.296449155e-01f,  -1.192716360e-01f, 6.831183285e-02f,
                            -2.378804050e-02f, 2.501853742e-03f,  1.950040460e-03f, -6.861540023e-04f, -1.787918009e-04f};

// erfc(x) for x ≥ 0.5 (0 past 10.5, where it is below the smallest subnormal): e^(−x²)·G(y)/(1 + 2x),
// to erfc's own relative precision.
// e^(−x²) is the hard part: x² rounded to float would be off by up to 2⁻²⁴·x², which e^(−x²)
// turns into a relative error of 6e-6 at x = 10. So x² = hi + lo with hi = xₕ² exact (xₕ: x's
// top 12 bits), the exponent k is taken from hi + lo, and hi − k·ln 2 is exact (ln 2's leading
// part has 9 bits). e^f (f the reduced argument) stays 1 + s until it multiplies G, 1 + 2x's
// rounding error is divided out too, and the scale 2^k is applied in two halves, so that the
// subnormal results near x = 10 round once: each rounding saved is about half an ulp.
template <typename V>
NS_VMATH_INLINE void erfc_from_half(V& r, const V& x) {
  typedef typename lanes<V>::I I;
  const V a = x > 10.5f ? V{} + 10.5f : x;  // NaN stays
  const V ah = (V)((I)a & 0xfffff000);
  const V hi = ah * ah;
  const V lo = (a - ah) * (a + ah);
  const V magic = V{} + 12582912.f;  // 1.5·2^23: k = round(−(hi + lo)/ln 2) in the low bits
  const V t = (hi + lo) * -1.44269504088896341f + magic;
  const V k = t - magic;
  const I ki = (I)t - (I)magic;
  V f = (V{} - hi) - k * 0.693359375f;
  f = (f - k * -2.12194440e-4f) - lo;
  V s;  // e^f = 1 + s
  expm1_small(s, f);
  const V y = (a - 3.f) / (a + 3.f);
  V g;
  polynomial(g, y, kErfcG);
  g = (g * y + kErfcG0Lo) + kErfcG0Hi;
  const V b = 1.f + 2.f * a;
  const V b_lost = 1.f - (b - 2.f * a);  // 1 + 2a = b + b_lost exactly (2a ≥ 1)
  V q = (g + g * s) / b;
  // q·(1 − b_lost/b): a reciprocal of b good to 12% (from its bits) is plenty for so small a term.
  q = q - q * b_lost * (V)(0x7ef311c3 - (I)b);
  const I k1 = ki >> 1;
  const I k2 = ki - k1;
  r = q * (V)((k1 + 127) << 23) * (V)((k2 + 127) << 23);
}

// erfc(x) = E(x − 2.5) within 2^−30.6 (absolute) on [1, 4], for erf = 1 − E: erf needs erfc only
// to its own absolute precision there, which a polynomial gives without erfc_from_half's
// exponential and divisions.
constexpr float kErfE[] = {4.069523129e-04f,  -2.178278286e-03f, 5.445691291e-03f,  -8.350215852e-03f,
                           8.622583933e-03f,  -6.116563920e-03f, 2.797613386e-03f,  -5.445931456e-04f,
                           -2.588102652e-04f, 2.534987871e-04f,  -8.104459994e-05f, -7.805709174e-06f,
                           1.570005588e-05f,  -3.446351911e-06f, -8.875533126e-07f, 3.491690563e-07f};

// erf: the odd polynomial below |x| = 1, 1 − E(|x|) with x's sign from there (|x| clamped at 4,
// from where erf rounds to ±1).
template <typename V>
NS_VMATH_INLINE void erf_inplace(V& x) {
  V q;
  polynomial(q, x * x, kErfQ);
  const V small = x + x * q;  // NaN propagates, ±0 keep their sign
  V a = x < 0.f ? -x : x;
  if (any(a >= 1.f)) {
    a = a > 4.f ? V{} + 4.f : a;
    V e;
    polynomial(e, a - 2.5f, kErfE);
    e = 1.f - e;
    e = x < 0.f ? -e : e;
    x = a >= 1.f ? e : small;
  } else {
    x = small;
  }
}

// erfc: 1 − erf(x) below |x| = 0.5 (erf ≤ 0.52 there: no digits lost), erfc_from_half above,
// 2 − erfc(|x|) for negative x.
template <typename V>
NS_VMATH_INLINE void erfc_inplace(V& x) {
  V q;
  polynomial(q, x * x, kErfQ);
  const V small = 1.f - (x + x * q);
  const V a = x < 0.f ? -x : x;
  if (any(a >= 0.5f)) {
    V e;
    erfc_from_half(e, a);
    e = x < 0.f ? 2.f - e : e;
    x = a >= 0.5f ? e : small;
  } else {
    x = small;
  }
}

// The gamma pair's polynomials leave their constant terms to double arithmetic (below), which
// holds them as the sums of the two floats given here.
// log Γ(1 + t) = t·(−γ + t·A(t)) for |t| ≤ ½ (the root at 1).
constexpr float kLgammaAHi = -0.577215672f, kLgammaALo = 5.45427081e-09f;
constexpr float kLgammaA[] = {8.224670291e-01f, -4.006851912e-01f, 2.705811262e-01f, -2.074138522e-01f, 1.695590466e-01f,
                              -1.433817595e-01f, 1.252272576e-01f, -1.186965555e-01f, 1.047004163e-01f, -5.070227012e-02f,
                              5.294484273e-02f, -1.775086671e-01f, 1.568428576e-01f};
// log Γ(x) = (x − 1)(x − 2)·(C₀ + u·C(u)), u = x − 1.5, on [1, 2], between the roots (where the A
// and B forms would each cancel digits near the other root).
constexpr float kLgammaCHi = 0.483128965f, kLgammaCLo = -1.44063863e-08f;
constexpr float kLgammaC[] = {-1.459598988e-01f, 6.291141361e-02f, -3.130812943e-02f, 1.679653488e-02f, -9.434787557e-03f,
                              5.455962382e-03f,  -3.124107607e-03f, 1.850872533e-03f, -1.512834453e-03f, 9.556338191e-04f};
// log Γ(2 + t) = t·(1 − γ + t·B(t)) for t in [0, 1].
constexpr float kLgammaBHi = 0.422784328f, kLgammaBLo = 6.72493039e-09f;
constexpr float kLgammaB[] = {3.224670291e-01f, -6.735208631e-02f, 2.057754621e-02f, -7.363607176e-03f,
                              2.811444225e-03f, -1.025507576e-03f, 2.923308348e-04f,  -4.430413901e-05f};
// Stirling from x = 8: log Γ(x) = (x − ½)(log x − 1) + ½ log 2π − ½ + S(1/x²)/x.
constexpr float kLgammaStirling = 0.418938547f;
constexpr float kLgammaS[] = {8.333298564e-02f, -2.746199491e-03f, -2.922106360e-04f};

// log|Γ(x)|. Positive x: below 1 the A form (below ½ through log Γ(x) = log Γ(1 + x) − log x),
// the C form on [1, 2), the B form on [2, 3), below 8 the B form after stepping x down to [2, 3)
// (log Γ(x) = log Γ(x − n) + log((x − 1)…(x − n)), no digits lost: both terms are positive),
// Stirling above; one log serves them all. Each form's polynomial runs in float and its last few
// operations (the constant term, the product with t, the log added) in double, rounded once: that
// saves the ulp or so that those roundings cost in float. +∞ at 0 and +∞, NaN propagates; negative
// x per lane in double (Note [vectorised special functions]).
//
// Every double value is made and used within one block: one that lives across blocks (a phi of a
// vector wider than the registers) goes through the stack at 8 lanes, 5x slower. Every select has
// one condition: GCC turns nested selects into and/or of the comparisons, which it scalarises at
// 16 lanes (a template compiled for the baseline instruction set, then inlined).
template <typename V>
NS_VMATH_INLINE void lgamma_inplace(V& x) {
  typedef typename lanes<V>::I I;
  typedef typename lanes<V>::D D;
  float lo, hi;
  lane_range(lo, hi, x);
  // Between 3 and 8: s = x − n in [2, 3) and prod = (x − 1)…(x − n) (exact steps: x ≥ 1); prod is
  // the log's argument there, x below ½ and from 8, and 1 in between (NaN lanes start at 0).
  V prod = x < 8.f ? V{} + 1.f : x;
  V s = x < 8.f ? x : V{};
  if (hi >= 3.f) {
    const int steps = hi < 8.f ? static_cast<int>(hi) - 2 : 5;
    for (int k = 0; k < steps; ++k) {
      const I step = s >= 3.f;
      s = step ? s - 1.f : s;
      prod = step ? prod * s : prod;
    }
  }
  V lhi = V{}, llo = V{};
  if (lo < 0.5f || hi >= 3.f) log_parts(lhi, llo, x < 0.5f ? x : prod);
  V out = V{};
  if (lo < 1.f) {  // at t = x below ½, t = x − 1 above (exact)
    const V t = x < 0.5f ? x : x - 1.f;
    V p;
    polynomial(p, t, kLgammaA);
    const D td = __builtin_convertvector(t, D);
    D a = td * (__builtin_convertvector(p, D) * td + (double(kLgammaAHi) + double(kLgammaALo)));
    if (lo < 0.5f) a -= __builtin_convertvector(lhi, D) + __builtin_convertvector(llo, D);  // log 1 = 0 from ½
    out = __builtin_convertvector(a, V);
  }
  if (hi >= 1.f && lo < 2.f) {
    const V u = x - 1.5f;
    V p;
    polynomial(p, u, kLgammaC);
    const D xd = __builtin_convertvector(x, D);
    const D cd = __builtin_convertvector(p, D) * __builtin_convertvector(u, D) + (double(kLgammaCHi) + double(kLgammaCLo));
    const V c = __builtin_convertvector((xd - 1.0) * (xd - 2.0) * cd + 0.0, V);  // + 0: log Γ(1) = +0, not −0
    out = x < 1.f ? out : c;
  }
  if (hi >= 2.f) {
    const V t = s - 2.f;
    V p;
    polynomial(p, t, kLgammaB);
    const D td = __builtin_convertvector(t, D);
    const D bd = td * (__builtin_convertvector(p, D) * td + (double(kLgammaBHi) + double(kLgammaBLo))) +
                 (__builtin_convertvector(lhi, D) + __builtin_convertvector(llo, D));
    const V b = __builtin_convertvector(bd, V);
    out = x < 2.f ? out : b;
  }
  if (hi >= 8.f) {
    const V inv = 1.f / x;
    V sp;
    polynomial(sp, inv * inv, kLgammaS);
    const D xd = __builtin_convertvector(x, D);
    const D std_ = (xd - 0.5) * ((__builtin_convertvector(lhi, D) - 1.0) + __builtin_convertvector(llo, D)) +
                   __builtin_convertvector(sp * inv + kLgammaStirling, D);
    const V st = __builtin_convertvector(std_, V);  // +∞ stays +∞; beyond float's range, +∞
    out = x < 8.f ? out : st;
  }
  out = x == 0.f ? V{} + std::numeric_limits<float>::infinity() : out;  // log_parts has no −∞
  if (lo < 0.f) {
    const I negative = x < 0.f;
    for (int i = 0; i < lanes<V>::n; ++i) {
      if (negative[i]) out[i] = static_cast<float>(core::gamma_fn::log_gamma(x[i]));
    }
  }
  x_or_nan(x, out);
}

// ψ(x₀ + u) = u·(ψ'(x₀) + u·R(u)) for x₀ + u in [1, 2.5], x₀ = 1.4616… (ψ's positive root),
// both constants as the sums of two floats, like lgamma's.
constexpr float kDigammaRoot = 1.46163213f, kDigammaRootLo = 1.24381501e-08f;
constexpr float kDigammaRHi = 0.967672229f, kDigammaRLo = 2.00492387e-08f;
constexpr float kDigammaR[] = {-4.427631497e-01f, 2.584991455e-01f, -1.639432162e-01f, 1.078422591e-01f,
                               -7.221104950e-02f, 4.862096906e-02f, -3.286641836e-02f, 2.318438888e-02f,
                               -1.719117723e-02f, 1.119339466e-02f, -4.801489878e-03f, 9.307652363e-04f};
// ψ(x) = log x − 1/(2x) − z·T(z), z = 1/x², from x = 2.5.
constexpr float kDigammaT[] = {8.333312720e-02f, -8.321861736e-03f, 3.751991084e-03f, -2.346813912e-03f};

// ψ(x). Positive x: the R form on [1, 2.5), ψ(x + 1) − 1/x by the R form below 1, the asymptotic
// form above 2.5, their last few operations in double as lgamma's (and under its rules).
// ψ(±0) = ∓∞, ψ(+∞) = +∞, NaN propagates; negative x per lane in double (Note [vectorised
// special functions]).
template <typename V>
NS_VMATH_INLINE void digamma_inplace(V& x) {
  typedef typename lanes<V>::I I;
  typedef typename lanes<V>::D D;
  float lo, hi;
  lane_range(lo, hi, x);
  V out = V{};
  if (lo < 2.5f) {
    // u = x − x₀ on [1, 2.5), (x + 1) − x₀ below 1: exact in double, and close enough in float
    // for R's argument.
    const V below1 = x < 1.f ? V{} + 1.f : V{};
    const V u = ((x + below1) - kDigammaRoot) - kDigammaRootLo;
    V p;
    polynomial(p, u, kDigammaR);
    const D xd = __builtin_convertvector(x, D);
    const D bd = __builtin_convertvector(below1, D);
    const D ud = (xd + bd) - (double(kDigammaRoot) + double(kDigammaRootLo));
    D r = ud * (__builtin_convertvector(p, D) * ud + (double(kDigammaRHi) + double(kDigammaRLo)));
    if (lo < 1.f) {
      // − 1/x below 1, to double precision: float's 1/x, then a Newton step (which 1/x = ∞ would
      // turn into NaN: below 1e-30, ψ(x) is −1/x in float).
      const V inv = 1.f / x;
      D invd = __builtin_convertvector(inv, D);
      invd = invd + invd * (1.0 - xd * invd);
      r -= invd * bd;
      out = __builtin_convertvector(r, V);
      out = x < 1e-30f ? -inv : out;
    } else {
      out = __builtin_convertvector(r, V);
    }
  }
  if (hi >= 2.5f) {
    V lhi, llo;
    log_parts(lhi, llo, x);
    const V inv = 1.f / x;
    const V z = inv * inv;
    V p;
    polynomial(p, z, kDigammaT);
    const D xd = __builtin_convertvector(x, D);
    D invd = __builtin_convertvector(inv, D);
    invd = invd + invd * (1.0 - xd * invd);  // x ≥ 2.5 (or +∞, whose lane is replaced)
    const D ad = (__builtin_convertvector(lhi, D) + __builtin_convertvector(llo, D)) - 0.5 * invd -
                 __builtin_convertvector(z * p, D);
    V a = __builtin_convertvector(ad, V);
    a = x == std::numeric_limits<float>::infinity() ? x : a;
    out = x < 2.5f ? out : a;
  }
  if (lo < 0.f) {
    const I negative = x < 0.f;
    for (int i = 0; i < lanes<V>::n; ++i) {
      if (negative[i]) out[i] = static_cast<float>(core::gamma_fn::digamma(x[i]));
    }
  }
  x_or_nan(x, out);
}

template <void (*F)(f4&)>
inline float scalar(float v) {
  f4 x = f4{} + v;
  F(x);
  return x[0];
}

inline float exp(float x) { return scalar<exp_inplace<f4>>(x); }
inline float log(float x) { return scalar<log_inplace<f4>>(x); }
inline float log1p(float x) { return scalar<log1p_inplace<f4>>(x); }

namespace impl {

// y = f(x) over n floats (in place allowed), f transforming a vector in place; the tail goes
// through a padded vector.
template <typename V, typename F>
NS_VMATH_INLINE void map(const float* x, float* y, int64_t n, F f) {
  constexpr int W = lanes<V>::n;
  int64_t i = 0;
  V v;
  for (; i + W <= n; i += W) {
    load(v, x + i);
    f(v);
    store(y + i, v);
  }
  if (i < n) {
    float buf[W] = {};
    std::memcpy(buf, x + i, sizeof(float) * static_cast<size_t>(n - i));
    load(v, buf);
    f(v);
    store(buf, v);
    std::memcpy(y + i, buf, sizeof(float) * static_cast<size_t>(n - i));
  }
}

// Σ f(x[i]) in float lanes per block of 256 and in double across blocks, f transforming a
// vector in place; the tail is padded with `pad`, for which f must give 0. With y set, also
// stores f(x) there.
template <typename V, typename F>
NS_VMATH_INLINE double block_sum(const float* x, int64_t n, float pad, float* y, F f) {
  constexpr int W = lanes<V>::n;
  double total = 0;
  int64_t i = 0;
  V v;
  while (i < n) {
    const int64_t end = i + 256 < n ? i + 256 : n;
    V acc = V{};
    for (; i + W <= end; i += W) {
      load(v, x + i);
      f(v);
      if (y) store(y + i, v);
      acc += v;
    }
    if (i < end) {  // only in the last block
      float buf[W];
      for (int k = 0; k < W; ++k) buf[k] = k < end - i ? x[i + k] : pad;
      load(v, buf);
      f(v);
      store(buf, v);
      if (y) std::memcpy(y + i, buf, sizeof(float) * static_cast<size_t>(end - i));
      acc += v;
      i = end;
    }
    for (int k = 0; k < W; ++k) total += acc[k];
  }
  return total;
}

template <typename V>
NS_VMATH_INLINE double exp_sum(const float* x, float shift, float* y, int64_t n) {
  return block_sum<V>(x, n, -std::numeric_limits<float>::infinity(), y, [shift](V& v) {
    v -= shift;
    exp_inplace(v);
  });
}

template <typename V>
NS_VMATH_INLINE double sum_sq_dev(const float* x, float mean, int64_t n) {
  return block_sum<V>(x, n, mean, nullptr, [mean](V& v) {
    v -= mean;
    v *= v;
  });
}

template <typename V>
NS_VMATH_INLINE double sum(const float* x, int64_t n) {
  return block_sum<V>(x, n, 0.f, nullptr, [](V&) {});
}

// max over n floats of sign·x (sign ±1: max, or −min), NaN if any is NaN, −inf for n = 0.
template <typename V>
NS_VMATH_INLINE float signed_max(const float* x, int64_t n, float sign) {
  typedef typename lanes<V>::I I;
  constexpr int W = lanes<V>::n;
  V m = V{} - std::numeric_limits<float>::infinity();
  I nan = I{};
  int64_t i = 0;
  V v;
  for (; i + W <= n; i += W) {
    load(v, x + i);
    v *= sign;
    nan |= v != v;
    m = v > m ? v : m;
  }
  float r = -std::numeric_limits<float>::infinity();
  bool any_nan = false;
  for (int k = 0; k < W; ++k) {
    r = m[k] > r ? m[k] : r;
    any_nan |= nan[k] != 0;
  }
  for (; i < n; ++i) {
    const float s = x[i] * sign;
    any_nan |= s != s;
    r = s > r ? s : r;
  }
  return any_nan ? std::numeric_limits<float>::quiet_NaN() : r;
}

template <typename V>
NS_VMATH_INLINE void strided_max_exp_sum(const float* x, int64_t classes, int64_t stride, int64_t len, float* m, float* s, float* e) {
  typedef typename lanes<V>::I I;
  constexpr int W = lanes<V>::n;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  int64_t j = 0;
  V v;
  for (; j + W <= len; j += W) {
    V mv = V{} - kInf;
    I nan = I{};
    for (int64_t c = 0; c < classes; ++c) {
      load(v, x + c * stride + j);
      nan |= v != v;
      mv = v > mv ? v : mv;
    }
    mv = nan ? V{} + std::numeric_limits<float>::quiet_NaN() : mv;
    V sv = V{};
    for (int64_t c = 0; c < classes; ++c) {
      load(v, x + c * stride + j);
      v -= mv;
      exp_inplace(v);
      sv += v;
      if (e) store(e + c * stride + j, v);
    }
    store(m + j, mv);
    store(s + j, sv);
  }
  for (; j < len; ++j) {  // fewer than W positions left
    float mj = -kInf;
    bool nan = false;
    for (int64_t c = 0; c < classes; ++c) {
      const float xc = x[c * stride + j];
      nan |= xc != xc;
      mj = xc > mj ? xc : mj;
    }
    if (nan) mj = std::numeric_limits<float>::quiet_NaN();
    float sj = 0;
    for (int64_t c = 0; c < classes; ++c) {
      f4 ev = f4{} + (x[c * stride + j] - mj);
      exp_inplace(ev);
      sj += ev[0];
      if (e) e[c * stride + j] = ev[0];
    }
    m[j] = mj;
    s[j] = sj;
  }
}

// One function per width and entry point, compiled for its instruction set.
#define NS_VMATH_WIDTHS(name, ret, params, args)                                              \
  inline ret name##_4 params { return name<f4> args; }                                         \
  __attribute__((target("avx2,fma"))) inline ret name##_8 params { return name<f8> args; }     \
  __attribute__((target("avx512f,avx512dq"))) inline ret name##_16 params { return name<f16> args; }

template <typename V>
NS_VMATH_INLINE void exp_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { exp_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void log_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { log_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void log1p_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { log1p_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void sigmoid_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { sigmoid_inplace(v); });
}

NS_VMATH_WIDTHS(exp_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(log_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(log1p_n, void, (const float* x, float* y, int64_t n), (x, y, n))
template <typename V>
NS_VMATH_INLINE void tanh_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { tanh_inplace(v); });
}

NS_VMATH_WIDTHS(tanh_n, void, (const float* x, float* y, int64_t n), (x, y, n))
template <typename V>
NS_VMATH_INLINE void sin_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { sin_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void cos_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { cos_inplace(v); });
}
NS_VMATH_WIDTHS(sin_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(cos_n, void, (const float* x, float* y, int64_t n), (x, y, n))
template <typename V>
NS_VMATH_INLINE void softplus_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { softplus_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void expm1_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) { expm1_inplace(v); });
}
NS_VMATH_WIDTHS(softplus_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(expm1_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(sigmoid_n, void, (const float* x, float* y, int64_t n), (x, y, n))
template <typename V>
NS_VMATH_INLINE void erf_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) NS_VMATH_INLINE_LAMBDA { erf_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void erfc_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) NS_VMATH_INLINE_LAMBDA { erfc_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void lgamma_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) NS_VMATH_INLINE_LAMBDA { lgamma_inplace(v); });
}
template <typename V>
NS_VMATH_INLINE void digamma_n(const float* x, float* y, int64_t n) {
  map<V>(x, y, n, [](V& v) NS_VMATH_INLINE_LAMBDA { digamma_inplace(v); });
}
NS_VMATH_WIDTHS(erf_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(erfc_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(lgamma_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(digamma_n, void, (const float* x, float* y, int64_t n), (x, y, n))
NS_VMATH_WIDTHS(exp_sum, double, (const float* x, float shift, float* y, int64_t n), (x, shift, y, n))
NS_VMATH_WIDTHS(sum_sq_dev, double, (const float* x, float mean, int64_t n), (x, mean, n))
NS_VMATH_WIDTHS(sum, double, (const float* x, int64_t n), (x, n))
NS_VMATH_WIDTHS(signed_max, float, (const float* x, int64_t n, float sign), (x, n, sign))
NS_VMATH_WIDTHS(strided_max_exp_sum, void, (const float* x, int64_t classes, int64_t stride, int64_t len, float* m, float* s, float* e),
                (x, classes, stride, len, m, s, e))

// 16, 8 or 4: the widest vector the CPU runs, within the instruction set oneDNN was allowed
// (ONEDNN_MAX_CPU_ISA), like our other kernels: so one variable limits every kernel of the
// process, and the AVX2 and baseline builds run and are tested on an AVX-512 machine too.
inline int width() {
  static const int w = onednn::vector_bits() == 512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? 16
                       : onednn::vector_bits() >= 256 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")  ? 8
                                                                                                                            : 4;
  return w;
}

}  // namespace impl

#define NS_VMATH_DISPATCH(name, args) \
  (impl::width() == 16 ? impl::name##_16 args : impl::width() == 8 ? impl::name##_8 args : impl::name##_4 args)

inline void exp(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(exp_n, (x, y, n)); }
inline void log(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(log_n, (x, y, n)); }
inline void log1p(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(log1p_n, (x, y, n)); }
inline void sigmoid(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(sigmoid_n, (x, y, n)); }
inline void tanh(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(tanh_n, (x, y, n)); }
inline void sin(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(sin_n, (x, y, n)); }
inline void cos(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(cos_n, (x, y, n)); }
inline void softplus(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(softplus_n, (x, y, n)); }
inline void expm1(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(expm1_n, (x, y, n)); }
inline void erf(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(erf_n, (x, y, n)); }
inline void erfc(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(erfc_n, (x, y, n)); }
inline void lgamma(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(lgamma_n, (x, y, n)); }
inline void digamma(const float* x, float* y, int64_t n) { NS_VMATH_DISPATCH(digamma_n, (x, y, n)); }

// f(x + b, y + b, len) over blocks of n floats, spread over the threads above kParallelGrain
// elements (the array functions above are single-threaded).
template <typename F>
inline void blocks(const float* x, float* y, int64_t n, F f) {
  constexpr int64_t kBlock = 8192;
  const int64_t count = (n + kBlock - 1) / kBlock;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t b = 0; b < count; ++b) f(x + b * kBlock, y + b * kBlock, std::min(kBlock, n - b * kBlock));
  );
}

// y[i] = exp(x[i] − shift) (y may be null); returns their sum, in float lanes per block of 256
// and in double across blocks.
inline double exp_sum(const float* x, float shift, float* y, int64_t n) { return NS_VMATH_DISPATCH(exp_sum, (x, shift, y, n)); }
// Σ (x[i] − mean)², summed likewise.
inline double sum_sq_dev(const float* x, float mean, int64_t n) { return NS_VMATH_DISPATCH(sum_sq_dev, (x, mean, n)); }
// Σ x[i], summed likewise.
inline double sum(const float* x, int64_t n) { return NS_VMATH_DISPATCH(sum, (x, n)); }
// The largest / smallest of n floats (NaN if any is NaN); −inf / +inf for n = 0.
inline float max(const float* x, int64_t n) { return NS_VMATH_DISPATCH(signed_max, (x, n, 1.f)); }
inline float min(const float* x, int64_t n) { return -NS_VMATH_DISPATCH(signed_max, (x, n, -1.f)); }

// For classes strided by `stride` (x[c·stride + j]) and len adjacent positions j: m[j] = the max
// over the classes (NaN if any is NaN) and s[j] = Σ_c exp(x − m); with e set, also writes each
// exp at e[c·stride + j]. Vectors run along j, which is contiguous.
inline void strided_max_exp_sum(const float* x, int64_t classes, int64_t stride, int64_t len, float* m, float* s, float* e) {
  NS_VMATH_DISPATCH(strided_max_exp_sum, (x, classes, stride, len, m, s, e));
}

}  // namespace nutshell::cpu::vmath
