// The narrow-input convolution of Note [narrow-input convolution] (narrow_conv.h).
#include "narrow_conv.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "broadcast.h"
#include "conv_blocks.h"
#include "onednn.h"
#include "thread_scratch.h"
#include "isa/narrow_conv_kernels.h"

namespace nutshell::cpu {

namespace {

using narrow::GradTask;
using narrow::Plane;

constexpr int64_t kMinRow = 16;  // output columns: two AVX2 vectors, one AVX-512 vector
constexpr int64_t kMaxInputChannels = 4;

constexpr Scratch kPadded = Scratch::conv_first, kPacked = Scratch::conv_second;

// `planes` planes of h × w from `src` into `dst`'s zero-filled planes of padded_h × padded_w, each
// placed `top` rows and `left` columns in.
void pad_planes(float* dst, const float* src, int64_t planes, int64_t h, int64_t w, int64_t padded_h, int64_t padded_w, int64_t top,
                int64_t left) {
  const int64_t padded = padded_h * padded_w;
  for (int64_t q = 0; q < planes; ++q) {
    float* d = dst + q * padded;
    std::memset(d, 0, static_cast<size_t>(padded) * sizeof(float));
    for (int64_t r = 0; r < h; ++r) std::memcpy(d + (r + top) * padded_w + left, src + (q * h + r) * w, static_cast<size_t>(w) * sizeof(float));
  }
}

}  // namespace

bool narrow_conv_fits(int64_t narrow_channels, int64_t groups, const int64_t stride[2], const int64_t dilation[2], int64_t image_width) {
  return onednn::vector_bits() > 0 && groups == 1 && narrow_channels >= 1 && narrow_channels <= kMaxInputChannels && stride[0] == 1 &&
         stride[1] == 1 && dilation[0] == 1 && dilation[1] == 1 && image_width >= kMinRow;
}

void narrow_conv_forward(const ConvShape& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const int64_t taps = g.c * g.kh * g.kw;
  const bool wide = onednn::vector_bits() == 512;
  const ChannelBlocks blocks(g.o, wide ? 8 : 4);
  float* packed = thread_scratch_floats(kPacked, g.o * taps);
  pack_weight_blocks(w, blocks, taps, packed);
  const int64_t padded_h = g.oh + g.kh - 1, padded_w = g.ow + g.kw - 1;
  const int64_t padded = g.c * padded_h * padded_w;
  const int64_t tasks = g.n * blocks.count;
  const int threads = tasks > 1 ? omp_get_max_threads() : 1;
  // Per-thread padded copies of one sample.
  float* scratch = thread_scratch_floats(kPadded, padded * threads);
  std::vector<int64_t> holds(static_cast<size_t>(threads), -1);  // the sample in each thread's scratch
  NS_PARALLEL_IF(threads > 1, "omp parallel for schedule(static) num_threads(threads)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t n = task / blocks.count, b = task % blocks.count;
    const int t = omp_get_thread_num();
    float* xp = scratch + padded * t;
    // Blocks of one sample are consecutive tasks, so a thread pads each of its samples once.
    if (holds[t] != n) {
      holds[t] = n;
      pad_planes(xp, x + n * g.c * g.h * g.w, g.c, g.h, g.w, padded_h, padded_w, g.pad_top, g.pad_left);
    }
    const int64_t o0 = blocks.start(b), ob = blocks.size(b);
    Plane p{g, padded_h, padded_w, xp, packed + o0 * taps, bias ? bias + o0 : nullptr, relu, y + (n * g.o + o0) * g.oh * g.ow};
    if (wide) {
      narrow::plane_avx512(static_cast<int>(ob), p);
    } else {
      narrow::plane_avx2(static_cast<int>(ob), p);
    }
  });
}

void narrow_conv_weight_grad(const ConvShape& g, const float* x, const float* gy, float* dw) {
  const bool wide = onednn::vector_bits() == 512;
  const int64_t lanes = wide ? 16 : 8;
  const int64_t row = (g.ow + lanes - 1) / lanes * lanes;
  const int64_t padded_h = g.oh + g.kh - 1, padded_w = row + g.kw - 1;
  const int64_t padded = padded_h * padded_w;
  // Every sample zero-padded (and gy's rows zero-extended) once up front; the tasks below each
  // read all of them.
  float* xp = thread_scratch_floats(kPadded, g.n * g.c * padded);
  float* gyp = thread_scratch_floats(kPacked, g.n * g.o * g.oh * row);
  const int64_t planes = g.n * g.c, gy_rows = g.n * g.o * g.oh;
  NS_PARALLEL_IF(planes * padded >= kParallelGrain, "omp parallel for schedule(static)",
  for (int64_t q = 0; q < planes; ++q) pad_planes(xp + q * padded, x + q * g.h * g.w, 1, g.h, g.w, padded_h, padded_w, g.pad_top, g.pad_left);
  );
  // gy's rows as planes of one row, placed at the start of rows widened to whole vectors.
  NS_PARALLEL_IF(gy_rows * row >= kParallelGrain, "omp parallel for schedule(static)",
  for (int64_t q = 0; q < gy_rows; ++q) pad_planes(gyp + q * row, gy + q * g.ow, 1, 1, g.ow, 1, row, 0, 0);
  );
  const ChannelBlocks blocks(g.o, wide ? 4 : 2);
  GradTask t{g, padded_h, padded_w, row, xp, gyp, dw};
  // One task per (channel block, input channel, kernel row): each writes its own dW entries.
  const int64_t tasks = blocks.count * g.c * g.kh;
  const int threads = tasks > 1 ? omp_get_max_threads() : 1;
  NS_PARALLEL_IF(threads > 1, "omp parallel for schedule(dynamic) num_threads(threads)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t b = task / (g.c * g.kh), c = task / g.kh % g.c, i = task % g.kh;
    const int64_t o0 = blocks.start(b), ob = blocks.size(b);
    if (wide) {
      narrow::grad_avx512(static_cast<int>(ob), t, o0, c, i);
    } else {
      narrow::grad_avx2(static_cast<int>(ob), t, o0, c, i);
    }
  });
}

}  // namespace nutshell::cpu
