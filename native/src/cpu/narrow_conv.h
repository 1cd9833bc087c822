#pragma once
// Note [narrow-input convolution]: oneDNN's convolutions vectorise over channels, 16 at a time
// on AVX-512, so a first layer on grayscale or RGB images (1–4 input channels) fills a few lanes
// of each vector, and our NCHW tensors are reordered to and from its blocked layouts around the
// call. Measured on one core (bench shapes, reorders included): LeNet's conv1 (1→6, 5×5, 28×28)
// ran at 10–14 GMAC/s, 3→64 3×3 on 32×32 at 21. The kernel here vectorises along the output row
// instead (16 outputs per AVX-512 vector, up to 8 output channels × 2 vectors of accumulators in
// registers, each input vector loaded once per tap and used by every channel; half that on
// AVX2), reads and writes NCHW as it is, and runs those shapes at 35–50 GMAC/s (AVX2 build with
// ONEDNN_MAX_CPU_ISA=AVX2: 28–44 against oneDNN's 13–32). It takes only what it is fast for:
// stride 1, no dilation, one group, at most 4 input channels, output rows at least 16 wide, on
// AVX2 or AVX-512 (the instruction set oneDNN runs with).
#include <cstdint>

#include "conv_blocks.h"

namespace nutshell::cpu {

// Whether the narrow-input kernel should run a convolution with `narrow_channels` on its image
// side (the forward's input channels; for backward data, the input gradient's): the shape rule
// of the note. Backward data runs the kernel as the full correlation of gradOutput with the
// flipped weights, which oneDNN vectorises over those same few channels. image_width: the rows
// the kernel writes (the output; for backward data, the input gradient).
bool narrow_conv_fits(int64_t narrow_channels, int64_t groups, const int64_t stride[2], const int64_t dilation[2], int64_t image_width);

// y = conv(x, w) + bias (bias may be null), then max(y, 0) when `relu`; threads from the
// caller's OpenMP setting.
void narrow_conv_forward(const ConvShape& g, const float* x, const float* w, const float* bias, bool relu, float* y);

// The weight gradient of a convolution the forward kernel takes, for kernels at most this wide
// (its accumulators are registers): dW = Σ gy · x over samples and positions, vectorised along
// the output row in the same way.
constexpr int64_t narrow_conv_grad_max_kernel_width = 7;
void narrow_conv_weight_grad(const ConvShape& g, const float* x, const float* gy, float* dw);

}  // namespace nutshell::cpu
