// Note [batch-lane convolution] compiled for AVX-512 (16 lanes); see batch_lane_conv_kernels.h.
#define NS_BATCH_LANE_CONV_KERNELS
#include "batch_lane_conv_kernels.h"

namespace nutshell::cpu::batch_lane {

// 6 channels × 4 vectors of samples: 24 accumulators, 4 inputs and a weight in 32 registers.
void rows_avx512(int ob, const Task& t, int64_t r0, int64_t r1) { rows_of<16, 6, 4>(ob, t, r0, r1); }
void grad_avx512(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) { grad<16, 4>(ob, t, o0, c, i); }
void to_lanes_avx512(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  to_lanes<16>(src, rows, cols, stride, lanes, dst);
}
void from_lanes_avx512(const float* src, int64_t rows, int64_t cols, int64_t stride, int64_t lanes, float* dst) {
  from_lanes<16>(src, rows, cols, stride, lanes, dst);
}

}  // namespace nutshell::cpu::batch_lane
