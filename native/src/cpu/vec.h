#pragma once
// GCC vector types of L float lanes, for kernels written once as templates and compiled once per
// instruction set in cpu/isa/ (files *_avx512.cc use L = 16, *_avx2.cc L = 8; CMake gives each
// its ISA's flags): the arithmetic is written with operators and the compiler emits that
// instruction set's code.
#include <cstdint>
#include <type_traits>
#include <utility>

namespace nutshell::cpu {

template <int L>
struct Lanes {
  typedef float Vec __attribute__((vector_size(L * sizeof(float))));
  typedef float UnalignedVec __attribute__((vector_size(L * sizeof(float)), aligned(sizeof(float))));
  typedef int32_t Ints __attribute__((vector_size(L * sizeof(int32_t))));
  typedef uint8_t Bytes __attribute__((vector_size(L), aligned(1)));
};

// Calls f(std::integral_constant<int, K>{}) with K = n for 1 ≤ n < Max and K = Max above: a
// run-time count (channels in a block, a kernel's width) turned into the template argument a
// register-blocked loop needs, so its accumulators are registers rather than an array.
template <int Max, int K = 1, typename F>
inline __attribute__((always_inline)) void with_constant(int64_t n, F&& f) {
  if constexpr (K >= Max) {
    f(std::integral_constant<int, Max>{});
  } else if (n <= K) {
    f(std::integral_constant<int, K>{});
  } else {
    with_constant<Max, K + 1>(n, f);
  }
}

// out[o·stride + j] = the sum of acc[o][j]'s lanes: a weight gradient kept as vectors of partial
// sums, written out.
template <int L, int OB, int KW>
inline __attribute__((always_inline)) void store_lane_sums(const typename Lanes<L>::Vec (&acc)[OB][KW], float* out, int64_t stride) {
  for (int o = 0; o < OB; ++o) {
    for (int j = 0; j < KW; ++j) {
      float sum = 0.0f;
      for (int l = 0; l < L; ++l) sum += acc[o][j][l];
      out[o * stride + j] = sum;
    }
  }
}

// acc[o][j] += gy[o·gy_stride] · x[j·x_step] for taps j in [j0, j1): a weight gradient's
// products at one output position, L lanes at a time. Each x vector is loaded once and kept in a
// register for the OB multiply-adds: GCC would otherwise fold the (unaligned, line-splitting) load
// into each of them and load it OB times, which made the loop load-bound.
template <int L, int OB, int KW>
inline __attribute__((always_inline)) void accumulate_taps(typename Lanes<L>::Vec (&acc)[OB][KW], const float* gy, int64_t gy_stride,
                                                           const float* x, int64_t x_step, int64_t j0 = 0, int64_t j1 = KW) {
  using Vec = typename Lanes<L>::Vec;
  using UnalignedVec = typename Lanes<L>::UnalignedVec;
  Vec gv[OB];
  for (int o = 0; o < OB; ++o) gv[o] = *reinterpret_cast<const UnalignedVec*>(gy + o * gy_stride);
  for (int j = 0; j < KW; ++j) {
    if (j < j0 || j >= j1) continue;
    Vec xv = *reinterpret_cast<const UnalignedVec*>(x + j * x_step);
    asm("" : "+v"(xv));
    for (int o = 0; o < OB; ++o) acc[o][j] += gv[o] * xv;
  }
}

// Rows r[0..L) of an L × L tile transposed in registers: log2(L) rounds of interleaving row i with
// row i + L/2 (each a two-source permute on AVX-512), after which row i holds column i.
template <int L, int... I>
inline typename Lanes<L>::Vec interleave_low(typename Lanes<L>::Vec a, typename Lanes<L>::Vec b, std::integer_sequence<int, I...>) {
  return __builtin_shufflevector(a, b, ((I & 1) ? L + I / 2 : I / 2)...);
}
template <int L, int... I>
inline typename Lanes<L>::Vec interleave_high(typename Lanes<L>::Vec a, typename Lanes<L>::Vec b, std::integer_sequence<int, I...>) {
  return __builtin_shufflevector(a, b, ((I & 1) ? L + L / 2 + I / 2 : L / 2 + I / 2)...);
}
template <int L>
inline __attribute__((always_inline)) void transpose_tile(typename Lanes<L>::Vec (&r)[L]) {
  using Vec = typename Lanes<L>::Vec;
  constexpr auto lanes = std::make_integer_sequence<int, L>{};
  for (int round = 1; round < L; round *= 2) {
    Vec t[L];
    for (int i = 0; i < L / 2; ++i) {
      t[2 * i] = interleave_low<L>(r[i], r[i + L / 2], lanes);
      t[2 * i + 1] = interleave_high<L>(r[i], r[i + L / 2], lanes);
    }
    for (int i = 0; i < L; ++i) r[i] = t[i];
  }
}

}  // namespace nutshell::cpu
