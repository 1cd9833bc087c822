// Note [batch-lane convolution] compiled for AVX2 (8 lanes); see batch_lane_conv_kernels.h.
#define NS_BATCH_LANE_CONV_KERNELS
#include "batch_lane_conv_kernels.h"

namespace nutshell::cpu::batch_lane {

// 3 channels × 3 vectors of samples: 9 accumulators, 3 inputs and a weight in 16 registers.
void rows_avx2(int ob, const Task& t, int64_t r0, int64_t r1) { rows_of<8, 3, 3>(ob, t, r0, r1); }
void grad_avx2(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) { grad<8, 2>(ob, t, o0, c, i); }
void to_lanes_avx2(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  to_lanes<8>(src, rows, cols, stride, lanes, dst);
}
void from_lanes_avx2(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  from_lanes<8>(src, rows, cols, stride, lanes, dst);
}

}  // namespace nutshell::cpu::batch_lane
