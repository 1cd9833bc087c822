// Random numbers and dropout from the Philox stream (Note [philox] in core/philox.h): the device
// computes the same draws as cpu/random.cc for the same (seed, offset), so uniform values,
// integers and masks are bit-identical to cpu's (the float arithmetic after the draw uses
// explicitly rounded operations, __fmul_rn/__fadd_rn, so that nvcc cannot fuse it into an FMA
// that cpu does not do). Normals go through logf/sinf/cosf, whose last bit may differ.
//
// One thread computes one Philox block (4 draws) and writes the elements that use them; an
// element's draw index is offset + i, so results do not depend on the launch shape.
#include <string>

#include "../core/gamma_sampling.h"
#include "../core/philox.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

namespace philox = core::philox;
using core::OpCall;

uint64_t seed_of(int64_t seed) {
  NS_CHECK(seed >= 0, value, std::string("seed expected a non-negative integer, got ") + std::to_string(seed));
  return static_cast<uint64_t>(seed);
}

uint64_t offset_of(int64_t offset) {
  NS_CHECK(offset >= 0, value, "offset expected a non-negative integer, got " + std::to_string(offset));
  return static_cast<uint64_t>(offset);
}

// Calls fn(i, draw) for every i in [0, n), draw being draw offset + i of seed's stream.
template <typename Fn>
__global__ void per_draw_kernel(uint64_t seed, uint64_t offset, int64_t n, Fn fn) {
  const uint64_t first = offset >> 2;
  const uint64_t end = offset + static_cast<uint64_t>(n);
  const int64_t blocks = static_cast<int64_t>(((end - 1) >> 2) - first + 1);
  NS_GRID_LOOP(b, blocks) {
    const uint64_t index = first + static_cast<uint64_t>(b);
    const philox::Block blk = philox::block(seed, index);
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      const uint64_t d = index * 4 + static_cast<uint64_t>(k);
      if (d >= offset && d < end) fn(static_cast<int64_t>(d - offset), blk.v[k]);
    }
  }
}

template <typename Fn>
void launch_per_draw(cudaStream_t stream, uint64_t seed, uint64_t offset, int64_t n, Fn fn) {
  if (n <= 0) return;
  const int64_t blocks = static_cast<int64_t>(((offset + static_cast<uint64_t>(n) - 1) >> 2) - (offset >> 2) + 1);
  per_draw_kernel<<<blocks_for(blocks), kThreads, 0, stream>>>(seed, offset, n, fn);
  NS_LAUNCH_CHECK();
}

// Draws d and d + 1.
__device__ __forceinline__ void two_draws(uint64_t seed, uint64_t d, uint32_t& a, uint32_t& b) {
  const philox::Block blk = philox::block(seed, d >> 2);
  const int k = static_cast<int>(d & 3);
  a = blk.v[k];
  b = k == 3 ? philox::block(seed, (d >> 2) + 1).v[0] : blk.v[k + 1];
}

struct UniformF {
  float* out;
  float span, low;
  __device__ void operator()(int64_t i, uint32_t x) const { out[i] = __fadd_rn(__fmul_rn(philox::uniform(x), span), low); }
};

// Elements 2k and 2k+1 share the draws offset + 2k and offset + 2k + 1.
__global__ void randn_kernel(uint64_t seed, uint64_t offset, int64_t n, float* __restrict__ out, float mean, float stddev) {
  const int64_t pairs = (n + 1) / 2;
  NS_GRID_LOOP(k, pairs) {
    uint32_t a, b;
    two_draws(seed, offset + 2 * static_cast<uint64_t>(k), a, b);
    float z0, z1;
    philox::normal_pair(a, b, z0, z1);
    out[2 * k] = __fadd_rn(__fmul_rn(z0, stddev), mean);
    if (2 * k + 1 < n) out[2 * k + 1] = __fadd_rn(__fmul_rn(z1, stddev), mean);
  }
}

template <typename T>
struct IntBelowF {
  T* out;
  int64_t low;
  uint64_t range;
  __device__ void operator()(int64_t i, uint32_t x) const { out[i] = static_cast<T>(low + static_cast<int64_t>(philox::below32(x, range))); }
};

// Ranges above 2³²: two draws per element, offset + 2i and offset + 2i + 1.
template <typename T>
__global__ void randint_wide_kernel(uint64_t seed, uint64_t offset, int64_t n, T* __restrict__ out, int64_t low, uint64_t range) {
  NS_GRID_LOOP(i, n) {
    uint32_t lo, hi;
    two_draws(seed, offset + 2 * static_cast<uint64_t>(i), lo, hi);
    out[i] = static_cast<T>(low + static_cast<int64_t>(philox::below64(lo, hi, range)));
  }
}

struct BernoulliF {
  const float* p;
  float* out;
  ErrorSlot* slot;
  __device__ void operator()(int64_t i, uint32_t x) const {
    const float pi = p[i];
    if (!(pi >= 0.0f && pi <= 1.0f)) {
      report_position(slot, i);
      out[i] = 0.0f;
      return;
    }
    out[i] = philox::bernoulli(x, philox::bernoulli_threshold(pi)) ? 1.0f : 0.0f;
  }
};

struct DropoutF {
  const float* x;
  float* y;
  uint8_t* mask;
  uint32_t threshold;
  float scale;
  __device__ void operator()(int64_t i, uint32_t d) const {
    const bool m = philox::bernoulli(d, threshold);
    mask[i] = m;
    y[i] = x[i] * (m ? scale : 0.0f);
  }
};

__global__ void dropout_backward_kernel(int64_t n, const float* __restrict__ g, const uint8_t* __restrict__ mask, float scale,
                                        float* __restrict__ out) {
  NS_GRID_LOOP(i, n) out[i] = g[i] * static_cast<float>(mask[i]) * scale;
}

}  // namespace

void rand(OpCall& call) {
  auto a = core::RandAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  const float low = static_cast<float>(a.low), span = static_cast<float>(a.high - a.low);
  launch_per_draw(context_of(call).stream, seed, offset, call.out(0).numel(), UniformF{call.out(0).data<float>(), span, low});
}

void randn(OpCall& call) {
  auto a = core::RandnAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  randn_kernel<<<blocks_for((n + 1) / 2), kThreads, 0, context_of(call).stream>>>(seed, offset, n, call.out(0).data<float>(),
                                                                                 static_cast<float>(a.mean), static_cast<float>(a.std));
  NS_LAUNCH_CHECK();
}

void randint(OpCall& call) {
  auto a = core::RandintAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  NS_CHECK(a.low < a.high, value, "expected low < high, got low=" + std::to_string(a.low) + ", high=" + std::to_string(a.high));
  const auto& out = call.out(0);
  const int64_t n = out.numel();
  if (n == 0) return;
  const uint64_t range = static_cast<uint64_t>(a.high) - static_cast<uint64_t>(a.low);
  const bool wide = range > (uint64_t{1} << 32);
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (wide) {
      randint_wide_kernel<T><<<blocks_for(n), kThreads, 0, stream>>>(seed, offset, n, out.data<T>(), a.low, range);
      NS_LAUNCH_CHECK();
    } else {
      launch_per_draw(stream, seed, offset, n, IntBelowF<T>{out.data<T>(), a.low, range});
    }
  });
}

void bernoulli(OpCall& call) {
  auto a = core::BernoulliAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  const auto& p = call.in(0);
  const int64_t n = p.numel();
  if (n == 0) return;
  DeviceContext& ctx = context_of(call);
  ErrorReporter errors(ctx, call);
  launch_per_draw(ctx.stream, seed, offset, n, BernoulliF{p.data<float>(), call.out(0).data<float>(), errors.slot()});
  errors.finish(p.data<float>(), [](int64_t i, long long, double v) {
    return "p expected probabilities in [0, 1], got " + std::to_string(static_cast<float>(v)) + " at element " + std::to_string(i);
  });
}

// y = x · mask / (1 − p), mask ~ Bernoulli(1 − p) (bool, kept for backward). p = 1 gives x · 0.
void dropout(OpCall& call) {
  auto a = core::DropoutAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  NS_CHECK(a.p >= 0.0 && a.p <= 1.0, value, "p expected a probability in [0, 1], got " + std::to_string(a.p));
  const double keep = 1.0 - a.p;
  const float scale = a.p < 1.0 ? 1.0f / static_cast<float>(keep) : 0.0f;
  const uint32_t threshold = philox::bernoulli_threshold(keep);
  launch_per_draw(context_of(call).stream, seed, offset, call.in(0).numel(),
                  DropoutF{call.in(0).data<float>(), call.out(0).data<float>(), call.out(1).data<uint8_t>(), threshold, scale});
}

// grad · mask · scale, in PyTorch's order (native_dropout_backward).
void dropoutBackward(OpCall& call) {
  auto a = core::DropoutBackwardAttrs::decode(call.reader());
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  dropout_backward_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(n, call.in(0).data<float>(), call.in(1).data<uint8_t>(),
                                                                                    static_cast<float>(a.scale), call.out(0).data<float>());
  NS_LAUNCH_CHECK();
}

// Gamma(α, 1), Poisson(λ) and Binomial(n, p) draws by rejection (Note [rejection sampling]): one
// thread per element, which owns block offset/4 + i; a parameter outside the support is reported
// (its element gets NaN meanwhile) and the op fails, as on cpu.
namespace {

enum class Rejection { gamma, poisson };

template <Rejection kind>
__global__ void rejection_kernel(uint64_t seed, uint64_t first_block, int64_t n, const float* __restrict__ param,
                                 float* __restrict__ out, ErrorSlot* slot) {
  NS_GRID_LOOP(i, n) {
    const float p = param[i];
    const bool valid = kind == Rejection::gamma ? (p > 0.0f && p <= FLT_MAX) : (p >= 0.0f && p <= FLT_MAX);
    if (!valid) {
      report_position(slot, i);
      out[i] = NAN;
      continue;
    }
    const uint64_t block = first_block + static_cast<uint64_t>(i);
    out[i] = kind == Rejection::gamma ? core::rejection::standard_gamma(seed, block, p) : core::rejection::poisson(seed, block, p);
  }
}

template <Rejection kind>
void rejection_draws(OpCall& call, int64_t seed_attr, int64_t offset_attr, const char* what) {
  const uint64_t seed = seed_of(seed_attr), first_block = offset_of(offset_attr) >> 2;
  const auto& param = call.in(0);
  const int64_t n = param.numel();
  if (n == 0) return;
  DeviceContext& ctx = context_of(call);
  ErrorReporter errors(ctx, call);
  rejection_kernel<kind><<<blocks_for(n), kThreads, 0, ctx.stream>>>(seed, first_block, n, param.data<float>(), call.out(0).data<float>(),
                                                                     errors.slot());
  NS_LAUNCH_CHECK();
  const std::string expected = what;
  errors.finish(param.data<float>(), [expected](int64_t i, long long, double v) {
    return expected + ", got " + std::to_string(static_cast<float>(v)) + " at element " + std::to_string(i);
  });
}

// Binomial's count check, one reporter of its own (the draw kernel reports prob's positions).
__global__ void whole_count_kernel(int64_t n, const float* __restrict__ count, ErrorSlot* slot) {
  NS_GRID_LOOP(i, n) {
    const float c = count[i];
    if (!(c >= 0.0f && c <= FLT_MAX && floorf(c) == c)) report_position(slot, i);
  }
}

__global__ void binomial_kernel(uint64_t seed, uint64_t first_block, int64_t n, const float* __restrict__ count, const float* __restrict__ prob,
                                float* __restrict__ out, ErrorSlot* slot) {
  NS_GRID_LOOP(i, n) {
    const float c = count[i], p = prob[i];
    const bool count_ok = c >= 0.0f && c <= FLT_MAX && floorf(c) == c;
    if (!(p >= 0.0f && p <= 1.0f)) report_position(slot, i);
    if (!count_ok || !(p >= 0.0f && p <= 1.0f)) {
      out[i] = NAN;
      continue;
    }
    out[i] = core::rejection::binomial(seed, first_block + static_cast<uint64_t>(i), c, p);
  }
}

__global__ void standard_gamma_grad_kernel(int64_t n, const float* __restrict__ grad, const float* __restrict__ alpha,
                                           const float* __restrict__ draw, float* __restrict__ out) {
  NS_GRID_LOOP(i, n) out[i] = grad[i] * static_cast<float>(core::gamma_fn::standard_gamma_grad(alpha[i], draw[i]));
}

}  // namespace

void standardGamma(OpCall& call) {
  auto a = core::StandardGammaAttrs::decode(call.reader());
  rejection_draws<Rejection::gamma>(call, a.seed, a.offset, "concentration expected finite values > 0");
}

void poisson(OpCall& call) {
  auto a = core::PoissonAttrs::decode(call.reader());
  rejection_draws<Rejection::poisson>(call, a.seed, a.offset, "rate expected finite values >= 0");
}

// Binomial(count, prob) over inputs of one shape; count is checked first, as on cpu.
void binomial(OpCall& call) {
  auto a = core::BinomialAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), first_block = offset_of(a.offset) >> 2;
  const int64_t n = call.in(0).numel();
  if (n == 0) return;
  DeviceContext& ctx = context_of(call);
  const float* count = call.in(0).data<float>();
  const float* prob = call.in(1).data<float>();
  const auto formatter = [](std::string expected) {
    return [expected](int64_t i, long long, double v) { return expected + ", got " + std::to_string(static_cast<float>(v)) + " at element " + std::to_string(i); };
  };
  {
    ErrorReporter errors(ctx, call);
    whole_count_kernel<<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, count, errors.slot());
    NS_LAUNCH_CHECK();
    errors.finish(count, formatter("count expected whole numbers >= 0"));
  }
  ErrorReporter errors(ctx, call);
  binomial_kernel<<<blocks_for(n), kThreads, 0, ctx.stream>>>(seed, first_block, n, count, prob, call.out(0).data<float>(), errors.slot());
  NS_LAUNCH_CHECK();
  errors.finish(prob, formatter("prob expected values in [0, 1]"));
}

// d draw / d concentration (Note [gamma reparameterisation]), times the incoming gradient.
void standardGammaGrad(OpCall& call) {
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  standard_gamma_grad_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(
      n, call.in(0).data<float>(), call.in(1).data<float>(), call.in(2).data<float>(), call.out(0).data<float>());
  NS_LAUNCH_CHECK();
}

}  // namespace nutshell::cuda
