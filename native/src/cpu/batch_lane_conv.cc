// The batch-lane convolution of Note [batch-lane convolution] (batch_lane_conv.h).
#include "batch_lane_conv.h"

#include <omp.h>

#include <algorithm>

#include "broadcast.h"
#include "conv_blocks.h"
#include "onednn.h"
#include "thread_scratch.h"
#include "isa/batch_lane_conv_kernels.h"

namespace nutshell::cpu {

namespace {

constexpr Scratch kInput = Scratch::conv_first, kWeights = Scratch::conv_second, kOutput = Scratch::conv_third;

// Floats per pixel: the batch rounded up to whole vectors.
int64_t lanes_for(int64_t batch, bool wide) {
  const int64_t per_vector = wide ? 16 : 8;
  return (batch + per_vector - 1) / per_vector * per_vector;
}

// Samples [N][cols] to lanes [cols][lanes] (or back), in column ranges over the threads when big.
void transpose(bool to_lanes, bool wide, const float* src, int64_t n, int64_t cols, int64_t lanes, float* dst) {
  const int threads = n * cols >= kParallelGrain ? omp_get_max_threads() : 1;
  const int64_t step = std::max<int64_t>(16, (cols / threads + 15) / 16 * 16);  // whole tiles per part
  const int64_t parts = (cols + step - 1) / step;
  NS_PARALLEL_IF(threads > 1 && parts > 1, "omp parallel for schedule(static)",
  for (int64_t part = 0; part < parts; ++part) {
    const int64_t p0 = part * step, count = std::min(cols, p0 + step) - p0;
    if (to_lanes) {
      (wide ? batch_lane::to_lanes_avx512 : batch_lane::to_lanes_avx2)(src + p0, n, count, cols, lanes, dst + p0 * lanes);
    } else {
      (wide ? batch_lane::from_lanes_avx512 : batch_lane::from_lanes_avx2)(src + p0 * lanes, n, count, cols, lanes, dst + p0);
    }
  });
}

}  // namespace

// oneDNN fills every lane once a convolution writes a whole vector of channels (16 on AVX-512, 8
// on AVX2); below that, samples fill them better, given a vector of them.
bool batch_lane_conv_fits(int64_t batch, int64_t written_channels, int64_t kh, int64_t kw, int64_t groups, const int64_t stride[2],
                          const int64_t dilation[2]) {
  const int bits = onednn::vector_bits();
  const int64_t lanes = bits / 32;
  return bits > 0 && groups == 1 && written_channels >= 1 && written_channels < lanes && batch >= lanes && kh * kw > 1 && stride[0] == 1 &&
         stride[1] == 1 && dilation[0] == 1 && dilation[1] == 1;
}

void batch_lane_conv_forward(const ConvShape& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const bool wide = onednn::vector_bits() == 512;
  const int64_t lanes = lanes_for(g.n, wide);
  const int64_t taps = g.c * g.kh * g.kw, in_pixels = g.c * g.h * g.w, out_pixels = g.o * g.oh * g.ow;
  const ChannelBlocks blocks(g.o, wide ? 6 : 3);
  float* xt = thread_scratch_floats(kInput, in_pixels * lanes);
  float* packed = thread_scratch_floats(kWeights, g.o * taps);
  float* yt = thread_scratch_floats(kOutput, out_pixels * lanes);
  transpose(true, wide, x, g.n, in_pixels, lanes, xt);
  pack_weight_blocks(w, blocks, taps, packed);
  // Tasks: (channel block, band of output rows), enough bands for every thread.
  const int threads = omp_get_max_threads();
  const int64_t bands = threads > 1 ? std::min<int64_t>(g.oh, (threads * 2 + blocks.count - 1) / blocks.count) : 1;
  const int64_t tasks = blocks.count * bands;
  NS_PARALLEL_IF(threads > 1 && tasks > 1, "omp parallel for schedule(dynamic)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t b = task / bands, band = task % bands;
    const int64_t o0 = blocks.start(b), ob = blocks.size(b);
    const int64_t r0 = band * g.oh / bands, r1 = (band + 1) * g.oh / bands;
    batch_lane::Task t{g, lanes, xt, packed + o0 * taps, bias ? bias + o0 : nullptr, relu, yt + o0 * g.oh * g.ow * lanes};
    (wide ? batch_lane::rows_avx512 : batch_lane::rows_avx2)(static_cast<int>(ob), t, r0, r1);
  });
  transpose(false, wide, yt, g.n, out_pixels, lanes, y);
}

void batch_lane_conv_weight_grad(const ConvShape& g, const float* x, const float* gy, float* dw) {
  const bool wide = onednn::vector_bits() == 512;
  const int64_t lanes = lanes_for(g.n, wide);
  const int64_t in_pixels = g.c * g.h * g.w, out_pixels = g.o * g.oh * g.ow;
  float* xt = thread_scratch_floats(kInput, in_pixels * lanes);
  float* gyt = thread_scratch_floats(kOutput, out_pixels * lanes);
  transpose(true, wide, x, g.n, in_pixels, lanes, xt);
  transpose(true, wide, gy, g.n, out_pixels, lanes, gyt);
  const ChannelBlocks blocks(g.o, wide ? 4 : 2);
  batch_lane::GradTask t{g, lanes, xt, gyt, dw};
  // One task per (channel block, input channel, kernel row): each writes its own dW entries.
  const int64_t tasks = blocks.count * g.c * g.kh;
  const int threads = omp_get_max_threads();
  NS_PARALLEL_IF(threads > 1 && tasks > 1, "omp parallel for schedule(dynamic)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t b = task / (g.c * g.kh), c = task / g.kh % g.c, i = task % g.kh;
    (wide ? batch_lane::grad_avx512 : batch_lane::grad_avx2)(static_cast<int>(blocks.size(b)), t, blocks.start(b), c, i);
  });
}

}  // namespace nutshell::cpu
