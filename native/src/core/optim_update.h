#pragma once
// The per-element updates of the Adam family, Adamax and Adadelta, compiled into both backends
// (cpu/optim.cc, cuda/optim.cu) so a step gives the same bits on each. The scalars that depend on
// the step count are computed once per call on the host, in double, as PyTorch computes them in
// Python floats (Note [adam variants] in ops/table/optim.ts).
#include <cmath>

#include "../gen/ops.gen.h"
#include "host_device.h"

namespace nutshell::core::optim {

// Adam, AdamW, NAdam and RAdam after the moments: p += (coef_grad·d + coef_avg·m) / denom, where
// denom = sqrt(second moment) / div + eps when `adaptive`, else 1 (RAdam's first steps).
// PyTorch's 1 − beta arrives as its own float (lerp_'s weight, addcmul_'s value: computed in
// double, rounded once), so it is one here too: 1.f − float(0.999) is off by 1.3e-5 relative, and
// by 1.4e-3 for beta2 = 0.99999 (found by a user trial).
struct AdamScalars {
  float b1, b2, omb1, omb2, eps, wd, decay, sign;
  bool decoupled, amsgrad, adaptive;
  float div, coef_grad, coef_avg;
};

inline AdamScalars adam_scalars(const AdamStepAttrs& a) {
  using Variant = AdamStepAttrs::Variant;
  const double step = static_cast<double>(a.step);
  const double bc1 = 1.0 - std::pow(a.beta1, step);
  const double bc2 = 1.0 - std::pow(a.beta2, step);
  AdamScalars s{static_cast<float>(a.beta1), static_cast<float>(a.beta2), static_cast<float>(1.0 - a.beta1), static_cast<float>(1.0 - a.beta2),
                static_cast<float>(a.eps),   static_cast<float>(a.weightDecay), static_cast<float>(1.0 - a.lr * a.weightDecay), a.maximize ? -1.f : 1.f,
                a.decoupled,                 a.amsgrad,                       true,                     static_cast<float>(std::sqrt(bc2)),
                0.f,                         static_cast<float>(-a.lr / bc1)};
  if (a.variant == Variant::nadam) {
    // PyTorch's mu_t and mu_{t+1}; muProduct already holds mu_t.
    const double mu = a.beta1 * (1.0 - 0.5 * std::pow(0.96, step * a.momentumDecay));
    const double mu_next = a.beta1 * (1.0 - 0.5 * std::pow(0.96, (step + 1.0) * a.momentumDecay));
    s.coef_grad = static_cast<float>(-a.lr * (1.0 - mu) / (1.0 - a.muProduct));
    s.coef_avg = static_cast<float>(-a.lr * mu_next / (1.0 - a.muProduct * mu_next));
  } else if (a.variant == Variant::radam) {
    // The length of the approximated simple moving average; past 5 the variance is tractable and
    // the step is rectified and adaptive, before it a plain bias-corrected momentum step.
    const double rho_inf = 2.0 / (1.0 - a.beta2) - 1.0;
    const double rho_t = rho_inf - 2.0 * step * std::pow(a.beta2, step) / bc2;
    if (rho_t > 5.0) {
      const double rect = std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t));
      s.div = 1.f;
      s.coef_avg = static_cast<float>(-a.lr * rect * std::sqrt(bc2) / bc1);
    } else {
      s.adaptive = false;
    }
  }
  return s;
}

// One element: p, m, v (and vmax with amsgrad, else null) written in place.
NS_HOST_DEVICE void adam_update(const AdamScalars& s, float& p, float g, float& m, float& v, float* vmax) {
  float d = s.sign * g;
  float pi = p;
  if (s.decoupled) pi *= s.decay;  // AdamW: 1 − lr·wd
  else d += s.wd * pi;
  const float mi = s.b1 * m + s.omb1 * d;
  const float vi = s.b2 * v + s.omb2 * d * d;
  m = mi;
  v = vi;
  float second = vi;
  if (vmax) {
    second = *vmax < vi ? vi : *vmax;
    *vmax = second;
  }
  if (!s.adaptive) {
    p = pi + s.coef_avg * mi;
    return;
  }
  const float denom = std::sqrt(second) / s.div + s.eps;
  p = s.coef_grad != 0.f ? pi + s.coef_grad * d / denom + s.coef_avg * mi / denom : pi + s.coef_avg * mi / denom;
}

// Adamax: the second moment is an exponentially weighted infinity norm.
struct AdamaxScalars {
  float b1, b2, omb1, eps, wd, sign, clr;
};

inline AdamaxScalars adamax_scalars(const AdamaxStepAttrs& a) {
  return {static_cast<float>(a.beta1),       static_cast<float>(a.beta2), static_cast<float>(1.0 - a.beta1), static_cast<float>(a.eps),
          static_cast<float>(a.weightDecay), a.maximize ? -1.f : 1.f,     static_cast<float>(a.lr / (1.0 - std::pow(a.beta1, static_cast<double>(a.step))))};
}

NS_HOST_DEVICE void adamax_update(const AdamaxScalars& s, float& p, float g, float& m, float& u) {
  const float d = s.sign * g + s.wd * p;
  const float mi = s.b1 * m + s.omb1 * d;
  const float decayed = s.b2 * u;
  const float bound = std::fabs(d) + s.eps;
  const float ui = decayed < bound ? bound : decayed;
  m = mi;
  u = ui;
  p -= s.clr * mi / ui;
}

// Adadelta: steps scaled by the running RMS of earlier steps over that of the gradients.
struct AdadeltaScalars {
  float rho, omrho, eps, wd, lr, sign;
};

inline AdadeltaScalars adadelta_scalars(const AdadeltaStepAttrs& a) {
  return {static_cast<float>(a.rho), static_cast<float>(1.0 - a.rho), static_cast<float>(a.eps), static_cast<float>(a.weightDecay), static_cast<float>(a.lr),
          a.maximize ? -1.f : 1.f};
}

NS_HOST_DEVICE void adadelta_update(const AdadeltaScalars& s, float& p, float g, float& sq, float& acc) {
  const float d = s.sign * g + s.wd * p;
  const float sqi = s.rho * sq + s.omrho * d * d;
  const float delta = std::sqrt(acc + s.eps) / std::sqrt(sqi + s.eps) * d;
  sq = sqi;
  acc = s.rho * acc + s.omrho * delta * delta;
  p -= s.lr * delta;
}

}  // namespace nutshell::core::optim
