// LU factorization with partial pivoting, solves with its factors, and triangular solves on the
// GPU, as cpu/linalg.cc defines them (the pivot choice of LAPACK's getrf, the first largest; the
// same messages; the cpu's blocked getrf/trsm round differently, within the declared tolerances).
// One block per matrix for the factorization: one thread picks the pivot, the block exchanges,
// scales and updates the trailing matrix between barriers. One thread per
// right-hand-side column for the solves (blocks of columns per matrix), each substituting down and
// up its own column. Bad pivots and (when asked) zeros on U's diagonal are reported per matrix
// (Note [device-side errors] in common.cuh) with a code the message is rebuilt from; the smallest
// batch element wins, the one cpu reports.
#include <algorithm>
#include <string>

#include "../core/linalg_messages.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using Check = core::LuSolveAttrs::Check;


__global__ void lu_factor_kernel(const float* __restrict__ in, float* __restrict__ lu, int32_t* __restrict__ pivots, int32_t* __restrict__ info, int64_t n, bool check,
                                 ErrorSlot* slot) {
  const int64_t b = blockIdx.x;
  float* a = lu + b * n * n;
  const float* src = in + b * n * n;
  for (int64_t e = threadIdx.x; e < n * n; e += blockDim.x) a[e] = src[e];
  __shared__ int64_t s_pivot;
  __shared__ float s_value;
  __shared__ int32_t s_info;
  if (threadIdx.x == 0) s_info = 0;
  __syncthreads();
  for (int64_t k = 0; k < n; ++k) {
    if (threadIdx.x == 0) {
      int64_t p = k;
      float best = fabsf(a[k * n + k]);
      for (int64_t i = k + 1; i < n; ++i) {  // the first largest, as LAPACK's isamax
        const float v = fabsf(a[i * n + k]);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      pivots[b * n + k] = static_cast<int32_t>(p + 1);
      s_pivot = p;
      s_value = a[p * n + k];
      if (s_value == 0.f && s_info == 0) s_info = static_cast<int32_t>(k + 1);
    }
    __syncthreads();
    const int64_t p = s_pivot;
    const float pivot = s_value;
    if (pivot != 0.f) {
      if (p != k) {
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
          const float t = a[k * n + j];
          a[k * n + j] = a[p * n + j];
          a[p * n + j] = t;
        }
        __syncthreads();
      }
      const float r = 1.f / pivot;
      for (int64_t i = k + 1 + threadIdx.x; i < n; i += blockDim.x) a[i * n + k] *= r;
      __syncthreads();
    }
    const int64_t m = n - k - 1;
    for (int64_t e = threadIdx.x; e < m * m; e += blockDim.x) {
      const int64_t i = k + 1 + e / m, j = k + 1 + e % m;
      a[i * n + j] = __fsub_rn(a[i * n + j], __fmul_rn(a[i * n + k], a[k * n + j]));
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    info[b] = s_info;
    if (check && s_info != 0) report_position(slot, b);
  }
}

// A matrix's code: 0, or kind << 60 | i << 32 | the pivot's 32 bits (kind 1: pivots[i] out of
// range; 2: U[i, i] is zero).
constexpr int64_t kBadPivot = 1, kZeroDiagonal = 2;

__device__ int64_t lu_check(const float* lu, const int32_t* piv, int64_t n, bool diagonal) {
  for (int64_t i = 0; i < n; ++i) {
    if (piv[i] < 1 || piv[i] > n) return (kBadPivot << 60) | (i << 32) | static_cast<int64_t>(static_cast<uint32_t>(piv[i]));
  }
  if (diagonal) {
    for (int64_t i = 0; i < n; ++i) {
      if (lu[i * n + i] == 0.f) return (kZeroDiagonal << 60) | (i << 32);
    }
  }
  return 0;
}

__global__ void lu_solve_kernel(const float* __restrict__ lu_all, const int32_t* __restrict__ piv_all, float* __restrict__ x_all, int64_t n, int64_t k, int64_t col_blocks,
                                bool adjoint, bool diagonal, int64_t* __restrict__ codes, ErrorSlot* slot) {
  const int64_t b = blockIdx.x / col_blocks;
  const int64_t cb = blockIdx.x % col_blocks;
  const float* lu = lu_all + b * n * n;
  const int32_t* piv = piv_all + b * n;
  __shared__ int64_t s_code;
  if (threadIdx.x == 0) {
    s_code = lu_check(lu, piv, n, diagonal);
    if (cb == 0) {
      codes[b] = s_code;
      if (s_code != 0) report_position(slot, b);
    }
  }
  __syncthreads();
  if (s_code != 0) return;
  const int64_t c = cb * blockDim.x + threadIdx.x;
  if (c >= k) return;
  float* x = x_all + b * n * k + c;
  if (!adjoint) {
    for (int64_t i = 0; i < n; ++i) {  // Pᵀ B
      const int64_t p = piv[i] - 1;
      const float t = x[i * k];
      x[i * k] = x[p * k];
      x[p * k] = t;
    }
    for (int64_t i = 0; i < n; ++i) {  // L Y = Pᵀ B
      const float xi = x[i * k];
      for (int64_t r = i + 1; r < n; ++r) x[r * k] = __fsub_rn(x[r * k], __fmul_rn(lu[r * n + i], xi));
    }
    for (int64_t i = n - 1; i >= 0; --i) {  // U X = Y
      const float xi = x[i * k] / lu[i * n + i];
      x[i * k] = xi;
      for (int64_t r = 0; r < i; ++r) x[r * k] = __fsub_rn(x[r * k], __fmul_rn(lu[r * n + i], xi));
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {  // Uᵀ Y = B
      const float xi = x[i * k] / lu[i * n + i];
      x[i * k] = xi;
      for (int64_t r = i + 1; r < n; ++r) x[r * k] = __fsub_rn(x[r * k], __fmul_rn(lu[i * n + r], xi));
    }
    for (int64_t i = n - 1; i >= 0; --i) {  // Lᵀ Z = Y
      const float xi = x[i * k];
      for (int64_t r = 0; r < i; ++r) x[r * k] = __fsub_rn(x[r * k], __fmul_rn(lu[i * n + r], xi));
    }
    for (int64_t i = n - 1; i >= 0; --i) {  // X = P Z
      const int64_t p = piv[i] - 1;
      const float t = x[i * k];
      x[i * k] = x[p * k];
      x[p * k] = t;
    }
  }
}

// op(A)·X = B for triangular A, one thread per right-hand-side column (blocks of columns per
// matrix), substituting along its column; op(A) = Aᵀ reads A's rows as columns.
__global__ void triangular_solve_kernel(const float* __restrict__ a_all, float* __restrict__ x_all, int64_t n, int64_t k, int64_t col_blocks, bool upper,
                                        bool transpose, bool unit) {
  const int64_t b = blockIdx.x / col_blocks;
  const int64_t c = (blockIdx.x % col_blocks) * blockDim.x + threadIdx.x;
  if (c >= k) return;
  const float* a = a_all + b * n * n;
  float* x = x_all + b * n * k + c;
  // op(A)'s entry (r, j): A's (r, j), or (j, r) transposed. op(A) is upper when A is upper and not
  // transposed, or lower and transposed: then substitute from the last row up.
  auto at = [&](int64_t r, int64_t j) { return transpose ? a[j * n + r] : a[r * n + j]; };
  const bool backward = upper != transpose;
  for (int64_t s = 0; s < n; ++s) {
    const int64_t i = backward ? n - 1 - s : s;
    float v = x[i * k];
    if (backward) {
      for (int64_t j = i + 1; j < n; ++j) v -= at(i, j) * x[j * k];
    } else {
      for (int64_t j = 0; j < i; ++j) v -= at(i, j) * x[j * k];
    }
    x[i * k] = unit ? v : v / at(i, i);
  }
}

}  // namespace

void luFactor(OpCall& call) {
  const auto a = core::LuFactorAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& info = call.out(2);
  const int64_t n = in.dim(-1);
  const int64_t batch = info.numel();
  if (batch == 0) return;
  DeviceContext& ctx = context_of(call);
  if (n == 0) {
    NS_CUDA_CHECK(cudaMemsetAsync(info.raw(), 0, static_cast<size_t>(batch) * sizeof(int32_t), ctx.stream));
    return;
  }
  NS_CHECK(batch < (int64_t{1} << 31), value, "more than 2^31 - 1 matrices (" + std::to_string(batch) + ")");
  const int threads = static_cast<int>(std::min<int64_t>(kThreads, std::max<int64_t>(32, n * n)));
  const unsigned blocks = static_cast<unsigned>(batch);
  float* lu = call.out(0).data<float>();
  int32_t* pivots = call.out(1).data<int32_t>();
  if (!a.check) {
    lu_factor_kernel<<<blocks, threads, 0, ctx.stream>>>(in.data<float>(), lu, pivots, info.data<int32_t>(), n, false, nullptr);
    NS_LAUNCH_CHECK();
    return;
  }
  const bool batched = in.rank() > 2;
  ErrorReporter errors(ctx, call);
  lu_factor_kernel<<<blocks, threads, 0, ctx.stream>>>(in.data<float>(), lu, pivots, info.data<int32_t>(), n, true, errors.slot());
  NS_LAUNCH_CHECK();
  errors.finish(info.data<int32_t>(), [batched](int64_t b, long long v, double) {
    return core::linalg::lu_zero_pivot(batched, b, v);
  });
}

void luSolve(OpCall& call) {
  const auto a = core::LuSolveAttrs::decode(call.reader());
  const auto& lu = call.in(0);
  const auto& out = call.out(0);
  const int64_t n = lu.dim(-1);
  const int64_t k = call.in(2).dim(-1);
  int64_t batch = 1;
  for (int d = 0; d + 2 < lu.rank(); ++d) batch *= lu.shape[d];
  if (batch == 0) return;
  DeviceContext& ctx = context_of(call);
  if (out.numel() > 0) {
    NS_CUDA_CHECK(cudaMemcpyAsync(out.raw(), call.in(2).raw(), static_cast<size_t>(out.numel()) * sizeof(float), cudaMemcpyDeviceToDevice, ctx.stream));
  }
  const int threads = static_cast<int>(std::min<int64_t>(kThreads, std::max<int64_t>(32, k)));
  const int64_t col_blocks = std::max<int64_t>(1, ceil_div(k, threads));
  NS_CHECK(batch * col_blocks < (int64_t{1} << 31), value, "more than 2^31 - 1 blocks of right-hand sides (" + std::to_string(batch * col_blocks) + ")");
  const bool batched = lu.rank() > 2;
  const Check check = a.check;
  Workspace codes(ctx, static_cast<size_t>(batch) * sizeof(int64_t));
  ErrorReporter errors(ctx, call);
  lu_solve_kernel<<<static_cast<unsigned>(batch * col_blocks), threads, 0, ctx.stream>>>(lu.data<float>(), call.in(1).data<int32_t>(), out.data<float>(), n, k, col_blocks,
                                                                                         a.adjoint, check != Check::none, codes.as<int64_t>(), errors.slot());
  NS_LAUNCH_CHECK();
  errors.finish(codes.as<int64_t>(), [batched, check, n](int64_t b, long long code, double) -> std::string {
    const int64_t kind = code >> 60;
    const int64_t i = (code >> 32) & ((int64_t{1} << 28) - 1);
    if (kind == kBadPivot) {
      const int32_t v = static_cast<int32_t>(static_cast<uint32_t>(code & 0xffffffffLL));
      return core::linalg::pivot_out_of_range(batched, b, i, v, n);
    }
    return check == Check::solve ? core::linalg::solve_singular(batched, b) : core::linalg::inv_singular(batched, b, i);
  });
}

void triangularSolve(OpCall& call) {
  const auto a = core::TriangularSolveAttrs::decode(call.reader());
  const auto& tri = call.in(0);
  const auto& out = call.out(0);
  const int64_t n = tri.dim(-1);
  const int64_t k = out.dim(-1);
  if (out.numel() == 0) return;
  int64_t batch = 1;
  for (int d = 0; d + 2 < tri.rank(); ++d) batch *= tri.shape[d];
  DeviceContext& ctx = context_of(call);
  NS_CUDA_CHECK(cudaMemcpyAsync(out.raw(), call.in(1).raw(), static_cast<size_t>(out.numel()) * sizeof(float), cudaMemcpyDeviceToDevice, ctx.stream));
  const int threads = static_cast<int>(std::min<int64_t>(kThreads, std::max<int64_t>(32, k)));
  const int64_t col_blocks = std::max<int64_t>(1, ceil_div(k, threads));
  NS_CHECK(batch * col_blocks < (int64_t{1} << 31), value, "more than 2^31 - 1 blocks of right-hand sides (" + std::to_string(batch * col_blocks) + ")");
  triangular_solve_kernel<<<static_cast<unsigned>(batch * col_blocks), threads, 0, ctx.stream>>>(tri.data<float>(), out.data<float>(), n, k, col_blocks, a.upper, a.transpose,
                                                                                                 a.unitriangular);
  NS_LAUNCH_CHECK();
}

}  // namespace nutshell::cuda
