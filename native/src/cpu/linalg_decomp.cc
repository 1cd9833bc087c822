// cholesky, eigh, svd and qr on LAPACK (potrf, syevd, gesdd, geqrf/orgqr), the library that exists for them; core/linalg_decomp.h
// holds the rules both devices share (signs, a failed factor's zeros). LAPACK is column-major: a
// row-major matrix is its transpose there, so the lower triangle PyTorch reads is LAPACK's 'U',
// and syevd's eigenvector columns come back as rows. A batch runs one matrix per OpenMP thread
// (each LAPACK call then single-threaded); a single matrix lets LAPACK use the threads itself.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../core/linalg_decomp.h"
#include "../core/linalg_messages.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "lapack.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using lapack::release_if_large;

template <typename Fn>
void each_matrix(int64_t batch, int64_t n, Fn&& fn) {
  NS_PARALLEL_IF(batch > 1 && batch * n * n * n >= kParallelGrain, "omp parallel for schedule(dynamic)",
    for (int64_t b = 0; b < batch; ++b) fn(b);
  );
}

// Cholesky of one row-major matrix in place (lower triangle in, L out, upper zeroed); info.
int32_t potrf_lower(float* a, int n) {
  // A NaN in the lower triangle stops the factorization at its row, as cuda's loop (NaN fails its
  // positivity test there); LAPACK builds may not check for NaN at all.
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t c = 0; c <= r; ++c) {
      if (std::isnan(a[r * n + c])) {
        std::fill(a, a + static_cast<int64_t>(n) * n, 0.f);
        return static_cast<int32_t>(r + 1);
      }
    }
  }
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
  if (!std::all_of(a, a + static_cast<int64_t>(n) * n, [](float v) { return std::isfinite(v); })) {  // NaN out, as on cuda
    std::fill(w, w + n, std::numeric_limits<float>::quiet_NaN());
    std::fill(v, v + static_cast<int64_t>(n) * n, std::numeric_limits<float>::quiet_NaN());
    return 0;
  }
  thread_local std::vector<float> work, buffer;
  thread_local std::vector<int> iwork;
  buffer.assign(a, a + static_cast<int64_t>(n) * n);
  const char* uplo = lower ? "U" : "L";  // row-major's lower triangle is LAPACK's upper
  int info = 0, lwork = -1, liwork = -1, iquery = 0;
  float query = 0.f;
  ssyevd_("V", uplo, &n, buffer.data(), &n, w, &query, &lwork, &iquery, &liwork, &info, 1, 1);
  lwork = lapack::work_size(query);
  liwork = std::max(1, iquery);
  if (static_cast<int>(work.size()) < lwork) work.resize(lwork);
  if (static_cast<int>(iwork.size()) < liwork) iwork.resize(liwork);
  ssyevd_("V", uplo, &n, buffer.data(), &n, w, work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  if (info == 0) {
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < n; ++c) v[c * n + r] = buffer[r * n + c];  // LAPACK's columns, our rows: transposed back
    core::linalg::normalize_column_signs(v, n);
  }
  release_if_large(buffer);
  release_if_large(work);
  release_if_large(iwork);
  return info;
}

// SVD of one row-major m×n matrix. LAPACK sees its transpose Aᵀ (n×m, column-major) = U'·S·V'ᵀ, so
// A = V'·S·U'ᵀ: the buffer LAPACK writes V'ᵀ into is U in row-major, and U' is Vh — no copies.
int32_t gesdd_one(const float* a, float* u, float* s, float* vh, int m, int n, bool full) {
  const int k = std::min(m, n);
  if (k == 0) {  // nothing to decompose: a full U and Vh are identities
    if (full) {
      std::fill(u, u + static_cast<int64_t>(m) * m, 0.f);
      for (int64_t i = 0; i < m; ++i) u[i * m + i] = 1.f;
      std::fill(vh, vh + static_cast<int64_t>(n) * n, 0.f);
      for (int64_t i = 0; i < n; ++i) vh[i * n + i] = 1.f;
    }
    return 0;
  }
  // A non-finite input gives NaN outputs, as on cuda (gesdd would refuse it as an illegal argument).
  if (!std::all_of(a, a + static_cast<int64_t>(m) * n, [](float v) { return std::isfinite(v); })) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::fill(u, u + static_cast<int64_t>(m) * (full ? m : k), nan);
    std::fill(s, s + k, nan);
    std::fill(vh, vh + static_cast<int64_t>(full ? n : k) * n, nan);
    return 0;
  }
  thread_local std::vector<float> work, buffer;
  thread_local std::vector<int> iwork;
  buffer.assign(a, a + static_cast<int64_t>(m) * n);
  const char* jobz = full ? "A" : "S";
  const int ldu = n, ldvt = full ? m : k;
  int info = 0, lwork = -1;
  float query = 0.f;
  if (static_cast<int>(iwork.size()) < 8 * k) iwork.resize(8 * k);
  sgesdd_(jobz, &n, &m, buffer.data(), &n, s, vh, &ldu, u, &ldvt, &query, &lwork, iwork.data(), &info, 1);
  lwork = lapack::work_size(query);
  if (static_cast<int>(work.size()) < lwork) work.resize(lwork);
  sgesdd_(jobz, &n, &m, buffer.data(), &n, s, vh, &ldu, u, &ldvt, work.data(), &lwork, iwork.data(), &info, 1);
  if (info == 0) core::linalg::normalize_svd_signs(u, m, full ? m : k, vh, full ? n : k, n, k);
  release_if_large(buffer);
  release_if_large(work);
  release_if_large(iwork);
  return info;
}

// QR of one row-major m×n matrix: LAPACK wants it column-major, so it is transposed into a
// buffer of max(n, qcols) columns, factored (geqrf), R read off its upper triangle, then Q formed
// in place (orgqr) and transposed back.
void geqrf_one(const float* a, float* q, float* r, int m, int n, int rrows, int qcols) {
  const int k = std::min(m, n);
  const int cols = std::max(n, qcols);
  thread_local std::vector<float> buffer, tau, work;
  buffer.assign(static_cast<size_t>(m) * std::max(cols, 1), 0.f);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) buffer[j * m + i] = a[i * n + j];
  tau.assign(static_cast<size_t>(std::max(k, 1)), 0.f);
  int info = 0, lwork = -1;
  float query = 0.f;
  if (k > 0) {
    sgeqrf_(&m, &n, buffer.data(), &m, tau.data(), &query, &lwork, &info);
    lwork = lapack::work_size(query);
    if (static_cast<int>(work.size()) < lwork) work.resize(lwork);
    sgeqrf_(&m, &n, buffer.data(), &m, tau.data(), work.data(), &lwork, &info);
  }
  for (int64_t i = 0; i < rrows; ++i)
    for (int64_t j = 0; j < n; ++j) r[i * n + j] = j >= i ? buffer[j * m + i] : 0.f;
  if (q && qcols > 0) {
    if (k > 0) {
      lwork = -1;
      sorgqr_(&m, &qcols, &k, buffer.data(), &m, tau.data(), &query, &lwork, &info);
      lwork = lapack::work_size(query);
      if (static_cast<int>(work.size()) < lwork) work.resize(lwork);
      sorgqr_(&m, &qcols, &k, buffer.data(), &m, tau.data(), work.data(), &lwork, &info);
    } else {  // nothing reflected: Q is the identity's first columns
      std::fill(buffer.begin(), buffer.end(), 0.f);
      for (int64_t i = 0; i < std::min(m, qcols); ++i) buffer[i * m + i] = 1.f;
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < qcols; ++j) q[i * qcols + j] = buffer[j * m + i];
  }
  core::linalg::normalize_qr_signs(q && qcols > 0 ? q : nullptr, m, qcols, r, n, std::min(k, rrows));
  release_if_large(buffer);
  release_if_large(tau);
  release_if_large(work);
}

}  // namespace

void qr(OpCall& call) {
  const auto a = core::QrAttrs::decode(call.reader());
  const auto& in = call.in(0);
  using Mode = core::QrAttrs::Mode;
  lapack::check_size(a.mode == Mode::complete ? "Q" : "matrix", in.dim(-2), std::max(in.dim(-1), a.mode == Mode::complete ? in.dim(-2) : int64_t{0}));
  const int m = static_cast<int>(in.dim(-2)), n = static_cast<int>(in.dim(-1));
  const int k = std::min(m, n);
  const int qcols = a.mode == Mode::r ? 0 : a.mode == Mode::complete ? m : k;
  const int rrows = a.mode == Mode::complete ? m : k;
  int64_t batch = 1;
  for (int d = 0; d + 2 < in.rank(); ++d) batch *= in.shape[d];
  const float* x = in.data<float>();
  float* q = qcols > 0 ? call.out(0).data<float>() : nullptr;
  float* r = call.out(1).data<float>();
  each_matrix(batch, std::max(m, n), [&](int64_t b) {
    geqrf_one(x + b * m * n, q ? q + b * m * qcols : nullptr, r + b * rrows * n, m, n, rrows, qcols);
  });
}

void svd(OpCall& call) {
  const auto a = core::SvdAttrs::decode(call.reader());
  const auto& in = call.in(0);
  lapack::check_size("matrix", in.dim(-2), in.dim(-1));
  if (a.fullMatrices) {
    lapack::check_size("U", in.dim(-2), in.dim(-2));
    lapack::check_size("Vh", in.dim(-1), in.dim(-1));
  }
  const int m = static_cast<int>(in.dim(-2)), n = static_cast<int>(in.dim(-1));
  int64_t batch = 1;
  for (int d = 0; d + 2 < in.rank(); ++d) batch *= in.shape[d];
  const int64_t ucols = a.fullMatrices ? m : std::min(m, n), vrows = a.fullMatrices ? n : std::min(m, n);
  const float* x = in.data<float>();
  float* u = call.out(0).data<float>();
  float* s = call.out(1).data<float>();
  float* vh = call.out(2).data<float>();
  std::vector<int32_t> failed(static_cast<size_t>(batch), 0);
  each_matrix(batch, std::max(m, n), [&](int64_t b) {
    failed[b] = gesdd_one(x + b * m * n, u + b * m * ucols, s + b * std::min(m, n), vh + b * vrows * n, m, n, a.fullMatrices);
  });
  for (int64_t b = 0; b < batch; ++b) {
    NS_CHECK(failed[b] == 0, value, core::linalg::failed_to_converge(in.rank() > 2, b, "singular values", failed[b]));
  }
}

void cholesky(OpCall& call) {
  const auto a = core::CholeskyAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  const auto& info = call.out(1);
  lapack::check_size("matrix", in.dim(-1), in.dim(-1));
  const int n = static_cast<int>(in.dim(-1));
  const int64_t batch = info.numel();
  if (in.numel() > 0) std::memcpy(out.raw(), in.raw(), static_cast<size_t>(in.numel()) * sizeof(float));
  float* l = out.data<float>();
  int32_t* inf = info.data<int32_t>();
  each_matrix(batch, n, [&](int64_t b) { inf[b] = potrf_lower(l + b * n * n, n); });
  if (!a.check) return;
  for (int64_t b = 0; b < batch; ++b) {
    NS_CHECK(inf[b] == 0, value, core::linalg::not_positive_definite(in.rank() > 2, b, inf[b]));
  }
}

void eigh(OpCall& call) {
  const auto a = core::EighAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& values = call.out(0);
  const auto& vectors = call.out(1);
  lapack::check_size("matrix", in.dim(-1), in.dim(-1));
  const int n = static_cast<int>(in.dim(-1));
  const int64_t batch = n > 0 ? values.numel() / n : 0;
  const bool lower = a.uplo == core::EighAttrs::Uplo::L;
  const float* m = in.data<float>();
  float* w = values.data<float>();
  float* v = vectors.data<float>();
  std::vector<int32_t> failed(static_cast<size_t>(batch), 0);
  each_matrix(batch, n, [&](int64_t b) { failed[b] = syevd_one(m + b * n * n, w + b * n, v + b * n * n, n, lower); });
  for (int64_t b = 0; b < batch; ++b) {
    NS_CHECK(failed[b] == 0, value, core::linalg::failed_to_converge(in.rank() > 2, b, "eigenvalues", failed[b]));
  }
}

}  // namespace nutshell::cpu
