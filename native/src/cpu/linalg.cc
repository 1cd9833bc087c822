// LU factorization with partial pivoting and solves with its factors (Note [lu gradients] in
// packages/tensor/src/ops/table/linalg-lu.ts), LAPACK's getrf/getrs conventions: row-major
// matrices, PA = LU with L unit lower and U upper packed in one matrix, pivots 1-based (row k was
// exchanged with row pivots[k] − 1, in order), info the 1-based column of U's first exact zero;
// and triangularSolve (solveTriangular, choleskySolve). LAPACK's getrf and BLAS's trsm, one matrix
// per OpenMP iteration (a solve also splits its right-hand sides into column blocks, so one factor
// with many columns, inv's, still spreads over threads; a single block lets OpenBLAS thread the
// call itself). Pivots and (when asked) U's diagonal are checked for every matrix before anything
// is written, the first bad batch element reported; the cuda kernels report the same messages.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../core/linalg_messages.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "lapack.h"

namespace nutshell::cpu {

namespace {

void transpose_square(const float* __restrict__ from, float* __restrict__ to, int64_t n) {
  constexpr int64_t kTile = 32;  // tiles keep both sides' lines in cache
  for (int64_t r0 = 0; r0 < n; r0 += kTile)
    for (int64_t c0 = 0; c0 < n; c0 += kTile)
      for (int64_t r = r0; r < std::min(n, r0 + kTile); ++r)
        for (int64_t c = c0; c < std::min(n, c0 + kTile); ++c) to[c * n + r] = from[r * n + c];
}

using core::OpCall;
using Check = core::LuSolveAttrs::Check;


// Factors the row-major n×n matrix a in place with LAPACK's getrf; returns info. LAPACK is
// column-major, so the matrix goes through a transposed copy (O(n²) beside getrf's O(n³)); a
// user trial measured the plain loop this replaces at 4× PyTorch's time for a 785×785 solve.
int32_t lu_factor_one(float* __restrict__ a, int32_t* __restrict__ piv, int64_t n) {
  if (n == 0) return 0;
  thread_local std::vector<float> columns;
  columns.resize(static_cast<size_t>(n * n));
  transpose_square(a, columns.data(), n);
  const int order = static_cast<int>(n);
  int info = 0;
  sgetrf_(&order, &order, columns.data(), &order, piv, &info);
  transpose_square(columns.data(), a, n);
  lapack::release_if_large(columns);
  return info < 0 ? 0 : info;
}

// Solves with the factors lu/piv for columns [c0, c1) of x (n rows of k), in place, on BLAS's
// triangular solves. Row-major lu read column-major is (LU)ᵀ: its upper triangle holds Lᵀ (unit
// diagonal), its lower Uᵀ; the rows of x's column block, read column-major, are Xᵀ's. So L·X = B is
// Xᵀ·Lᵀ = Bᵀ, a right-side solve with the upper triangle, and likewise for the others.
void lu_solve_one(const float* __restrict__ lu, const int32_t* __restrict__ piv, float* __restrict__ x, int64_t n, int64_t k, int64_t c0, int64_t c1, bool adjoint) {
  auto swap_rows = [&](int64_t i, int64_t p) {
    if (p != i) std::swap_ranges(x + i * k + c0, x + i * k + c1, x + p * k + c0);
  };
  const int rows = static_cast<int>(c1 - c0), order = static_cast<int>(n), ld = static_cast<int>(k);
  const float one = 1.f;
  float* block = x + c0;
  auto trsm = [&](const char* uplo, const char* trans, const char* diag) {
    strsm_("R", uplo, trans, diag, &rows, &order, &one, lu, &order, block, &ld, 1, 1, 1, 1);
  };
  if (n == 0 || rows == 0) return;
  if (!adjoint) {
    for (int64_t i = 0; i < n; ++i) swap_rows(i, piv[i] - 1);  // Pᵀ B
    trsm("U", "N", "U");                                        // L Y = Pᵀ B
    trsm("L", "N", "N");                                        // U X = Y
  } else {
    trsm("L", "T", "N");                                             // Uᵀ Y = B
    trsm("U", "T", "U");                                             // Lᵀ Z = Y
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

void triangularSolve(OpCall& call) {
  const auto a = core::TriangularSolveAttrs::decode(call.reader());
  const auto& tri = call.in(0);
  const auto& out = call.out(0);
  const int64_t n = tri.dim(-1);
  const int64_t k = out.dim(-1);
  if (out.numel() == 0) return;
  int64_t batch = 1;
  for (int d = 0; d + 2 < tri.rank(); ++d) batch *= tri.shape[d];
  std::memcpy(out.raw(), call.in(1).raw(), static_cast<size_t>(out.numel()) * sizeof(float));
  const float* m = tri.data<float>();
  float* x = out.data<float>();
  // Row-major A read column-major is Aᵀ, and X's rows read column-major are Xᵀ: op(A)·X = B is
  // Xᵀ·op(A)ᵀ = Bᵀ, a right-side trsm whose matrix Aᵀ holds A's upper triangle as its lower.
  const char* uplo = a.upper ? "L" : "U";
  const char* trans = a.transpose ? "T" : "N";
  const char* diag = a.unitriangular ? "U" : "N";
  const int order = static_cast<int>(n), ld = static_cast<int>(k);
  const float one = 1.f;
  // A single matrix's columns in one chunk per thread (trsm runs fastest on wide blocks); a batch
  // of at least a matrix per thread, a matrix per iteration.
  const int64_t threads = omp_get_max_threads();
  const int64_t width = batch >= threads ? k : std::max<int64_t>(kColumnBlock, (k + threads - 1) / threads);
  const int64_t blocks = (k + width - 1) / width;
  const int64_t jobs = batch * blocks;
  NS_PARALLEL_IF(jobs > 1 && batch * n * n * k >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t job = 0; job < jobs; ++job) {
      const int64_t b = job / blocks, c0 = (job % blocks) * width;
      const int rows = static_cast<int>(std::min(k, c0 + width) - c0);
      strsm_("R", uplo, trans, diag, &rows, &order, &one, m + b * n * n, &order, x + b * n * k + c0, &ld, 1, 1, 1, 1);
    }
  );
}

}  // namespace nutshell::cpu
