#pragma once
// Note [division rules]: remainder, fmod and floor division as PyTorch defines them (c10's
// div_floor_floating / div_floor_integer and its remainder kernels), compiled into both backends
// so their results agree bit for bit. An integer divisor of 0 gives 0 here; the cpu kernels
// refuse it before they run (PyTorch's ZeroDivisionError), the cuda ones return the 0 (PyTorch's
// result there is undefined).
#include <cmath>
#include <type_traits>

#include "host_device.h"

namespace nutshell::core::division {

// a − b·floor(a/b): the sign of the divisor (Python's %).
template <typename T>
NS_HOST_DEVICE T remainder(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T mod = std::fmod(a, b);
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
    return mod;
  } else {
    if (b == 0) return T(0);
    if constexpr (std::is_signed_v<T>) {
      if (b == T(-1)) return T(0);  // INT_MIN % -1 overflows in C++
    }
    T mod = a % b;
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
    return mod;
  }
}

// a − b·trunc(a/b): the sign of the dividend (C's fmod).
template <typename T>
NS_HOST_DEVICE T fmod(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fmod(a, b);
  } else {
    if (b == 0) return T(0);
    if constexpr (std::is_signed_v<T>) {
      if (b == T(-1)) return T(0);
    }
    return a % b;
  }
}

// floor(a/b) (Python's //).
template <typename T>
NS_HOST_DEVICE T floor_divide(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (b == 0) return a / b;
    T mod = std::fmod(a, b);
    T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= T(1);
    if (div != 0) {
      T floordiv = std::floor(div);
      if (div - floordiv > T(0.5)) floordiv += T(1);
      return floordiv;
    }
    return std::copysign(T(0), a / b);
  } else {
    if (b == 0) return T(0);
    if constexpr (std::is_signed_v<T>) {
      if (b == T(-1)) return static_cast<T>(std::make_unsigned_t<T>(0) - static_cast<std::make_unsigned_t<T>>(a));  // −a, wrapping at INT_MIN
      if ((a < 0) != (b < 0)) {
        T quot = a / b, rem = a % b;
        return rem ? quot - 1 : quot;
      }
    }
    return a / b;
  }
}

}  // namespace nutshell::core::division
