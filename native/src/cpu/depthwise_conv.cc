// Depthwise convolution loops (Note [depthwise convolution], depthwise_conv.h).
#include "depthwise_conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "broadcast.h"

namespace nutshell::cpu {

namespace {

int64_t volume(const int64_t (&v)[3]) { return v[0] * v[1] * v[2]; }
int64_t taps(const DepthwiseConv& g) { return volume(g.kernel); }

// Outputs [lo, hi) along the width whose tap at `offset` (−pad + v·dilation) reads inside the input.
struct Span {
  int64_t lo, hi;
};
Span inside_outputs(const DepthwiseConv& g, int64_t offset) {
  const int64_t s = g.stride[2], in = g.in[2];
  const int64_t lo = offset >= 0 ? 0 : (-offset + s - 1) / s;
  const int64_t hi = in - 1 - offset < 0 ? 0 : (in - 1 - offset) / s + 1;
  return {lo, std::min(hi, g.out[2])};
}

// Calls row(tap_first, input_row_offset) for every window row (t, u) of output row (a, i) that lies
// inside the input: tap_first = (t·kH + u)·kW, the offset of the input row within its plane.
template <typename Row>
void window_rows(const DepthwiseConv& g, int64_t a, int64_t i, Row row) {
  for (int64_t t = 0; t < g.kernel[0]; ++t) {
    const int64_t id = a * g.stride[0] - g.pad[0] + t * g.dilation[0];
    if (id < 0 || id >= g.in[0]) continue;
    for (int64_t u = 0; u < g.kernel[1]; ++u) {
      const int64_t ih = i * g.stride[1] - g.pad[1] + u * g.dilation[1];
      if (ih < 0 || ih >= g.in[1]) continue;
      row((t * g.kernel[1] + u) * g.kernel[2], (id * g.in[1] + ih) * g.in[2]);
    }
  }
}

}  // namespace

void depthwise_conv_forward(const DepthwiseConv& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const int64_t outs = g.channels * g.multiplier, rows_per_plane = g.out[0] * g.out[1], ow = g.out[2];
  const int64_t rows = g.n * outs * rows_per_plane;
  for_row_ranges(rows, rows * ow * taps(g), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t plane = r / rows_per_plane, o = plane % outs, b = plane / outs;
      const int64_t a = r % rows_per_plane / g.out[1], i = r % g.out[1];
      const float* xp = x + (b * g.channels + o / g.multiplier) * volume(g.in);
      const float* wo = w + o * taps(g);
      float* yr = y + r * ow;
      std::fill(yr, yr + ow, bias ? bias[o] : 0.0f);
      window_rows(g, a, i, [&](int64_t first, int64_t input_row) {
        for (int64_t v = 0; v < g.kernel[2]; ++v) {
          const int64_t offset = -g.pad[2] + v * g.dilation[2];
          const Span s = inside_outputs(g, offset);
          const float* xr = xp + input_row + offset;
          const float wt = wo[first + v];
          const int64_t sw = g.stride[2];
          for (int64_t j = s.lo; j < s.hi; ++j) yr[j] += wt * xr[j * sw];
        }
      });
      if (relu) for (int64_t j = 0; j < ow; ++j) yr[j] = std::max(yr[j], 0.0f);
    }
    return false;
  });
}

void depthwise_conv_backward_data(const DepthwiseConv& g, const float* gy, const float* w, float* dx) {
  const int64_t outs = g.channels * g.multiplier, plane_in = volume(g.in), plane_out = volume(g.out), ow = g.out[2];
  const int64_t planes = g.n * g.channels;
  for_row_ranges(planes, planes * g.multiplier * plane_out * taps(g), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t b = p / g.channels, c = p % g.channels;
      float* dp = dx + p * plane_in;
      std::memset(dp, 0, static_cast<size_t>(plane_in) * sizeof(float));
      for (int64_t o = c * g.multiplier; o < (c + 1) * g.multiplier; ++o) {
        const float* wo = w + o * taps(g);
        for (int64_t a = 0; a < g.out[0]; ++a) {
          for (int64_t i = 0; i < g.out[1]; ++i) {
            const float* gr = gy + (b * outs + o) * plane_out + (a * g.out[1] + i) * ow;
            window_rows(g, a, i, [&](int64_t first, int64_t input_row) {
              for (int64_t v = 0; v < g.kernel[2]; ++v) {
                const int64_t offset = -g.pad[2] + v * g.dilation[2];
                const Span s = inside_outputs(g, offset);
                float* dr = dp + input_row + offset;
                const float wt = wo[first + v];
                const int64_t sw = g.stride[2];
                for (int64_t j = s.lo; j < s.hi; ++j) dr[j * sw] += wt * gr[j];
              }
            });
          }
        }
      }
    }
    return false;
  });
}

void depthwise_conv_weight_grad(const DepthwiseConv& g, const float* x, const float* gy, float* dw) {
  const int64_t outs = g.channels * g.multiplier, plane_in = volume(g.in), plane_out = volume(g.out), ow = g.out[2];
  for_row_ranges(outs, g.n * outs * plane_out * taps(g), [&](int64_t o0, int64_t o1) {
    std::vector<double> acc(static_cast<size_t>(taps(g)));
    for (int64_t o = o0; o < o1; ++o) {
      std::fill(acc.begin(), acc.end(), 0.0);
      const int64_t c = o / g.multiplier;
      for (int64_t b = 0; b < g.n; ++b) {
        const float* xp = x + (b * g.channels + c) * plane_in;
        for (int64_t a = 0; a < g.out[0]; ++a) {
          for (int64_t i = 0; i < g.out[1]; ++i) {
            const float* gr = gy + (b * outs + o) * plane_out + (a * g.out[1] + i) * ow;
            window_rows(g, a, i, [&](int64_t first, int64_t input_row) {
              for (int64_t v = 0; v < g.kernel[2]; ++v) {
                const int64_t offset = -g.pad[2] + v * g.dilation[2];
                const Span s = inside_outputs(g, offset);
                const float* xr = xp + input_row + offset;
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
                acc[static_cast<size_t>(first + v)] += (p0 + p1) + (p2 + p3);
              }
            });
          }
        }
      }
      for (int64_t k = 0; k < taps(g); ++k) dw[o * taps(g) + k] = static_cast<float>(acc[static_cast<size_t>(k)]);
    }
    return false;
  });
}

}  // namespace nutshell::cpu
