#pragma once
// Note [rejection sampling]: draws that need a variable number of uniforms (Gamma by Marsaglia
// and Tsang, Poisson by multiplication or Hörmann's PTRS, Binomial by waiting times or Hörmann's
// BTRS) cannot take fixed positions in the Philox stream. Element i of such an op owns block
// offset/4 + i of the stream (the op reserves 4 draws per element, as Generator.use rounds) and
// draws its attempts from the counters {block, attempt, kRejectionStream}: blocks no ordinary op
// touches (theirs have zeros there), as many as it needs, and still a function of (seed, element)
// only — the same on every thread count and on both backends. The arithmetic is double, so cpu
// and cuda take the same accept/reject decisions (a last-bit difference of log or cos could flip
// one only with probability ~1e-16).
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "gamma_functions.h"
#include "host_device.h"
#include "philox.h"

namespace nutshell::core::rejection {

constexpr uint32_t kRejectionStream = 1u;
constexpr uint32_t kBoostAttempt = 0xFFFFFFFFu;  // the extra uniform of a Gamma draw with α < 1
constexpr uint32_t kMaxAttempts = 1u << 16;      // never reached in practice (acceptance ≥ 95 %)

NS_HOST_DEVICE philox::Block attempt_block(uint64_t seed, uint64_t block, uint32_t attempt) {
  return philox::philox4x32_10(static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), attempt, kRejectionStream,
                               static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// A uniform in the open interval (0, 1) from one 32-bit draw: (x + ½)·2⁻³².
NS_HOST_DEVICE double open_uniform(uint32_t x) { return (static_cast<double>(x) + 0.5) * 2.3283064365386963e-10; }

// Gamma(α, 1), α > 0 and finite (the caller checks): Marsaglia & Tsang's squeeze ("A simple method
// for generating gamma variables", 2000) with d = α − 1/3, c = 1/√(9d); each attempt block gives
// two candidates (a Box–Muller pair of normals and two uniforms). α < 1 draws Gamma(α + 1) and
// scales it by U^(1/α). The result is at least FLT_MIN (as PyTorch's), so log of it stays finite.
NS_HOST_DEVICE float standard_gamma(uint64_t seed, uint64_t block, float concentration) {
  double alpha = concentration;
  double boost = 1.0;
  if (alpha < 1.0) {
    const philox::Block b = attempt_block(seed, block, kBoostAttempt);
    boost = ::pow(open_uniform(b.v[0]), 1.0 / alpha);
    alpha += 1.0;
  }
  const double d = alpha - 1.0 / 3.0, c = 1.0 / ::sqrt(9.0 * d);
  double value = d;
  for (uint32_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const philox::Block b = attempt_block(seed, block, attempt);
    const double radius = ::sqrt(-2.0 * ::log(open_uniform(b.v[0])));
    const double theta = 2.0 * gamma_fn::kPi * open_uniform(b.v[1]);
    const double normals[2] = {radius * ::cos(theta), radius * ::sin(theta)};
    bool accepted = false;
    for (int k = 0; k < 2 && !accepted; ++k) {
      const double z = normals[k];
      double v = 1.0 + c * z;
      if (v <= 0.0) continue;
      v = v * v * v;
      const double u = open_uniform(b.v[2 + k]);
      const double z2 = z * z;
      if (u < 1.0 - 0.0331 * z2 * z2 || ::log(u) < 0.5 * z2 + d * (1.0 - v + ::log(v))) {
        value = d * v;
        accepted = true;
      }
    }
    if (accepted) break;
  }
  const float out = static_cast<float>(value * boost);
  return out > FLT_MIN ? out : FLT_MIN;
}

// Poisson(λ), λ ≥ 0 and finite (the caller checks). λ < 10: multiply uniforms until the product
// falls below e^−λ (about λ + 1 draws). λ ≥ 10: Hörmann's transformed rejection with squeeze
// ("The transformed rejection method for generating Poisson random variables", 1993, PTRS),
// about 1.1 attempts of two uniforms each.
NS_HOST_DEVICE float poisson(uint64_t seed, uint64_t block, float rate) {
  const double lambda = rate;
  if (lambda == 0.0) return 0.0f;
  if (lambda < 10.0) {
    const double limit = ::exp(-lambda);
    double product = 1.0;
    int64_t count = 0;
    for (uint32_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
      const philox::Block b = attempt_block(seed, block, attempt);
      for (int k = 0; k < 4; ++k) {
        product *= open_uniform(b.v[k]);
        if (product <= limit) return static_cast<float>(count);
        ++count;
      }
    }
    return static_cast<float>(count);
  }
  const double sqrt_lambda = ::sqrt(lambda), log_lambda = ::log(lambda);
  const double b = 0.931 + 2.53 * sqrt_lambda;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (uint32_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const philox::Block blk = attempt_block(seed, block, attempt);
    for (int k = 0; k < 2; ++k) {
      const double u = open_uniform(blk.v[2 * k]) - 0.5;
      const double v = open_uniform(blk.v[2 * k + 1]);
      const double us = 0.5 - ::fabs(u);
      const double count = ::floor((2.0 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= v_r) return static_cast<float>(count);
      if (count < 0.0 || (us < 0.013 && v > us)) continue;
      if (::log(v) + ::log(inv_alpha) - ::log(a / (us * us) + b) <= -lambda + count * log_lambda - gamma_fn::log_gamma(count + 1.0)) {
        return static_cast<float>(count);
      }
    }
  }
  return static_cast<float>(::floor(lambda));
}

// log k! − [(k + ½)·log(k + 1) − (k + 1) + ½·log 2π], the tail of Stirling's series BTRS's bound
// needs: tabulated to k = 9, beyond that three terms of the series (error < 1e-12 there).
NS_HOST_DEVICE double stirling_tail(double k) {
  constexpr double kTable[10] = {0.08106146679532733,  0.04134069595540946, 0.027677925684997717, 0.02079067210376584,
                                 0.01664469118982126,  0.013876128823072875, 0.011896709945893313, 0.010411265261973668,
                                 0.00925546218270945, 0.008330563433359472};
  if (k <= 9.0) return kTable[static_cast<int>(k)];
  const double kp1sq = (k + 1.0) * (k + 1.0);
  return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / (k + 1.0);
}

// Binomial(n, p) for n·p < 10 (p ≤ ½): the number of geometric waiting times, ⌈log U / log(1 − p)⌉
// each, that fit in n trials (about n·p + 1 uniforms).
NS_HOST_DEVICE double binomial_by_waiting_times(uint64_t seed, uint64_t block, double n, double p) {
  const double log_q = ::log1p(-p);
  double trials = 0.0, successes = 0.0;
  for (uint32_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const philox::Block b = attempt_block(seed, block, attempt);
    for (int k = 0; k < 4; ++k) {
      trials += ::ceil(::log(open_uniform(b.v[k])) / log_q);
      if (trials > n) return successes;
      successes += 1.0;
    }
  }
  return successes;
}

// Binomial(n, p) for n·p ≥ 10 (p ≤ ½): Hörmann's transformed rejection with squeeze ("The
// generation of binomial random variates", 1993, BTRS), about 1.15 attempts of two uniforms each.
NS_HOST_DEVICE double binomial_btrs(uint64_t seed, uint64_t block, double n, double p) {
  const double spq = ::sqrt(n * p * (1.0 - p));
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double r = p / (1.0 - p);
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double m = ::floor((n + 1.0) * p);
  for (uint32_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const philox::Block blk = attempt_block(seed, block, attempt);
    for (int k = 0; k < 2; ++k) {
      const double u = open_uniform(blk.v[2 * k]) - 0.5;
      const double v = open_uniform(blk.v[2 * k + 1]);
      const double us = 0.5 - ::fabs(u);
      const double count = ::floor((2.0 * a / us + b) * u + c);
      if (count < 0.0 || count > n) continue;
      if (us >= 0.07 && v <= v_r) return count;
      const double bound = (m + 0.5) * ::log((m + 1.0) / (r * (n - m + 1.0))) + (n + 1.0) * ::log((n - m + 1.0) / (n - count + 1.0)) +
                           (count + 0.5) * ::log(r * (n - count + 1.0) / (count + 1.0)) + stirling_tail(m) + stirling_tail(n - m) -
                           stirling_tail(count) - stirling_tail(n - count);
      if (::log(v * alpha / (a / (us * us) + b)) <= bound) return count;
    }
  }
  return ::floor(n * p);
}

// Binomial(n, p): n a whole number ≥ 0 and p in [0, 1] (the caller checks). p > ½ draws the
// failures of Binomial(n, 1 − p), so both methods see p ≤ ½.
NS_HOST_DEVICE float binomial(uint64_t seed, uint64_t block, float count, float prob) {
  const double n = count;
  double p = prob;
  if (n == 0.0 || p == 0.0) return 0.0f;
  if (p == 1.0) return count;
  const bool failures = p > 0.5;
  if (failures) p = 1.0 - p;
  const double k = n * p < 10.0 ? binomial_by_waiting_times(seed, block, n, p) : binomial_btrs(seed, block, n, p);
  return static_cast<float>(failures ? n - k : k);
}

}  // namespace nutshell::core::rejection
