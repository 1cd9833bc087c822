#pragma once
// Note [batch-lane convolution]: oneDNN's convolutions vectorise over channels (16 lanes on
// AVX-512, nChw16c), so a convolution that writes few channels fills a few lanes of each vector:
// the input gradient of LeNet's conv2 (16 → 6 channels, 14×14, batch 64) ran at 21 GMAC/s on one
// core, 37 % of its lanes busy, reorders around it. Where the channels and the images are both
// small, the batch is the wide dimension: this kernel transposes its input to [C][H][W][N] (the
// samples of one pixel side by side, rounded up to whole vectors), keeps up to 6 output channels
// × 4 vectors of samples in registers (AVX-512; 3 × 3 on AVX2), loads each input vector once per
// tap for all of them, skips the taps that fall on padding (half of a 5×5 full correlation's),
// and transposes the result back to NCHW. Stride 1, no dilation, one group, at least one vector
// of samples; the channel rule is in batch_lane_conv_fits.
#include <cstdint>

#include "conv_blocks.h"

namespace nutshell::cpu {

// Whether the batch-lane kernel should run a correlation of `batch` samples that writes
// `written_channels` (the forward's output channels; for backward data, the input gradient's)
// with a kh × kw kernel. 1×1 kernels stay out: with one tap per channel, each tap reads a plane
// H·W·N floats away from the last (a 1×1 192 → 8 at 28×28 ran 1.6x slower than oneDNN), and
// they run as a matmul anyway (Note [1x1 convolution as matmul]).
bool batch_lane_conv_fits(int64_t batch, int64_t written_channels, int64_t kh, int64_t kw, int64_t groups, const int64_t stride[2],
                          const int64_t dilation[2]);

// y = correlation(x, w) + bias (bias may be null), then max(y, 0) when `relu`; threads from the
// caller's OpenMP setting.
void batch_lane_conv_forward(const ConvShape& g, const float* x, const float* w, const float* bias, bool relu, float* y);

// The weight gradient of a convolution whose input channels fit the rule: dW = Σ gy · x over
// samples and pixels, kernels at most this wide (the accumulators are registers).
constexpr int64_t batch_lane_conv_grad_max_kernel_width = 7;
void batch_lane_conv_weight_grad(const ConvShape& g, const float* x, const float* gy, float* dw);

}  // namespace nutshell::cpu
