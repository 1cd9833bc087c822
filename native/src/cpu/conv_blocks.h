#pragma once
// Blocking and weight layouts shared by our convolution kernels (narrow_conv.cc,
// batch_lane_conv.cc, conv.cc).
#include <cstddef>
#include <cstdint>

namespace nutshell::cpu {

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
