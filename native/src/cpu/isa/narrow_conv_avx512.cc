// Note [narrow-input convolution] compiled for AVX-512 (16 lanes); see narrow_conv_kernels.h.
#define NS_NARROW_CONV_KERNELS
#include "narrow_conv_kernels.h"

namespace nutshell::cpu::narrow {

void plane_avx512(int ob, const Plane& p) {
  switch (ob) {
    case 1: return plane_block<16, 1>(p);
    case 2: return plane_block<16, 2>(p);
    case 3: return plane_block<16, 3>(p);
    case 4: return plane_block<16, 4>(p);
    case 5: return plane_block<16, 5>(p);
    case 6: return plane_block<16, 6>(p);
    case 7: return plane_block<16, 7>(p);
    default: return plane_block<16, 8>(p);
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

}  // namespace nutshell::cpu::narrow
