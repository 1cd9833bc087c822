// Note [narrow-input convolution] compiled for AVX-512 (16 lanes); see narrow_conv_kernels.h.
#define NS_NARROW_CONV_KERNELS
#include "narrow_conv_kernels.h"

namespace nutshell::cpu::narrow {

void plane_avx512(int ob, const Plane& p) { plane<16, 8>(ob, p); }
void grad_avx512(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) { grad<16, 4>(ob, t, o0, c, i); }

}  // namespace nutshell::cpu::narrow
