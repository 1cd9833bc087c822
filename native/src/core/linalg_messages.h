#pragma once
// The linear-algebra refusals, one text for both devices (the cpu kernels throw them, the cuda
// kernels rebuild them from a device-side code), worded as PyTorch words them; `batched` prefixes
// the batch element as PyTorch does for a batch of matrices.
#include <cstdint>
#include <string>

namespace nutshell::core::linalg {

inline std::string batch_prefix(bool batched, int64_t b) { return batched ? "(Batch element " + std::to_string(b) + "): " : ""; }

inline std::string lu_zero_pivot(bool batched, int64_t b, long long column) {
  return batch_prefix(batched, b) + "U[" + std::to_string(column) + "," + std::to_string(column) +
         "] is zero and using it on luSolve would result in a division by zero (luFactorEx factors a singular matrix and reports info)";
}

inline std::string pivot_out_of_range(bool batched, int64_t b, int64_t i, int64_t value, int64_t n) {
  return batch_prefix(batched, b) + "pivots[" + std::to_string(i) + "] = " + std::to_string(value) + " is out of range (expected 1 to " + std::to_string(n) + ")";
}

// luSolve's singular-matrix refusals, as solve's and inv's.
inline std::string solve_singular(bool batched, int64_t b) { return "linalg.solve: " + batch_prefix(batched, b) + "The solver failed because the input matrix is singular."; }
inline std::string inv_singular(bool batched, int64_t b, int64_t i) {
  return "linalg.inv: " + batch_prefix(batched, b) + "The diagonal element " + std::to_string(i + 1) +
         " is zero, the inversion could not be completed because the input matrix is singular.";
}

inline std::string not_positive_definite(bool batched, int64_t b, long long order) {
  return batch_prefix(batched, b) + "The factorization could not be completed because the input is not positive-definite (the leading minor of order " +
         std::to_string(order) + " is not positive-definite).";
}

// `what`: "eigenvalues" (eigh) or "singular values" (svd).
inline std::string failed_to_converge(bool batched, int64_t b, const char* what, long long code) {
  return batch_prefix(batched, b) + "The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated " + what +
         " (error code: " + std::to_string(code) + ").";
}

// LAPACK (and our cuda kernels) index with 32-bit integers: every matrix an op holds, its
// workspace included, must have fewer than 2³¹ elements. The packages refuse this at the call
// (checkLapackSize in linalg-decomp.ts); the native check stays as a backstop.
constexpr int64_t kLapackMaxElements = 2147483647;
inline std::string exceeds_lapack(const char* what, int64_t rows, int64_t cols) {
  return std::string("a ") + std::to_string(rows) + "×" + std::to_string(cols) + " " + what + " holds " + std::to_string(rows * cols) +
         " values, more than LAPACK's 32-bit indices reach (2147483647)";
}

}  // namespace nutshell::core::linalg
