#pragma once
// erfinv for both backends (CUDA kernels include this through __host__ __device__), in double,
// rounded once to float32 by the caller: Giles's single-precision approximation ("Approximating
// the erfinv function", GPU Computing Gems, 2011) as the start, then two Newton steps on
// erf(x) = y — written as erfc(x) = 1 − y above ½ so that y near ±1 keeps its digits (1 − y is
// exact for a float y). ±∞ at ±1, NaN outside [−1, 1], as PyTorch.
#include <cmath>

#include "host_device.h"

namespace nutshell::core {

NS_HOST_DEVICE double erfinv(double y) {
  if (!(y >= -1.0 && y <= 1.0)) return NAN;
  if (y == 1.0) return INFINITY;
  if (y == -1.0) return -INFINITY;
  const double a = ::fabs(y);
  double w = -::log((1.0 - a) * (1.0 + a));
  double p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = ::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  double x = p * a;
  const double tail = 1.0 - a;
  constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
  for (int step = 0; step < 2; ++step) {
    const double residual = a < 0.5 ? a - ::erf(x) : ::erfc(x) - tail;
    x += residual / (kTwoOverSqrtPi * ::exp(-x * x));
  }
  return y < 0.0 ? -x : x;
}

}  // namespace nutshell::core
