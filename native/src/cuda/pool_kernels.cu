#include "pool_kernels.cuh"

#include <math.h>

namespace nutshell::cuda::dnn {

namespace {

constexpr int kThreads = 256;

inline unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 ? 65535 : b));
}

#define NS_GRID_STRIDE(i, n) \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += static_cast<int64_t>(blockDim.x) * gridDim.x)

template <typename I>
__global__ void max_forward_kernel(const float* __restrict__ x, float* __restrict__ y, I* __restrict__ idx, PoolGeom g, int64_t total) {
  NS_GRID_STRIDE(o, total) {
    const int64_t j = o % g.ow;
    int64_t t = o / g.ow;
    const int64_t i = t % g.oh;
    t /= g.oh;
    const int64_t k = t % g.od;
    const int64_t plane = t / g.od;
    const float* xp = x + plane * g.d * g.h * g.w;
    const int64_t d0 = k * g.sd - g.pd, h0 = i * g.sh - g.ph, w0 = j * g.sw - g.pw;
    float best = -INFINITY;
    int64_t arg = -1;
    for (int64_t a = 0; a < g.kd; ++a) {
      const int64_t id = d0 + a * g.dd;
      if (id < 0 || id >= g.d) continue;
      for (int64_t u = 0; u < g.kh; ++u) {
        const int64_t ih = h0 + u * g.dh;
        if (ih < 0 || ih >= g.h) continue;
        for (int64_t v = 0; v < g.kw; ++v) {
          const int64_t iw = w0 + v * g.dw;
          if (iw < 0 || iw >= g.w) continue;
          const float val = xp[(id * g.h + ih) * g.w + iw];
          // The first maximum wins ties; NaN propagates (PyTorch's rule).
          if (arg < 0 || val > best || isnan(val)) {
            best = val;
            arg = (a * g.kh + u) * g.kw + v;
          }
        }
      }
    }
    y[o] = best;
    idx[o] = static_cast<I>(arg < 0 ? 0 : arg);
  }
}

// The output index along one axis whose window element `k` is input position `in`, or −1.
__device__ inline int64_t window_owner(int64_t in, int64_t k, int64_t s, int64_t p, int64_t dil, int64_t out) {
  const int64_t t = in + p - k * dil;  // = o·s for the output o whose window element k is `in`
  if (t < 0 || t % s != 0) return -1;
  const int64_t o = t / s;
  return o < out ? o : -1;
}

// One thread per input element gathers its gradient; the first outputs' threads also check that
// output's index (an input position of its window), so a bad workspace costs no extra launch.
template <typename I>
__global__ void max_backward_kernel(const float* __restrict__ dy, const I* __restrict__ idx, float* __restrict__ dx, PoolGeom g, int64_t total_in,
                                    int64_t total_out, unsigned long long* bad_position) {
  NS_GRID_STRIDE(e, total_in > total_out ? total_in : total_out) {
    if (e < total_out) {
      const int64_t v = static_cast<int64_t>(idx[e]);
      const int64_t j = e % g.ow, i = (e / g.ow) % g.oh, k = (e / (g.ow * g.oh)) % g.od;
      const int64_t a = v / (g.kh * g.kw), u = v / g.kw % g.kh, c = v % g.kw;
      const int64_t id = k * g.sd - g.pd + a * g.dd, ih = i * g.sh - g.ph + u * g.dh, iw = j * g.sw - g.pw + c * g.dw;
      if (v < 0 || v >= g.kd * g.kh * g.kw || id < 0 || id >= g.d || ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) {
        atomicMin(bad_position, static_cast<unsigned long long>(e));
      }
    }
    if (e >= total_in) continue;
    const int64_t iw = e % g.w;
    int64_t t = e / g.w;
    const int64_t ih = t % g.h;
    t /= g.h;
    const int64_t iz = t % g.d;
    const int64_t plane = t / g.d;
    const int64_t base = plane * g.od * g.oh * g.ow;
    float acc = 0.0f;
    for (int64_t a = 0; a < g.kd; ++a) {
      const int64_t k = window_owner(iz, a, g.sd, g.pd, g.dd, g.od);
      if (k < 0) continue;
      for (int64_t u = 0; u < g.kh; ++u) {
        const int64_t i = window_owner(ih, u, g.sh, g.ph, g.dh, g.oh);
        if (i < 0) continue;
        for (int64_t v = 0; v < g.kw; ++v) {
          const int64_t j = window_owner(iw, v, g.sw, g.pw, g.dw, g.ow);
          if (j < 0) continue;
          const int64_t o = base + (k * g.oh + i) * g.ow + j;
          if (static_cast<int64_t>(idx[o]) == (a * g.kh + u) * g.kw + v) acc += dy[o];
        }
      }
    }
    dx[e] = acc;
  }
}

struct Window {
  int64_t start, end, size;  // clipped [start, end), unclipped size for include-pad divisors
};

__device__ inline Window avg_window(int64_t i, int64_t s, int64_t p, int64_t k, int64_t in) {
  int64_t start = i * s - p;
  int64_t end = start + k < in + p ? start + k : in + p;
  const int64_t size = end - start;
  if (start < 0) start = 0;
  if (end > in) end = in;
  return {start, end, size};
}

__device__ inline float avg_divisor(const Window& a, const Window& b, const Window& c, bool include_pad) {
  const int64_t d = include_pad ? a.size * b.size * c.size : (a.end - a.start) * (b.end - b.start) * (c.end - c.start);
  return static_cast<float>(d);
}

__global__ void avg_forward_kernel(const float* __restrict__ x, float* __restrict__ y, PoolGeom g, bool include_pad, int64_t total) {
  NS_GRID_STRIDE(o, total) {
    const int64_t j = o % g.ow;
    int64_t t = o / g.ow;
    const int64_t i = t % g.oh;
    t /= g.oh;
    const int64_t k = t % g.od;
    const int64_t plane = t / g.od;
    const Window wd = avg_window(k, g.sd, g.pd, g.kd, g.d);
    const Window wh = avg_window(i, g.sh, g.ph, g.kh, g.h);
    const Window ww = avg_window(j, g.sw, g.pw, g.kw, g.w);
    const float* xp = x + plane * g.d * g.h * g.w;
    float acc = 0.0f;
    for (int64_t z = wd.start; z < wd.end; ++z)
      for (int64_t r = wh.start; r < wh.end; ++r)
        for (int64_t c = ww.start; c < ww.end; ++c) acc += xp[(z * g.h + r) * g.w + c];
    const float d = avg_divisor(wd, wh, ww, include_pad);
    y[o] = d > 0.0f ? acc / d : 0.0f;
  }
}

// Outputs [lo, hi] along one axis whose window [o·s − p, o·s − p + k) holds input position `in`.
__device__ inline void avg_owners(int64_t in, int64_t s, int64_t p, int64_t k, int64_t out, int64_t& lo, int64_t& hi) {
  const int64_t first = in + p - k + 1;
  lo = first <= 0 ? 0 : (first + s - 1) / s;
  hi = (in + p) / s;
  if (hi > out - 1) hi = out - 1;
}

__global__ void avg_backward_kernel(const float* __restrict__ dy, float* __restrict__ dx, PoolGeom g, bool include_pad, int64_t total) {
  NS_GRID_STRIDE(e, total) {
    const int64_t iw = e % g.w;
    int64_t t = e / g.w;
    const int64_t ih = t % g.h;
    t /= g.h;
    const int64_t iz = t % g.d;
    const int64_t plane = t / g.d;
    int64_t k0, k1, i0, i1, j0, j1;
    avg_owners(iz, g.sd, g.pd, g.kd, g.od, k0, k1);
    avg_owners(ih, g.sh, g.ph, g.kh, g.oh, i0, i1);
    avg_owners(iw, g.sw, g.pw, g.kw, g.ow, j0, j1);
    const float* gp = dy + plane * g.od * g.oh * g.ow;
    float acc = 0.0f;
    for (int64_t k = k0; k <= k1; ++k) {
      const Window wd = avg_window(k, g.sd, g.pd, g.kd, g.d);
      for (int64_t i = i0; i <= i1; ++i) {
        const Window wh = avg_window(i, g.sh, g.ph, g.kh, g.h);
        for (int64_t j = j0; j <= j1; ++j) {
          const Window ww = avg_window(j, g.sw, g.pw, g.kw, g.w);
          const float d = avg_divisor(wd, wh, ww, include_pad);
          if (d > 0.0f) acc += gp[(k * g.oh + i) * g.ow + j] / d;
        }
      }
    }
    dx[e] = acc;
  }
}

__device__ inline int64_t adaptive_start(int64_t i, int64_t out, int64_t in) { return (i * in) / out; }
__device__ inline int64_t adaptive_end(int64_t i, int64_t out, int64_t in) { return ((i + 1) * in + out - 1) / out; }

__global__ void adaptive_forward_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                        int64_t total) {
  NS_GRID_STRIDE(o, total) {
    const int64_t j = o % ow;
    const int64_t t = o / ow;
    const int64_t i = t % oh;
    const int64_t plane = t / oh;
    const int64_t h0 = adaptive_start(i, oh, h), h1 = adaptive_end(i, oh, h);
    const int64_t w0 = adaptive_start(j, ow, w), w1 = adaptive_end(j, ow, w);
    const float* xp = x + plane * h * w;
    float acc = 0.0f;
    for (int64_t r = h0; r < h1; ++r)
      for (int64_t c = w0; c < w1; ++c) acc += xp[r * w + c];
    y[o] = acc / static_cast<float>((h1 - h0) * (w1 - w0));
  }
}

__global__ void adaptive_backward_kernel(const float* __restrict__ dy, float* __restrict__ dx, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                         int64_t total) {
  NS_GRID_STRIDE(e, total) {
    const int64_t iw = e % w;
    const int64_t t = e / w;
    const int64_t ih = t % h;
    const int64_t plane = t / h;
    // Windows holding ih: i from floor(ih·oh/h) up to ceil((ih+1)·oh/h) − 1 (checked again below).
    const int64_t i0 = (ih * oh) / h, j0 = (iw * ow) / w;
    int64_t i1 = ((ih + 1) * oh + h - 1) / h - 1, j1 = ((iw + 1) * ow + w - 1) / w - 1;
    if (i1 > oh - 1) i1 = oh - 1;
    if (j1 > ow - 1) j1 = ow - 1;
    const float* gp = dy + plane * oh * ow;
    float acc = 0.0f;
    for (int64_t i = i0; i <= i1; ++i) {
      const int64_t h0 = adaptive_start(i, oh, h), h1 = adaptive_end(i, oh, h);
      if (ih < h0 || ih >= h1) continue;
      for (int64_t j = j0; j <= j1; ++j) {
        const int64_t w0 = adaptive_start(j, ow, w), w1 = adaptive_end(j, ow, w);
        if (iw < w0 || iw >= w1) continue;
        acc += gp[i * ow + j] / static_cast<float>((h1 - h0) * (w1 - w0));
      }
    }
    dx[e] = acc;
  }
}

}  // namespace

cudaError_t max_pool_forward(const float* x, float* y, void* idx, bool idx_u8, const PoolGeom& g, cudaStream_t stream) {
  const int64_t total = g.planes * g.od * g.oh * g.ow;
  if (total <= 0) return cudaSuccess;
  if (idx_u8) max_forward_kernel<uint8_t><<<blocks_for(total), kThreads, 0, stream>>>(x, y, static_cast<uint8_t*>(idx), g, total);
  else max_forward_kernel<int32_t><<<blocks_for(total), kThreads, 0, stream>>>(x, y, static_cast<int32_t*>(idx), g, total);
  return cudaGetLastError();
}

cudaError_t max_pool_backward(const float* dy, const void* idx, bool idx_u8, float* dx, const PoolGeom& g, unsigned long long* bad_position,
                              cudaStream_t stream) {
  const int64_t total_in = g.planes * g.d * g.h * g.w, total_out = g.planes * g.od * g.oh * g.ow;
  if (total_in <= 0) return cudaSuccess;
  const unsigned blocks = blocks_for(total_in > total_out ? total_in : total_out);
  if (idx_u8) {
    max_backward_kernel<uint8_t><<<blocks, kThreads, 0, stream>>>(dy, static_cast<const uint8_t*>(idx), dx, g, total_in, total_out, bad_position);
  } else {
    max_backward_kernel<int32_t><<<blocks, kThreads, 0, stream>>>(dy, static_cast<const int32_t*>(idx), dx, g, total_in, total_out, bad_position);
  }
  return cudaGetLastError();
}

cudaError_t avg_pool_window_forward(const float* x, float* y, const PoolGeom& g, bool include_pad, cudaStream_t stream) {
  const int64_t total = g.planes * g.od * g.oh * g.ow;
  if (total <= 0) return cudaSuccess;
  avg_forward_kernel<<<blocks_for(total), kThreads, 0, stream>>>(x, y, g, include_pad, total);
  return cudaGetLastError();
}

cudaError_t avg_pool_window_backward(const float* dy, float* dx, const PoolGeom& g, bool include_pad, cudaStream_t stream) {
  const int64_t total = g.planes * g.d * g.h * g.w;
  if (total <= 0) return cudaSuccess;
  avg_backward_kernel<<<blocks_for(total), kThreads, 0, stream>>>(dy, dx, g, include_pad, total);
  return cudaGetLastError();
}

cudaError_t adaptive_avg_pool2d_forward(const float* x, float* y, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                        cudaStream_t stream) {
  const int64_t total = planes * oh * ow;
  if (total <= 0 || h <= 0 || w <= 0) return cudaSuccess;
  adaptive_forward_kernel<<<blocks_for(total), kThreads, 0, stream>>>(x, y, h, w, oh, ow, total);
  return cudaGetLastError();
}

cudaError_t adaptive_avg_pool2d_backward(const float* dy, float* dx, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                         cudaStream_t stream) {
  const int64_t total = planes * h * w;
  if (total <= 0 || oh <= 0 || ow <= 0) return cudaSuccess;
  adaptive_backward_kernel<<<blocks_for(total), kThreads, 0, stream>>>(dy, dx, h, w, oh, ow, total);
  return cudaGetLastError();
}

}  // namespace nutshell::cuda::dnn
