// Pooling loops over dense planes (Note [pooling loops], pool_loops.h).
#include "pool_loops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "broadcast.h"

namespace nutshell::cpu {

namespace {

// The input coordinate on axis `ax` of window element `k` (along that axis) of output index o.
int64_t coordinate(const PoolBox& b, int ax, int64_t o, int64_t k) { return o * b.stride[ax] - b.pad[ax] + k * b.dilation[ax]; }
bool inside(const PoolBox& b, int ax, int64_t c) { return c >= 0 && c < b.in[ax]; }

// PyTorch's divisors along one axis, per output index: the window clipped to the padded input
// (include_pad) or to the input.
std::vector<float> axis_divisors(const PoolBox& b, int ax, bool include_pad) {
  std::vector<float> d(static_cast<size_t>(b.out[ax]));
  for (int64_t o = 0; o < b.out[ax]; ++o) {
    const int64_t start = o * b.stride[ax] - b.pad[ax];
    const int64_t end = std::min(start + b.kernel[ax], b.in[ax] + b.pad[ax]);
    const int64_t size = include_pad ? end - start : std::min(end, b.in[ax]) - std::max<int64_t>(start, 0);
    d[static_cast<size_t>(o)] = static_cast<float>(size);
  }
  return d;
}

struct Divisors {
  std::vector<float> axis[3];
  Divisors(const PoolBox& b, bool include_pad) {
    for (int ax = 0; ax < 3; ++ax) axis[ax] = axis_divisors(b, ax, include_pad);
  }
  // 1 / divisor of each output of row (a, i), into `out` (ow values); 0 where a window holds nothing.
  void row(int64_t a, int64_t i, float* out) const {
    const float outer = axis[0][static_cast<size_t>(a)] * axis[1][static_cast<size_t>(i)];
    for (size_t j = 0; j < axis[2].size(); ++j) {
      const float d = outer * axis[2][j];
      out[j] = d > 0.0f ? 1.0f / d : 0.0f;
    }
  }
};

template <typename I>
void max_forward(const float* x, float* y, I* ws, const PoolBox& b) {
  const int64_t od = b.out[0], oh = b.out[1], ow = b.out[2], rows = b.planes * od * oh;
  for_row_ranges(rows, b.planes * b.in_volume(), [&](int64_t r0, int64_t r1) {
    std::vector<float> best(static_cast<size_t>(ow));
    std::vector<int32_t> pick(static_cast<size_t>(ow));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t q = r / (od * oh), a = r / oh % od, i = r % oh;
      const float* xq = x + q * b.in_volume();
      std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
      std::fill(pick.begin(), pick.end(), -1);
      float* bp = best.data();
      int32_t* pp = pick.data();
      window_taps(b, a, i, [&](int64_t k, int64_t at, Span s) {
        const float* xr = xq + at;
        const int32_t index = static_cast<int32_t>(k);
        const int64_t sw = b.stride[2];
        // The first element inside starts the window; then a larger one or any NaN takes over.
        for (int64_t j = s.lo; j < s.hi; ++j) {
          const float e = xr[j * sw];
          const bool take = e > bp[j] || e != e || pp[j] < 0;
          bp[j] = take ? e : bp[j];
          pp[j] = take ? index : pp[j];
        }
      });
      float* yr = y + r * ow;
      I* wr = ws + r * ow;
      for (int64_t j = 0; j < ow; ++j) {
        yr[j] = bp[j];
        wr[j] = static_cast<I>(pp[j] < 0 ? 0 : pp[j]);  // a window with nothing inside (large dilation): −∞, index 0
      }
    }
    return false;
  });
}

template <typename I>
int64_t max_backward(const float* gy, const I* ws, float* dx, const PoolBox& b) {
  const int64_t volume = b.out_volume(), window = b.taps();
  int64_t bad = b.planes * volume;
  for_row_ranges(b.planes, b.planes * (b.in_volume() + volume), [&](int64_t q0, int64_t q1) {
    // Each thread zeroes the planes it scatters into (one pass over memory it is about to touch).
    std::memset(dx + q0 * b.in_volume(), 0, static_cast<size_t>((q1 - q0) * b.in_volume()) * sizeof(float));
    for (int64_t q = q0; q < q1; ++q) {
      float* dq = dx + q * b.in_volume();
      int64_t o = q * volume;
      for (int64_t a = 0; a < b.out[0]; ++a) {
        for (int64_t i = 0; i < b.out[1]; ++i) {
          for (int64_t j = 0; j < b.out[2]; ++j, ++o) {
            const int64_t k = static_cast<int64_t>(ws[o]);
            const int64_t id = coordinate(b, 0, a, k / (b.kernel[1] * b.kernel[2]));
            const int64_t ih = coordinate(b, 1, i, k / b.kernel[2] % b.kernel[1]);
            const int64_t iw = coordinate(b, 2, j, k % b.kernel[2]);
            if (k < 0 || k >= window || !inside(b, 0, id) || !inside(b, 1, ih) || !inside(b, 2, iw)) {
#pragma omp critical(nutshell_max_pool_bad)
              bad = std::min(bad, o);
              return true;
            }
            dq[(id * b.in[1] + ih) * b.in[2] + iw] += gy[o];
          }
        }
      }
    }
    return false;
  });
  return bad == b.planes * volume ? -1 : bad;
}

}  // namespace

void max_pool_forward_loops(const float* x, float* y, void* ws, bool ws_u8, const PoolBox& b) {
  if (ws_u8) max_forward(x, y, static_cast<uint8_t*>(ws), b);
  else max_forward(x, y, static_cast<int32_t*>(ws), b);
}

int64_t max_pool_backward_loops(const float* gy, const void* ws, bool ws_u8, float* dx, const PoolBox& b) {
  return ws_u8 ? max_backward(gy, static_cast<const uint8_t*>(ws), dx, b) : max_backward(gy, static_cast<const int32_t*>(ws), dx, b);
}

void avg_pool_forward_loops(const float* x, float* y, const PoolBox& b, bool count_include_pad) {
  const int64_t od = b.out[0], oh = b.out[1], ow = b.out[2], rows = b.planes * od * oh;
  const Divisors divisors(b, count_include_pad);
  for_row_ranges(rows, b.planes * b.in_volume(), [&](int64_t r0, int64_t r1) {
    std::vector<float> sum(static_cast<size_t>(ow)), scale(static_cast<size_t>(ow));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t q = r / (od * oh), a = r / oh % od, i = r % oh;
      const float* xq = x + q * b.in_volume();
      std::fill(sum.begin(), sum.end(), 0.0f);
      float* sp = sum.data();
      window_taps(b, a, i, [&](int64_t, int64_t at, Span s) {
        const float* xr = xq + at;
        const int64_t sw = b.stride[2];
        for (int64_t j = s.lo; j < s.hi; ++j) sp[j] += xr[j * sw];
      });
      divisors.row(a, i, scale.data());
      float* yr = y + r * ow;
      for (int64_t j = 0; j < ow; ++j) yr[j] = sp[j] * scale[static_cast<size_t>(j)];
    }
    return false;
  });
}

void avg_pool_backward_loops(const float* gy, float* dx, const PoolBox& b, bool count_include_pad) {
  const int64_t volume = b.out_volume(), ow = b.out[2];
  const Divisors divisors(b, count_include_pad);
  for_row_ranges(b.planes, b.planes * (b.in_volume() + volume), [&](int64_t q0, int64_t q1) {
    std::memset(dx + q0 * b.in_volume(), 0, static_cast<size_t>((q1 - q0) * b.in_volume()) * sizeof(float));
    std::vector<float> share(static_cast<size_t>(ow));
    for (int64_t q = q0; q < q1; ++q) {
      float* dq = dx + q * b.in_volume();
      for (int64_t a = 0; a < b.out[0]; ++a) {
        for (int64_t i = 0; i < b.out[1]; ++i) {
          const float* g = gy + q * volume + (a * b.out[1] + i) * ow;
          divisors.row(a, i, share.data());
          for (int64_t j = 0; j < ow; ++j) share[static_cast<size_t>(j)] *= g[j];
          const float* sp = share.data();
          window_taps(b, a, i, [&](int64_t, int64_t at, Span s) {
            float* dr = dq + at;
            const int64_t sw = b.stride[2];
            for (int64_t j = s.lo; j < s.hi; ++j) dr[j * sw] += sp[j];
          });
        }
      }
    }
    return false;
  });
}

}  // namespace nutshell::cpu
