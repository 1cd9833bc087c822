// The multinomial op: the weights' check (core/multinomial_check.h), one block per row, offences
// reported on the device (Note [device-side errors] in common.cuh); the draw itself is composed.
#include <string>

#include "../core/multinomial_check.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"
#include "error_reporter.h"

namespace nutshell::cuda {

using core::OpCall;

namespace {

constexpr int kRowThreads = 256;

__global__ void multinomial_check_kernel(int64_t n, int64_t needed, const float* __restrict__ w, ErrorSlot* slot) {
  __shared__ long long scratch[kRowThreads];
  const int64_t row = blockIdx.x;
  const float* p = w + row * n;
  long long positive = 0;
  for (int64_t k = threadIdx.x; k < n; k += blockDim.x) {
    const float v = p[k];
    if (core::bad_weight(v)) report_position(slot, row * n + k);
    positive += v > 0.0f;
  }
  positive = block_sum(positive, scratch);
  if (threadIdx.x == 0 && positive < needed) report_position(slot, row * n + n - 1);
}

}  // namespace

void multinomial(OpCall& call) {
  auto a = core::MultinomialAttrs::decode(call.reader());
  const auto& w = call.in(0);
  const int64_t rows = w.dim(0), n = w.dim(1);
  DeviceContext& ctx = context_of(call);
  NS_CUDA_CHECK(cudaMemsetAsync(call.out(0).raw(), 0, sizeof(int64_t), ctx.stream));
  if (rows == 0 || n == 0) return;
  ErrorReporter errors(ctx, call);
  multinomial_check_kernel<<<static_cast<unsigned>(rows), kRowThreads, 0, ctx.stream>>>(n, a.needed, w.data<float>(), errors.slot());
  NS_LAUNCH_CHECK();
  errors.finish(w.data<float>(), [n, needed = a.needed](int64_t pos, long long, double v) { return core::multinomial_message(pos, n, needed, v); });
}

}  // namespace nutshell::cuda
