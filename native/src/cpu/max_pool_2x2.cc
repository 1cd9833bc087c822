// 2×2 max pooling with stride 2 (Note [2x2 max pooling], max_pool_2x2.h).
#include "max_pool_2x2.h"

#include "broadcast.h"
#include "isa/max_pool_2x2_rows.h"
#include "onednn.h"

namespace nutshell::cpu {

bool max_pool_2x2_fits(int64_t h, int64_t w, int64_t oh, int64_t ow, const int64_t kernel[2], const int64_t stride[2],
                       const int64_t padding[2], const int64_t dilation[2]) {
  return onednn::vector_bits() > 0 && kernel[0] == 2 && kernel[1] == 2 && stride[0] == 2 && stride[1] == 2 && padding[0] == 0 &&
         padding[1] == 0 && dilation[0] == 1 && dilation[1] == 1 && h % 2 == 0 && w % 2 == 0 && h > 0 && w > 0 && oh == h / 2 && ow == w / 2;
}

// Each thread takes a contiguous range of output rows (for_row_ranges), so the rows a short
// vector runs on into are its own.
void max_pool_2x2_forward(const float* x, float* y, uint8_t* ws, int64_t planes, int64_t h, int64_t w) {
  const int64_t rows = planes * h / 2;
  const bool wide = onednn::vector_bits() == 512;
  for_row_ranges(rows, planes * h * w, [&](int64_t r0, int64_t r1) {
    if (wide) {
      pool2x2::forward_rows_avx512(x, y, ws, r0, r1, rows, w);
    } else {
      pool2x2::forward_rows_avx2(x, y, ws, r0, r1, rows, w);
    }
    return false;
  });
}

int64_t max_pool_2x2_backward(const float* gy, const uint8_t* ws, float* dx, int64_t planes, int64_t h, int64_t w) {
  const int64_t rows = planes * h / 2;
  const bool wide = onednn::vector_bits() == 512;
  const bool bad = for_row_ranges(rows, planes * h * w, [&](int64_t r0, int64_t r1) {
    return wide ? pool2x2::backward_rows_avx512(gy, ws, dx, r0, r1, rows, w) : pool2x2::backward_rows_avx2(gy, ws, dx, r0, r1, rows, w);
  });
  if (!bad) return -1;
  const int64_t outputs = rows * (w / 2);
  for (int64_t i = 0; i < outputs; ++i) {
    if (ws[i] > 3) return i;
  }
  return -1;
}

}  // namespace nutshell::cpu
