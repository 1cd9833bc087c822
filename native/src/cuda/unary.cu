// Elementwise math of one tensor: neg, abs, sign, exp, log, sin, cos, floor, ceil, round, sqrt,
// rsqrt, logicalNot, clamp and powScalar, with cpu/unary.cc's types and special cases; the gamma
// family (lgamma, digamma, polygamma, gammainc of two same-shaped tensors) and erfinv in double
// from core/'s shared definitions.
// Transcendentals use CUDA's full-precision libdevice functions (expf, logf, sinf, cosf, powf:
// within 2 ulp; sqrtf correctly rounded), so results may differ from oneDNN's in the last bit or
// two.
#include <cmath>
#include <limits>

#include "../core/gamma_functions.h"
#include "../core/inverse_error_function.h"
#include "../gen/cuda_kernels.gen.h"
#include "elementwise.cuh"

namespace nutshell::cuda {

namespace {

using core::DType;
using core::OpCall;

// out = f(in) with the input's and output's element types.
template <typename F>
void map_typed(const OpCall& call, F f) {
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(in.dtype, [&](auto in_tag) {
    using I = decltype(in_tag);
    core::dispatch_dtype(out.dtype, [&](auto out_tag) {
      using O = decltype(out_tag);
      if constexpr (F::template accepts<I, O>()) launch_map1(stream, out.numel(), out.data<O>(), in.data<I>(), f);
      else NS_THROW(dtype, std::string("unsupported dtypes ") + core::dtype_name(in.dtype) + " -> " + core::dtype_name(out.dtype));
    });
  });
}

// Functors declare which (input, output) type pairs they serve; the dtype rules themselves are
// the declarations' (ops/table/unary.ts).
template <bool kFloatOut>
struct Rule {
  template <typename I, typename O>
  static constexpr bool accepts() {
    if constexpr (kFloatOut) return std::is_same_v<O, float>;
    else return std::is_same_v<I, O>;
  }
};

struct NegF : Rule<false> {
  template <typename T>
  __device__ T operator()(T x) const { return static_cast<T>(-x); }
};

struct AbsF : Rule<false> {
  template <typename T>
  __device__ T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return fabsf(x);
    else if constexpr (std::is_unsigned_v<T>) return x;
    else return x < 0 ? static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x)) : x;  // wraps at the minimum
  }
};

// (0 < x) - (x < 0): 0 for ±0 and for NaN, as in PyTorch.
struct SignF : Rule<false> {
  template <typename T>
  __device__ T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>) return static_cast<T>(x != 0);
    else return static_cast<T>(static_cast<int>(T(0) < x) - static_cast<int>(x < T(0)));
  }
};

struct ExpF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return expf(static_cast<float>(x)); }
};
struct LogF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return logf(static_cast<float>(x)); }
};
struct SinF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return sinf(static_cast<float>(x)); }
};
struct CosF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return cosf(static_cast<float>(x)); }
};
// tan … erfc: libdevice's single-precision functions, one functor each.
#define NS_FLOAT_MATH(Name, fn)                                                \
  struct Name : Rule<true> {                                                   \
    template <typename I>                                                      \
    __device__ float operator()(I x) const { return fn(static_cast<float>(x)); } \
  };
NS_FLOAT_MATH(TanF, tanf)
NS_FLOAT_MATH(AsinF, asinf)
NS_FLOAT_MATH(AcosF, acosf)
NS_FLOAT_MATH(AtanF, atanf)
NS_FLOAT_MATH(SinhF, sinhf)
NS_FLOAT_MATH(CoshF, coshf)
NS_FLOAT_MATH(AsinhF, asinhf)
NS_FLOAT_MATH(AcoshF, acoshf)
NS_FLOAT_MATH(AtanhF, atanhf)
NS_FLOAT_MATH(Log1pF, log1pf)
NS_FLOAT_MATH(Expm1F, expm1f)
NS_FLOAT_MATH(Log2F, log2f)
NS_FLOAT_MATH(Log10F, log10f)
NS_FLOAT_MATH(ErfF, erff)
NS_FLOAT_MATH(ErfcF, erfcf)
#undef NS_FLOAT_MATH
// The gamma family in double, rounded once: the same definitions as cpu's (Note [gamma functions]).
struct LgammaF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return static_cast<float>(core::gamma_fn::log_gamma(static_cast<double>(x))); }
};
struct DigammaF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return static_cast<float>(core::gamma_fn::digamma(static_cast<double>(x))); }
};
// erfinv in double, rounded once: cpu's definition (core/inverse_error_function.h).
struct ErfinvF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return static_cast<float>(core::erfinv(static_cast<double>(x))); }
};
struct PolygammaF : Rule<true> {
  int64_t n;
  template <typename I>
  __device__ float operator()(I x) const { return static_cast<float>(core::gamma_fn::polygamma(n, static_cast<double>(x))); }
};
// floor, ceil, round (rintf: halves to even, as torch.round), trunc on floats; integers pass unchanged.
template <int kMode>
struct RoundingF : Rule<false> {
  template <typename T>
  __device__ T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return kMode == 0 ? floorf(x) : kMode == 1 ? ceilf(x) : kMode == 2 ? rintf(x) : truncf(x);
    else return x;
  }
};
struct SqrtF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return sqrtf(static_cast<float>(x)); }
};
// 1/sqrt(x) rounded twice, like cpu (rsqrtf is only within 2 ulp).
struct RsqrtF : Rule<true> {
  template <typename I>
  __device__ float operator()(I x) const { return 1.0f / sqrtf(static_cast<float>(x)); }
};

struct LogicalNotF {
  template <typename I, typename O>
  static constexpr bool accepts() { return std::is_same_v<O, uint8_t>; }
  template <typename I>
  __device__ uint8_t operator()(I x) const { return static_cast<uint8_t>(x == I(0)); }
};

// Clamps in float32: NaN stays NaN, a NaN bound makes every result NaN; min > max gives max
// everywhere, as in PyTorch.
struct ClampFloatF : Rule<true> {
  float lo, hi;
  template <typename I>
  __device__ float operator()(I v) const {
    const float x = static_cast<float>(v);
    float r = x < lo ? lo : x;
    r = r > hi ? hi : r;
    r = lo != lo ? lo : r;
    r = hi != hi ? hi : r;
    return x != x ? x : r;
  }
};

template <typename T>
struct ClampIntF {
  T lo, hi;
  __device__ T operator()(T x) const {
    T r = x < lo ? lo : x;
    return r > hi ? hi : r;
  }
};

// x^k for a non-negative integer k, in the unsigned type (overflow wraps).
template <typename T>
struct IntPowF {
  uint64_t k;
  __device__ T operator()(T x) const {
    using U = std::make_unsigned_t<T>;
    U result = 1, b = static_cast<U>(x);
    for (uint64_t j = k; j != 0; j /= 2) {
      if (j & 1) result = static_cast<U>(result * b);
      b = static_cast<U>(b * b);
    }
    return static_cast<T>(result);
  }
};

struct PowFloatF : Rule<true> {
  float e;
  template <typename I>
  __device__ float operator()(I x) const { return powf(static_cast<float>(x), e); }
};

// PyTorch's special cases of a float32 power (cpu/unary.cc's powScalar).
struct PowSpecialF {
  int which;  // 0: x^0, 1: x, 2: x², 3: x³, 4: 1/x, 5: 1/x², 6: sqrt, 7: 1/sqrt
  __device__ float operator()(float x) const {
    switch (which) {
      case 0: return 1.0f;
      case 1: return x;
      case 2: return x * x;
      case 3: return x * x * x;
      case 4: return 1.0f / x;
      case 5: return 1.0f / (x * x);
      case 6: return sqrtf(x);
      default: return 1.0f / sqrtf(x);
    }
  }
};

}  // namespace

void neg(OpCall& call) { map_typed(call, NegF{}); }
void abs(OpCall& call) { map_typed(call, AbsF{}); }
void sign(OpCall& call) { map_typed(call, SignF{}); }
void exp(OpCall& call) { map_typed(call, ExpF{}); }
void log(OpCall& call) { map_typed(call, LogF{}); }
void sin(OpCall& call) { map_typed(call, SinF{}); }
void cos(OpCall& call) { map_typed(call, CosF{}); }
void floor(OpCall& call) { map_typed(call, RoundingF<0>{}); }
void ceil(OpCall& call) { map_typed(call, RoundingF<1>{}); }
void round(OpCall& call) { map_typed(call, RoundingF<2>{}); }
void trunc(OpCall& call) { map_typed(call, RoundingF<3>{}); }
void tan(OpCall& call) { map_typed(call, TanF{}); }
void asin(OpCall& call) { map_typed(call, AsinF{}); }
void acos(OpCall& call) { map_typed(call, AcosF{}); }
void atan(OpCall& call) { map_typed(call, AtanF{}); }
void sinh(OpCall& call) { map_typed(call, SinhF{}); }
void cosh(OpCall& call) { map_typed(call, CoshF{}); }
void asinh(OpCall& call) { map_typed(call, AsinhF{}); }
void acosh(OpCall& call) { map_typed(call, AcoshF{}); }
void atanh(OpCall& call) { map_typed(call, AtanhF{}); }
void log1p(OpCall& call) { map_typed(call, Log1pF{}); }
void expm1(OpCall& call) { map_typed(call, Expm1F{}); }
void log2(OpCall& call) { map_typed(call, Log2F{}); }
void log10(OpCall& call) { map_typed(call, Log10F{}); }
void erf(OpCall& call) { map_typed(call, ErfF{}); }
void erfc(OpCall& call) { map_typed(call, ErfcF{}); }
void lgamma(OpCall& call) { map_typed(call, LgammaF{}); }
void digamma(OpCall& call) { map_typed(call, DigammaF{}); }
void erfinv(OpCall& call) { map_typed(call, ErfinvF{}); }
namespace {
// P(α, x) or Q(α, x) of two tensors of one shape (the declaration broadcasts them first).
__global__ void gammainc_kernel(int64_t n, const float* __restrict__ a, const float* __restrict__ x, bool upper, float* __restrict__ out) {
  NS_GRID_LOOP(i, n) out[i] = static_cast<float>(core::gamma_fn::regularized_gamma(a[i], x[i], upper));
}
}  // namespace

void gammainc(OpCall& call) {
  const bool upper = core::GammaincAttrs::decode(call.reader()).upper;
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  gammainc_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(n, call.in(0).data<float>(), call.in(1).data<float>(), upper,
                                                                           call.out(0).data<float>());
  NS_LAUNCH_CHECK();
}

void polygamma(OpCall& call) {
  const int64_t n = core::PolygammaAttrs::decode(call.reader()).n;
  NS_CHECK(n >= 1, value, "n expected an integer >= 1 (digamma is n = 0), got " + std::to_string(n));
  map_typed(call, PolygammaF{{}, n});
}
void sqrt(OpCall& call) { map_typed(call, SqrtF{}); }
void rsqrt(OpCall& call) { map_typed(call, RsqrtF{}); }
void logicalNot(OpCall& call) { map_typed(call, LogicalNotF{}); }

// Bounds are ±infinity when absent. An integer input keeps its dtype when both bounds are
// integers (converted to its type, wrapping like PyTorch's scalar conversion), and is clamped in
// float32 otherwise (the declaration then made the output float32).
void clamp(OpCall& call) {
  auto a = core::ClampAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  if (out.dtype == DType::float32) {
    map_typed(call, ClampFloatF{{}, static_cast<float>(a.min), static_cast<float>(a.max)});
    return;
  }
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T>) {
      const bool has_lo = std::isfinite(a.min), has_hi = std::isfinite(a.max);
      const T lo = has_lo ? static_cast<T>(static_cast<int64_t>(a.min)) : std::numeric_limits<T>::lowest();
      const T hi = has_hi ? static_cast<T>(static_cast<int64_t>(a.max)) : std::numeric_limits<T>::max();
      launch_map1(stream, out.numel(), out.data<T>(), in.data<T>(), ClampIntF<T>{lo, hi});
    }
  });
}

// x ** exponent for a number exponent: integers keep their type for a non-negative integral
// exponent (the declaration refuses negative ones) and become float32 otherwise; float32 takes
// PyTorch's special cases, powf otherwise.
void powScalar(OpCall& call) {
  const double e = core::PowScalarAttrs::decode(call.reader()).exponent;
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  const int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = context_of(call).stream;
  if (out.dtype != DType::float32) {
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T>) {
        launch_map1(stream, n, out.data<T>(), in.data<T>(), IntPowF<T>{static_cast<uint64_t>(e)});
      }
    });
    return;
  }
  if (in.dtype != DType::float32) {
    map_typed(call, PowFloatF{{}, static_cast<float>(e)});
    return;
  }
  int which = -1;
  if (e == 0.0) which = 0;
  else if (e == 1.0) which = 1;
  else if (e == 2.0) which = 2;
  else if (e == 3.0) which = 3;
  else if (e == -1.0) which = 4;
  else if (e == -2.0) which = 5;
  else if (e == 0.5) which = 6;
  else if (e == -0.5) which = 7;
  if (which >= 0) launch_map1(stream, n, out.data<float>(), in.data<float>(), PowSpecialF{which});
  else launch_map1(stream, n, out.data<float>(), in.data<float>(), PowFloatF{{}, static_cast<float>(e)});
}

}  // namespace nutshell::cuda
