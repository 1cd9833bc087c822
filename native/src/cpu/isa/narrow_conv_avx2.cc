// Note [narrow-input convolution] compiled for AVX2 (8 lanes); see narrow_conv_kernels.h.
#define NS_NARROW_CONV_KERNELS
#include "narrow_conv_kernels.h"

namespace nutshell::cpu::narrow {

void plane_avx2(int ob, const Plane& p) {
  switch (ob) {
    case 1: return plane_block<8, 1>(p);
    case 2: return plane_block<8, 2>(p);
    case 3: return plane_block<8, 3>(p);
    default: return plane_block<8, 4>(p);
  }
}

void grad_avx2(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  switch (ob) {
    case 1: return grad_kw<8, 1>(t, o0, c, i);
    default: return grad_kw<8, 2>(t, o0, c, i);
  }
}

}  // namespace nutshell::cpu::narrow
