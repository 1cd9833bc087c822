#pragma once
// The loops of Note [batch-lane convolution] (cpu/batch_lane_conv.h) as templates over L lanes
// (vec.h), included by one file per instruction set (batch_lane_conv_avx512.cc, _avx2.cc) that
// is compiled with its flags (see cpu/isa/max_pool_2x2_rows.h for why).
#include <algorithm>
#include <cstdint>

#include "../batch_lane_conv.h"
#include "../vec.h"

namespace nutshell::cpu::batch_lane {

// One block of output channels over a range of output rows. Lanes run over samples: `lanes`
// floats per pixel (the batch rounded up to whole vectors).
struct Task {
  const ConvShape& g;
  int64_t lanes;
  const float* x;     // input, [C][H][W][lanes]
  const float* w;     // this block's weights, [C][kH][kW][ob]
  const float* bias;  // this block's bias (or null)
  bool relu;          // max(·, 0) on the way out
  float* y;           // this block's output, [ob][oH][oW][lanes]
};

// The weight gradient for output channels [o0, o0 + ob), one input channel c and kernel row i:
// dW[o][c][i][j] = Σ over samples and output pixels of gy · x at the tap's offset, one vector of
// partial sums (across samples) per weight, summed across lanes at the end. Lanes past the batch
// hold zeros in both operands.
struct GradTask {
  const ConvShape& g;  // the forward convolution's geometry
  int64_t lanes;
  const float* x;     // [C][H][W][lanes]
  const float* gy;    // [O][oH][oW][lanes]
  float* dw;          // [O][C][kH][kW]
};

// Entry points, one per instruction set: ob output channels (≤ 6 on AVX-512, ≤ 3 on AVX2), output
// rows [r0, r1).
void rows_avx512(int ob, const Task& t, int64_t r0, int64_t r1);
void rows_avx2(int ob, const Task& t, int64_t r0, int64_t r1);
// Weight gradients for ob ≤ 4 (AVX-512) or ≤ 2 (AVX2) output channels.
void grad_avx512(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i);
void grad_avx2(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i);

// `cols` columns of src's rows (a row per sample, `stride` floats apart) into dst [cols][lanes]
// (column p of sample n at p·lanes + n, lanes from rows up zero), and back; lanes is a whole
// number of vectors ≥ rows.
void to_lanes_avx512(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst);
void to_lanes_avx2(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst);
void from_lanes_avx512(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst);
void from_lanes_avx2(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst);

#ifdef NS_BATCH_LANE_CONV_KERNELS
namespace {

// Output pixel (r, s) of OB channels for samples [n0, n0 + NV·L): OB × NV accumulators, each
// tap's NV input vectors loaded once and used by every channel. Taps that fall on the zero
// padding are skipped, not multiplied.
template <int L, int OB, int NV>
inline __attribute__((always_inline)) void pixel(const Task& t, int64_t r, int64_t s, int64_t n0) {
  using Vec = typename Lanes<L>::Vec;
  using UnalignedVec = typename Lanes<L>::UnalignedVec;
  const ConvShape& g = t.g;
  Vec acc[OB][NV];
  for (int o = 0; o < OB; ++o) {
    const Vec b = Vec{} + (t.bias ? t.bias[o] : 0.0f);
    for (int v = 0; v < NV; ++v) acc[o][v] = b;
  }
  const int64_t i0 = std::max<int64_t>(0, g.pad_top - r), i1 = std::min(g.kh, g.h + g.pad_top - r);
  const int64_t j0 = std::max<int64_t>(0, g.pad_left - s), j1 = std::min(g.kw, g.w + g.pad_left - s);
  for (int64_t c = 0; c < g.c; ++c) {
    for (int64_t i = i0; i < i1; ++i) {
      // Column s − pad_left + j of input row r − pad_top + i, for j in [j0, j1).
      const float* in = t.x + ((c * g.h + r - g.pad_top + i) * g.w + s - g.pad_left) * t.lanes + n0;
      const float* wr = t.w + (c * g.kh + i) * g.kw * OB;
      for (int64_t j = j0; j < j1; ++j) {
        Vec xs[NV];
        for (int v = 0; v < NV; ++v) xs[v] = *reinterpret_cast<const UnalignedVec*>(in + j * t.lanes + v * L);
        for (int o = 0; o < OB; ++o) {
          const float wo = wr[j * OB + o];
          for (int v = 0; v < NV; ++v) acc[o][v] += xs[v] * wo;
        }
      }
    }
  }
  float* out = t.y + (r * g.ow + s) * t.lanes + n0;
  const int64_t plane = g.oh * g.ow * t.lanes;
  for (int o = 0; o < OB; ++o) {
    for (int v = 0; v < NV; ++v) {
      Vec a = acc[o][v];
      if (t.relu) a = a < 0.0f ? Vec{} : a;  // NaN stays NaN, as in relu
      *reinterpret_cast<UnalignedVec*>(out + o * plane + v * L) = a;
    }
  }
}

// Samples in chunks of up to MaxNV vectors, the last chunk as many as remain.
template <int L, int OB, int MaxNV>
inline __attribute__((always_inline)) void rows(const Task& t, int64_t r0, int64_t r1) {
  const int64_t vectors = t.lanes / L;
  for (int64_t r = r0; r < r1; ++r) {
    for (int64_t s = 0; s < t.g.ow; ++s) {
      int64_t v0 = 0;
      for (; v0 + MaxNV <= vectors; v0 += MaxNV) pixel<L, OB, MaxNV>(t, r, s, v0 * L);
      if (v0 < vectors) with_constant<MaxNV - 1>(vectors - v0, [&](auto nv) { pixel<L, OB, decltype(nv)::value>(t, r, s, v0 * L); });
    }
  }
}

// KW is a template argument so that the OB × KW accumulators are registers, not an array.
template <int L, int OB, int KW>
inline __attribute__((always_inline)) void grad_block(const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  const ConvShape& g = t.g;
  typename Lanes<L>::Vec acc[OB][KW] = {};
  // Output rows whose tap row i lands inside the input.
  const int64_t r0 = std::max<int64_t>(0, g.pad_top - i), r1 = std::min(g.oh, g.h + g.pad_top - i);
  const int64_t gy_plane = g.oh * g.ow * t.lanes;
  for (int64_t r = r0; r < r1; ++r) {
    const float* xr = t.x + (c * g.h + r + i - g.pad_top) * g.w * t.lanes;
    const float* gr = t.gy + (o0 * g.oh + r) * g.ow * t.lanes;
    for (int64_t s = 0; s < g.ow; ++s) {
      const int64_t j0 = std::max<int64_t>(0, g.pad_left - s), j1 = std::min<int64_t>(KW, g.w + g.pad_left - s);
      const float* xs = xr + (s - g.pad_left) * t.lanes;
      for (int64_t n0 = 0; n0 < t.lanes; n0 += L)
        accumulate_taps<L, OB, KW>(acc, gr + s * t.lanes + n0, gy_plane, xs + n0, t.lanes, j0, j1);
    }
  }
  store_lane_sums<L, OB, KW>(acc, t.dw + ((o0 * g.c + c) * g.kh + i) * KW, g.c * g.kh * KW);
}

// Blocks of up to MaxOB output channels, kernels up to batch_lane_conv_grad_max_kernel_width wide.
template <int L, int MaxOB>
void grad(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  with_constant<MaxOB>(ob, [&](auto ob_) {
    with_constant<batch_lane_conv_grad_max_kernel_width>(t.g.kw, [&](auto kw) { grad_block<L, decltype(ob_)::value, decltype(kw)::value>(t, o0, c, i); });
  });
}

// Blocks of up to MaxOB output channels, samples MaxNV vectors at a time.
template <int L, int MaxOB, int MaxNV>
void rows_of(int ob, const Task& t, int64_t r0, int64_t r1) {
  with_constant<MaxOB>(ob, [&](auto ob_) { rows<L, decltype(ob_)::value, MaxNV>(t, r0, r1); });
}

// Tiles of L samples × L columns through registers (transpose_tile, vec.h); the last columns,
// fewer than a tile, one by one. Rows past the batch read as zeros.
template <int L>
void to_lanes(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  using Vec = typename Lanes<L>::Vec;
  using UnalignedVec = typename Lanes<L>::UnalignedVec;
  const int64_t whole = cols / L * L;
  for (int64_t n0 = 0; n0 < lanes; n0 += L) {
    for (int64_t p0 = 0; p0 < whole; p0 += L) {
      Vec r[L];
      for (int i = 0; i < L; ++i) r[i] = n0 + i < rows ? *reinterpret_cast<const UnalignedVec*>(src + (n0 + i) * stride + p0) : Vec{};
      transpose_tile<L>(r);
      for (int j = 0; j < L; ++j) *reinterpret_cast<UnalignedVec*>(dst + (p0 + j) * lanes + n0) = r[j];
    }
    for (int64_t p = whole; p < cols; ++p) {
      for (int64_t n = n0; n < n0 + L; ++n) dst[p * lanes + n] = n < rows ? src[n * stride + p] : 0.0f;
    }
  }
}

template <int L>
void from_lanes(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  using Vec = typename Lanes<L>::Vec;
  using UnalignedVec = typename Lanes<L>::UnalignedVec;
  const int64_t whole = cols / L * L;
  for (int64_t n0 = 0; n0 < rows; n0 += L) {
    for (int64_t p0 = 0; p0 < whole; p0 += L) {
      Vec r[L];
      for (int j = 0; j < L; ++j) r[j] = *reinterpret_cast<const UnalignedVec*>(src + (p0 + j) * lanes + n0);
      transpose_tile<L>(r);
      for (int i = 0; i < L && n0 + i < rows; ++i) *reinterpret_cast<UnalignedVec*>(dst + (n0 + i) * stride + p0) = r[i];
    }
    for (int64_t n = n0; n < std::min(rows, n0 + L); ++n) {
      for (int64_t p = whole; p < cols; ++p) dst[n * stride + p] = src[p * lanes + n];
    }
  }
}

}  // namespace
#endif

}  // namespace nutshell::cpu::batch_lane
