#pragma once
// The LAPACK and BLAS routines the cpu backend calls (OpenBLAS's where found: CMake's
// find_package(LAPACK)), and the rules every call shares. Fortran: column-major, arguments by
// pointer, the trailing size_t the hidden lengths of the character arguments.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../core/error.h"
#include "../core/linalg_messages.h"

extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len);
void ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w, float* work, const int* lwork, int* iwork,
             const int* liwork, int* info, size_t jobz_len, size_t uplo_len);
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork, int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau, float* work, const int* lwork, int* info);
void sgesdd_(const char* jobz, const int* m, const int* n, float* a, const int* lda, float* s, float* u, const int* ldu, float* vt, const int* ldvt,
             float* work, const int* lwork, int* iwork, int* info, size_t jobz_len);
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void strsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n, const float* alpha, const float* a,
            const int* lda, float* b, const int* ldb, size_t side_len, size_t uplo_len, size_t transa_len, size_t diag_len);
}

namespace nutshell::cpu::lapack {

// Checks that a rows×cols array fits LAPACK's 32-bit indices (a tall 60000×784 matrix does).
inline void check_size(const char* what, int64_t rows, int64_t cols) {
  NS_CHECK(rows * cols <= core::linalg::kLapackMaxElements, shape, core::linalg::exceeds_lapack(what, rows, cols));
}

// A workspace size from LAPACK's query (a float): rounded up, since a float holds only 24 bits of
// an integer and a truncated size past 2²⁴ is too small (LAPACK 3.11's sroundup_lwork).
inline int work_size(float query) {
  const double size = std::ceil(static_cast<double>(query) * (1.0 + 1e-6));
  NS_CHECK(size <= static_cast<double>(core::linalg::kLapackMaxElements), shape, "LAPACK asked for a workspace of " + std::to_string(size) + " floats, more than its 32-bit indices reach");
  return std::max(1, static_cast<int>(size));
}

// A buffer kept per thread between calls (batches of small matrices reuse it), given back once it
// holds more than 16 MiB: a large matrix's copy and workspace would otherwise stay resident for the
// thread's life, outside the allocator's cache and memory()'s view (a user trial: +288 MiB of RSS
// after one QR of a 40000×784 matrix).
template <typename T>
void release_if_large(std::vector<T>& v) {
  if (v.capacity() * sizeof(T) > (16u << 20)) std::vector<T>().swap(v);
}

}  // namespace nutshell::cpu::lapack
