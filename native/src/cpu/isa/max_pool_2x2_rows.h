#pragma once
// The row loops of Note [2x2 max pooling] (cpu/max_pool_2x2.h) as templates over L lanes (vec.h),
// included by one file per instruction set (max_pool_2x2_avx512.cc, _avx2.cc), each compiled
// with that ISA's flags: GCC lowers vector comparisons for the ISA of the function they are
// written in, so templates compiled for the baseline and inlined into an AVX-512 function still
// came out as scalar code.
#include <cstdint>

#include "../vec.h"

namespace nutshell::cpu::pool2x2 {

// Output rows [r0, r1) of `rows` (row r reads input rows 2r and 2r + 1 of the flat N·C·H view,
// rows of w values; H and w even); returns nothing / whether a workspace index was outside 0–3.
void forward_rows_avx512(const float* x, float* y, uint8_t* ws, int64_t r0, int64_t r1, int64_t rows, int64_t w);
void forward_rows_avx2(const float* x, float* y, uint8_t* ws, int64_t r0, int64_t r1, int64_t rows, int64_t w);
bool backward_rows_avx512(const float* gy, const uint8_t* ws, float* dx, int64_t r0, int64_t r1, int64_t rows, int64_t w);
bool backward_rows_avx2(const float* gy, const uint8_t* ws, float* dx, int64_t r0, int64_t r1, int64_t rows, int64_t w);

#ifdef NS_POOL2X2_KERNELS
namespace {

// Shuffle masks over a pair of vectors (lanes 0..L−1 of the first, L..2L−1 of the second):
// even/odd lanes (deinterleave) and their inverse (interleave, low and high halves).
template <int L>
struct Masks;
template <>
struct Masks<16> {
  using I = Lanes<16>::Ints;
  static constexpr I even = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
  static constexpr I odd = {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31};
  static constexpr I lo = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
  static constexpr I hi = {8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
};
template <>
struct Masks<8> {
  using I = Lanes<8>::Ints;
  static constexpr I even = {0, 2, 4, 6, 8, 10, 12, 14};
  static constexpr I odd = {1, 3, 5, 7, 9, 11, 13, 15};
  static constexpr I lo = {0, 8, 1, 9, 2, 10, 3, 11};
  static constexpr I hi = {4, 12, 5, 13, 6, 14, 7, 15};
};

template <int L>
inline __attribute__((always_inline)) typename Lanes<L>::Vec load(const float* p) {
  return *reinterpret_cast<const typename Lanes<L>::UnalignedVec*>(p);
}
template <int L>
inline __attribute__((always_inline)) void store(float* p, typename Lanes<L>::Vec v) {
  *reinterpret_cast<typename Lanes<L>::UnalignedVec*>(p) = v;
}

// PyTorch's rule, corner by corner in window order: a larger value or a NaN takes the place.
// Selections are written as bit masks: GCC 12 turned the vector `?:` into scalar code here.
template <int L>
inline __attribute__((always_inline)) void pick(typename Lanes<L>::Vec& m, typename Lanes<L>::Ints& k, typename Lanes<L>::Vec v, int corner) {
  using Ints = typename Lanes<L>::Ints;
  using Vec = typename Lanes<L>::Vec;
  const Ints take = (v > m) | (v != v);
  m = (Vec)(((Ints)v & take) | ((Ints)m & ~take));
  k = (k & ~take) | (take & corner);
}

// L outputs of one row from the input rows `top` and `bottom` (2L values each).
template <int L>
inline __attribute__((always_inline)) void forward_chunk(const float* top, const float* bottom, float* y, uint8_t* ws) {
  using M = Masks<L>;
  const auto a0 = load<L>(top), a1 = load<L>(top + L), b0 = load<L>(bottom), b1 = load<L>(bottom + L);
  auto m = __builtin_shuffle(a0, a1, M::even);
  typename Lanes<L>::Ints k{};
  pick<L>(m, k, __builtin_shuffle(a0, a1, M::odd), 1);
  pick<L>(m, k, __builtin_shuffle(b0, b1, M::even), 2);
  pick<L>(m, k, __builtin_shuffle(b0, b1, M::odd), 3);
  store<L>(y, m);
  *reinterpret_cast<typename Lanes<L>::Bytes*>(ws) = __builtin_convertvector(k, typename Lanes<L>::Bytes);
}

inline void forward_scalar(const float* top, const float* bottom, float* y, uint8_t* ws, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    const float corners[4] = {top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1]};
    float m = corners[0];
    uint8_t k = 0;
    for (uint8_t c = 1; c < 4; ++c) {
      if (corners[c] > m || corners[c] != corners[c]) m = corners[c], k = c;
    }
    y[j] = m;
    ws[j] = k;
  }
}

// Output rows [r0, r1) of `rows` (each row R reads input rows 2R and 2R + 1 of the flat view).
template <int L>
inline __attribute__((always_inline)) void forward_rows(const float* x, float* y, uint8_t* ws, int64_t r0, int64_t r1, int64_t rows, int64_t w) {
  const int64_t ow = w / 2;
  for (int64_t r = r0; r < r1; ++r) {
    const float* top = x + r * 2 * w;
    const float* bottom = top + w;
    float* yr = y + r * ow;
    uint8_t* wr = ws + r * ow;
    if (ow >= L) {
      int64_t c = 0;
      for (; c + L <= ow; c += L) forward_chunk<L>(top + 2 * c, bottom + 2 * c, yr + c, wr + c);
      if (c < ow) forward_chunk<L>(top + 2 * (ow - L), bottom + 2 * (ow - L), yr + ow - L, wr + ow - L);  // overlaps: same values
    } else if ((r * ow + L <= r1 * ow) && (r * 2 * w + w + 2 * L <= rows * 2 * w)) {
      forward_chunk<L>(top, bottom, yr, wr);  // runs on into the next rows of this range, written after
    } else {
      forward_scalar(top, bottom, yr, wr, ow);
    }
  }
}

// L outputs' gradients into their 2×2 blocks; `bad` collects indices outside 0–3.
template <int L>
inline __attribute__((always_inline)) void backward_chunk(const float* g, const uint8_t* ws, float* top, float* bottom, typename Lanes<L>::Ints& bad) {
  using M = Masks<L>;
  using Ints = typename Lanes<L>::Ints;
  using Vec = typename Lanes<L>::Vec;
  const Ints k = __builtin_convertvector(*reinterpret_cast<const typename Lanes<L>::Bytes*>(ws), Ints);
  const Ints v = (Ints)load<L>(g);
  bad |= k > 3;
  const Vec c0 = (Vec)(v & (k == 0)), c1 = (Vec)(v & (k == 1)), c2 = (Vec)(v & (k == 2)), c3 = (Vec)(v & (k == 3));
  store<L>(top, __builtin_shuffle(c0, c1, M::lo));
  store<L>(top + L, __builtin_shuffle(c0, c1, M::hi));
  store<L>(bottom, __builtin_shuffle(c2, c3, M::lo));
  store<L>(bottom + L, __builtin_shuffle(c2, c3, M::hi));
}

inline bool backward_scalar(const float* g, const uint8_t* ws, float* top, float* bottom, int64_t n) {
  bool bad = false;
  for (int64_t j = 0; j < n; ++j) {
    const uint8_t k = ws[j];
    bad |= k > 3;
    top[2 * j] = k == 0 ? g[j] : 0.0f;
    top[2 * j + 1] = k == 1 ? g[j] : 0.0f;
    bottom[2 * j] = k == 2 ? g[j] : 0.0f;
    bottom[2 * j + 1] = k == 3 ? g[j] : 0.0f;
  }
  return bad;
}

template <int L>
inline __attribute__((always_inline)) bool backward_rows(const float* gy, const uint8_t* ws, float* dx, int64_t r0, int64_t r1, int64_t rows, int64_t w) {
  const int64_t ow = w / 2;
  typename Lanes<L>::Ints bad{};
  bool bad_scalar = false;
  for (int64_t r = r0; r < r1; ++r) {
    const float* g = gy + r * ow;
    const uint8_t* k = ws + r * ow;
    float* top = dx + r * 2 * w;
    float* bottom = top + w;
    if (ow >= L) {
      int64_t c = 0;
      for (; c + L <= ow; c += L) backward_chunk<L>(g + c, k + c, top + 2 * c, bottom + 2 * c, bad);
      if (c < ow) backward_chunk<L>(g + ow - L, k + ow - L, top + 2 * (ow - L), bottom + 2 * (ow - L), bad);
    } else if ((r * 2 * w + w + 2 * L <= r1 * 2 * w) && (r * ow + L <= rows * ow)) {
      // The top row's run-on lands in the bottom row, written next; the bottom's in the next
      // rows of this range, written after.
      backward_chunk<L>(g, k, top, bottom, bad);
    } else {
      bad_scalar |= backward_scalar(g, k, top, bottom, ow);
    }
  }
  bool any = bad_scalar;
  for (int l = 0; l < L; ++l) any |= bad[l] != 0;
  return any;
}

}  // namespace
#endif

}  // namespace nutshell::cpu::pool2x2
