// Fused optimiser updates (PyTorch's single-tensor algorithms, step for step, as cpu/optim.cc):
// one pass over memory writes the parameter and its state in place (the outputs alias the
// inputs; a state the update does not use was passed as the gradient and is never written).
// Scalars derived from the step count are computed on the host in double, as on cpu.
#include <cmath>

#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

struct SgdArgs {
  float lr, wd, mom, damp, sign;
  bool nesterov, first_step;
};

__global__ void sgd_kernel(int64_t n, float* p, const float* g, float* buf, SgdArgs a) {
  NS_GRID_LOOP(i, n) {
    float d = a.sign * g[i] + a.wd * p[i];
    if (buf) {
      const float b = a.first_step ? d : a.mom * buf[i] + (1.f - a.damp) * d;
      buf[i] = b;
      d = a.nesterov ? d + a.mom * b : b;
    }
    p[i] -= a.lr * d;
  }
}

struct AdamArgs {
  float step_size, bc2_sqrt, b1, b2, eps, wd, lr, sign;
  bool decoupled;
};

__global__ void adam_kernel(int64_t n, float* p, const float* g, float* m, float* v, float* vmax, AdamArgs a) {
  NS_GRID_LOOP(i, n) {
    float d = a.sign * g[i];
    float pi = p[i];
    if (a.decoupled) pi *= 1.f - a.lr * a.wd;  // AdamW
    else d += a.wd * pi;
    const float mi = a.b1 * m[i] + (1.f - a.b1) * d;
    const float vi = a.b2 * v[i] + (1.f - a.b2) * d * d;
    m[i] = mi;
    v[i] = vi;
    float second = vi;
    if (vmax) {
      second = vmax[i] < vi ? vi : vmax[i];  // std::max
      vmax[i] = second;
    }
    p[i] = pi - a.step_size * mi / (sqrtf(second) / a.bc2_sqrt + a.eps);
  }
}

struct RmspropArgs {
  float alpha, eps, lr, wd, mom, sign;
};

__global__ void rmsprop_kernel(int64_t n, float* p, const float* g, float* sq, float* gavg, float* buf, RmspropArgs a) {
  NS_GRID_LOOP(i, n) {
    const float d = a.sign * g[i] + a.wd * p[i];
    const float s = a.alpha * sq[i] + (1.f - a.alpha) * d * d;
    sq[i] = s;
    float avg;
    if (gavg) {
      const float ga = a.alpha * gavg[i] + (1.f - a.alpha) * d;
      gavg[i] = ga;
      avg = sqrtf(s - ga * ga) + a.eps;
    } else {
      avg = sqrtf(s) + a.eps;
    }
    if (buf) {
      const float b = a.mom * buf[i] + d / avg;
      buf[i] = b;
      p[i] -= a.lr * b;
    } else {
      p[i] -= a.lr * d / avg;
    }
  }
}

struct AdagradArgs {
  float clr, wd, eps, sign;
};

__global__ void adagrad_kernel(int64_t n, float* p, const float* g, float* sum, AdagradArgs a) {
  NS_GRID_LOOP(i, n) {
    const float d = a.sign * g[i] + a.wd * p[i];
    const float s = sum[i] + d * d;
    sum[i] = s;
    p[i] -= a.clr * d / (sqrtf(s) + a.eps);
  }
}

}  // namespace

void sgdStep(core::OpCall& call) {
  auto a = core::SgdStepAttrs::decode(call.reader());
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  float* buf = a.momentum != 0 ? call.out(1).data<float>() : nullptr;
  const SgdArgs args{static_cast<float>(a.lr), static_cast<float>(a.weightDecay), static_cast<float>(a.momentum), static_cast<float>(a.dampening),
                     a.maximize ? -1.f : 1.f, a.nesterov, a.firstStep};
  sgd_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(n, call.out(0).data<float>(), call.in(1).data<float>(), buf, args);
  NS_LAUNCH_CHECK();
}

void adamStep(core::OpCall& call) {
  auto a = core::AdamStepAttrs::decode(call.reader());
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  const double bc1 = 1.0 - std::pow(a.beta1, static_cast<double>(a.step));
  const double bc2 = 1.0 - std::pow(a.beta2, static_cast<double>(a.step));
  const AdamArgs args{static_cast<float>(a.lr / bc1), static_cast<float>(std::sqrt(bc2)), static_cast<float>(a.beta1), static_cast<float>(a.beta2),
                      static_cast<float>(a.eps), static_cast<float>(a.weightDecay), static_cast<float>(a.lr), a.maximize ? -1.f : 1.f, a.decoupled};
  float* vmax = a.amsgrad ? call.out(3).data<float>() : nullptr;
  adam_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(n, call.out(0).data<float>(), call.in(1).data<float>(), call.out(1).data<float>(),
                                                                        call.out(2).data<float>(), vmax, args);
  NS_LAUNCH_CHECK();
}

void rmspropStep(core::OpCall& call) {
  auto a = core::RmspropStepAttrs::decode(call.reader());
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  float* gavg = a.centered ? call.out(2).data<float>() : nullptr;
  float* buf = a.momentum != 0 ? call.out(3).data<float>() : nullptr;
  const RmspropArgs args{static_cast<float>(a.alpha), static_cast<float>(a.eps),      static_cast<float>(a.lr),
                         static_cast<float>(a.weightDecay), static_cast<float>(a.momentum), a.maximize ? -1.f : 1.f};
  rmsprop_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(n, call.out(0).data<float>(), call.in(1).data<float>(),
                                                                           call.out(1).data<float>(), gavg, buf, args);
  NS_LAUNCH_CHECK();
}

void adagradStep(core::OpCall& call) {
  auto a = core::AdagradStepAttrs::decode(call.reader());
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  const AdagradArgs args{static_cast<float>(a.lr / (1.0 + static_cast<double>(a.step - 1) * a.lrDecay)), static_cast<float>(a.weightDecay),
                         static_cast<float>(a.eps), a.maximize ? -1.f : 1.f};
  adagrad_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(n, call.out(0).data<float>(), call.in(1).data<float>(),
                                                                           call.out(1).data<float>(), args);
  NS_LAUNCH_CHECK();
}

}  // namespace nutshell::cuda
