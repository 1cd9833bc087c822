// Elementwise math of one tensor: neg, abs, sign, exp, log, sin, cos, floor, ceil, round, trunc,
// sqrt, rsqrt, logicalNot, clamp and powScalar. exp and log run our vectorised Cephes functions
// (vmath.h, within 1 ulp; oneDNN 2.x's eltwise log is off by up to 1.4e-6 absolute, so log(1) was
// −1.4e-6), sqrt oneDNN's eltwise primitive (a scalar libm loop is ~10x slower: the addon is built
// for x86-64-v2 with math errno on, so the compiler does not vectorise std::sqrt), sin and cos
// vmath's Cephes polynomials (libm past |x| = 8192); erf, erfc, lgamma and digamma vmath's
// polynomials too (Note [vectorised special functions]: within 1 ulp of the double-precision
// values, erfc 2.5; negative lgamma/digamma arguments per lane through core/'s double definitions);
// polygamma, gammainc of two same-shaped tensors and erfinv in double from core/'s shared
// definitions; tan, the inverse and hyperbolic trigonometric functions, log2 and log10 libm's float
// functions one element at a time; the rest are plain loops that the compiler vectorises,
// OpenMP-parallel above kParallelGrain elements.
#include <cmath>
#include <limits>
#include <type_traits>

#include "../core/gamma_functions.h"
#include "../core/inverse_error_function.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "onednn.h"
#include "vmath.h"

namespace nutshell::cpu {

namespace eltwise {
// Defined in activation.cc, the file that builds oneDNN eltwise primitives.
void forward(dnnl::algorithm alg, float alpha, float beta, const float* src, float* dst, int64_t n);
}  // namespace eltwise

namespace {

using core::DType;
using core::OpCall;

// out[i] = f(in[i]) with input type I and output type O.
template <typename I, typename O, typename F>
void map(const core::TensorRef& in, const core::TensorRef& out, F f) {
  const I* src = in.data<I>();
  O* dst = out.data<O>();
  int64_t n = out.numel();
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) dst[i] = f(src[i]);
  );
}

// Same dtype in and out; f's result is cast back (uint8 wraps as in PyTorch).
template <typename F>
void same_type(const OpCall& call, F f) {
  core::dispatch_dtype(call.in(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    map<T, T>(call.in(0), call.out(0), [&](T x) { return static_cast<T>(f(x)); });
  });
}

// The float32 input of a float function of any dtype: the input itself, or its values converted
// into the output (transformed there in place).
const float* float_source(const OpCall& call) {
  const auto& in = call.in(0);
  if (in.dtype == DType::float32) return in.data<float>();
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    map<T, float>(in, call.out(0), [](T x) { return static_cast<float>(x); });
  });
  return call.out(0).data<float>();
}

// A float32 result from any input dtype through one oneDNN eltwise algorithm.
void float_eltwise(const OpCall& call, dnnl::algorithm alg, float alpha = 0.f, float beta = 0.f) {
  int64_t n = call.out(0).numel();
  if (n == 0) return;
  eltwise::forward(alg, alpha, beta, float_source(call), call.out(0).data<float>(), n);
}

// A float32 result from any input dtype through one of vmath's array functions.
void float_vmath(const OpCall& call, void (*f)(const float*, float*, int64_t)) {
  int64_t n = call.out(0).numel();
  if (n == 0) return;
  vmath::blocks(float_source(call), call.out(0).data<float>(), n, f);
}

template <typename T>
T abs_of(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
  else if constexpr (std::is_unsigned_v<T>) return x;
  else return x < 0 ? static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x)) : x;  // wraps at the minimum
}

// Clamps in float32 (NaN stays NaN, a NaN bound makes every result NaN; min > max gives max
// everywhere, as in PyTorch).
inline float clamp_float(float x, float lo, float hi) {
  float r = x < lo ? lo : x;
  r = r > hi ? hi : r;
  r = lo != lo ? lo : r;
  r = hi != hi ? hi : r;
  return x != x ? x : r;
}

}  // namespace

void neg(OpCall& call) {
  same_type(call, [](auto x) { return -x; });
}

void abs(OpCall& call) {
  same_type(call, [](auto x) { return abs_of(x); });
}

// (0 < x) - (x < 0): 0 for ±0 and for NaN, as in PyTorch.
void sign(OpCall& call) {
  same_type(call, [](auto x) {
    using T = decltype(x);
    return static_cast<int>(T(0) < x) - static_cast<int>(x < T(0));
  });
}

void logicalNot(OpCall& call) {
  core::dispatch_dtype(call.in(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    map<T, uint8_t>(call.in(0), call.out(0), [](T x) { return static_cast<uint8_t>(x == T(0)); });
  });
}

void exp(OpCall& call) {
  float_vmath(call, vmath::exp);
}

void log(OpCall& call) {
  float_vmath(call, vmath::log);
}

namespace {

// tan and the other transcendentals through libm's single-precision functions (correctly reduced for large arguments,
// within 1 ulp), one element at a time: no vector library of ours covers them.
template <float (*F)(float)>
void float_libm(const OpCall& call) {
  core::dispatch_dtype(call.in(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    map<T, float>(call.in(0), call.out(0), [](T x) { return F(static_cast<float>(x)); });
  });
}

float tan_of(float x) { return std::tan(x); }
float asin_of(float x) { return std::asin(x); }
float acos_of(float x) { return std::acos(x); }
float atan_of(float x) { return std::atan(x); }
float sinh_of(float x) { return std::sinh(x); }
float cosh_of(float x) { return std::cosh(x); }
float asinh_of(float x) { return std::asinh(x); }
float acosh_of(float x) { return std::acosh(x); }
float atanh_of(float x) { return std::atanh(x); }
float log2_of(float x) { return std::log2(x); }
float log10_of(float x) { return std::log10(x); }
// In double, rounded once (core/inverse_error_function.h).
float erfinv_of(float x) { return static_cast<float>(core::erfinv(x)); }

// floor, ceil, round (halves to even, the default rounding mode, as torch.round), trunc: floats only;
// an integer is its own result.
template <typename F>
void rounding(const OpCall& call, F f) {
  same_type(call, [&](auto x) {
    if constexpr (std::is_floating_point_v<decltype(x)>) return f(x);
    else return x;
  });
}

}  // namespace

void sin(OpCall& call) {
  float_vmath(call, vmath::sin);
}

void cos(OpCall& call) {
  float_vmath(call, vmath::cos);
}

void floor(OpCall& call) {
  rounding(call, [](float x) { return std::floor(x); });
}

void ceil(OpCall& call) {
  rounding(call, [](float x) { return std::ceil(x); });
}

void trunc(OpCall& call) {
  rounding(call, [](float x) { return std::trunc(x); });
}

void tan(OpCall& call) { float_libm<tan_of>(call); }
void asin(OpCall& call) { float_libm<asin_of>(call); }
void acos(OpCall& call) { float_libm<acos_of>(call); }
void atan(OpCall& call) { float_libm<atan_of>(call); }
void sinh(OpCall& call) { float_libm<sinh_of>(call); }
void cosh(OpCall& call) { float_libm<cosh_of>(call); }
void asinh(OpCall& call) { float_libm<asinh_of>(call); }
void acosh(OpCall& call) { float_libm<acosh_of>(call); }
void atanh(OpCall& call) { float_libm<atanh_of>(call); }
void log1p(OpCall& call) { float_vmath(call, vmath::log1p); }
void expm1(OpCall& call) { float_vmath(call, vmath::expm1); }
void log2(OpCall& call) { float_libm<log2_of>(call); }
void log10(OpCall& call) { float_libm<log10_of>(call); }
void erf(OpCall& call) { float_vmath(call, vmath::erf); }
void erfc(OpCall& call) { float_vmath(call, vmath::erfc); }
void lgamma(OpCall& call) { float_vmath(call, vmath::lgamma); }
void digamma(OpCall& call) { float_vmath(call, vmath::digamma); }
void erfinv(OpCall& call) { float_libm<erfinv_of>(call); }

// P(α, x) or Q(α, x) of two tensors of one shape (the declaration broadcasts them first).
void gammainc(OpCall& call) {
  const bool upper = core::GammaincAttrs::decode(call.reader()).upper;
  const float* a = call.in(0).data<float>();
  const float* x = call.in(1).data<float>();
  float* out = call.out(0).data<float>();
  const int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= 256, "omp parallel for schedule(dynamic, 64)",
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(core::gamma_fn::regularized_gamma(a[i], x[i], upper));
  );
}

void polygamma(OpCall& call) {
  const int64_t n = core::PolygammaAttrs::decode(call.reader()).n;
  NS_CHECK(n >= 1, value, "n expected an integer >= 1 (digamma is n = 0), got " + std::to_string(n));
  core::dispatch_dtype(call.in(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    map<T, float>(call.in(0), call.out(0), [n](T x) { return static_cast<float>(core::gamma_fn::polygamma(n, static_cast<double>(x))); });
  });
}

void round(OpCall& call) {
  rounding(call, [](float x) { return std::nearbyint(x); });
}

void sqrt(OpCall& call) {
  float_eltwise(call, dnnl::algorithm::eltwise_sqrt);
}

// 1/sqrt(x): oneDNN's sqrt, then a vectorised reciprocal in place (oneDNN's pow(x, -0.5) runs
// its reference path, 30x slower).
void rsqrt(OpCall& call) {
  float_eltwise(call, dnnl::algorithm::eltwise_sqrt);
  float* p = call.out(0).data<float>();
  int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) p[i] = 1.0f / p[i];
  );
}

// Bounds are ±infinity when absent. An integer input keeps its dtype when both bounds are
// integers (they are converted to its type, wrapping like PyTorch's scalar conversion), and is
// clamped in float32 otherwise (the declaration then made the output float32).
void clamp(OpCall& call) {
  auto a = core::ClampAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  if (out.dtype == DType::float32) {
    float lo = static_cast<float>(a.min), hi = static_cast<float>(a.max);
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      map<T, float>(in, out, [=](T x) { return clamp_float(static_cast<float>(x), lo, hi); });
    });
    return;
  }
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    bool has_lo = std::isfinite(a.min), has_hi = std::isfinite(a.max);
    T lo = has_lo ? static_cast<T>(static_cast<int64_t>(a.min)) : std::numeric_limits<T>::lowest();
    T hi = has_hi ? static_cast<T>(static_cast<int64_t>(a.max)) : std::numeric_limits<T>::max();
    map<T, T>(in, out, [=](T x) {
      T r = x < lo ? lo : x;
      return r > hi ? hi : r;
    });
  });
}

// x ** exponent for a number exponent. Float32: PyTorch's special cases (exact squares and
// cubes, reciprocals, square roots), std::pow otherwise. Integers: integer power for a
// non-negative integral exponent (the declaration refuses negative ones), float32 otherwise.
void powScalar(OpCall& call) {
  double e = core::PowScalarAttrs::decode(call.reader()).exponent;
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  int64_t n = out.numel();
  if (n == 0) return;
  if (out.dtype != DType::float32) {
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;  // overflow wraps instead of being undefined
        auto k = static_cast<uint64_t>(e);
        map<T, T>(in, out, [=](T x) {
          U result = 1, b = static_cast<U>(x);
          for (uint64_t j = k; j != 0; j /= 2) {
            if (j & 1) result = static_cast<U>(result * b);
            b = static_cast<U>(b * b);
          }
          return static_cast<T>(result);
        });
      }
    });
    return;
  }
  if (in.dtype != DType::float32) {
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      float ef = static_cast<float>(e);
      map<T, float>(in, out, [=](T x) { return std::pow(static_cast<float>(x), ef); });
    });
    return;
  }
  const float* src = in.data<float>();
  float* dst = out.data<float>();
  if (e == 0.5) return eltwise::forward(dnnl::algorithm::eltwise_sqrt, 0.f, 0.f, src, dst, n);
  if (e == -0.5) {
    eltwise::forward(dnnl::algorithm::eltwise_sqrt, 0.f, 0.f, src, dst, n);
    return map<float, float>(out, out, [](float s) { return 1.0f / s; });
  }
  if (e == 0.0) return map<float, float>(in, out, [](float) { return 1.0f; });
  if (e == 1.0) return map<float, float>(in, out, [](float x) { return x; });
  if (e == 2.0) return map<float, float>(in, out, [](float x) { return x * x; });
  if (e == 3.0) return map<float, float>(in, out, [](float x) { return x * x * x; });
  if (e == -1.0) return map<float, float>(in, out, [](float x) { return 1.0f / x; });
  if (e == -2.0) return map<float, float>(in, out, [](float x) { return 1.0f / (x * x); });
  float ef = static_cast<float>(e);
  map<float, float>(in, out, [=](float x) { return std::pow(x, ef); });
}

}  // namespace nutshell::cpu
