// Creation ops with no inputs: arange, linspace, eye. Plain loops (oneDNN makes no tensors), with
// PyTorch's arithmetic so values match it: arange accumulates in double (float) or int64
// (integers), linspace in the output type with PyTorch's two-sided formula.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

using core::OpCall;

// start + i·step: in double for float32 (PyTorch's CPU accumulation type), in int64 after
// truncating start and step for integer dtypes. The length was fixed by the declaration.
void arange(OpCall& call) {
  auto a = core::ArangeAttrs::decode(call.reader());
  const auto& out = call.out(0);
  const int64_t n = out.numel();
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data<T>();
    if constexpr (std::is_floating_point_v<T>) {
      const double start = a.start, step = a.step;
      NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(start + step * static_cast<double>(i));
      );
    } else {
      const int64_t start = static_cast<int64_t>(a.start), step = static_cast<int64_t>(a.step);
      NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(start + step * i);
      );
    }
  });
}

// PyTorch's linspace: the first half counts up from start, the second down from end, so both
// ends are exact; float32 computes in float, integers through a double step, truncating.
void linspace(OpCall& call) {
  auto a = core::LinspaceAttrs::decode(call.reader());
  const auto& out = call.out(0);
  const int64_t steps = out.numel();
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    using Step = std::conditional_t<std::is_floating_point_v<T>, T, double>;
    T* o = out.data<T>();
    const T start = static_cast<T>(a.start), end = static_cast<T>(a.end);
    if (steps == 1) {
      o[0] = start;
      return;
    }
    const Step step = (static_cast<Step>(end) - static_cast<Step>(start)) / static_cast<Step>(steps - 1);
    const int64_t halfway = steps / 2;
    NS_PARALLEL_IF(steps >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t i = 0; i < steps; ++i) {
        o[i] = i < halfway ? static_cast<T>(start + step * static_cast<Step>(i))
                           : static_cast<T>(end - step * static_cast<Step>(steps - i - 1));
      }
    );
  });
}

void eye(OpCall& call) {
  const auto& out = call.out(0);
  const int64_t n = out.rank() == 2 ? out.dim(0) : 0, m = out.rank() == 2 ? out.dim(1) : 0;
  std::memset(out.raw(), 0, static_cast<size_t>(out.numel()) * core::dtype_size(out.dtype));
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data<T>();
    for (int64_t i = 0, k = std::min(n, m); i < k; ++i) o[i * m + i] = T(1);
  });
}

}  // namespace nutshell::cpu
