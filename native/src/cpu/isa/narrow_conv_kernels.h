#pragma once
// The loops of Note [narrow-input convolution] (cpu/narrow_conv.h) as templates over L lanes
// (vec.h), included by one file per instruction set (narrow_conv_avx512.cc, _avx2.cc) that is
// compiled with its flags (see cpu/isa/max_pool_2x2_rows.h for why).
#include <cstdint>

#include "../narrow_conv.h"
#include "../vec.h"

namespace nutshell::cpu::narrow {

// The kernel is compiled twice, for the register file it runs in: L lanes per vector (vec.h)
// and up to B output channels per block, so B × 2 accumulators and the inputs fit the registers
// (AVX-512: 16 lanes, 32 registers, B = 8; AVX2: 8 lanes, 16 registers, B = 4). Vectors wider
// than the registers would spill every accumulator: measured 40x slower than oneDNN on AVX2.

struct Plane {
  const ConvShape& g;
  int64_t padded_h, padded_w;
  const float* x;     // this sample's zero-padded input, C planes of padded_h × padded_w
  const float* w;     // this block's weights, [C][kH][kW][ob]
  const float* bias;  // this block's bias (or null)
  bool relu;          // max(·, 0) on the way out
  float* y;           // this block's first output plane
};

// dW for output channels [o0, o0 + OB) and one (c, kernel row i): Σ over samples, rows and
// columns of gy[o][r][s] · x[c][r + i][s + j], each of the OB × kW sums kept as a vector of
// partial sums along the row (s in chunks of L), then summed across lanes. gy's rows are copied
// zero-extended to whole vectors, so the last chunk adds zeros instead of needing a scalar tail.
struct GradTask {
  const ConvShape& g;
  int64_t padded_h, padded_w;  // x planes: oH + kH − 1 rows of row + kW − 1 columns
  int64_t row;                 // gy rows: oW rounded up to whole vectors
  const float* xp;             // all samples, zero-padded: [N][C][padded_h][padded_w]
  const float* gy;             // zero-extended rows: [N][O][oH][row]
  float* dw;                   // [O][C][kH][kW]
};

// Entry points, one per instruction set: ob output channels (≤ 8 on AVX-512, ≤ 4 on AVX2) of one
// sample's plane; the weight gradient of channels [o0, o0 + ob) for input channel c and kernel row i.
void plane_avx512(int ob, const Plane& p);
void plane_avx2(int ob, const Plane& p);
void grad_avx512(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i);
void grad_avx2(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i);

#ifdef NS_NARROW_CONV_KERNELS
namespace {

// One output row of OB channels: NV vectors starting at columns col[0..NV). Two vectors may
// overlap (the row's last one is placed to end at the row's end), which rewrites equal values.
template <int L, int OB, int NV>
inline __attribute__((always_inline)) void row_block(const Plane& p, int64_t row, const int64_t (&col)[2]) {
  using Vec = typename Lanes<L>::Vec;
  using UnalignedVec = typename Lanes<L>::UnalignedVec;
  const ConvShape& g = p.g;
  Vec acc[NV][OB];
  for (int o = 0; o < OB; ++o) {
    Vec b = Vec{} + (p.bias ? p.bias[o] : 0.0f);
    for (int v = 0; v < NV; ++v) acc[v][o] = b;
  }
  for (int64_t c = 0; c < g.c; ++c) {
    for (int64_t i = 0; i < g.kh; ++i) {
      const float* in = p.x + (c * p.padded_h + row + i) * p.padded_w;
      const float* wr = p.w + (c * g.kh + i) * g.kw * OB;
      for (int64_t j = 0; j < g.kw; ++j) {
        Vec xs[NV];
        for (int v = 0; v < NV; ++v) xs[v] = *reinterpret_cast<const UnalignedVec*>(in + col[v] + j);
        for (int o = 0; o < OB; ++o) {
          const float s = wr[j * OB + o];
          for (int v = 0; v < NV; ++v) acc[v][o] += xs[v] * s;
        }
      }
    }
  }
  const int64_t plane = g.oh * g.ow;
  if (p.relu) {
    for (int o = 0; o < OB; ++o) {
      for (int v = 0; v < NV; ++v) acc[v][o] = acc[v][o] < 0.0f ? Vec{} : acc[v][o];  // NaN stays NaN, as in relu
    }
  }
  for (int o = 0; o < OB; ++o) {
    for (int v = 0; v < NV; ++v) *reinterpret_cast<UnalignedVec*>(p.y + o * plane + row * g.ow + col[v]) = acc[v][o];
  }
}

template <int L, int OB>
inline __attribute__((always_inline)) void plane_block(const Plane& p) {
  const int64_t ow = p.g.ow;
  for (int64_t row = 0; row < p.g.oh; ++row) {
    int64_t c0 = 0;
    for (; c0 + 2 * L <= ow; c0 += 2 * L) row_block<L, OB, 2>(p, row, {c0, c0 + L});
    if (ow - c0 > L) {
      row_block<L, OB, 2>(p, row, {c0, ow - L});
    } else if (c0 < ow) {
      row_block<L, OB, 1>(p, row, {ow - L, ow - L});  // ow >= kMinRow >= L (narrow_conv_fits)
    }
  }
}

// KW is a template argument so that the OB × KW accumulators are registers, not an array.
template <int L, int OB, int KW>
inline __attribute__((always_inline)) void grad_block(const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  const ConvShape& g = t.g;
  typename Lanes<L>::Vec acc[OB][KW] = {};
  const int64_t plane = g.oh * t.row;
  for (int64_t n = 0; n < g.n; ++n) {
    const float* gy_n = t.gy + (n * g.o + o0) * plane;
    const float* x_c = t.xp + (n * g.c + c) * t.padded_h * t.padded_w;
    for (int64_t r = 0; r < g.oh; ++r) {
      const float* xr = x_c + (r + i) * t.padded_w;
      const float* gr = gy_n + r * t.row;
      for (int64_t s0 = 0; s0 < t.row; s0 += L) accumulate_taps<L, OB, KW>(acc, gr + s0, plane, xr + s0, 1);
    }
  }
  store_lane_sums<L, OB, KW>(acc, t.dw + ((o0 * g.c + c) * g.kh + i) * KW, g.c * g.kh * KW);
}

// Blocks of up to MaxOB output channels: one sample's plane; the weight gradient for kernels up
// to narrow_conv_grad_max_kernel_width wide.
template <int L, int MaxOB>
void plane(int ob, const Plane& p) {
  with_constant<MaxOB>(ob, [&](auto ob_) { plane_block<L, decltype(ob_)::value>(p); });
}
template <int L, int MaxOB>
void grad(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  with_constant<MaxOB>(ob, [&](auto ob_) {
    with_constant<narrow_conv_grad_max_kernel_width>(t.g.kw, [&](auto kw) { grad_block<L, decltype(ob_)::value, decltype(kw)::value>(t, o0, c, i); });
  });
}

}  // namespace
#endif

}  // namespace nutshell::cpu::narrow
