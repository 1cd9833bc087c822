// Note [2x2 max pooling] compiled for AVX2 (8 lanes); see max_pool_2x2_rows.h.
#define NS_POOL2X2_KERNELS
#include "max_pool_2x2_rows.h"

namespace nutshell::cpu::pool2x2 {

void forward_rows_avx2(const float* x, float* y, uint8_t* ws, int64_t r0, int64_t r1, int64_t rows, int64_t w) {
  forward_rows<8>(x, y, ws, r0, r1, rows, w);
}

bool backward_rows_avx2(const float* gy, const uint8_t* ws, float* dx, int64_t r0, int64_t r1, int64_t rows, int64_t w) {
  return backward_rows<8>(gy, ws, dx, r0, r1, rows, w);
}

}  // namespace nutshell::cpu::pool2x2
