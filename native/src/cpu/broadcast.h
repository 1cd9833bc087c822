#pragma once
// NumPy broadcasting over dense row-major buffers: each operand gets strides aligned to the
// output's rank (0 along broadcast dims), and work is split over rows of the innermost dim.
#include <omp.h>

#include <array>
#include <cstdint>

#include "../core/shape.h"

namespace nutshell::cpu {

// Strides of `in` when read as if broadcast to `out` (same rank or fewer dims, right-aligned).
inline core::Shape broadcast_strides(const core::Shape& in, const core::Shape& out) {
  core::Shape strides(out.size(), 0);
  core::Shape dense = core::contiguous_strides(in);
  size_t lead = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) strides[lead + i] = in[i] == 1 ? 0 : dense[i];
  return strides;
}

constexpr int64_t kParallelGrain = 1 << 15;  // elements below which threading costs more than it saves

// Note [small loops skip OpenMP]: libgomp makes a futex syscall for every parallel region it
// enters, even one that an if() clause keeps on one thread — about a microsecond, as much as a
// tiny op's whole kernel. So a loop runs under `pragma` (an OpenMP directive, as a string) only
// when `cond` holds, and as a plain loop otherwise, without entering OpenMP at all.
#define NS_PARALLEL_IF(cond, pragma, ...) \
  do {                                    \
    if (cond) {                           \
      _Pragma(pragma) __VA_ARGS__         \
    } else {                              \
      __VA_ARGS__                         \
    }                                     \
  } while (0)

// Splits rows [0, rows) into one contiguous range per thread (the op's OpenMP setting; one
// thread when fewer than kParallelGrain elements are touched) and calls run(r0, r1) on each;
// returns whether any call returned true.
template <typename Run>
bool for_row_ranges(int64_t rows, int64_t touched, Run run) {
  const int threads = touched >= kParallelGrain && rows > 1 ? omp_get_max_threads() : 1;
  bool flagged = false;
  NS_PARALLEL_IF(threads > 1, "omp parallel num_threads(threads) reduction(|| : flagged)", {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    flagged = run(rows * t / nt, rows * (t + 1) / nt) || flagged;
  });
  return flagged;
}

// Calls fn(row_len, out_offset, offsets[N], inner_strides[N]) for every innermost row of `out`.
template <size_t N, typename Fn>
void for_each_row(const core::Shape& out, const std::array<core::Shape, N>& strides, Fn&& fn) {
  int64_t total = core::numel(out);
  if (total == 0) return;
  int rank = static_cast<int>(out.size());
  int64_t inner = rank ? out[rank - 1] : 1;
  int64_t rows = total / inner;
  std::array<int64_t, N> inner_strides{};
  for (size_t k = 0; k < N; ++k) inner_strides[k] = rank ? strides[k][rank - 1] : 0;
  auto row_offsets = [&](int64_t row, std::array<int64_t, N>& offs) {
    offs.fill(0);
    int64_t rem = row;
    for (int d = rank - 2; d >= 0; --d) {
      int64_t idx = rem % out[d];
      rem /= out[d];
      for (size_t k = 0; k < N; ++k) offs[k] += idx * strides[k][d];
    }
  };
  NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t row = 0; row < rows; ++row) {
      std::array<int64_t, N> offs;
      row_offsets(row, offs);
      fn(inner, row * inner, offs, inner_strides);
    }
  );
}

}  // namespace nutshell::cpu
