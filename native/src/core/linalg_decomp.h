#pragma once
// Decompositions of one matrix, for the backends' kernels (cholesky and eigh of a symmetric one:
// Note [symmetric inputs] in packages/tensor/src/ops/table/linalg-decomp.ts; svd and qr of any):
// the cpu runs LAPACK and uses only the sign rules here; the cuda kernels run these loops, one
// matrix per thread. Matrices are row-major.
#include <cmath>
#include <cstdint>

#include "host_device.h"

namespace nutshell::core::linalg {

// Negates the `count` values x[0], x[stride], … .
NS_HOST_DEVICE void negate(float* x, int64_t count, int64_t stride) {
  for (int64_t i = 0; i < count; ++i) x[i * stride] = -x[i * stride];
}

// Whether the entry of largest magnitude (the first of equal ones) among x[0], x[stride], … is
// negative: the vector that sign rules flip.
NS_HOST_DEVICE bool largest_entry_negative(const float* x, int64_t count, int64_t stride) {
  int64_t at = 0;
  float best = -1.f;
  for (int64_t i = 0; i < count; ++i) {
    const float a = std::fabs(x[i * stride]);
    if (a > best) {
      best = a;
      at = i;
    }
  }
  return count > 0 && x[at * stride] < 0.f;
}

// Gives the vector its largest entry positive; returns whether it was flipped.
NS_HOST_DEVICE bool make_largest_entry_positive(float* x, int64_t count, int64_t stride) {
  if (!largest_entry_negative(x, count, stride)) return false;
  negate(x, count, stride);
  return true;
}

// Note [eigenvector signs]: each column of the n×n row-major v gets the sign that makes its entry
// of largest magnitude (the first of equal ones) positive.
NS_HOST_DEVICE void normalize_column_signs(float* v, int64_t n) {
  for (int64_t c = 0; c < n; ++c) make_largest_entry_positive(v + c, n, n);
}

// Note [singular vector signs]: u is m×ucols and vh vrows×n, row-major, pairs j < k sharing a
// sign: each column j of u gets its largest entry (the first of equal ones) positive and row j of
// vh flips with it; columns of u and rows of vh from k on (a full decomposition's extra ones)
// follow the same rule alone.
NS_HOST_DEVICE void normalize_svd_signs(float* u, int64_t m, int64_t ucols, float* vh, int64_t vrows, int64_t n, int64_t k) {
  for (int64_t c = 0; c < ucols; ++c) {
    if (make_largest_entry_positive(u + c, m, ucols) && c < k) negate(vh + c * n, n, 1);
  }
  for (int64_t r = k; r < vrows; ++r) make_largest_entry_positive(vh + r * n, n, 1);
}

// Note [qr signs]: R (rrows×n) gets a diagonal that is never negative, row j and column j of Q
// (m×qcols) flipped together; Q's columns from k on (a complete Q's extra ones) get their largest
// entry positive. Row-major; q may be null (mode 'r').
NS_HOST_DEVICE void normalize_qr_signs(float* q, int64_t m, int64_t qcols, float* r, int64_t n, int64_t k) {
  for (int64_t j = 0; j < k; ++j) {
    if (!(r[j * n + j] < 0.f)) continue;
    negate(r + j * n, n, 1);
    if (q) negate(q + j, m, qcols);
  }
  if (!q) return;
  for (int64_t c = k; c < qcols; ++c) make_largest_entry_positive(q + c, m, qcols);
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

// The scratch jacobi_svd_one takes for an m×n matrix, in Acc values: with p = max(m, n) and
// k = min(m, n), the p×k (p×p when `full`) left vectors of the matrix worked on, the k×k
// accumulated rotations and the k singular values.
NS_HOST_DEVICE int64_t jacobi_svd_scratch(int64_t m, int64_t n, bool full) {
  const int64_t p = m > n ? m : n, k = m < n ? m : n;
  return p * (full ? p : k) + k * k + k;
}

// Whether the columns x and y (p values each) need no rotation: orthogonal to the relative
// tolerance tol, or one of them negligible (its squared norm at most `negligible2`); with their
// squared norms and their product.
template <typename Acc>
NS_HOST_DEVICE bool svd_columns_orthogonal(const Acc* x, const Acc* y, int64_t p, Acc tol, Acc negligible2, Acc& alpha, Acc& beta, Acc& gamma) {
  alpha = 0;
  beta = 0;
  gamma = 0;
  for (int64_t r = 0; r < p; ++r) {
    alpha += x[r] * x[r];
    beta += y[r] * y[r];
    gamma += x[r] * y[r];
  }
  if (alpha <= negligible2 || beta <= negligible2) return true;
  const Acc g = gamma < 0 ? -gamma : gamma;
  return g <= tol * std::sqrt(alpha) * std::sqrt(beta);
}

// The singular value decomposition A = U·diag(S)·Vh of the m×n row-major a, as the cpu's gesdd
// gives it (cpu/linalg_decomp.cc): with k = min(m, n), u m×ucols, s k values descending, vh
// vrows×n, where ucols = m and vrows = n when `full`, else both k; signs by Note [singular vector
// signs]. k == 0: a full u and vh are identities (nothing else is written).
//
// One-sided (Hestenes) Jacobi in Acc (the cuda kernel passes double) on `scratch`
// (jacobi_svd_scratch values): it works on W = A when m >= n, else on Aᵀ (p×k, p = max(m, n),
// stored by columns), rotating pairs of columns (accumulated in the k×k V) until every pair is
// orthogonal to the relative tolerance |wᵢ·wⱼ| <= tol·|wᵢ|·|wⱼ| (jacobi_tolerance, or p·ε for a
// long column where rounding reaches it), columns of norm at most p·ε·‖A‖ (zero, or rounding
// noise from a rank-deficient A) left out of the rotations. Then W·V = U·Σ: the singular values
// are the column norms, sorted descending with their columns of W and V, and W's left vectors are
// its columns over their norms. Those negligible columns and, when `full`, the p − k columns
// beyond k get instead the standard basis vector with the largest residual against the columns
// before it (1 − Σⱼ uⱼ[r]², at least (p − c)/p), orthogonalized against them twice (Gram–Schmidt
// in Acc) and normalized. For m >= n U is W's left vectors and Vh = Vᵀ; for m < n
// (Aᵀ = U_W·Σ·Vᵀ) U = V and Vh = U_Wᵀ.
//
// Returns 0, or — not converged in kJacobiMaxSweeps sweeps — the number of column pairs still
// above the tolerance (at least 1), and then the outputs are unspecified. A NaN or infinity in a
// makes u, s and vh all NaN, with no error (as jacobi_eigh_one). O(p·k²) per sweep on one thread:
// meant for small matrices.
template <typename Acc>
NS_HOST_DEVICE int32_t jacobi_svd_one(const float* a, float* u, float* s, float* vh, Acc* scratch, int64_t m, int64_t n, bool full) {
  const int64_t p = m > n ? m : n, k = m < n ? m : n;
  const int64_t ucols = full ? m : k, vrows = full ? n : k;
  if (k == 0) {
    if (full) {
      for (int64_t i = 0; i < m * m; ++i) u[i] = 0.f;
      for (int64_t i = 0; i < m; ++i) u[i * m + i] = 1.f;
      for (int64_t i = 0; i < n * n; ++i) vh[i] = 0.f;
      for (int64_t i = 0; i < n; ++i) vh[i * n + i] = 1.f;
    }
    return 0;
  }
  const bool tall = m >= n;
  const int64_t wcols = full ? p : k;  // W's columns, the ones beyond k completed at the end
  Acc* w = scratch;                    // column c at w + c·p
  Acc* v = scratch + p * wcols;        // column c at v + c·k
  Acc* sigma = v + k * k;
  Acc frob2 = 0;
  for (int64_t c = 0; c < k; ++c) {
    for (int64_t r = 0; r < p; ++r) {
      const Acc x = static_cast<Acc>(tall ? a[r * n + c] : a[c * n + r]);
      w[c * p + r] = x;
      frob2 += x * x;
    }
    for (int64_t r = 0; r < k; ++r) v[c * k + r] = r == c ? Acc(1) : Acc(0);
  }
  if (!(frob2 - frob2 == Acc(0))) {  // a NaN or an infinity read: NaN out (no error)
    for (int64_t i = 0; i < m * ucols; ++i) u[i] = NAN;
    for (int64_t i = 0; i < k; ++i) s[i] = NAN;
    for (int64_t i = 0; i < vrows * n; ++i) vh[i] = NAN;
    return 0;
  }
  const Acc eps = sizeof(Acc) >= 8 ? Acc(2.220446049250313e-16) : Acc(1.1920929e-7);
  Acc tol = jacobi_tolerance<Acc>();
  if (static_cast<Acc>(p) * eps > tol) tol = static_cast<Acc>(p) * eps;
  // Columns at most p·ε of A's norm are rounding noise (a rank-deficient A's, left by a rotation
  // of nearly parallel columns): rotating them against the others would only shrink them towards
  // underflow, parallel still, so they stay as they are and get a completed left vector.
  const Acc negligible2 = static_cast<Acc>(p) * eps * static_cast<Acc>(p) * eps * frob2;
  bool converged = false;
  for (int sweep = 0; sweep < kJacobiMaxSweeps && !converged; ++sweep) {
    bool rotated = false;
    for (int64_t i = 0; i < k; ++i) {
      for (int64_t j = i + 1; j < k; ++j) {
        Acc alpha, beta, gamma;
        if (svd_columns_orthogonal(w + i * p, w + j * p, p, tol, negligible2, alpha, beta, gamma)) continue;
        rotated = true;
        // The rotation [c, s; -s, c] of columns (i, j) that makes them orthogonal (the smaller
        // angle): t = tan θ solves t² + 2ζt − 1 = 0 with ζ = (β − α) / 2γ.
        const Acc zeta = (beta - alpha) / (2 * gamma);
        const Acc az = zeta < 0 ? -zeta : zeta;
        Acc t = az > Acc(1e15) ? Acc(0.5) / az : Acc(1) / (az + std::sqrt(az * az + 1));  // ζ² could overflow
        if (zeta < 0) t = -t;
        const Acc cs = Acc(1) / std::sqrt(t * t + 1), sn = t * cs;
        Acc* wi = w + i * p;
        Acc* wj = w + j * p;
        for (int64_t r = 0; r < p; ++r) {
          const Acc x = wi[r], y = wj[r];
          wi[r] = cs * x - sn * y;
          wj[r] = sn * x + cs * y;
        }
        Acc* vi = v + i * k;
        Acc* vj = v + j * k;
        for (int64_t r = 0; r < k; ++r) {
          const Acc x = vi[r], y = vj[r];
          vi[r] = cs * x - sn * y;
          vj[r] = sn * x + cs * y;
        }
      }
    }
    if (!rotated) converged = true;
  }
  if (!converged) {  // the last sweep rotated: look once more
    int32_t left = 0;
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = i + 1; j < k; ++j) {
        Acc alpha, beta, gamma;
        if (!svd_columns_orthogonal(w + i * p, w + j * p, p, tol, negligible2, alpha, beta, gamma)) ++left;
      }
    if (left > 0) return left;
  }
  for (int64_t c = 0; c < k; ++c) {
    Acc ss = 0;
    for (int64_t r = 0; r < p; ++r) ss += w[c * p + r] * w[c * p + r];
    sigma[c] = std::sqrt(ss);
  }
  // Descending by selection (k is small), each value taking its columns of W and V along.
  for (int64_t i = 0; i < k; ++i) {
    int64_t at = i;
    for (int64_t j = i + 1; j < k; ++j)
      if (sigma[j] > sigma[at]) at = j;
    if (at == i) continue;
    const Acc d = sigma[i];
    sigma[i] = sigma[at];
    sigma[at] = d;
    for (int64_t r = 0; r < p; ++r) {
      const Acc x = w[i * p + r];
      w[i * p + r] = w[at * p + r];
      w[at * p + r] = x;
    }
    for (int64_t r = 0; r < k; ++r) {
      const Acc x = v[i * k + r];
      v[i * k + r] = v[at * k + r];
      v[at * k + r] = x;
    }
  }
  // W's left vectors, column by column: the negligible ones (all after the others) and the extra
  // ones from the standard basis, against the columns before them.
  for (int64_t c = 0; c < wcols; ++c) {
    Acc* wc = w + c * p;
    if (c < k && sigma[c] * sigma[c] > negligible2) {
      const Acc inv = Acc(1) / sigma[c];
      for (int64_t r = 0; r < p; ++r) wc[r] *= inv;
      continue;
    }
    int64_t pick = 0;
    Acc best = -1;
    for (int64_t r = 0; r < p; ++r) {
      Acc left = 1;
      for (int64_t j = 0; j < c; ++j) left -= w[j * p + r] * w[j * p + r];
      if (left > best) {
        best = left;
        pick = r;
      }
    }
    for (int64_t r = 0; r < p; ++r) wc[r] = r == pick ? Acc(1) : Acc(0);
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t j = 0; j < c; ++j) {
        const Acc* wj = w + j * p;
        Acc d = 0;
        for (int64_t r = 0; r < p; ++r) d += wj[r] * wc[r];
        for (int64_t r = 0; r < p; ++r) wc[r] -= d * wj[r];
      }
    }
    Acc ss = 0;
    for (int64_t r = 0; r < p; ++r) ss += wc[r] * wc[r];
    const Acc inv = Acc(1) / std::sqrt(ss);
    for (int64_t r = 0; r < p; ++r) wc[r] *= inv;
  }
  for (int64_t i = 0; i < k; ++i) s[i] = static_cast<float>(sigma[i]);
  if (tall) {  // U = W's left vectors (m×ucols), Vh = Vᵀ (k = n rows)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t c = 0; c < ucols; ++c) u[r * ucols + c] = static_cast<float>(w[c * p + r]);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) vh[i * n + j] = static_cast<float>(v[i * k + j]);
  } else {  // U = V (m×m), Vh = W's left vectors transposed (vrows×n)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t c = 0; c < m; ++c) u[r * m + c] = static_cast<float>(v[c * k + r]);
    for (int64_t i = 0; i < vrows; ++i)
      for (int64_t j = 0; j < n; ++j) vh[i * n + j] = static_cast<float>(w[i * p + j]);
  }
  normalize_svd_signs(u, m, ucols, vh, vrows, n, k);
  return 0;
}

// The scratch householder_qr_one takes for an m×n matrix whose Q has qcols columns, in Acc values:
// the m×n matrix worked on (R above its diagonal, the reflectors below), k = min(m, n) reflector
// scales and the m×qcols Q.
NS_HOST_DEVICE int64_t householder_qr_scratch(int64_t m, int64_t n, int64_t qcols) {
  const int64_t k = m < n ? m : n;
  return m * n + k + m * qcols;
}

// The column x (m values) reflected by H = I − τ·v·vᵀ, where v is zero above j, 1 at j (implied)
// and v[i] below it: x −= τ·(vᵀx)·v.
template <typename Acc>
NS_HOST_DEVICE void reflect(const Acc* v, Acc tau, Acc* x, int64_t j, int64_t m) {
  Acc d = x[j];
  for (int64_t i = j + 1; i < m; ++i) d += v[i] * x[i];
  d *= tau;
  x[j] -= d;
  for (int64_t i = j + 1; i < m; ++i) x[i] -= d * v[i];
}

// The QR decomposition A = Q·R of the m×n row-major a, as the cpu's geqrf/orgqr gives it
// (cpu/linalg_decomp.cc): with k = min(m, n), r rrows×n (rrows k or m; its strictly lower part
// zero) and, unless q is null, q m×qcols (qcols k or m); signs by Note [qr signs]. k == 0: q is
// the identity's first qcols columns (r has no entries then).
//
// Householder in Acc (the cuda kernel passes double) on `scratch` (householder_qr_scratch
// values), with LAPACK's reflectors (larfg: H = I − τ·v·vᵀ, v₀ = 1, β = −sign(α)·‖x‖, τ = 0 when
// the column is zero below the diagonal): columns 0..k−1 are reflected in turn, each reflector
// applied to the columns after it (geqr2); then Q = H₀·…·Hₖ₋₁ applied to the identity's first
// qcols columns, last reflector first (org2r's backward accumulation: Hⱼ leaves the columns before
// j alone). The matrix and Q are stored by columns (column c at w + c·m). A NaN or an infinity in
// a spreads NaNs through the outputs, with no error. O(m·n·k + m·qcols·k) on one thread: meant for
// small matrices.
template <typename Acc>
NS_HOST_DEVICE void householder_qr_one(const float* a, float* q, float* r, Acc* scratch, int64_t m, int64_t n, int64_t rrows, int64_t qcols) {
  const int64_t k = m < n ? m : n;
  if (k == 0) {  // nothing to reflect: Q is the identity's first columns
    if (q) {
      for (int64_t i = 0; i < m * qcols; ++i) q[i] = 0.f;
      for (int64_t i = 0; i < m && i < qcols; ++i) q[i * qcols + i] = 1.f;
    }
    return;
  }
  Acc* w = scratch;        // column c at w + c·m
  Acc* tau = w + m * n;    // k values
  Acc* qq = tau + k;       // column c at qq + c·m
  for (int64_t c = 0; c < n; ++c)
    for (int64_t i = 0; i < m; ++i) w[c * m + i] = static_cast<Acc>(a[i * n + c]);
  for (int64_t j = 0; j < k; ++j) {
    Acc* wj = w + j * m;
    const Acc alpha = wj[j];
    Acc xnorm2 = 0;  // float inputs cannot overflow or underflow it in double
    for (int64_t i = j + 1; i < m; ++i) xnorm2 += wj[i] * wj[i];
    if (xnorm2 == Acc(0)) {  // already upper triangular here: H = I (R's diagonal keeps alpha's sign)
      tau[j] = 0;
      continue;
    }
    const Acc beta = -std::copysign(std::sqrt(alpha * alpha + xnorm2), alpha);  // Fortran's -SIGN(·, alpha), as larfg
    tau[j] = (beta - alpha) / beta;
    const Acc scale = Acc(1) / (alpha - beta);
    for (int64_t i = j + 1; i < m; ++i) wj[i] *= scale;
    wj[j] = beta;
    for (int64_t c = j + 1; c < n; ++c) reflect(wj, tau[j], w + c * m, j, m);  // H applied to the columns after j
  }
  for (int64_t i = 0; i < rrows; ++i)
    for (int64_t c = 0; c < n; ++c) r[i * n + c] = c >= i ? static_cast<float>(w[c * m + i]) : 0.f;
  if (q) {
    for (int64_t c = 0; c < qcols; ++c)
      for (int64_t i = 0; i < m; ++i) qq[c * m + i] = i == c ? Acc(1) : Acc(0);
    for (int64_t j = k - 1; j >= 0; --j) {
      if (tau[j] == Acc(0)) continue;
      for (int64_t c = j; c < qcols; ++c) reflect(w + j * m, tau[j], qq + c * m, j, m);
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t c = 0; c < qcols; ++c) q[i * qcols + c] = static_cast<float>(qq[c * m + i]);
  }
  normalize_qr_signs(q, m, qcols, r, n, k);
}

}  // namespace nutshell::core::linalg
