#pragma once
// Elementwise functors shared by the elementwise families (arithmetic, comparisons, unary math):
// device versions of the cpu kernels' lambdas, with the same types and the same special cases.
#include <cstdint>
#include <type_traits>

#include "../core/wrap.h"
#include "broadcast.cuh"

namespace nutshell::cuda {

template <typename T>
__device__ __forceinline__ bool is_nan_value(T x) {
  if constexpr (std::is_floating_point_v<T>) return x != x;
  else return false;
}

// PyTorch's integer power (negative exponents give 0 except for bases 1 and -1), computed in the
// unsigned type so that overflow wraps (cpu/elementwise.cc's int_pow).
template <typename T>
__device__ __forceinline__ T int_pow(T base, T exp) {
  if constexpr (std::is_signed_v<T>) {
    if (exp < 0) {
      if (base == 1) return 1;
      if (base == -1) return (exp & 1) ? T(-1) : T(1);
      return 0;
    }
  }
  using U = std::make_unsigned_t<T>;
  U result = 1, b = static_cast<U>(base);
  for (auto e = exp; e != 0; e /= 2) {
    if (e & 1) result = static_cast<U>(result * b);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

// Wrapping arithmetic for every element type (core/wrap.h).
using core::WrapType;

template <typename T>
struct Wrap {
  using U = typename WrapType<T>::type;
  static __device__ __forceinline__ T add(T x, T y) { return static_cast<T>(static_cast<U>(x) + static_cast<U>(y)); }
  static __device__ __forceinline__ T sub(T x, T y) { return static_cast<T>(static_cast<U>(x) - static_cast<U>(y)); }
  static __device__ __forceinline__ T mul(T x, T y) { return static_cast<T>(static_cast<U>(x) * static_cast<U>(y)); }
};

}  // namespace nutshell::cuda
