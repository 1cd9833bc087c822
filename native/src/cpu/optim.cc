// Fused optimiser updates (PyTorch's single-tensor algorithms, step for step; the Adam family,
// Adamax and Adadelta element by element as core/optim_update.h defines them for both backends). Each writes the
// parameter and its state in place; one pass over memory instead of a dozen elementwise ops. The
// foreach ops (Note [foreach steps] in ops/table/optim.ts) run the single kernel per parameter.
#include <cmath>

#include "../core/optim_update.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

void sgdStep(core::OpCall& call) {
  auto a = core::SgdStepAttrs::decode(call.reader());
  float* p = call.out(0).data<float>();
  const float* g = call.in(1).data<float>();
  float* buf = a.momentum != 0 ? call.out(1).data<float>() : nullptr;
  const int64_t n = call.out(0).numel();
  const float lr = static_cast<float>(a.lr), wd = static_cast<float>(a.weightDecay), mom = static_cast<float>(a.momentum);
  const float one_minus_damp = static_cast<float>(1.0 - a.dampening), sign = a.maximize ? -1.f : 1.f;  // as PyTorch's alpha: one rounding
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) {
      float d = sign * g[i] + wd * p[i];
      if (buf) {
        buf[i] = a.firstStep ? d : mom * buf[i] + one_minus_damp * d;
        d = a.nesterov ? d + mom * buf[i] : buf[i];
      }
      p[i] -= lr * d;
    }
  );
}

void adamStep(core::OpCall& call) {
  const core::optim::AdamScalars s = core::optim::adam_scalars(core::AdamStepAttrs::decode(call.reader()));
  float* p = call.out(0).data<float>();
  const float* g = call.in(1).data<float>();
  float* m = call.out(1).data<float>();
  float* v = call.out(2).data<float>();
  float* vmax = s.amsgrad ? call.out(3).data<float>() : nullptr;
  const int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) core::optim::adam_update(s, p[i], g[i], m[i], v[i], vmax ? vmax + i : nullptr);
  );
}

void adamaxStep(core::OpCall& call) {
  const core::optim::AdamaxScalars s = core::optim::adamax_scalars(core::AdamaxStepAttrs::decode(call.reader()));
  float* p = call.out(0).data<float>();
  const float* g = call.in(1).data<float>();
  float* m = call.out(1).data<float>();
  float* u = call.out(2).data<float>();
  const int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) core::optim::adamax_update(s, p[i], g[i], m[i], u[i]);
  );
}

void adadeltaStep(core::OpCall& call) {
  const core::optim::AdadeltaScalars s = core::optim::adadelta_scalars(core::AdadeltaStepAttrs::decode(call.reader()));
  float* p = call.out(0).data<float>();
  const float* g = call.in(1).data<float>();
  float* sq = call.out(1).data<float>();
  float* acc = call.out(2).data<float>();
  const int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) core::optim::adadelta_update(s, p[i], g[i], sq[i], acc[i]);
  );
}

void rmspropStep(core::OpCall& call) {
  auto a = core::RmspropStepAttrs::decode(call.reader());
  float* p = call.out(0).data<float>();
  const float* g = call.in(1).data<float>();
  float* sq = call.out(1).data<float>();
  float* gavg = a.centered ? call.out(2).data<float>() : nullptr;
  float* buf = a.momentum != 0 ? call.out(3).data<float>() : nullptr;
  const int64_t n = call.out(0).numel();
  const float alpha = static_cast<float>(a.alpha), one_minus_alpha = static_cast<float>(1.0 - a.alpha), eps = static_cast<float>(a.eps), lr = static_cast<float>(a.lr);
  const float wd = static_cast<float>(a.weightDecay), mom = static_cast<float>(a.momentum), sign = a.maximize ? -1.f : 1.f;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) {
      float d = sign * g[i] + wd * p[i];
      sq[i] = alpha * sq[i] + one_minus_alpha * d * d;
      float avg;
      if (gavg) {
        gavg[i] = alpha * gavg[i] + one_minus_alpha * d;
        avg = std::sqrt(sq[i] - gavg[i] * gavg[i]) + eps;
      } else {
        avg = std::sqrt(sq[i]) + eps;
      }
      if (buf) {
        buf[i] = mom * buf[i] + d / avg;
        p[i] -= lr * buf[i];
      } else {
        p[i] -= lr * d / avg;
      }
    }
  );
}

void adagradStep(core::OpCall& call) {
  auto a = core::AdagradStepAttrs::decode(call.reader());
  float* p = call.out(0).data<float>();
  const float* g = call.in(1).data<float>();
  float* sum = call.out(1).data<float>();
  const int64_t n = call.out(0).numel();
  const float clr = static_cast<float>(a.lr / (1.0 + static_cast<double>(a.step - 1) * a.lrDecay));
  const float wd = static_cast<float>(a.weightDecay), eps = static_cast<float>(a.eps), sign = a.maximize ? -1.f : 1.f;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) {
      float d = sign * g[i] + wd * p[i];
      sum[i] += d * d;
      p[i] -= clr * d / (std::sqrt(sum[i]) + eps);
    }
  );
}

namespace {

// A foreach call holds `k` inputs and `m` outputs per parameter and the single op's attributes.
void per_parameter(core::OpCall& call, size_t k, size_t m, void (*single)(core::OpCall&)) {
  core::OpCall one;
  one.op = call.op;
  one.device = call.device;
  one.attrs = call.attrs;
  one.backend_context = call.backend_context;
  for (size_t q = 0; q * k < call.inputs.size(); ++q) {
    one.inputs.assign(call.inputs.begin() + static_cast<std::ptrdiff_t>(q * k), call.inputs.begin() + static_cast<std::ptrdiff_t>((q + 1) * k));
    one.outputs.assign(call.outputs.begin() + static_cast<std::ptrdiff_t>(q * m), call.outputs.begin() + static_cast<std::ptrdiff_t>((q + 1) * m));
    single(one);
  }
}

}  // namespace

void sgdStepForeach(core::OpCall& call) { per_parameter(call, 3, 2, sgdStep); }
void adamStepForeach(core::OpCall& call) { per_parameter(call, 5, 4, adamStep); }
void rmspropStepForeach(core::OpCall& call) { per_parameter(call, 5, 4, rmspropStep); }
void adagradStepForeach(core::OpCall& call) { per_parameter(call, 3, 2, adagradStep); }
void adamaxStepForeach(core::OpCall& call) { per_parameter(call, 4, 3, adamaxStep); }
void adadeltaStepForeach(core::OpCall& call) { per_parameter(call, 4, 3, adadeltaStep); }

}  // namespace nutshell::cpu
