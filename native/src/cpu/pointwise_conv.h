#pragma once
// Note [1x1 convolution as matmul]: a 1×1, stride-1, unpadded, ungrouped convolution on NCHW is,
// sample by sample, W [O, C] times X[n] [C, H·W]. oneDNN's matmul reads our buffers as they lie,
// where its convolution reorders input and output to nChw16c and back: Inception's 1×1
// (192 → 64 at 28×28, batch 32) took 8.9 ms that way and 6.3 ms as a matmul on one core, 192 → 16
// 4.2 and 2.2 ms. On small images the per-sample products get thin and the convolution wins
// (832 → 256 at 7×7: 8.7 against 9.2 ms), so the rule wants 128 pixels or more. The input
// gradient is Wᵀ·dY[n]; the weight gradient Σₙ dY[n]·X[n]ᵀ is a batch of products summed in
// sample order.
#include <cstdint>

namespace nutshell::cpu {

struct PointwiseConv {
  int64_t n, c, o;  // samples, input and output channels
  int64_t pixels;   // H·W, the same on both sides
};

bool pointwise_conv_fits(int64_t kh, int64_t kw, const int64_t stride[2], const int64_t dilation[2], const int64_t padding[4], int64_t groups,
                         int64_t pixels);

// Each returns false, having written nothing, where oneDNN's matmul would run its reference code
// (the caller then runs the convolution).
// y = W·x (+ bias per output channel), then max(y, 0) when `relu`.
bool pointwise_conv_forward(const PointwiseConv& g, const float* x, const float* w, const float* bias, bool relu, float* y);
// dx = Wᵀ·gy.
bool pointwise_conv_backward_data(const PointwiseConv& g, const float* gy, const float* w, float* dx);
// dw = Σₙ gy[n]·x[n]ᵀ.
bool pointwise_conv_weight_grad(const PointwiseConv& g, const float* x, const float* gy, float* dw);

}  // namespace nutshell::cpu
