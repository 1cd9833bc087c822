// LU factorization with partial pivoting and solves with its factors (Note [lu gradients] in
// packages/tensor/src/ops/table/linalg-lu.ts), LAPACK's getrf/getrs conventions: row-major
// matrices, PA = LU with L unit lower and U upper packed in one matrix, pivots 1-based (row k was
// exchanged with row pivots[k] − 1, in order), info the 1-based column of U's first exact zero.
// Plain loops: one matrix per OpenMP iteration (a solve also splits its right-hand sides into
// column blocks, so one factor with many columns, inv's, still spreads over threads). Pivots and
// (when asked) U's diagonal are checked for every matrix before anything is written, the first
// bad batch element reported; the cuda kernels report the same messages.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "../core/linalg_messages.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using Check = core::LuSolveAttrs::Check;


// Factors the n×n matrix a in place; returns info.
int32_t lu_factor_one(float* __restrict__ a, int32_t* __restrict__ piv, int64_t n) {
  int32_t info = 0;
  for (int64_t k = 0; k < n; ++k) {
    int64_t p = k;
    float best = std::fabs(a[k * n + k]);
    for (int64_t i = k + 1; i < n; ++i) {  // the first largest, as LAPACK's isamax
      const float v = std::fabs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = static_cast<int32_t>(p + 1);
    if (a[p * n + k] != 0.f) {
      if (p != k) std::swap_ranges(a + k * n, a + k * n + n, a + p * n);
      const float r = 1.f / a[k * n + k];  // LAPACK scales by the reciprocal too
      for (int64_t i = k + 1; i < n; ++i) a[i * n + k] *= r;
    } else if (info == 0) {
      info = static_cast<int32_t>(k + 1);  // the column below is all zero: nothing to eliminate
    }
    const float* __restrict__ rk = a + k * n;
    for (int64_t i = k + 1; i < n; ++i) {
      const float l = a[i * n + k];
      float* __restrict__ ri = a + i * n;
      for (int64_t j = k + 1; j < n; ++j) ri[j] -= l * rk[j];
    }
  }
  return info;
}

// Solves with the factors lu/piv for columns [c0, c1) of x (n rows of k), in place.
void lu_solve_one(const float* __restrict__ lu, const int32_t* __restrict__ piv, float* __restrict__ x, int64_t n, int64_t k, int64_t c0, int64_t c1, bool adjoint) {
  auto row = [&](int64_t i) { return x + i * k; };
  auto axpy = [&](float* __restrict__ dst, const float* __restrict__ src, float s) {
    for (int64_t c = c0; c < c1; ++c) dst[c] -= s * src[c];
  };
  auto swap_rows = [&](int64_t i, int64_t p) {
    if (p != i) std::swap_ranges(row(i) + c0, row(i) + c1, row(p) + c0);
  };
  if (!adjoint) {
    for (int64_t i = 0; i < n; ++i) swap_rows(i, piv[i] - 1);  // Pᵀ B
    for (int64_t i = 0; i < n; ++i) {                         // L Y = Pᵀ B
      for (int64_t r = i + 1; r < n; ++r) axpy(row(r), row(i), lu[r * n + i]);
    }
    for (int64_t i = n - 1; i >= 0; --i) {  // U X = Y
      const float u = lu[i * n + i];
      float* xi = row(i);
      for (int64_t c = c0; c < c1; ++c) xi[c] /= u;
      for (int64_t r = 0; r < i; ++r) axpy(row(r), xi, lu[r * n + i]);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {  // Uᵀ Y = B
      const float u = lu[i * n + i];
      float* xi = row(i);
      for (int64_t c = c0; c < c1; ++c) xi[c] /= u;
      for (int64_t r = i + 1; r < n; ++r) axpy(row(r), xi, lu[i * n + r]);
    }
    for (int64_t i = n - 1; i >= 0; --i) {  // Lᵀ Z = Y
      for (int64_t r = 0; r < i; ++r) axpy(row(r), row(i), lu[i * n + r]);
    }
    for (int64_t i = n - 1; i >= 0; --i) swap_rows(i, piv[i] - 1);  // X = P Z
  }
}

constexpr int64_t kColumnBlock = 64;

}  // namespace

void luFactor(OpCall& call) {
  const auto a = core::LuFactorAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& lu = call.out(0);
  const auto& pivots = call.out(1);
  const auto& info = call.out(2);
  const int64_t n = in.dim(-1);
  const int64_t batch = info.numel();
  if (in.numel() > 0) std::memcpy(lu.raw(), in.raw(), static_cast<size_t>(in.numel()) * sizeof(float));
  float* m = lu.data<float>();
  int32_t* p = pivots.data<int32_t>();
  int32_t* inf = info.data<int32_t>();
  NS_PARALLEL_IF(batch > 1 && batch * n * n * n >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t b = 0; b < batch; ++b) inf[b] = lu_factor_one(m + b * n * n, p + b * n, n);
  );
  if (a.check) {
    for (int64_t b = 0; b < batch; ++b) {
      NS_CHECK(inf[b] == 0, value, core::linalg::lu_zero_pivot(in.rank() > 2, b, inf[b]));
    }
  }
}

void luSolve(OpCall& call) {
  const auto a = core::LuSolveAttrs::decode(call.reader());
  const auto& lu = call.in(0);
  const auto& pivots = call.in(1);
  const auto& rhs = call.in(2);
  const auto& out = call.out(0);
  const int64_t n = lu.dim(-1);
  const int64_t k = rhs.dim(-1);
  int64_t batch = 1;
  for (int d = 0; d + 2 < lu.rank(); ++d) batch *= lu.shape[d];
  const bool batched = lu.rank() > 2;
  const float* m = lu.data<float>();
  const int32_t* p = pivots.data<int32_t>();
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < n; ++i) {
      const int32_t v = p[b * n + i];
      NS_CHECK(v >= 1 && v <= n, value, core::linalg::pivot_out_of_range(batched, b, i, v, n));
    }
    if (a.check == Check::none) continue;
    for (int64_t i = 0; i < n; ++i) {
      if (m[(b * n + i) * n + i] != 0.f) continue;
      NS_THROW(value, a.check == Check::solve ? core::linalg::solve_singular(batched, b) : core::linalg::inv_singular(batched, b, i));
    }
  }
  if (out.numel() == 0) return;
  std::memcpy(out.raw(), rhs.raw(), static_cast<size_t>(out.numel()) * sizeof(float));
  float* x = out.data<float>();
  const int64_t blocks = (k + kColumnBlock - 1) / kColumnBlock;
  const int64_t jobs = batch * blocks;
  NS_PARALLEL_IF(jobs > 1 && batch * n * n * k >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t job = 0; job < jobs; ++job) {
      const int64_t b = job / blocks, c0 = (job % blocks) * kColumnBlock;
      lu_solve_one(m + b * n * n, p + b * n, x + b * n * k, n, k, c0, std::min(k, c0 + kColumnBlock), a.adjoint);
    }
  );
}

}  // namespace nutshell::cpu
