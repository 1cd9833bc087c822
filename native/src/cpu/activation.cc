// Activations and their backward ops, mostly through oneDNN's eltwise forward/backward primitives
// (leaky relu, logistic, tanh, gelu erf/tanh; every backward), cached per (algorithm, alpha, beta,
// size). Elementwise functions ignore shape, so every tensor is a 1-D buffer here. relu (NaN kept),
// elu (an accurate e^x − 1) and softplus (an accurate log(1 + e^z), beta and threshold) are our
// own vectorised loops (vmath.h), where oneDNN 2.x's differ from PyTorch.
#include <cmath>
#include <cstring>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "onednn.h"
#include "vmath.h"

namespace nutshell::cpu {

namespace eltwise {

namespace {

struct Forward {
  dnnl::eltwise_forward prim;
};
struct Backward {
  dnnl::eltwise_backward prim;
};

std::string bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return std::to_string(u);
}

std::string key(const char* kind, dnnl::algorithm alg, float alpha, float beta, int64_t n) {
  return std::string(kind) + ":" + std::to_string(static_cast<int>(alg)) + ":" + bits(alpha) + ":" + bits(beta) + ":" + std::to_string(n);
}

dnnl::memory::desc desc_of(int64_t n) { return onednn::plain_desc({n}, onednn::dt::f32); }

dnnl::memory memory_of(const dnnl::memory::desc& d, const float* p) {
  return dnnl::memory(d, onednn::engine(), const_cast<float*>(p));
}

// forward_training: the backward primitive takes this descriptor as its hint.
dnnl::eltwise_forward::primitive_desc forward_pd(dnnl::algorithm alg, float alpha, float beta, const dnnl::memory::desc& md) {
  return {dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, alg, md, alpha, beta), onednn::engine()};
}

bool uses_dst(dnnl::algorithm alg) {
  return alg == dnnl::algorithm::eltwise_logistic_use_dst_for_bwd || alg == dnnl::algorithm::eltwise_tanh_use_dst_for_bwd ||
         alg == dnnl::algorithm::eltwise_relu_use_dst_for_bwd || alg == dnnl::algorithm::eltwise_elu_use_dst_for_bwd ||
         alg == dnnl::algorithm::eltwise_sqrt_use_dst_for_bwd || alg == dnnl::algorithm::eltwise_exp_use_dst_for_bwd ||
         alg == dnnl::algorithm::eltwise_clip_v2_use_dst_for_bwd;
}

}  // namespace

void forward(dnnl::algorithm alg, float alpha, float beta, const float* src, float* dst, int64_t n) {
  if (n == 0) return;
  auto md = desc_of(n);
  auto entry = onednn::cached<Forward>(key("fwd", alg, alpha, beta, n), [&] {
    return std::make_shared<Forward>(Forward{dnnl::eltwise_forward(forward_pd(alg, alpha, beta, md))});
  });
  auto& s = onednn::stream();
  entry->prim.execute(s, {{DNNL_ARG_SRC, memory_of(md, src)}, {DNNL_ARG_DST, memory_of(md, dst)}});
  s.wait();
}

// `data` is the forward's source, or its result for the *_use_dst_for_bwd algorithms.
void backward(dnnl::algorithm alg, float alpha, float beta, const float* data, const float* diff_dst, float* diff_src, int64_t n) {
  if (n == 0) return;
  auto md = desc_of(n);
  auto entry = onednn::cached<Backward>(key("bwd", alg, alpha, beta, n), [&] {
    dnnl::eltwise_backward::primitive_desc pd(dnnl::eltwise_backward::desc(alg, md, md, alpha, beta), onednn::engine(),
                                              forward_pd(alg, alpha, beta, md));
    return std::make_shared<Backward>(Backward{dnnl::eltwise_backward(pd)});
  });
  auto& s = onednn::stream();
  entry->prim.execute(s, {{uses_dst(alg) ? DNNL_ARG_DST : DNNL_ARG_SRC, memory_of(md, data)},
                          {DNNL_ARG_DIFF_DST, memory_of(md, diff_dst)},
                          {DNNL_ARG_DIFF_SRC, memory_of(md, diff_src)}});
  s.wait();
}

}  // namespace eltwise

namespace {

using core::OpCall;
using dnnl::algorithm;

// Note [small activations]: up to kSmallEltwise elements, a oneDNN eltwise call costs more in its
// cache lookup, argument map and stream than the work (tanh of 64 values: 5.6 µs against exp's
// 1.2, in a user trial's RL policy). tanh and the logistic, forward and backward, then run on
// vmath.h's (the LSTM cell's) in one pass.
constexpr int64_t kSmallEltwise = 1024;

bool small_forward(algorithm alg, const float* x, float* y, int64_t n) {
  if (n > kSmallEltwise) return false;
  if (alg == algorithm::eltwise_tanh_use_dst_for_bwd) vmath::tanh(x, y, n);
  else if (alg == algorithm::eltwise_logistic_use_dst_for_bwd) vmath::sigmoid(x, y, n);
  else return false;
  return true;
}

// From the forward's output y: tanh′ = 1 − y², σ′ = y(1 − y).
bool small_backward(algorithm alg, const float* y, const float* g, float* dx, int64_t n) {
  if (n > kSmallEltwise) return false;
  if (alg == algorithm::eltwise_tanh_use_dst_for_bwd) {
    for (int64_t i = 0; i < n; ++i) dx[i] = g[i] * (1.f - y[i] * y[i]);
  } else if (alg == algorithm::eltwise_logistic_use_dst_for_bwd) {
    for (int64_t i = 0; i < n; ++i) dx[i] = g[i] * (y[i] * (1.f - y[i]));
  } else {
    return false;
  }
  return true;
}

void run_forward(const OpCall& call, algorithm alg, float alpha = 0.f, float beta = 0.f) {
  const float* x = call.in(0).data<float>();
  float* y = call.out(0).data<float>();
  const int64_t n = call.out(0).numel();
  if (!small_forward(alg, x, y, n)) eltwise::forward(alg, alpha, beta, x, y, n);
}

// Backward ops take (grad, data): data is the forward's input, or its output for *_use_dst_*.
void run_backward(const OpCall& call, algorithm alg, float alpha = 0.f, float beta = 0.f) {
  const float* data = call.in(1).data<float>();
  const float* g = call.in(0).data<float>();
  float* dx = call.out(0).data<float>();
  const int64_t n = call.out(0).numel();
  if (!small_backward(alg, data, g, dx, n)) eltwise::backward(alg, alpha, beta, data, g, dx, n);
}

algorithm gelu_algorithm(core::GeluAttrs::Approximate a) {
  return a == core::GeluAttrs::Approximate::tanh ? algorithm::eltwise_gelu_tanh : algorithm::eltwise_gelu_erf;
}

}  // namespace

// max(x, 0) with NaN kept, as PyTorch's relu (oneDNN's relu, a vector max, turns NaN into 0 and
// would hide a diverging network).
void relu(OpCall& call) {
  const float* x = call.in(0).data<float>();
  float* y = call.out(0).data<float>();
  const int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] <= 0.f ? 0.f : x[i];
  );
}

void reluBackward(OpCall& call) { run_backward(call, algorithm::eltwise_relu); }

void leakyRelu(OpCall& call) {
  run_forward(call, algorithm::eltwise_relu, static_cast<float>(core::LeakyReluAttrs::decode(call.reader()).negativeSlope));
}

void leakyReluBackward(OpCall& call) {
  run_backward(call, algorithm::eltwise_relu, static_cast<float>(core::LeakyReluBackwardAttrs::decode(call.reader()).negativeSlope));
}

// x if x > 0, else alpha·(e^x − 1) through an accurate expm1 (oneDNN's e^x − 1 cancels near 0:
// elu(−1e-4) was 2e-4 off relative).
void elu(OpCall& call) {
  const float alpha = static_cast<float>(core::EluAttrs::decode(call.reader()).alpha);
  const float* x = call.in(0).data<float>();
  float* y = call.out(0).data<float>();
  const int64_t n = call.out(0).numel();
  vmath::blocks(x, y, n, vmath::expm1);
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : alpha * y[i];
  );
}

void eluBackward(OpCall& call) {
  run_backward(call, algorithm::eltwise_elu, static_cast<float>(core::EluBackwardAttrs::decode(call.reader()).alpha));
}

void sigmoid(OpCall& call) { run_forward(call, algorithm::eltwise_logistic_use_dst_for_bwd); }

void sigmoidBackward(OpCall& call) { run_backward(call, algorithm::eltwise_logistic_use_dst_for_bwd); }

void tanh(OpCall& call) { run_forward(call, algorithm::eltwise_tanh_use_dst_for_bwd); }

void tanhBackward(OpCall& call) { run_backward(call, algorithm::eltwise_tanh_use_dst_for_bwd); }

void gelu(OpCall& call) { run_forward(call, gelu_algorithm(core::GeluAttrs::decode(call.reader()).approximate)); }

void geluBackward(OpCall& call) {
  auto a = core::GeluBackwardAttrs::decode(call.reader());
  run_backward(call, a.approximate == core::GeluBackwardAttrs::Approximate::tanh ? algorithm::eltwise_gelu_tanh : algorithm::eltwise_gelu_erf);
}

// z = beta·x for softplus and its backward: written into `out` (which the next pass overwrites),
// or x itself when beta is 1.
namespace {
const float* scaled_by(const float* x, float beta, float* out, int64_t n) {
  if (beta == 1.f) return x;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * beta;
  );
  return out;
}
}  // namespace

// PyTorch: x if beta·x > threshold else log1p(exp(beta·x)) / beta, in float32. Vectorised passes
// instead of a scalar libm loop (10-30x slower): z = beta·x into the output (skipped for beta 1),
// log(1 + e^z) as max(z, 0) + log1p(e^−|z|) (vmath.h; oneDNN 2.x's soft_relu went through its
// inexact log and gave −1.9e-6 at z = −20), then the threshold select and the 1/beta scale.
// Differs from PyTorch only for thresholds above 88, where PyTorch's e^z overflows to inf.
void softplus(OpCall& call) {
  auto a = core::SoftplusAttrs::decode(call.reader());
  const float* x = call.in(0).data<float>();
  float* y = call.out(0).data<float>();
  const float beta = static_cast<float>(a.beta), threshold = static_cast<float>(a.threshold);
  int64_t n = call.out(0).numel();
  if (n == 0) return;
  vmath::blocks(scaled_by(x, beta, y, n), y, n, vmath::softplus);
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] * beta > threshold ? x[i] : y[i] / beta;
  );
}

// PyTorch: grad if beta·x > threshold else grad·e/(e + 1), e = exp(beta·x), i.e. grad·σ(beta·x):
// oneDNN's logistic of z = beta·x, then the select (PyTorch's inf/inf = NaN for z > 88 under a
// threshold above 88 becomes grad here).
void softplusBackward(OpCall& call) {
  auto a = core::SoftplusBackwardAttrs::decode(call.reader());
  const float* g = call.in(0).data<float>();
  const float* x = call.in(1).data<float>();
  float* dx = call.out(0).data<float>();
  const float beta = static_cast<float>(a.beta), threshold = static_cast<float>(a.threshold);
  int64_t n = call.out(0).numel();
  if (n == 0) return;
  eltwise::forward(algorithm::eltwise_logistic, 0.f, 0.f, scaled_by(x, beta, dx, n), dx, n);
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) dx[i] = x[i] * beta > threshold ? g[i] : g[i] * dx[i];
  );
}

}  // namespace nutshell::cpu
