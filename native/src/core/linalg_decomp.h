#pragma once
// Decompositions of one symmetric matrix, for the backends' kernels (Note [symmetric inputs] in
// packages/tensor/src/ops/table/linalg-decomp.ts): the cpu runs LAPACK and uses only the sign
// rule here; the cuda kernels run these loops, one matrix per thread. Matrices are row-major.
#include <cmath>
#include <cstdint>

#include "host_device.h"

namespace nutshell::core::linalg {

// Note [eigenvector signs]: each column of the n×n row-major v gets the sign that makes its entry
// of largest magnitude (the first of equal ones) positive.
NS_HOST_DEVICE void normalize_column_signs(float* v, int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    int64_t at = 0;
    float best = -1.f;
    for (int64_t r = 0; r < n; ++r) {
      const float m = std::fabs(v[r * n + c]);
      if (m > best) {
        best = m;
        at = r;
      }
    }
    if (v[at * n + c] < 0.f) {
      for (int64_t r = 0; r < n; ++r) v[r * n + c] = -v[r * n + c];
    }
  }
}

// The Cholesky factor of the n×n row-major a (its lower triangle read) into l (lower; the upper
// triangle zeroed). Returns 0, or the order of the first leading minor that is not positive
// definite — and then l is all zeros (our rule on every device; LAPACK leaves a partial factor).
NS_HOST_DEVICE int32_t cholesky_one(const float* a, float* l, int64_t n) {
  for (int64_t i = 0; i < n * n; ++i) l[i] = 0.f;
  for (int64_t j = 0; j < n; ++j) {
    float d = a[j * n + j];
    for (int64_t k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0.f)) {  // NaN too
      for (int64_t i = 0; i < n * n; ++i) l[i] = 0.f;
      return static_cast<int32_t>(j + 1);
    }
    const float root = std::sqrt(d);
    l[j * n + j] = root;
    for (int64_t i = j + 1; i < n; ++i) {
      float s = a[i * n + j];
      for (int64_t k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / root;
    }
  }
  return 0;
}

// Jacobi's tolerance: sweeps stop once the off-diagonal norm is at most this fraction of the
// matrix's Frobenius norm (double: well above its rounding noise, far below float's resolution
// of the results; float accumulation can only reach a few of its epsilons).
template <typename Acc>
NS_HOST_DEVICE Acc jacobi_tolerance() { return sizeof(Acc) >= 8 ? Acc(1e-12) : Acc(4e-6); }
constexpr int kJacobiMaxSweeps = 50;

// The eigen-decomposition of the symmetric n×n row-major a by cyclic Jacobi rotations: w the
// eigenvalues ascending, v's columns their eigenvectors (n×n row-major), each with the sign Note
// [eigenvector signs] gives it. Reads only the triangle `lower` names (the matrix is symmetrized
// from it; Note [symmetric inputs]). Works in Acc (the cuda kernel passes double) on `scratch`,
// 2·n² values of it: the rotated matrix and the accumulated rotations. Sweeps over every pair
// (p, q) of the upper triangle until the off-diagonal norm is negligible (jacobi_tolerance); returns
// 0, or — not converged in kJacobiMaxSweeps sweeps — the number of off-diagonal pairs still above
// the tolerance (at least 1), and then w and v are unspecified. A NaN or infinity in the triangle
// read makes w and v all NaN, with no error (LAPACK returns NaNs there too, in its own pattern).
// O(n³) per sweep on one thread: meant for small matrices.
template <typename Acc>
NS_HOST_DEVICE int32_t jacobi_eigh_one(const float* a, float* w, float* v, Acc* scratch, int64_t n, bool lower) {
  Acc* m = scratch;          // the matrix being diagonalized, kept symmetric (both triangles)
  Acc* q = scratch + n * n;  // the product of the rotations: its columns become the eigenvectors
  Acc frob2 = 0;
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      const bool read = lower ? r >= c : r <= c;
      const Acc x = static_cast<Acc>(read ? a[r * n + c] : a[c * n + r]);
      m[r * n + c] = x;
      q[r * n + c] = r == c ? Acc(1) : Acc(0);
      frob2 += x * x;
    }
  }
  const Acc tol = jacobi_tolerance<Acc>();
  const Acc limit2 = tol * tol * frob2;  // on the squared off-diagonal norm
  if (!(frob2 - frob2 == Acc(0))) {  // a NaN or an infinity read: NaN out, as LAPACK gives (no error)
    for (int64_t i = 0; i < n; ++i) w[i] = NAN;
    for (int64_t i = 0; i < n * n; ++i) v[i] = NAN;
    return 0;
  }
  bool converged = false;
  for (int sweep = 0; sweep <= kJacobiMaxSweeps; ++sweep) {
    Acc off2 = 0;
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = r + 1; c < n; ++c) off2 += 2 * m[r * n + c] * m[r * n + c];
    if (off2 <= limit2) {
      converged = true;
      break;
    }
    if (sweep == kJacobiMaxSweeps) break;
    for (int64_t p = 0; p < n; ++p) {
      for (int64_t s = p + 1; s < n; ++s) {
        const Acc apq = m[p * n + s];
        if (apq == Acc(0)) continue;
        const Acc app = m[p * n + p], ass = m[s * n + s];
        // The rotation [c, s; -s, c] in the (p, s) plane that zeroes m[p, s] (the smaller angle).
        const Acc theta = (ass - app) / (2 * apq);
        const Acc at = theta < 0 ? -theta : theta;
        Acc t = at > Acc(1e15) ? Acc(0.5) / at : Acc(1) / (at + std::sqrt(at * at + 1));  // theta² could overflow
        if (theta < 0) t = -t;
        const Acc cs = Acc(1) / std::sqrt(t * t + 1), sn = t * cs;
        for (int64_t k = 0; k < n; ++k) {  // columns p and s
          const Acc kp = m[k * n + p], ks = m[k * n + s];
          m[k * n + p] = cs * kp - sn * ks;
          m[k * n + s] = sn * kp + cs * ks;
        }
        for (int64_t k = 0; k < n; ++k) {  // rows p and s
          const Acc pk = m[p * n + k], sk = m[s * n + k];
          m[p * n + k] = cs * pk - sn * sk;
          m[s * n + k] = sn * pk + cs * sk;
        }
        m[p * n + s] = m[s * n + p] = 0;  // exactly, and the diagonal from the closed form
        m[p * n + p] = app - t * apq;
        m[s * n + s] = ass + t * apq;
        for (int64_t k = 0; k < n; ++k) {
          const Acc kp = q[k * n + p], ks = q[k * n + s];
          q[k * n + p] = cs * kp - sn * ks;
          q[k * n + s] = sn * kp + cs * ks;
        }
      }
    }
  }
  if (!converged) {
    int32_t left = 0;
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = r + 1; c < n; ++c) {
        const Acc x = m[r * n + c];
        if (2 * x * x * static_cast<Acc>(n * (n - 1) / 2) > limit2) ++left;  // its share of the limit
      }
    return left > 0 ? left : 1;
  }
  // Ascending by selection (n is small), each eigenvalue taking its column of q along.
  for (int64_t i = 0; i < n; ++i) {
    int64_t at = i;
    for (int64_t j = i + 1; j < n; ++j)
      if (m[j * n + j] < m[at * n + at]) at = j;
    if (at != i) {
      const Acc d = m[i * n + i];
      m[i * n + i] = m[at * n + at];
      m[at * n + at] = d;
      for (int64_t r = 0; r < n; ++r) {
        const Acc x = q[r * n + i];
        q[r * n + i] = q[r * n + at];
        q[r * n + at] = x;
      }
    }
  }
  for (int64_t i = 0; i < n; ++i) w[i] = static_cast<float>(m[i * n + i]);
  for (int64_t i = 0; i < n * n; ++i) v[i] = static_cast<float>(q[i]);
  normalize_column_signs(v, n);
  return 0;
}

}  // namespace nutshell::core::linalg
