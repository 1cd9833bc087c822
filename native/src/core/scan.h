#pragma once
// The scans' arithmetic (cumsum, logcumsumexp, cummax, cummin), compiled by both backends so that
// they give the same bits: each kernel walks lines along the scanned dim with scan_lines, which
// takes one step per element in order (or from the end back, `reverse`).
//
// Note [scan accumulation]: PyTorch's cpu kernels carry float sums in double and round each
// running value to float as it is written; so do we on both devices, so long rows keep their
// precision and cuda matches cpu bit for bit. Integer sums wrap in int64, as two's complement does.
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "host_device.h"

namespace nutshell::core::scan {

// `width` lines of a scan stepped together along the dim: element k of line t sits at
// k·step_stride + t·line_stride from the first line's start. Neighbouring lines of a dim with
// inner positions are consecutive in memory (line_stride 1: the cpu's inner loop reads contiguous
// elements); rows scanned along the last dim are interleaved (line_stride n), so their running
// values are independent chains the cpu overlaps instead of one serial chain at a time.
// Step: init(t) starts line t; step(t, k, pos) takes its element k, at pos.
template <int MaxWidth, typename Step>
NS_HOST_DEVICE void scan_lines(int64_t n, int64_t step_stride, int64_t line_stride, int width, bool reverse, Step& step) {
  for (int t = 0; t < width; ++t) step.init(t);
  for (int64_t s = 0; s < n; ++s) {
    const int64_t k = reverse ? n - 1 - s : s;
    for (int t = 0; t < width; ++t) step(t, k, k * step_stride + t * line_stride);
  }
}

template <typename Out>
using SumAcc = std::conditional_t<std::is_floating_point_v<Out>, double, uint64_t>;

// Running sums; Out is float32 (carried in double) or int64 (wrapping, carried unsigned).
template <int MaxWidth, typename In, typename Out>
struct CumsumStep {
  const In* x;
  Out* y;
  SumAcc<Out> acc[MaxWidth];
  NS_HOST_DEVICE void init(int t) { acc[t] = 0; }
  NS_HOST_DEVICE void operator()(int t, int64_t, int64_t pos) {
    acc[t] += static_cast<SumAcc<Out>>(static_cast<std::conditional_t<std::is_floating_point_v<Out>, double, int64_t>>(x[pos]));
    y[pos] = static_cast<Out>(acc[t]);
  }
};

// log(exp(x) + exp(acc)) as PyTorch's _log_add_exp_helper: NaN propagates, and two equal
// infinities give that infinity (their difference would be NaN).
NS_HOST_DEVICE double log_add_exp(double x, double acc) {
  const double lo = acc != acc ? acc : (x < acc ? x : acc);
  const double hi = acc != acc ? acc : (x < acc ? acc : x);
  if (lo != hi || (lo - lo == 0)) return log1p(exp(lo - hi)) + hi;
  return x;
}

template <int MaxWidth>
struct LogcumsumexpStep {
  const float* x;
  float* y;
  double acc[MaxWidth];
  NS_HOST_DEVICE void init(int t) { acc[t] = -std::numeric_limits<double>::infinity(); }
  NS_HOST_DEVICE void operator()(int t, int64_t, int64_t pos) {
    acc[t] = log_add_exp(static_cast<double>(x[pos]), acc[t]);
    y[pos] = static_cast<float>(acc[t]);
  }
};

template <typename T>
NS_HOST_DEVICE bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;
  else return false;
}

// Running maximum (Max) or minimum and its position: a NaN takes over and keeps it; ties move the
// position to the later element (PyTorch's cummax_cummin_helper with >= and <=).
template <int MaxWidth, bool Max, typename T>
struct ExtremeStep {
  const T* x;
  T* values;
  int64_t* indices;
  T best[MaxWidth];
  int64_t at[MaxWidth];
  int64_t line_stride;  // where line t's first element is: x[t·line_stride]
  NS_HOST_DEVICE void init(int t) {
    best[t] = x[t * line_stride];
    at[t] = 0;
  }
  NS_HOST_DEVICE void operator()(int t, int64_t k, int64_t pos) {
    const T v = x[pos];
    if (is_nan(v) || (!is_nan(best[t]) && (Max ? v >= best[t] : v <= best[t]))) {
      best[t] = v;
      at[t] = k;
    }
    values[pos] = best[t];
    indices[pos] = at[t];
  }
};

}  // namespace nutshell::core::scan
