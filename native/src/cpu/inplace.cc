// Ops that write into an existing storage (declared with `inplace`): loading weights into
// parameters, moving values between tensors of one shape.
#include <cstring>

#include "../gen/cpu_kernels.gen.h"

namespace nutshell::cpu {

void copyInto(core::OpCall& call) {
  const auto& src = call.in(1);
  const auto& dst = call.out(0);  // aliases input 0
  int64_t n = dst.numel();
  core::dispatch_dtype(src.dtype, [&](auto in_tag) {
    using I = decltype(in_tag);
    core::dispatch_dtype(dst.dtype, [&](auto out_tag) {
      using O = decltype(out_tag);
      const I* s = src.data<I>();
      O* d = dst.data<O>();
      if constexpr (std::is_same_v<I, O>) {
        if (src.dtype == dst.dtype) {
          std::memcpy(d, s, sizeof(O) * n);
          return;
        }
      }
      bool to_bool = dst.dtype == core::DType::boolean;
      for (int64_t i = 0; i < n; ++i) d[i] = to_bool ? O(s[i] != I(0)) : static_cast<O>(s[i]);
    });
  });
}

}  // namespace nutshell::cpu
