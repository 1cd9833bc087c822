// The narrow-input convolution of Note [narrow-input convolution] (narrow_conv.h).
#include "narrow_conv.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "broadcast.h"
#include "onednn.h"
#include "isa/narrow_conv_kernels.h"

namespace nutshell::cpu {

namespace {

using narrow::GradTask;
using narrow::Plane;

constexpr int64_t kMinRow = 16;  // output columns: two AVX2 vectors, one AVX-512 vector
constexpr int64_t kMaxInputChannels = 4;

// Grow-only per-thread buffers for the padded copies: a fresh megabyte from the allocator comes
// back as new pages, and faulting them in cost as much as the weight gradient's arithmetic.
float* reuse_buffer(int slot, size_t floats) {
  thread_local std::vector<float> buffers[2];
  std::vector<float>& b = buffers[slot];
  if (b.size() < floats) b.resize(floats);
  return b.data();
}

}  // namespace

bool narrow_conv_fits(int64_t narrow_channels, int64_t groups, const int64_t stride[2], const int64_t dilation[2], int64_t image_width) {
  return onednn::vector_bits() > 0 && groups == 1 && narrow_channels >= 1 && narrow_channels <= kMaxInputChannels && stride[0] == 1 &&
         stride[1] == 1 && dilation[0] == 1 && dilation[1] == 1 && image_width >= kMinRow;
}

void narrow_conv_forward(const NarrowConv& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const int64_t taps = g.c * g.kh * g.kw;
  const bool wide = onednn::vector_bits() == 512;
  // Output channels in blocks of at most 8 (AVX-512) or 4 (AVX2), sizes differing by at most one.
  const int64_t max_block = wide ? 8 : 4;
  const int64_t blocks = (g.o + max_block - 1) / max_block;
  auto block_start = [&](int64_t b) { return b * g.o / blocks; };
  // Weights repacked per block as [C][kH][kW][ob], so one tap's channel weights sit together.
  std::vector<float> packed(static_cast<size_t>(g.o * taps));
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t o0 = block_start(b), ob = block_start(b + 1) - o0;
    float* dst = packed.data() + o0 * taps;
    for (int64_t t = 0; t < taps; ++t) {
      for (int64_t o = 0; o < ob; ++o) dst[t * ob + o] = w[(o0 + o) * taps + t];
    }
  }
  const int64_t padded_h = g.oh + g.kh - 1, padded_w = g.ow + g.kw - 1;
  const int64_t padded = g.c * padded_h * padded_w;
  const int64_t tasks = g.n * blocks;
  const int threads = tasks > 1 ? omp_get_max_threads() : 1;
  // Per-thread padded copies of one sample, allocated here: nothing inside the region throws.
  std::vector<float> scratch(static_cast<size_t>(padded * threads));
  std::vector<int64_t> holds(static_cast<size_t>(threads), -1);  // the sample in each thread's scratch
  NS_PARALLEL_IF(threads > 1, "omp parallel for schedule(static) num_threads(threads)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t n = task / blocks, b = task % blocks;
    const int t = omp_get_thread_num();
    float* xp = scratch.data() + padded * t;
    // Blocks of one sample are consecutive tasks, so a thread pads each of its samples once.
    if (holds[t] != n) {
      holds[t] = n;
      std::memset(xp, 0, static_cast<size_t>(padded) * sizeof(float));
      for (int64_t c = 0; c < g.c; ++c) {
        for (int64_t r = 0; r < g.h; ++r) {
          std::memcpy(xp + (c * padded_h + r + g.pad_top) * padded_w + g.pad_left, x + ((n * g.c + c) * g.h + r) * g.w,
                      static_cast<size_t>(g.w) * sizeof(float));
        }
      }
    }
    const int64_t o0 = block_start(b), ob = block_start(b + 1) - o0;
    Plane p{g, padded_h, padded_w, xp, packed.data() + o0 * taps, bias ? bias + o0 : nullptr, relu, y + (n * g.o + o0) * g.oh * g.ow};
    if (wide) {
      narrow::plane_avx512(static_cast<int>(ob), p);
    } else {
      narrow::plane_avx2(static_cast<int>(ob), p);
    }
  });
}

void narrow_conv_weight_grad(const NarrowConv& g, const float* x, const float* gy, float* dw) {
  const bool wide = onednn::vector_bits() == 512;
  const int64_t lanes = wide ? 16 : 8;
  const int64_t row = (g.ow + lanes - 1) / lanes * lanes;
  const int64_t padded_h = g.oh + g.kh - 1, padded_w = row + g.kw - 1;
  const int64_t padded = padded_h * padded_w;
  // Every sample zero-padded (and gy's rows zero-extended) once up front; the tasks below each
  // read all of them.
  float* xp = reuse_buffer(0, static_cast<size_t>(g.n * g.c * padded));
  float* gyp = reuse_buffer(1, static_cast<size_t>(g.n * g.o * g.oh * row));
  const int64_t planes = g.n * g.c, gy_rows = g.n * g.o * g.oh;
  NS_PARALLEL_IF(planes * padded >= kParallelGrain, "omp parallel for schedule(static)",
  for (int64_t q = 0; q < planes; ++q) {
    float* dst = xp + q * padded;
    std::memset(dst, 0, static_cast<size_t>(padded) * sizeof(float));
    for (int64_t r = 0; r < g.h; ++r) {
      std::memcpy(dst + (r + g.pad_top) * padded_w + g.pad_left, x + (q * g.h + r) * g.w, static_cast<size_t>(g.w) * sizeof(float));
    }
  });
  NS_PARALLEL_IF(gy_rows * row >= kParallelGrain, "omp parallel for schedule(static)",
  for (int64_t q = 0; q < gy_rows; ++q) {
    float* dst = gyp + q * row;
    std::memcpy(dst, gy + q * g.ow, static_cast<size_t>(g.ow) * sizeof(float));
    std::memset(dst + g.ow, 0, static_cast<size_t>(row - g.ow) * sizeof(float));
  });
  const int64_t max_block = wide ? 4 : 2;
  const int64_t blocks = (g.o + max_block - 1) / max_block;
  auto block_start = [&](int64_t b) { return b * g.o / blocks; };
  GradTask t{g, padded_h, padded_w, row, xp, gyp, dw};
  // One task per (channel block, input channel, kernel row): each writes its own dW entries.
  const int64_t tasks = blocks * g.c * g.kh;
  const int threads = tasks > 1 ? omp_get_max_threads() : 1;
  NS_PARALLEL_IF(threads > 1, "omp parallel for schedule(dynamic) num_threads(threads)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t b = task / (g.c * g.kh), c = task / g.kh % g.c, i = task % g.kh;
    const int64_t o0 = block_start(b), ob = block_start(b + 1) - o0;
    if (wide) {
      narrow::grad_avx512(static_cast<int>(ob), t, o0, c, i);
    } else {
      narrow::grad_avx2(static_cast<int>(ob), t, o0, c, i);
    }
  });
}

}  // namespace nutshell::cpu
