// cast: a copy with another dtype (float → int truncates toward zero; nonzero → true).
#include <type_traits>

#include "../gen/cuda_kernels.gen.h"
#include "broadcast.cuh"
#include "cast.cuh"

namespace nutshell::cuda {

namespace {

template <typename I, typename O>
struct ConvertF {
  bool to_bool;
  __device__ O operator()(I x) const {
    if (to_bool) return static_cast<O>(x != I(0) ? 1 : 0);
    if constexpr (std::is_floating_point_v<I> && std::is_same_v<O, uint8_t>) {
      return static_cast<O>(static_cast<int32_t>(x));  // x86's cvttss2si then truncation
    } else {
      return static_cast<O>(x);
    }
  }
};

}  // namespace

void convert(cudaStream_t stream, core::DType from, const void* src, core::DType to, void* dst, int64_t n) {
  if (n <= 0) return;
  if (from == to) {
    if (src == dst) return;
    NS_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(n) * core::dtype_size(from), cudaMemcpyDeviceToDevice, stream));
    return;
  }
  const bool to_bool = to == core::DType::boolean;
  core::dispatch_dtype(from, [&](auto in_tag) {
    using I = decltype(in_tag);
    core::dispatch_dtype(to, [&](auto out_tag) {
      using O = decltype(out_tag);
      launch_map1(stream, n, static_cast<O*>(dst), static_cast<const I*>(src), ConvertF<I, O>{to_bool});
    });
  });
}

void cast(core::OpCall& call) {
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  convert(context_of(call).stream, in.dtype, in.raw(), out.dtype, out.raw(), in.numel());
}

}  // namespace nutshell::cuda
