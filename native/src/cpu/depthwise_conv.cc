// Depthwise convolution loops (Note [depthwise convolution], depthwise_conv.h).
#include "depthwise_conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "broadcast.h"

namespace nutshell::cpu {

void depthwise_conv_forward(const DepthwiseConv& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const int64_t outs = g.channels * g.multiplier, rows_per_plane = g.out[0] * g.out[1], ow = g.out[2];
  const int64_t rows = g.n * outs * rows_per_plane;
  for_row_ranges(rows, rows * ow * g.taps(), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t plane = r / rows_per_plane, o = plane % outs, b = plane / outs;
      const int64_t a = r % rows_per_plane / g.out[1], i = r % g.out[1];
      const float* xp = x + (b * g.channels + o / g.multiplier) * g.in_volume();
      const float* wo = w + o * g.taps();
      float* yr = y + r * ow;
      std::fill(yr, yr + ow, bias ? bias[o] : 0.0f);
      window_taps(g, a, i, [&](int64_t k, int64_t at, Span s) {
        const float* xr = xp + at;
        const float wt = wo[k];
        const int64_t sw = g.stride[2];
        for (int64_t j = s.lo; j < s.hi; ++j) yr[j] += wt * xr[j * sw];
      });
      if (relu) for (int64_t j = 0; j < ow; ++j) yr[j] = std::max(yr[j], 0.0f);
    }
    return false;
  });
}

void depthwise_conv_backward_data(const DepthwiseConv& g, const float* gy, const float* w, float* dx) {
  const int64_t outs = g.channels * g.multiplier, ow = g.out[2], planes = g.n * g.channels;
  for_row_ranges(planes, planes * g.multiplier * g.out_volume() * g.taps(), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t b = p / g.channels, c = p % g.channels;
      float* dp = dx + p * g.in_volume();
      std::memset(dp, 0, static_cast<size_t>(g.in_volume()) * sizeof(float));
      for (int64_t o = c * g.multiplier; o < (c + 1) * g.multiplier; ++o) {
        const float* wo = w + o * g.taps();
        for (int64_t a = 0; a < g.out[0]; ++a) {
          for (int64_t i = 0; i < g.out[1]; ++i) {
            const float* gr = gy + (b * outs + o) * g.out_volume() + (a * g.out[1] + i) * ow;
            window_taps(g, a, i, [&](int64_t k, int64_t at, Span s) {
              float* dr = dp + at;
              const float wt = wo[k];
              const int64_t sw = g.stride[2];
              for (int64_t j = s.lo; j < s.hi; ++j) dr[j * sw] += wt * gr[j];
            });
          }
        }
      }
    }
    return false;
  });
}

void depthwise_conv_weight_grad(const DepthwiseConv& g, const float* x, const float* gy, float* dw) {
  const int64_t outs = g.channels * g.multiplier, ow = g.out[2];
  for_row_ranges(outs, g.n * outs * g.out_volume() * g.taps(), [&](int64_t o0, int64_t o1) {
    std::vector<double> acc(static_cast<size_t>(g.taps()));
    for (int64_t o = o0; o < o1; ++o) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t b = 0; b < g.n; ++b) {
        const float* xp = x + (b * g.channels + o / g.multiplier) * g.in_volume();
        for (int64_t a = 0; a < g.out[0]; ++a) {
          for (int64_t i = 0; i < g.out[1]; ++i) {
            const float* gr = gy + (b * outs + o) * g.out_volume() + (a * g.out[1] + i) * ow;
            window_taps(g, a, i, [&](int64_t k, int64_t at, Span s) {
              const float* xr = xp + at;
              const int64_t sw = g.stride[2];
              // Four partial sums: independent chains the cpu overlaps (and vectorises at stride 1).
              float p0 = 0.0f, p1 = 0.0f, p2 = 0.0f, p3 = 0.0f;
              int64_t j = s.lo;
              for (; j + 4 <= s.hi; j += 4) {
                p0 += gr[j] * xr[j * sw];
                p1 += gr[j + 1] * xr[(j + 1) * sw];
                p2 += gr[j + 2] * xr[(j + 2) * sw];
                p3 += gr[j + 3] * xr[(j + 3) * sw];
              }
              for (; j < s.hi; ++j) p0 += gr[j] * xr[j * sw];
              acc[static_cast<size_t>(k)] += (p0 + p1) + (p2 + p3);
            });
          }
        }
      }
      for (int64_t k = 0; k < g.taps(); ++k) dw[o * g.taps() + k] = static_cast<float>(acc[static_cast<size_t>(k)]);
    }
    return false;
  });
}

}  // namespace nutshell::cpu
