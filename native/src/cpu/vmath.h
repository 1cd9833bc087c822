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

#include "broadcast.h"
#include "onednn.h"

namespace nutshell::cpu::vmath {

typedef float f4 __attribute__((vector_size(16)));
typedef int32_t i4 __attribute__((vector_size(16)));
typedef float f8 __attribute__((vector_size(32)));
typedef int32_t i8 __attribute__((vector_size(32)));
typedef float f16 __attribute__((vector_size(64)));
typedef int32_t i16 __attribute__((vector_size(64)));

template <typename V>
struct lanes;
template <>
struct lanes<f4> {
  static constexpr int n = 4;
  typedef i4 I;
};
template <>
struct lanes<f8> {
  static constexpr int n = 8;
  typedef i8 I;
};
template <>
struct lanes<f16> {
  static constexpr int n = 16;
  typedef i16 I;
};

#define NS_VMATH_INLINE inline __attribute__((always_inline))

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

// e^c = 2^k · e^r with r = c − k·ln 2 (in two parts, for precision): Cephes' polynomial for e^r,
// scaled by 2^k through the exponent bits. k (as float and as integer) is the caller's rounding of
// c / ln 2; 2^k must be normal or zero (k + 127 in [0, 254]).
template <typename V>
NS_VMATH_INLINE void exp_reduced(V& c, const V& k, const typename lanes<V>::I& ki) {
  V r = c - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  V p = V{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const V scale = (V)((ki + 127) << 23);
  c = (p * r * r + r + 1.f) * scale;
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

// Natural log: −inf at 0, NaN below 0 and for NaN, +inf at +inf; subnormals are scaled first.
template <typename V>
NS_VMATH_INLINE void log_inplace(V& x) {
  typedef typename lanes<V>::I I;
  // −1 where subnormal (or ≤ 0, fixed at the end); compared as integers, which GCC keeps in
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
  V r = m + y + fe * 0.693359375f;
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
