// cholesky and eigh on LAPACK (potrf, syevd), the library that exists for them; core/linalg_decomp.h
// holds the rules both devices share (signs, a failed factor's zeros). LAPACK is column-major: a
// row-major matrix is its transpose there, so the lower triangle PyTorch reads is LAPACK's 'U',
// and syevd's eigenvector columns come back as rows. A batch runs one matrix per OpenMP thread
// (each LAPACK call then single-threaded); a single matrix lets LAPACK use the threads itself.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "../core/linalg_decomp.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

extern "C" {
// Fortran LAPACK; the trailing size_t are the hidden lengths of the character arguments.
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len);
void ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w, float* work, const int* lwork, int* iwork,
             const int* liwork, int* info, size_t jobz_len, size_t uplo_len);
}

namespace nutshell::cpu {

namespace {

using core::OpCall;

std::string batch_prefix(bool batched, int64_t b) { return batched ? "(Batch element " + std::to_string(b) + "): " : ""; }

int lapack_int(int64_t n) {
  NS_CHECK(n <= 46340, shape, "matrices of order " + std::to_string(n) + " exceed LAPACK's 32-bit indices");
  return static_cast<int>(n);
}

template <typename Fn>
void each_matrix(int64_t batch, int64_t n, Fn&& fn) {
  NS_PARALLEL_IF(batch > 1 && batch * n * n * n >= kParallelGrain, "omp parallel for schedule(dynamic)",
    for (int64_t b = 0; b < batch; ++b) fn(b);
  );
}

// Cholesky of one row-major matrix in place (lower triangle in, L out, upper zeroed); info.
int32_t potrf_lower(float* a, int n) {
  int info = 0;
  if (n > 0) spotrf_("U", &n, a, &n, &info, 1);
  if (info != 0) {
    std::fill(a, a + static_cast<int64_t>(n) * n, 0.f);  // Note in core/linalg_decomp.h: zeros on failure
    return info;
  }
  for (int64_t r = 0; r < n; ++r) std::fill(a + r * n + r + 1, a + (r + 1) * n, 0.f);
  return 0;
}

// Eigen-decomposition of one row-major symmetric matrix: w ascending, v's columns the vectors.
int32_t syevd_one(const float* a, float* w, float* v, int n, bool lower) {
  thread_local std::vector<float> work, buffer;
  thread_local std::vector<int> iwork;
  buffer.assign(a, a + static_cast<int64_t>(n) * n);
  const char* uplo = lower ? "U" : "L";  // row-major's lower triangle is LAPACK's upper
  int info = 0, lwork = -1, liwork = -1, iquery = 0;
  float query = 0.f;
  ssyevd_("V", uplo, &n, buffer.data(), &n, w, &query, &lwork, &iquery, &liwork, &info, 1, 1);
  lwork = std::max(1, static_cast<int>(query));
  liwork = std::max(1, iquery);
  if (static_cast<int>(work.size()) < lwork) work.resize(lwork);
  if (static_cast<int>(iwork.size()) < liwork) iwork.resize(liwork);
  ssyevd_("V", uplo, &n, buffer.data(), &n, w, work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  if (info != 0) return info;
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c) v[c * n + r] = buffer[r * n + c];  // LAPACK's columns, our rows: transposed back
  core::linalg::normalize_column_signs(v, n);
  return 0;
}

}  // namespace

void cholesky(OpCall& call) {
  const auto a = core::CholeskyAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  const auto& info = call.out(1);
  const int n = lapack_int(in.dim(-1));
  const int64_t batch = info.numel();
  if (in.numel() > 0) std::memcpy(out.raw(), in.raw(), static_cast<size_t>(in.numel()) * sizeof(float));
  float* l = out.data<float>();
  int32_t* inf = info.data<int32_t>();
  each_matrix(batch, n, [&](int64_t b) { inf[b] = potrf_lower(l + b * n * n, n); });
  if (!a.check) return;
  for (int64_t b = 0; b < batch; ++b) {
    NS_CHECK(inf[b] == 0, value,
             batch_prefix(in.rank() > 2, b) + "The factorization could not be completed because the input is not positive-definite (the leading minor of order " +
                 std::to_string(inf[b]) + " is not positive-definite).");
  }
}

void eigh(OpCall& call) {
  const auto a = core::EighAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& values = call.out(0);
  const auto& vectors = call.out(1);
  const int n = lapack_int(in.dim(-1));
  const int64_t batch = n > 0 ? values.numel() / n : 0;
  const bool lower = a.uplo == core::EighAttrs::Uplo::L;
  const float* m = in.data<float>();
  float* w = values.data<float>();
  float* v = vectors.data<float>();
  std::vector<int32_t> failed(static_cast<size_t>(batch), 0);
  each_matrix(batch, n, [&](int64_t b) { failed[b] = syevd_one(m + b * n * n, w + b * n, v + b * n * n, n, lower); });
  for (int64_t b = 0; b < batch; ++b) {
    NS_CHECK(failed[b] == 0, value,
             batch_prefix(in.rank() > 2, b) + "The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: " +
                 std::to_string(failed[b]) + ").");
  }
}

}  // namespace nutshell::cpu
