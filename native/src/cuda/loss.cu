// Loss functions, forward and backward, as fused kernels (cpu/loss.cc's formulas, which are
// PyTorch's step for step).
//
// Note [cuda losses]: losses with classes ([N, C, d…] or [C]; Note [class layout] in cpu/loss.cc)
// give each position a group of lanes: a whole warp when classes are contiguous ([N, C]: the
// warp reads a row together and reduces with shuffles down to lane 0, then broadcasts), one
// thread when they are strided (consecutive threads take consecutive positions, so reads
// coalesce). Reductions 'mean' and 'sum' write per-position (loss, weight) pairs in double and
// sum them in a fixed two-stage tree (deterministic; cpu sums in double too). Class targets out
// of range are reported with cpu's message when the output is read (Note [device-side errors]).
#include <cmath>
#include <string>

#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

using core::DType;
using core::OpCall;

enum Reduction : int { kNone = 0, kMean = 1, kSum = 2 };  // the TS enum's order

template <typename E>
int reduction_of(E e) {
  return static_cast<int>(e);
}

struct ClassLayout {
  int64_t N, C, I;
  int64_t positions() const { return N * I; }
};

ClassLayout class_layout(const core::Shape& s) {
  if (s.size() == 1) return {1, s[0], 1};
  int64_t inner = 1;
  for (size_t k = 2; k < s.size(); ++k) inner *= s[k];
  return {s[0], s[1], inner};
}

ErrorFormatter target_message(int64_t C, int64_t ignore) {
  return [C, ignore](int64_t pos, long long v, double) {
    return "target " + std::to_string(v) + " at position " + std::to_string(pos) + " is out of range for " + std::to_string(C) +
           " classes (expected 0 to " + std::to_string(C - 1) + ", or ignoreIndex " + std::to_string(ignore) + ")";
  };
}

// ---- deterministic sums of (a, b) pairs ----

struct D2 {
  double a, b;
  __device__ D2& operator+=(const D2& o) {
    a += o.a;
    b += o.b;
    return *this;
  }
};

template <typename F>
__global__ void sum_stage1(int64_t n, int64_t chunk, F f, D2* __restrict__ partial) {
  __shared__ D2 scratch[kThreads];
  const int64_t lo = static_cast<int64_t>(blockIdx.x) * chunk;
  const int64_t hi = lo + chunk < n ? lo + chunk : n;
  D2 acc{0.0, 0.0};
  for (int64_t i = lo + threadIdx.x; i < hi; i += blockDim.x) acc += f(i);
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

template <typename Fin>
__global__ void sum_stage2(int64_t chunks, const D2* __restrict__ partial, Fin fin) {
  __shared__ D2 scratch[kThreads];
  D2 acc{0.0, 0.0};
  for (int64_t g = threadIdx.x; g < chunks; g += blockDim.x) acc += partial[g];
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) fin(acc);
}

// fin(Σ_i f(i)) for i in [0, n), in an order fixed by n alone.
template <typename F, typename Fin>
void deterministic_sum(DeviceContext& ctx, int64_t n, F f, Fin fin) {
  int64_t chunks = std::clamp<int64_t>(ceil_div(n, kThreads * 8), 1, 1024);
  const int64_t chunk = n > 0 ? ceil_div(n, chunks) : 0;
  chunks = n > 0 ? ceil_div(n, chunk) : 1;
  Workspace partial(ctx, static_cast<size_t>(chunks) * sizeof(D2));
  sum_stage1<<<static_cast<unsigned>(chunks), kThreads, 0, ctx.stream>>>(n, chunk, f, partial.as<D2>());
  NS_LAUNCH_CHECK();
  sum_stage2<<<1, kThreads, 0, ctx.stream>>>(chunks, partial.as<D2>(), fin);
  NS_LAUNCH_CHECK();
}

// The reduced loss: total / divisor ('mean'; the divisor is Σb when `by_b`), or total ('sum').
struct WriteLoss {
  float* out;
  int mode;
  double divisor;
  bool by_b;
  __device__ void operator()(const D2& s) const {
    out[0] = static_cast<float>(mode == kMean ? s.a / (by_b ? s.b : divisor) : s.a);
  }
};

struct WriteDouble {
  double* out;
  __device__ void operator()(const D2& s) const { *out = s.a; }
};

struct ReadPairs {
  const D2* pairs;
  __device__ D2 operator()(int64_t i) const { return pairs[i]; }
};

// ---- groups of lanes per position ----

__device__ __forceinline__ float nan_max(float a, float b) { return a != a ? a : (b != b ? b : (a > b ? a : b)); }

// L = 32: a warp per position (reduce down to lane 0, then broadcast); L = 1: a thread.
template <int L>
struct Group {
  static __device__ __forceinline__ float max(float v) {
    if constexpr (L > 1) {
#pragma unroll
      for (int off = L / 2; off > 0; off /= 2) v = nan_max(v, __shfl_down_sync(0xffffffffu, v, off));
      v = __shfl_sync(0xffffffffu, v, 0);
    }
    return v;
  }
  static __device__ __forceinline__ double sum(double v) {
    if constexpr (L > 1) {
#pragma unroll
      for (int off = L / 2; off > 0; off /= 2) v += __shfl_down_sync(0xffffffffu, v, off);
      v = __shfl_sync(0xffffffffu, v, 0);
    }
    return v;
  }
};

// Iterates the groups of a kernel launched with blocks of kThreads lanes (a multiple of 32).
#define NS_GROUP_LOOP(L, p, lane, n)                                                                       \
  const int lane = static_cast<int>(threadIdx.x % (L));                                                   \
  for (int64_t p = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / (L),                    \
               _ns_gstep = static_cast<int64_t>(gridDim.x) * blockDim.x / (L);                             \
       p < (n); p += _ns_gstep)

struct ClassArgs {
  int64_t C, I;
  const float* x;
  const float* w;  // null: unweighted
  double keep, spread, eps;
  int64_t ignore;
  // Σ_c w_c (label smoothing only): C when unweighted, else summed on the device into *wsum.
  double unweighted_sum;
  const double* wsum;
  __device__ double weight(int64_t c) const { return w ? static_cast<double>(w[c]) : 1.0; }
  __device__ double weight_sum() const { return wsum ? *wsum : unweighted_sum; }
  __device__ const float* row(int64_t p) const { return x + (p / I) * C * I + p % I; }
};

// max and Σ exp(x − max) over the classes of one position (all lanes get both).
template <int L>
__device__ __forceinline__ void max_sum(const float* row, int64_t C, int64_t I, int lane, float& m, double& s) {
  float mm = -INFINITY;
  for (int64_t c = lane; c < C; c += L) mm = nan_max(mm, row[c * I]);
  m = Group<L>::max(mm);
  double ss = 0;
  for (int64_t c = lane; c < C; c += L) ss += expf(row[c * I] - m);
  s = Group<L>::sum(ss);
}

// loss = (1−ε)·w_t·(lse − x_t) + ε/C·(lse·Σw − Σ_c w_c x_c)
template <int L>
__global__ void ce_index_forward(int64_t P, ClassArgs a, const int64_t* __restrict__ t, bool none,
                                 float* __restrict__ out, D2* __restrict__ pairs, ErrorSlot* slot) {
  NS_GROUP_LOOP(L, p, lane, P) {
    const int64_t tp = t[p];
    double l = 0, wt = 0;
    if (tp != a.ignore) {
      if (tp < 0 || tp >= a.C) {
        if (lane == 0) report_position(slot, p);
      } else {
        const float* row = a.row(p);
        float m;
        double s;
        max_sum<L>(row, a.C, a.I, lane, m, s);
        const double lse = static_cast<double>(m) + ::log(s);
        wt = a.weight(tp);
        l = a.keep * wt * (lse - row[tp * a.I]);
        if (a.eps > 0) {
          double wx = 0;
          for (int64_t c = lane; c < a.C; c += L) wx += a.weight(c) * row[c * a.I];
          wx = Group<L>::sum(wx);
          l += a.spread * (lse * a.weight_sum() - wx);
        }
      }
    }
    if (lane == 0) {
      if (none) out[p] = static_cast<float>(l);
      else pairs[p] = D2{l, wt};
    }
  }
}

// Class probabilities q: loss = Σ_c w_c q'_c (lse − x_c), q' = (1−ε)·q + ε/C.
template <int L>
__global__ void ce_probs_forward(int64_t P, ClassArgs a, const float* __restrict__ q, bool none, float* __restrict__ out, D2* __restrict__ pairs) {
  NS_GROUP_LOOP(L, p, lane, P) {
    const float* row = a.row(p);
    const float* qp = q + (row - a.x);
    float m;
    double s;
    max_sum<L>(row, a.C, a.I, lane, m, s);
    const double lse = static_cast<double>(m) + ::log(s);
    double l = 0;
    for (int64_t c = lane; c < a.C; c += L) l += a.weight(c) * (qp[c * a.I] * a.keep + a.spread) * (lse - row[c * a.I]);
    l = Group<L>::sum(l);
    if (lane == 0) {
      if (none) out[p] = static_cast<float>(l);
      else pairs[p] = D2{l, 0.0};
    }
  }
}

// The upstream gradient of position p: g[p] ('none'), g[0] ('sum'), (float)(g[0] / divisor) ('mean').
__device__ __forceinline__ float grad_at(const float* g, int mode, double divisor, int64_t p) {
  if (mode == kNone) return g[p];
  if (mode == kMean) return static_cast<float>(static_cast<double>(g[0]) / divisor);
  return g[0];
}

// d loss / dx_c = g·(p_c·((1−ε)·w_t + ε/C·Σw) − ε/C·w_c − [c = t]·(1−ε)·w_t), p = softmax(x).
template <int L>
__global__ void ce_index_backward(int64_t P, ClassArgs a, const int64_t* __restrict__ t, const float* __restrict__ g,
                                  int mode, const double* __restrict__ divisor, float* __restrict__ gx, ErrorSlot* slot) {
  NS_GROUP_LOOP(L, p, lane, P) {
    const int64_t tp = t[p];
    const float* row = a.row(p);
    float* o = gx + (row - a.x);
    if (tp == a.ignore || tp < 0 || tp >= a.C) {
      if (tp != a.ignore && lane == 0) report_position(slot, p);
      for (int64_t c = lane; c < a.C; c += L) o[c * a.I] = 0.f;
      continue;
    }
    const double gd = grad_at(g, mode, mode == kMean ? *divisor : 1.0, p);
    const double wt = a.weight(tp);
    float m;
    double s;
    max_sum<L>(row, a.C, a.I, lane, m, s);
    const float A = static_cast<float>(gd / s * (a.keep * wt + a.spread * a.weight_sum()));
    const float B = static_cast<float>(gd * a.spread);
    const float T = static_cast<float>(gd * a.keep * wt);
    for (int64_t c = lane; c < a.C; c += L) {
      const float e = expf(row[c * a.I] - m);
      float v = a.eps > 0 ? A * e - B * static_cast<float>(a.weight(c)) : e * A;
      if (c == tp) v -= T;
      o[c * a.I] = v;
    }
  }
}

// Class probabilities: d/dx_k = g·(p_k·Σ_c w_c q'_c − w_k q'_k), d/dq_k = g·(1−ε)·w_k·(lse − x_k).
template <int L>
__global__ void ce_probs_backward(int64_t P, ClassArgs a, const float* __restrict__ q, const float* __restrict__ g, int mode, double divisor,
                                  float* __restrict__ gx, float* __restrict__ gq) {
  NS_GROUP_LOOP(L, p, lane, P) {
    const float* row = a.row(p);
    const int64_t off = row - a.x;
    const float* qp = q + off;
    const double gd = grad_at(g, mode, divisor, p);
    float m;
    double s;
    max_sum<L>(row, a.C, a.I, lane, m, s);
    const double lse = static_cast<double>(m) + ::log(s), inv = 1.0 / s;
    double S = 0;
    for (int64_t c = lane; c < a.C; c += L) S += a.weight(c) * (qp[c * a.I] * a.keep + a.spread);
    S = Group<L>::sum(S);
    for (int64_t c = lane; c < a.C; c += L) {
      const float e = expf(row[c * a.I] - m);
      const double qc = qp[c * a.I] * a.keep + a.spread;
      gx[off + c * a.I] = static_cast<float>(gd * (e * inv * S - a.weight(c) * qc));
      if (gq) gq[off + c * a.I] = static_cast<float>(gd * a.keep * a.weight(c) * (lse - row[c * a.I]));
    }
  }
}

__global__ void weight_sum_kernel(int64_t C, const float* __restrict__ w, double* __restrict__ out) {
  __shared__ double scratch[kThreads];
  double s = 0;
  for (int64_t c = threadIdx.x; c < C; c += blockDim.x) s += w[c];
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) *out = s;
}

// The weight of position p's target when it counts (the divisor of a 'mean' over class indices).
struct TargetWeight {
  const int64_t* t;
  const float* w;
  int64_t C, ignore;
  __device__ D2 operator()(int64_t p) const {
    const int64_t tp = t[p];
    if (tp == ignore || tp < 0 || tp >= C) return D2{0.0, 0.0};
    return D2{w ? static_cast<double>(w[tp]) : 1.0, 0.0};
  }
};

// The class arguments of a cross-entropy call; Σ_c w_c is summed on the device only when class
// weights and label smoothing both need it.
struct CrossEntropySetup {
  ClassArgs a;
  Workspace wsum;
  CrossEntropySetup(DeviceContext& ctx, const OpCall& call, int x_index, int64_t ignore, double eps)
      : wsum(ctx, eps > 0 && call.in(x_index + 2).numel() ? sizeof(double) : 0) {
    const ClassLayout L = class_layout(call.in(x_index).shape);
    const auto& w = call.in(x_index + 2);
    a.C = L.C;
    a.I = L.I;
    a.x = call.in(x_index).data<float>();
    a.w = w.numel() ? w.data<float>() : nullptr;
    a.keep = 1.0 - eps;
    a.spread = eps / static_cast<double>(L.C);
    a.eps = eps;
    a.ignore = ignore;
    a.unweighted_sum = static_cast<double>(L.C);
    a.wsum = wsum.as<double>();
    if (a.wsum) {
      weight_sum_kernel<<<1, kThreads, 0, ctx.stream>>>(L.C, a.w, wsum.as<double>());
      NS_LAUNCH_CHECK();
    }
  }
};

// Launches a class kernel with a warp per position for contiguous classes, a thread otherwise.
template <typename Launch>
void by_layout(int64_t P, int64_t I, Launch launch) {
  if (I == 1) launch(std::integral_constant<int, 32>{}, blocks_for(P * 32));
  else launch(std::integral_constant<int, 1>{}, blocks_for(P));
}

}  // namespace

void crossEntropy(OpCall& call) {
  auto attrs = core::CrossEntropyAttrs::decode(call.reader());
  const int mode = reduction_of(attrs.reduction);
  const ClassLayout L = class_layout(call.in(0).shape);
  const int64_t P = L.positions();
  DeviceContext& ctx = context_of(call);
  float* out = call.out(0).data<float>();
  CrossEntropySetup setup(ctx, call, 0, attrs.ignoreIndex, attrs.labelSmoothing);
  const bool none = mode == kNone;
  Workspace pairs(ctx, none ? 0 : static_cast<size_t>(P) * sizeof(D2));
  if (call.in(1).dtype == DType::int64) {
    const int64_t* t = call.in(1).data<int64_t>();
    ErrorReporter errors(ctx, call);
    if (P > 0) {
      by_layout(P, L.I, [&](auto lanes, unsigned grid) {
        ce_index_forward<decltype(lanes)::value><<<grid, kThreads, 0, ctx.stream>>>(P, setup.a, t, none, out,
                                                                                   pairs.as<D2>(), errors.slot());
        NS_LAUNCH_CHECK();
      });
    }
    if (!none) deterministic_sum(ctx, P, ReadPairs{pairs.as<D2>()}, WriteLoss{out, mode, 0.0, true});
    errors.finish(t, target_message(L.C, attrs.ignoreIndex));
    return;
  }
  if (P > 0) {
    by_layout(P, L.I, [&](auto lanes, unsigned grid) {
      ce_probs_forward<decltype(lanes)::value><<<grid, kThreads, 0, ctx.stream>>>(P, setup.a, call.in(1).data<float>(), none, out, pairs.as<D2>());
      NS_LAUNCH_CHECK();
    });
  }
  if (!none) deterministic_sum(ctx, P, ReadPairs{pairs.as<D2>()}, WriteLoss{out, mode, static_cast<double>(P), false});
}

// inputs: grad, input, target, weight → grad of input, grad of target (class probabilities with
// targetGrad only; empty otherwise).
void crossEntropyBackward(OpCall& call) {
  auto attrs = core::CrossEntropyBackwardAttrs::decode(call.reader());
  const int mode = reduction_of(attrs.reduction);
  const ClassLayout L = class_layout(call.in(1).shape);
  const int64_t P = L.positions();
  DeviceContext& ctx = context_of(call);
  CrossEntropySetup setup(ctx, call, 1, attrs.ignoreIndex, attrs.labelSmoothing);
  const float* g = call.in(0).data<float>();
  float* gx = call.out(0).data<float>();
  if (call.in(2).dtype == DType::int64) {
    const int64_t* t = call.in(2).data<int64_t>();
    Workspace divisor(ctx, sizeof(double));
    if (mode == kMean) deterministic_sum(ctx, P, TargetWeight{t, setup.a.w, L.C, attrs.ignoreIndex}, WriteDouble{divisor.as<double>()});
    ErrorReporter errors(ctx, call);
    if (P > 0) {
      by_layout(P, L.I, [&](auto lanes, unsigned grid) {
        ce_index_backward<decltype(lanes)::value><<<grid, kThreads, 0, ctx.stream>>>(P, setup.a, t, g, mode,
                                                                                    divisor.as<double>(), gx, errors.slot());
        NS_LAUNCH_CHECK();
      });
    }
    errors.finish(t, target_message(L.C, attrs.ignoreIndex));
    return;
  }
  float* gq = call.out(1).numel() ? call.out(1).data<float>() : nullptr;  // empty: not wanted
  if (P == 0) return;
  by_layout(P, L.I, [&](auto lanes, unsigned grid) {
    ce_probs_backward<decltype(lanes)::value><<<grid, kThreads, 0, ctx.stream>>>(P, setup.a, call.in(2).data<float>(), g, mode,
                                                                                static_cast<double>(P), gx, gq);
    NS_LAUNCH_CHECK();
  });
}

// ---- nllLoss: input holds log-probabilities ----

namespace {

__global__ void nll_forward_kernel(int64_t P, int64_t C, int64_t I, const float* __restrict__ x, const int64_t* __restrict__ t,
                                   const float* __restrict__ w, int64_t ignore, bool none, float* __restrict__ out, D2* __restrict__ pairs,
                                   ErrorSlot* slot) {
  NS_GRID_LOOP(p, P) {
    const int64_t tp = t[p];
    float loss = 0.f, wt = 0.f;
    if (tp != ignore) {
      if (tp < 0 || tp >= C) {
        report_position(slot, p);
      } else {
        wt = w ? w[tp] : 1.f;
        loss = -wt * x[((p / I) * C + tp) * I + p % I];
      }
    }
    if (none) out[p] = loss;
    else pairs[p] = D2{static_cast<double>(loss), static_cast<double>(wt)};
  }
}

__global__ void nll_backward_kernel(int64_t P, int64_t C, int64_t I, const int64_t* __restrict__ t, const float* __restrict__ w, int64_t ignore,
                                    const float* __restrict__ g, int mode, const double* __restrict__ divisor, float* __restrict__ o,
                                    ErrorSlot* slot) {
  NS_GRID_LOOP(p, P) {
    const int64_t tp = t[p];
    if (tp == ignore) continue;
    if (tp < 0 || tp >= C) {
      report_position(slot, p);
      continue;
    }
    o[((p / I) * C + tp) * I + p % I] = -(w ? w[tp] : 1.f) * grad_at(g, mode, mode == kMean ? *divisor : 1.0, p);
  }
}

}  // namespace

void nllLoss(OpCall& call) {
  auto attrs = core::NllLossAttrs::decode(call.reader());
  const int mode = reduction_of(attrs.reduction);
  const ClassLayout L = class_layout(call.in(0).shape);
  const int64_t P = L.positions();
  DeviceContext& ctx = context_of(call);
  const int64_t* t = call.in(1).data<int64_t>();
  const float* w = call.in(2).numel() ? call.in(2).data<float>() : nullptr;
  float* out = call.out(0).data<float>();
  const bool none = mode == kNone;
  Workspace pairs(ctx, none ? 0 : static_cast<size_t>(P) * sizeof(D2));
  ErrorReporter errors(ctx, call);
  if (P > 0) {
    nll_forward_kernel<<<blocks_for(P), kThreads, 0, ctx.stream>>>(P, L.C, L.I, call.in(0).data<float>(), t, w, attrs.ignoreIndex, none, out,
                                                                   pairs.as<D2>(), errors.slot());
    NS_LAUNCH_CHECK();
  }
  if (!none) deterministic_sum(ctx, P, ReadPairs{pairs.as<D2>()}, WriteLoss{out, mode, 0.0, true});
  errors.finish(t, target_message(L.C, attrs.ignoreIndex));
}

// inputs: grad, target, weight (attrs carry the input's shape) → grad of input.
void nllLossBackward(OpCall& call) {
  auto attrs = core::NllLossBackwardAttrs::decode(call.reader());
  const int mode = reduction_of(attrs.reduction);
  const auto& gx = call.out(0);
  const ClassLayout L = class_layout(gx.shape);
  const int64_t P = L.positions();
  DeviceContext& ctx = context_of(call);
  const int64_t* t = call.in(1).data<int64_t>();
  const float* w = call.in(2).numel() ? call.in(2).data<float>() : nullptr;
  if (gx.numel() > 0) NS_CUDA_CHECK(cudaMemsetAsync(gx.raw(), 0, static_cast<size_t>(gx.numel()) * sizeof(float), ctx.stream));
  Workspace divisor(ctx, sizeof(double));
  if (mode == kMean) deterministic_sum(ctx, P, TargetWeight{t, w, L.C, attrs.ignoreIndex}, WriteDouble{divisor.as<double>()});
  ErrorReporter errors(ctx, call);
  if (P > 0) {
    nll_backward_kernel<<<blocks_for(P), kThreads, 0, ctx.stream>>>(P, L.C, L.I, t, w, attrs.ignoreIndex, call.in(0).data<float>(), mode,
                                                                    divisor.as<double>(), gx.data<float>(), errors.slot());
    NS_LAUNCH_CHECK();
  }
  errors.finish(t, target_message(L.C, attrs.ignoreIndex));
}

// ---- elementwise losses: input and target have one shape (the TS side broadcasts) ----

namespace {

template <typename F>
__global__ void loss_none_kernel(int64_t n, F f, float* __restrict__ out) {
  NS_GRID_LOOP(i, n) out[i] = f.loss(i);
}

template <typename F>
struct AsPair {
  F f;
  __device__ D2 operator()(int64_t i) const { return D2{static_cast<double>(f.loss(i)), 0.0}; }
};

// 'none' writes each element's loss; 'mean'/'sum' sum them (float losses, double sum).
template <typename F>
void elementwise_loss(const OpCall& call, int mode, F f) {
  DeviceContext& ctx = context_of(call);
  const int64_t n = call.in(0).numel();
  float* out = call.out(0).data<float>();
  if (mode == kNone) {
    if (n == 0) return;
    loss_none_kernel<<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, f, out);
    NS_LAUNCH_CHECK();
    return;
  }
  deterministic_sum(ctx, n, AsPair<F>{f}, WriteLoss{out, mode, static_cast<double>(n), false});
}

// The upstream gradient of element i, times w[i] when weighted.
struct ElementScale {
  const float* g;
  const float* w;
  int mode;
  double n;
  __device__ float at(int64_t i) const {
    float s = grad_at(g, mode, n, i);
    return w ? s * w[i] : s;
  }
};

ElementScale element_scale(const OpCall& call, int mode, const float* w) {
  return ElementScale{call.in(0).data<float>(), w, mode, static_cast<double>(call.in(1).numel())};
}

template <typename F>
__global__ void backward_kernel(int64_t n, F f) {
  NS_GRID_LOOP(i, n) f(i);
}

template <typename F>
void elementwise_backward(const OpCall& call, F f) {
  const int64_t n = call.out(0).numel();
  if (n == 0) return;
  backward_kernel<<<blocks_for(n), kThreads, 0, context_of(call).stream>>>(n, f);
  NS_LAUNCH_CHECK();
}

struct MseLossF {
  const float* x;
  const float* y;
  __device__ float loss(int64_t i) const {
    const float d = x[i] - y[i];
    return d * d;
  }
};

struct L1LossF {
  const float* x;
  const float* y;
  __device__ float loss(int64_t i) const { return fabsf(x[i] - y[i]); }
};

// log is clamped at −100 so that x = 0 or 1 gives a finite loss, as in PyTorch.
struct BceLossF {
  const float* x;
  const float* y;
  const float* w;
  __device__ float loss(int64_t i) const {
    const float xi = x[i], yi = y[i];
    float l = (yi - 1.f) * fmaxf(log1pf(-xi), -100.f) - yi * fmaxf(logf(xi), -100.f);
    return w ? l * w[i] : l;
  }
};

struct BceLogitsLossF {
  const float* x;
  const float* y;
  const float* w;
  const float* pw;
  __device__ float loss(int64_t i) const {
    const float xi = x[i], yi = y[i];
    const float L = log1pf(expf(-fabsf(xi)));
    float ls = fminf(xi, 0.f) - L;  // log σ(x)
    if (pw) ls *= (pw[i] - 1.f) * yi + 1.f;
    const float l = (1.f - yi) * xi - ls;
    return w ? l * w[i] : l;
  }
};

struct MseBackwardF {
  ElementScale sc;
  const float* x;
  const float* y;
  float* o;
  __device__ void operator()(int64_t i) const { o[i] = 2.f * (x[i] - y[i]) * sc.at(i); }
};

struct L1BackwardF {
  ElementScale sc;
  const float* x;
  const float* y;
  float* o;
  __device__ void operator()(int64_t i) const {
    const float d = x[i] - y[i];
    o[i] = static_cast<float>((d > 0) - (d < 0)) * sc.at(i);  // sign(0) = 0, as PyTorch
  }
};

struct BceBackwardF {
  ElementScale sc;
  const float* x;
  const float* y;
  float* gx;
  float* gy;
  __device__ void operator()(int64_t i) const {
    const float s = sc.at(i), xi = x[i];
    gx[i] = s * (xi - y[i]) / fmaxf((1.f - xi) * xi, 1e-12f);
    if (gy) gy[i] = -s * logf(xi / (1.f - xi));
  }
};

struct BceLogitsBackwardF {
  ElementScale sc;
  const float* x;
  const float* y;
  const float* pw;
  float* gx;
  float* gy;
  __device__ void operator()(int64_t i) const {
    const float s = sc.at(i), xi = x[i], yi = y[i];
    const float e = expf(-fabsf(xi));
    const float r = 1.f / (1.f + e);
    const float sig = xi < 0.f ? e * r : r;
    if (pw) {
      const float t = pw[i] * yi;
      gx[i] = s * ((t + 1.f - yi) * sig - t);
    } else {
      gx[i] = s * (sig - yi);
    }
    if (!gy) return;
    if (!pw) {
      gy[i] = -s * xi;
      return;
    }
    const float L = log1pf(e);
    gy[i] = s * ((fminf(-xi, 0.f) - L) - pw[i] * (fminf(xi, 0.f) - L));  // log σ(−x) − pw·log σ(x)
  }
};

__global__ void probability_check_kernel(int64_t n, const float* __restrict__ x, ErrorSlot* slot) {
  NS_GRID_LOOP(i, n) {
    if (!(x[i] >= 0.f && x[i] <= 1.f)) report_position(slot, i);
  }
}

const float* optional(const core::TensorRef& t) { return t.numel() ? t.data<float>() : nullptr; }
float* optional_out(const core::TensorRef& t) { return t.numel() ? t.data<float>() : nullptr; }

}  // namespace

void mseLoss(OpCall& call) {
  const int mode = reduction_of(core::MseLossAttrs::decode(call.reader()).reduction);
  elementwise_loss(call, mode, MseLossF{call.in(0).data<float>(), call.in(1).data<float>()});
}

void mseLossBackward(OpCall& call) {
  const int mode = reduction_of(core::MseLossBackwardAttrs::decode(call.reader()).reduction);
  elementwise_backward(call, MseBackwardF{element_scale(call, mode, nullptr), call.in(1).data<float>(), call.in(2).data<float>(),
                                          call.out(0).data<float>()});
}

void l1Loss(OpCall& call) {
  const int mode = reduction_of(core::L1LossAttrs::decode(call.reader()).reduction);
  elementwise_loss(call, mode, L1LossF{call.in(0).data<float>(), call.in(1).data<float>()});
}

void l1LossBackward(OpCall& call) {
  const int mode = reduction_of(core::L1LossBackwardAttrs::decode(call.reader()).reduction);
  elementwise_backward(call, L1BackwardF{element_scale(call, mode, nullptr), call.in(1).data<float>(), call.in(2).data<float>(),
                                         call.out(0).data<float>()});
}

// inputs: input (probabilities), target, weight (empty or the input's shape).
void binaryCrossEntropy(OpCall& call) {
  const int mode = reduction_of(core::BinaryCrossEntropyAttrs::decode(call.reader()).reduction);
  DeviceContext& ctx = context_of(call);
  const float* x = call.in(0).data<float>();
  const int64_t n = call.in(0).numel();
  ErrorReporter errors(ctx, call);
  if (n > 0) {
    probability_check_kernel<<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, x, errors.slot());
    NS_LAUNCH_CHECK();
  }
  elementwise_loss(call, mode, BceLossF{x, call.in(1).data<float>(), optional(call.in(2))});
  errors.finish(x, [](int64_t i, long long, double v) {
    return "input[" + std::to_string(i) + "] = " + std::to_string(static_cast<float>(v)) +
           " is not a probability (all elements of input should be between 0 and 1)";
  });
}

// inputs: grad, input, target, weight → grad of input, grad of target (−logit(x), unclamped;
// empty when not wanted).
void binaryCrossEntropyBackward(OpCall& call) {
  const int mode = reduction_of(core::BinaryCrossEntropyBackwardAttrs::decode(call.reader()).reduction);
  elementwise_backward(call, BceBackwardF{element_scale(call, mode, optional(call.in(3))), call.in(1).data<float>(), call.in(2).data<float>(),
                                          call.out(0).data<float>(), optional_out(call.out(1))});
}

// inputs: input (logits), target, weight, posWeight (each of the last two empty or the input's shape).
void binaryCrossEntropyWithLogits(OpCall& call) {
  const int mode = reduction_of(core::BinaryCrossEntropyWithLogitsAttrs::decode(call.reader()).reduction);
  elementwise_loss(call, mode, BceLogitsLossF{call.in(0).data<float>(), call.in(1).data<float>(), optional(call.in(2)), optional(call.in(3))});
}

// inputs: grad, input, target, weight, posWeight → grad of input, grad of target (empty when not
// wanted).
void binaryCrossEntropyWithLogitsBackward(OpCall& call) {
  const int mode = reduction_of(core::BinaryCrossEntropyWithLogitsBackwardAttrs::decode(call.reader()).reduction);
  elementwise_backward(call, BceLogitsBackwardF{element_scale(call, mode, optional(call.in(3))), call.in(1).data<float>(), call.in(2).data<float>(),
                                                optional(call.in(4)), call.out(0).data<float>(), optional_out(call.out(1))});
}

}  // namespace nutshell::cuda
