#pragma once
// Geometry, blocking and weight layouts shared by our convolution kernels (narrow_conv.cc,
// batch_lane_conv.cc, conv.cc).
#include <cstddef>
#include <cstdint>

namespace nutshell::cpu {

// A stride-1, undilated, ungrouped correlation as our kernels run it (a convolution's forward, or
// its input gradient as the full correlation of gradOutput with the flipped weights).
struct ConvShape {
  int64_t n, c, h, w;         // input [N, C, H, W]
  int64_t o, kh, kw;          // weight [O, C, kH, kW]
  int64_t pad_top, pad_left;  // zero padding before the first row / column
  int64_t oh, ow;             // output [N, O, oH, oW]; stride 1, so the padded input is
                              // (oH + kH − 1) × (oW + kW − 1)
};

// Output channels in `count` blocks of at most `max` channels, sizes differing by at most one.
struct ChannelBlocks {
  int64_t o, count;
  ChannelBlocks(int64_t channels, int64_t max) : o(channels), count((channels + max - 1) / max) {}
  int64_t start(int64_t b) const { return b * o / count; }
  int64_t size(int64_t b) const { return start(b + 1) - start(b); }
};

// Weights [O][C·kH·kW] repacked per channel block as [C·kH·kW][ob] at packed + o0·taps, so the
// block's weights for one tap sit together.
void pack_weight_blocks(const float* w, const ChannelBlocks& blocks, int64_t taps, float* packed);

// A convolution's weights [O][C][kH][kW] as the weights of its input gradient's correlation:
// [C][O][kH][kW] with the taps reversed (backward data = gradOutput correlated with these).
void flip_conv_weights(const float* w, int64_t o, int64_t c, int64_t kh, int64_t kw, float* flipped);

}  // namespace nutshell::cpu
