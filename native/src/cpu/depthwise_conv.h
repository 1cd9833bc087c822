#pragma once
// Note [depthwise convolution]: oneDNN 2.6 has jit depthwise kernels for 2-d convolutions only,
// and its 2-d weight gradient only for kernels up to 3 wide: a 5×5 depthwise weight gradient of
// [32,240,28,28] (EfficientNet) took 200 ms through its gemm path where the forward took 7, a
// 7×7 one (ConvNeXt) 620 ms; a 3×3×3 depthwise conv3d of [4,64,16,32,32] ran 73 ms forward
// against PyTorch's 10. These loops run what it has no kernel for: each output row (one channel,
// depth and height) is accumulated window row by window row, every window column a pass over the
// row's outputs (contiguous at stride 1); the input gradient scatters the same way within a
// channel's plane, one thread per plane; the weight gradient is one thread per output channel,
// each tap a sum of row dot products (carried in double across rows). Depthwise means
// groups = input channels, each group's output channels (the multiplier) reading its one
// input channel; 2-d runs as 3-d with a depth of one.
#include <cstdint>

#include "window_taps.h"

namespace nutshell::cpu {

struct DepthwiseConv : WindowBox {
  int64_t n = 0, channels = 0, multiplier = 1;  // input [N, C, ...]; output [N, C·multiplier, ...]
};

// y = depthwise(x, w) + bias (bias may be null), then max(y, 0) when `relu`.
void depthwise_conv_forward(const DepthwiseConv& g, const float* x, const float* w, const float* bias, bool relu, float* y);
// dx from gy through the weights.
void depthwise_conv_backward_data(const DepthwiseConv& g, const float* gy, const float* w, float* dx);
// dw [C·multiplier, 1, k...] from x and gy.
void depthwise_conv_weight_grad(const DepthwiseConv& g, const float* x, const float* gy, float* dw);

}  // namespace nutshell::cpu
