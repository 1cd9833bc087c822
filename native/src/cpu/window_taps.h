#pragma once
// The window walk the pooling loops (pool_loops.cc) and the depthwise convolution loops
// (depthwise_conv.cc) share: a 3-axis box (2-d has a depth of one), each output row (one depth
// and height index) visited window row by window row, every window column a strided pass over the
// row's outputs whose tap lies inside the input.
#include <algorithm>
#include <cstdint>

namespace nutshell::cpu {

// Sizes, window, stride, padding (before; PyTorch's pooling pads symmetrically, a convolution's
// right padding follows from the output size) and dilation (1 is none) per axis (depth, height, width).
struct WindowBox {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1}, pad[3] = {0, 0, 0}, dilation[3] = {1, 1, 1};
  int64_t in_volume() const { return in[0] * in[1] * in[2]; }
  int64_t out_volume() const { return out[0] * out[1] * out[2]; }
  int64_t taps() const { return kernel[0] * kernel[1] * kernel[2]; }
};

// Outputs [lo, hi) of a row whose tap at width offset `offset` (−pad + v·dilation) reads inside
// the input: o·stride + offset in [0, in). Empty when lo >= hi.
struct Span {
  int64_t lo, hi;
};

// Calls tap(k, at, span) for every tap of output row (a, i) whose window row lies inside the
// input: k the flat tap index (t·kH + u)·kW + v, `at` the input offset within the plane that
// output j of the span reads at at + j·stride.
template <typename Tap>
void window_taps(const WindowBox& b, int64_t a, int64_t i, Tap tap) {
  for (int64_t t = 0; t < b.kernel[0]; ++t) {
    const int64_t id = a * b.stride[0] - b.pad[0] + t * b.dilation[0];
    if (id < 0 || id >= b.in[0]) continue;
    for (int64_t u = 0; u < b.kernel[1]; ++u) {
      const int64_t ih = i * b.stride[1] - b.pad[1] + u * b.dilation[1];
      if (ih < 0 || ih >= b.in[1]) continue;
      const int64_t row = (id * b.in[1] + ih) * b.in[2], first = (t * b.kernel[1] + u) * b.kernel[2];
      for (int64_t v = 0; v < b.kernel[2]; ++v) {
        const int64_t offset = -b.pad[2] + v * b.dilation[2], s = b.stride[2], in = b.in[2];
        const int64_t lo = offset >= 0 ? 0 : (-offset + s - 1) / s;
        const int64_t hi = in - 1 - offset < 0 ? 0 : (in - 1 - offset) / s + 1;
        tap(first + v, row + offset, Span{lo, std::min(hi, b.out[2])});
      }
    }
  }
}

}  // namespace nutshell::cpu
