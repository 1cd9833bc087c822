// cholesky, eigh, svd and qr on the GPU, as cpu/linalg_decomp.cc computes them (the same outputs
// within the op table's tolerances, the same messages, a failed factor's zeros and the signs of
// core/linalg_decomp.h). One thread per matrix, each running the loops of core/linalg_decomp.h:
// meant for small batched matrices (a single large matrix runs its O(n³) work on one thread;
// cuSOLVER's potrf/syevd/gesvdj/geqrf would be the way to large ones). Cholesky computes in float,
// in place in its output; eigh runs cyclic Jacobi, svd one-sided Jacobi and qr Householder, in
// double on scratch from the caching allocator (2·n² doubles per matrix for eigh,
// jacobi_svd_scratch for svd, householder_qr_scratch for qr; batches over kJacobiScratchBytes go
// in chunks, one launch each). Failures are reported per matrix (Note [device-side errors] in
// common.cuh) with the code the message is rebuilt from (info for cholesky when `check` is set;
// Jacobi's non-convergence for eigh and svd, always); the smallest batch element wins, the one cpu
// reports. qr has no failures.
#include <algorithm>
#include <string>

#include "../core/linalg_decomp.h"
#include "../core/linalg_messages.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;


// Matrices are independent and each is one thread's: small blocks keep a small batch spread over
// the SMs.
constexpr int kMatrixThreads = 64;
// The most scratch one launch of eigh, svd or qr takes (the batch goes in chunks beyond it).
constexpr size_t kJacobiScratchBytes = size_t{256} << 20;

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

// Matrices [first, first + count) of the batch, scratch for `count` of them (none when k == 0).
__global__ void svd_kernel(const float* __restrict__ in, float* __restrict__ u, float* __restrict__ s, float* __restrict__ vh, double* __restrict__ scratch,
                           int32_t* __restrict__ codes, int64_t first, int64_t count, int64_t m, int64_t n, bool full, ErrorSlot* slot) {
  const int64_t k = m < n ? m : n, ucols = full ? m : k, vrows = full ? n : k;
  const int64_t per_matrix = k > 0 ? core::linalg::jacobi_svd_scratch(m, n, full) : 0;
  NS_GRID_LOOP(i, count) {
    const int64_t b = first + i;
    const int32_t code = core::linalg::jacobi_svd_one(in + b * m * n, u + b * m * ucols, s + b * k, vh + b * vrows * n, scratch + i * per_matrix, m, n, full);
    codes[b] = code;
    if (code != 0) report_position(slot, b);
  }
}

// Matrices [first, first + count) of the batch, scratch for `count` of them (none when k == 0); q
// null when Q is not computed.
__global__ void qr_kernel(const float* __restrict__ in, float* __restrict__ q, float* __restrict__ r, double* __restrict__ scratch, int64_t first, int64_t count,
                          int64_t m, int64_t n, int64_t rrows, int64_t qcols) {
  const int64_t k = m < n ? m : n;
  const int64_t per_matrix = k > 0 ? core::linalg::householder_qr_scratch(m, n, qcols) : 0;
  NS_GRID_LOOP(i, count) {
    const int64_t b = first + i;
    core::linalg::householder_qr_one(in + b * m * n, q ? q + b * m * qcols : nullptr, r + b * rrows * n, scratch + i * per_matrix, m, n, rrows, qcols);
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
    return core::linalg::not_positive_definite(batched, b, v);
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
  const int64_t chunk = std::clamp<int64_t>(static_cast<int64_t>(kJacobiScratchBytes / per_matrix), 1, batch);
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
    return core::linalg::failed_to_converge(batched, b, "eigenvalues", v);
  });
}

void svd(OpCall& call) {
  const auto a = core::SvdAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const int64_t m = in.dim(-2), n = in.dim(-1), k = std::min(m, n);
  int64_t batch = 1;
  for (int d = 0; d + 2 < in.rank(); ++d) batch *= in.shape[d];
  if (batch == 0 || (k == 0 && !a.fullMatrices) || (m == 0 && n == 0)) return;  // nothing to write
  DeviceContext& ctx = context_of(call);
  const bool batched = in.rank() > 2;
  const size_t per_matrix = k > 0 ? static_cast<size_t>(core::linalg::jacobi_svd_scratch(m, n, a.fullMatrices)) * sizeof(double) : 0;
  const int64_t chunk = per_matrix > 0 ? std::clamp<int64_t>(static_cast<int64_t>(kJacobiScratchBytes / per_matrix), 1, batch) : batch;
  Workspace scratch(ctx, static_cast<size_t>(chunk) * per_matrix);
  Workspace codes(ctx, static_cast<size_t>(batch) * sizeof(int32_t));
  ErrorReporter errors(ctx, call);
  for (int64_t first = 0; first < batch; first += chunk) {
    const int64_t count = std::min(chunk, batch - first);
    svd_kernel<<<blocks_for(count, kMatrixThreads), kMatrixThreads, 0, ctx.stream>>>(in.data<float>(), call.out(0).data<float>(), call.out(1).data<float>(),
                                                                                   call.out(2).data<float>(), scratch.as<double>(), codes.as<int32_t>(), first, count, m,
                                                                                   n, a.fullMatrices, errors.slot());
    NS_LAUNCH_CHECK();
  }
  errors.finish(codes.as<int32_t>(), [batched](int64_t b, long long v, double) {
    return core::linalg::failed_to_converge(batched, b, "singular values", v);
  });
}

void qr(OpCall& call) {
  const auto a = core::QrAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const int64_t m = in.dim(-2), n = in.dim(-1), k = std::min(m, n);
  using Mode = core::QrAttrs::Mode;
  const int64_t qcols = a.mode == Mode::r ? 0 : a.mode == Mode::complete ? m : k;
  const int64_t rrows = a.mode == Mode::complete ? m : k;
  int64_t batch = 1;
  for (int d = 0; d + 2 < in.rank(); ++d) batch *= in.shape[d];
  if (batch == 0 || (m * qcols == 0 && rrows * n == 0)) return;  // nothing to write
  DeviceContext& ctx = context_of(call);
  float* q = qcols > 0 ? call.out(0).data<float>() : nullptr;  // mode 'r': Q is [0]
  const size_t per_matrix = k > 0 ? static_cast<size_t>(core::linalg::householder_qr_scratch(m, n, qcols)) * sizeof(double) : 0;
  const int64_t chunk = per_matrix > 0 ? std::clamp<int64_t>(static_cast<int64_t>(kJacobiScratchBytes / per_matrix), 1, batch) : batch;
  Workspace scratch(ctx, static_cast<size_t>(chunk) * per_matrix);
  for (int64_t first = 0; first < batch; first += chunk) {
    const int64_t count = std::min(chunk, batch - first);
    qr_kernel<<<blocks_for(count, kMatrixThreads), kMatrixThreads, 0, ctx.stream>>>(in.data<float>(), q, call.out(1).data<float>(), scratch.as<double>(), first, count, m,
                                                                                  n, rrows, qcols);
    NS_LAUNCH_CHECK();
  }
}

}  // namespace nutshell::cuda
