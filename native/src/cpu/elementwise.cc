// Elementwise kernels: binary arithmetic with broadcasting, casts, fills and expand. Plain loops
// (oneDNN's binary primitive has no int64 and no broadcasting of both sides); the compiler
// vectorises the dense fast paths.
#include <cmath>
#include <cstring>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::DType;
using core::OpCall;
using core::Shape;

template <typename T, typename F>
void binary_typed(const OpCall& call, F f) {
  const auto& a = call.in(0);
  const auto& b = call.in(1);
  const auto& out = call.out(0);
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* po = out.data<T>();
  int64_t n = out.numel();
  if (a.shape == out.shape && b.shape == out.shape) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelGrain)
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    return;
  }
  if (a.shape == out.shape && b.numel() == 1) {
    const T s = pb[0];
#pragma omp parallel for simd schedule(static) if (n >= kParallelGrain)
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], s);
    return;
  }
  if (b.shape == out.shape && a.numel() == 1) {
    const T s = pa[0];
#pragma omp parallel for simd schedule(static) if (n >= kParallelGrain)
    for (int64_t i = 0; i < n; ++i) po[i] = f(s, pb[i]);
    return;
  }
  std::array<Shape, 2> strides{broadcast_strides(a.shape, out.shape), broadcast_strides(b.shape, out.shape)};
  for_each_row<2>(out.shape, strides, [&](int64_t len, int64_t o, const std::array<int64_t, 2>& off, const std::array<int64_t, 2>& st) {
    for (int64_t i = 0; i < len; ++i) po[o + i] = f(pa[off[0] + i * st[0]], pb[off[1] + i * st[1]]);
  });
}

template <typename F>
void binary(const OpCall& call, F f) {
  core::dispatch_dtype(call.out(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    binary_typed<T>(call, [&](T x, T y) { return static_cast<T>(f(x, y)); });
  });
}

}  // namespace

void add(OpCall& call) {
  binary(call, [](auto x, auto y) { return x + y; });
}

void mul(OpCall& call) {
  binary(call, [](auto x, auto y) { return x * y; });
}

void cast(OpCall& call) {
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  int64_t n = in.numel();
  bool to_bool = out.dtype == DType::boolean;
  core::dispatch_dtype(in.dtype, [&](auto in_tag) {
    using I = decltype(in_tag);
    core::dispatch_dtype(out.dtype, [&](auto out_tag) {
      using O = decltype(out_tag);
      const I* src = in.data<I>();
      O* dst = out.data<O>();
      if (to_bool) {
        for (int64_t i = 0; i < n; ++i) dst[i] = src[i] != I(0) ? 1 : 0;
      } else {
#pragma omp parallel for simd schedule(static) if (n >= kParallelGrain)
        for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<O>(src[i]);
      }
    });
  });
}

void fill(OpCall& call) {
  const auto& out = call.out(0);
  double value = core::FillAttrs::decode(call.reader()).value;
  int64_t n = out.numel();
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    T v = out.dtype == DType::boolean ? T(value != 0.0) : static_cast<T>(value);
    T* p = out.data<T>();
    std::fill(p, p + n, v);
  });
}

void expand(OpCall& call) {
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* src = in.data<T>();
    T* dst = out.data<T>();
    std::array<Shape, 1> strides{broadcast_strides(in.shape, out.shape)};
    for_each_row<1>(out.shape, strides, [&](int64_t len, int64_t o, const std::array<int64_t, 1>& off, const std::array<int64_t, 1>& st) {
      if (st[0] == 1) std::memcpy(dst + o, src + off[0], sizeof(T) * len);
      else for (int64_t i = 0; i < len; ++i) dst[o + i] = src[off[0] + i * st[0]];
    });
  });
}

}  // namespace nutshell::cpu
