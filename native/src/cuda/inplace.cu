// Ops that write into an existing storage (declared with `inplace`): copyInto.
#include "../gen/cuda_kernels.gen.h"
#include "cast.cuh"
#include "common.cuh"

namespace nutshell::cuda {

// dst (output 0, aliasing input 0) = src converted to dst's dtype; ordered on the device's
// stream after every op that read the old values.
void copyInto(core::OpCall& call) {
  const auto& src = call.in(1);
  const auto& dst = call.out(0);
  convert(context_of(call).stream, src.dtype, src.raw(), dst.dtype, dst.raw(), dst.numel());
}

}  // namespace nutshell::cuda
