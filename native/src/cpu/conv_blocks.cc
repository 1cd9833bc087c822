#include "conv_blocks.h"

namespace nutshell::cpu {

void pack_weight_blocks(const float* w, const ChannelBlocks& blocks, int64_t taps, float* packed) {
  for (int64_t b = 0; b < blocks.count; ++b) {
    const int64_t o0 = blocks.start(b), ob = blocks.size(b);
    float* dst = packed + o0 * taps;
    for (int64_t t = 0; t < taps; ++t) {
      for (int64_t o = 0; o < ob; ++o) dst[t * ob + o] = w[(o0 + o) * taps + t];
    }
  }
}

void flip_conv_weights(const float* w, int64_t o, int64_t c, int64_t kh, int64_t kw, float* flipped) {
  for (int64_t oc = 0; oc < o; ++oc) {
    for (int64_t cc = 0; cc < c; ++cc) {
      for (int64_t i = 0; i < kh; ++i) {
        for (int64_t j = 0; j < kw; ++j) flipped[((cc * o + oc) * kh + kh - 1 - i) * kw + kw - 1 - j] = w[((oc * c + cc) * kh + i) * kw + j];
      }
    }
  }
}

}  // namespace nutshell::cpu
