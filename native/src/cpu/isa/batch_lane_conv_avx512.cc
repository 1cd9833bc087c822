// Note [batch-lane convolution] compiled for AVX-512 (16 lanes); see batch_lane_conv_kernels.h.
#define NS_BATCH_LANE_CONV_KERNELS
#include "batch_lane_conv_kernels.h"

namespace nutshell::cpu::batch_lane {

// 6 channels × 4 vectors of samples: 24 accumulators, 4 inputs and a weight in 32 registers.
void rows_avx512(int ob, const Task& t, int64_t r0, int64_t r1) {
  switch (ob) {
    case 1: return rows<16, 1, 4>(t, r0, r1);
    case 2: return rows<16, 2, 4>(t, r0, r1);
    case 3: return rows<16, 3, 4>(t, r0, r1);
    case 4: return rows<16, 4, 4>(t, r0, r1);
    case 5: return rows<16, 5, 4>(t, r0, r1);
    default: return rows<16, 6, 4>(t, r0, r1);
  }
}

void grad_avx512(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  switch (ob) {
    case 1: return grad_kw<16, 1>(t, o0, c, i);
    case 2: return grad_kw<16, 2>(t, o0, c, i);
    case 3: return grad_kw<16, 3>(t, o0, c, i);
    default: return grad_kw<16, 4>(t, o0, c, i);
  }
}

void to_lanes_avx512(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  to_lanes<16>(src, rows, cols, stride, lanes, dst);
}
void from_lanes_avx512(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  from_lanes<16>(src, rows, cols, stride, lanes, dst);
}

}  // namespace nutshell::cpu::batch_lane
