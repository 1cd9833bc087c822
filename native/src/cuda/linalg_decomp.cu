// cholesky and eigh on the GPU, as cpu/linalg_decomp.cc computes them (the same outputs within
// the op table's tolerances, the same messages, a failed factor's zeros and the eigenvector signs
// of core/linalg_decomp.h). One thread per matrix, each running the loops of
// core/linalg_decomp.h: meant for small batched matrices (a single large matrix runs its O(n³)
// work on one thread; cuSOLVER's potrf/syevd would be the way to large ones). Cholesky computes in
// float, in place in its output; eigh runs cyclic Jacobi in double on scratch from the caching
// allocator (2·n² doubles per matrix; batches over kEighScratchBytes go in chunks, one launch each).
// Failures are reported per matrix (Note [device-side errors] in common.cuh) with the code the
// message is rebuilt from (info for cholesky when `check` is set; Jacobi's non-convergence for eigh,
// always); the smallest batch element wins, the one cpu reports.
#include <algorithm>
#include <string>

#include "../core/linalg_decomp.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;

std::string batch_prefix(bool batched, int64_t b) { return batched ? "(Batch element " + std::to_string(b) + "): " : ""; }

// Matrices are independent and each is one thread's: small blocks keep a small batch spread over
// the SMs.
constexpr int kMatrixThreads = 64;
// The most Jacobi scratch one launch of eigh takes (the batch goes in chunks beyond it).
constexpr size_t kEighScratchBytes = size_t{256} << 20;

__global__ void cholesky_kernel(const float* __restrict__ in, float* __restrict__ l, int32_t* __restrict__ info, int64_t batch, int64_t n, bool check,
                                ErrorSlot* slot) {
  NS_GRID_LOOP(b, batch) {
    const int32_t code = core::linalg::cholesky_one(in + b * n * n, l + b * n * n, n);
    info[b] = code;
    if (check && code != 0) report_position(slot, b);
  }
}

// Matrices [first, first + count) of the batch, scratch for `count` of them.
__global__ void eigh_kernel(const float* __restrict__ in, float* __restrict__ w, float* __restrict__ v, double* __restrict__ scratch, int32_t* __restrict__ codes,
                            int64_t first, int64_t count, int64_t n, bool lower, ErrorSlot* slot) {
  NS_GRID_LOOP(i, count) {
    const int64_t b = first + i;
    const int32_t code = core::linalg::jacobi_eigh_one(in + b * n * n, w + b * n, v + b * n * n, scratch + i * 2 * n * n, n, lower);
    codes[b] = code;
    if (code != 0) report_position(slot, b);
  }
}

}  // namespace

void cholesky(OpCall& call) {
  const auto a = core::CholeskyAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& info = call.out(1);
  const int64_t n = in.dim(-1);
  const int64_t batch = info.numel();
  if (batch == 0) return;
  DeviceContext& ctx = context_of(call);
  if (n == 0) {
    NS_CUDA_CHECK(cudaMemsetAsync(info.raw(), 0, static_cast<size_t>(batch) * sizeof(int32_t), ctx.stream));
    return;
  }
  float* l = call.out(0).data<float>();
  const unsigned blocks = blocks_for(batch, kMatrixThreads);
  if (!a.check) {
    cholesky_kernel<<<blocks, kMatrixThreads, 0, ctx.stream>>>(in.data<float>(), l, info.data<int32_t>(), batch, n, false, nullptr);
    NS_LAUNCH_CHECK();
    return;
  }
  const bool batched = in.rank() > 2;
  ErrorReporter errors(ctx, call);
  cholesky_kernel<<<blocks, kMatrixThreads, 0, ctx.stream>>>(in.data<float>(), l, info.data<int32_t>(), batch, n, true, errors.slot());
  NS_LAUNCH_CHECK();
  errors.finish(info.data<int32_t>(), [batched](int64_t b, long long v, double) {
    return batch_prefix(batched, b) + "The factorization could not be completed because the input is not positive-definite (the leading minor of order " +
           std::to_string(v) + " is not positive-definite).";
  });
}

void eigh(OpCall& call) {
  const auto a = core::EighAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& values = call.out(0);
  const auto& vectors = call.out(1);
  const int64_t n = in.dim(-1);
  const int64_t batch = n > 0 ? values.numel() / n : 0;
  if (batch == 0) return;
  DeviceContext& ctx = context_of(call);
  const bool lower = a.uplo == core::EighAttrs::Uplo::L;
  const bool batched = in.rank() > 2;
  const size_t per_matrix = static_cast<size_t>(2 * n * n) * sizeof(double);
  const int64_t chunk = std::clamp<int64_t>(static_cast<int64_t>(kEighScratchBytes / per_matrix), 1, batch);
  Workspace scratch(ctx, static_cast<size_t>(chunk) * per_matrix);
  Workspace codes(ctx, static_cast<size_t>(batch) * sizeof(int32_t));
  ErrorReporter errors(ctx, call);
  for (int64_t first = 0; first < batch; first += chunk) {
    const int64_t count = std::min(chunk, batch - first);
    eigh_kernel<<<blocks_for(count, kMatrixThreads), kMatrixThreads, 0, ctx.stream>>>(in.data<float>(), values.data<float>(), vectors.data<float>(), scratch.as<double>(),
                                                                                    codes.as<int32_t>(), first, count, n, lower, errors.slot());
    NS_LAUNCH_CHECK();
  }
  errors.finish(codes.as<int32_t>(), [batched](int64_t b, long long v, double) {
    return batch_prefix(batched, b) + "The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: " +
           std::to_string(v) + ").";
  });
}

}  // namespace nutshell::cuda
