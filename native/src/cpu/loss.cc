// Loss functions, forward and backward, as fused loops (oneDNN has no losses): one pass over the
// inputs instead of a chain of elementwise ops and reductions. PyTorch's formulas, step for step
// (aten/src/ATen/native/Loss.cpp, LossNLL.cpp).
//
// Note [class layout]: inputs with classes are [N, C, d1..] (or [C] without a batch): position
// p = n·I + i (I = d1·d2·…) reads class c at (n·C + c)·I + i, so for [N, C] rows are contiguous
// and for [N, C, H, W] the class is strided by I. Class-index targets are checked in the kernel
// (their values live on the device): one out of range is refused with a ValueError naming the op
// — synchronously when the op runs inline, at the next read otherwise.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "vmath.h"

namespace nutshell::cpu {

namespace {

using core::DType;
using core::OpCall;

enum class Reduction { none = 0, mean = 1, sum = 2 };  // the order of the TS enum ['none', 'mean', 'sum']

template <typename E>
Reduction reduction_of(E e) {
  return static_cast<Reduction>(static_cast<int>(e));
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

// Parallel loops find the first bad position with reduction(min : first_bad), starting at P
// (exceptions cannot leave an OpenMP region), and throw after it.
void throw_bad_target(int64_t first_bad, int64_t P, const int64_t* target, int64_t C, int64_t ignore) {
  if (first_bad >= P) return;
  NS_THROW(value, "target " + std::to_string(target[first_bad]) + " at position " + std::to_string(first_bad) + " is out of range for " +
                      std::to_string(C) + " classes (expected 0 to " + std::to_string(C - 1) + ", or ignoreIndex " + std::to_string(ignore) + ")");
}

// The upstream gradient of position p's loss: g[p] (reduction none), g (sum), g / divisor (mean).
struct GradScale {
  const float* g;
  bool per_position;
  float scalar;
  GradScale(const float* grad, Reduction r, double divisor)
      : g(grad), per_position(r == Reduction::none), scalar(r == Reduction::none ? 0.f : r == Reduction::mean ? static_cast<float>(grad[0] / divisor) : grad[0]) {}
  float at(int64_t p) const { return per_position ? g[p] : scalar; }
  // sc[j] = scale of elements i0 + j (times w, when given), for len elements: a buffer that the
  // elementwise backward loops read, so that they vectorise (no per-element test).
  void fill(float* sc, int64_t i0, int64_t len, const float* w) const {
    if (per_position) {
      for (int64_t j = 0; j < len; ++j) sc[j] = g[i0 + j];
    } else {
      for (int64_t j = 0; j < len; ++j) sc[j] = scalar;
    }
    if (w) {
      for (int64_t j = 0; j < len; ++j) sc[j] *= w[i0 + j];
    }
  }
};

// Note [fused cross entropy]: per position, log Σ exp over the classes (shifted by their max)
// gives −log p_c = lse − x_c directly; backward writes exp(x_c − max) into the gradient and
// scales it in place, so each pass reads the logits at most twice. Rows ([N, C]) run along memory
// with vector exp/max (cpu/vmath.h); strided classes ([N, C, d…]) run blocks of 64 adjacent
// positions side by side, so their inner loops are contiguous too.
constexpr int64_t kBlock = 64;

// The max and Σ exp(x − max) of C classes at stride st; with e set, the exps are written there.
struct MaxSum {
  float max;
  double sum;
};
inline MaxSum class_max_sum(const float* x, int64_t C, int64_t st, float* e) {
  if (st == 1) {
    const float m = vmath::max(x, C);
    return {m, vmath::exp_sum(x, m, e, C)};
  }
  float m = -std::numeric_limits<float>::infinity();
  bool nan = false;
  for (int64_t c = 0; c < C; ++c) {
    nan |= x[c * st] != x[c * st];
    m = x[c * st] > m ? x[c * st] : m;
  }
  if (nan) m = std::numeric_limits<float>::quiet_NaN();
  double s = 0;
  for (int64_t c = 0; c < C; ++c) {
    const float v = vmath::exp(x[c * st] - m);
    if (e) e[c * st] = v;
    s += v;
  }
  return {m, s};
}

void write_reduced(const OpCall& call, Reduction r, double total, double divisor) {
  if (r == Reduction::none) return;
  call.out(0).data<float>()[0] = static_cast<float>(r == Reduction::mean ? total / divisor : total);
}

// ---- crossEntropy ----

struct CrossEntropyArgs {
  ClassLayout L;
  const float* x;
  const float* w;  // null: unweighted
  double wsum;     // Σ_c w_c (C when unweighted)
  int64_t ignore;
  double eps;      // label smoothing
  Reduction r;
  double keep() const { return 1.0 - eps; }
  double spread() const { return eps / static_cast<double>(L.C); }
  double weight(int64_t c) const { return w ? w[c] : 1.0; }
};

CrossEntropyArgs cross_entropy_args(const OpCall& call, int64_t ignore, double eps, Reduction r, int x_index) {
  CrossEntropyArgs a;
  a.L = class_layout(call.in(x_index).shape);
  a.x = call.in(x_index).data<float>();
  const auto& w = call.in(x_index + 2);
  a.w = w.numel() ? w.data<float>() : nullptr;
  a.wsum = static_cast<double>(a.L.C);
  if (a.w) {
    a.wsum = 0;
    for (int64_t c = 0; c < a.L.C; ++c) a.wsum += a.w[c];
  }
  a.ignore = ignore;
  a.eps = eps;
  a.r = r;
  return a;
}

// Σ_c w_c x_c over contiguous classes.
inline double weighted_row_sum(const float* x, const float* w, int64_t C) {
  double s = 0;
  if (w) {
#pragma omp simd reduction(+ : s)
    for (int64_t c = 0; c < C; ++c) s += static_cast<double>(w[c]) * x[c];
  } else {
#pragma omp simd reduction(+ : s)
    for (int64_t c = 0; c < C; ++c) s += x[c];
  }
  return s;
}

// loss = (1−ε)·w_t·(lse − x_t) + ε/C·(lse·Σw − Σ_c w_c x_c)
inline double index_loss(const CrossEntropyArgs& a, double lse, double wt, float xt, double wx) {
  double l = a.keep() * wt * (lse - xt);
  if (a.eps > 0) l += a.spread() * (lse * a.wsum - wx);
  return l;
}

void cross_entropy_index(const OpCall& call, const CrossEntropyArgs& a) {
  const int64_t N = a.L.N, C = a.L.C, I = a.L.I, P = a.L.positions();
  const int64_t* t = call.in(1).data<int64_t>();
  float* out = call.out(0).data<float>();
  const bool none = a.r == Reduction::none;
  int64_t first_bad = P;
  double total = 0, wtotal = 0;
  if (I == 1) {
    NS_PARALLEL_IF(P * C >= kParallelGrain, "omp parallel for reduction(+ : total, wtotal) reduction(min : first_bad) schedule(static)",
      for (int64_t p = 0; p < P; ++p) {
        const int64_t tp = t[p];
        float loss = 0;
        if (tp != a.ignore) {
          if (tp < 0 || tp >= C) {
            first_bad = std::min(first_bad, p);
          } else {
            const float* x = a.x + p * C;
            const MaxSum ms = class_max_sum(x, C, 1, nullptr);
            const double wt = a.weight(tp);
            const double l = index_loss(a, ms.max + std::log(ms.sum), wt, x[tp], a.eps > 0 ? weighted_row_sum(x, a.w, C) : 0.0);
            loss = static_cast<float>(l);
            total += l;
            wtotal += wt;
          }
        }
        if (none) out[p] = loss;
      }
    );
  } else {
    const int64_t blocks = (I + kBlock - 1) / kBlock;
    NS_PARALLEL_IF(P * C >= kParallelGrain, "omp parallel for reduction(+ : total, wtotal) reduction(min : first_bad) schedule(static)",
      for (int64_t nb = 0; nb < N * blocks; ++nb) {
        const int64_t n = nb / blocks, i0 = (nb % blocks) * kBlock, len = std::min(kBlock, I - i0);
        const float* x = a.x + n * C * I + i0;
        alignas(16) float m[kBlock], s[kBlock];
        double wx[kBlock] = {};
        vmath::strided_max_exp_sum(x, C, I, len, m, s, nullptr);
        vmath::log(s, s, len);
        if (a.eps > 0) {
          for (int64_t c = 0; c < C; ++c) {
            const double wc = a.weight(c);
            for (int64_t j = 0; j < len; ++j) wx[j] += wc * x[c * I + j];
          }
        }
        for (int64_t j = 0; j < len; ++j) {
          const int64_t p = n * I + i0 + j, tp = t[p];
          float loss = 0;
          if (tp != a.ignore) {
            if (tp < 0 || tp >= C) {
              first_bad = std::min(first_bad, p);
            } else {
              const double wt = a.weight(tp);
              const double l = index_loss(a, static_cast<double>(m[j]) + s[j], wt, x[tp * I + j], wx[j]);
              loss = static_cast<float>(l);
              total += l;
              wtotal += wt;
            }
          }
          if (none) out[p] = loss;
        }
      }
    );
  }
  throw_bad_target(first_bad, P, t, C, a.ignore);
  write_reduced(call, a.r, total, wtotal);
}

// Class probabilities q: loss = Σ_c w_c q'_c (lse − x_c), q' = (1−ε)·q + ε/C.
void cross_entropy_probs(const OpCall& call, const CrossEntropyArgs& a) {
  const int64_t C = a.L.C, I = a.L.I, P = a.L.positions();
  const float* q = call.in(1).data<float>();
  float* out = call.out(0).data<float>();
  const bool none = a.r == Reduction::none;
  double total = 0;
  NS_PARALLEL_IF(P * C >= kParallelGrain, "omp parallel for reduction(+ : total) schedule(static)",
    for (int64_t p = 0; p < P; ++p) {
      const int64_t off = (p / I) * C * I + p % I;
      const float* x = a.x + off;
      const float* qp = q + off;
      const MaxSum ms = class_max_sum(x, C, I, nullptr);
      const double lse = ms.max + std::log(ms.sum);
      double l = 0;
      for (int64_t c = 0; c < C; ++c) l += a.weight(c) * (qp[c * I] * a.keep() + a.spread()) * (lse - x[c * I]);
      total += l;
      if (none) out[p] = static_cast<float>(l);
    }
  );
  write_reduced(call, a.r, total, static_cast<double>(P));
}

// Σ of the weights of the targets that count (the divisor of a 'mean' over class indices).
double target_weight(const int64_t* t, int64_t P, const float* w, int64_t C, int64_t ignore) {
  double W = 0;
  for (int64_t p = 0; p < P; ++p) {
    if (t[p] == ignore || t[p] < 0 || t[p] >= C) continue;
    W += w ? w[t[p]] : 1.0;
  }
  return W;
}

// d loss / dx_c = g·(p_c·((1−ε)·w_t + ε/C·Σw) − ε/C·w_c − [c = t]·(1−ε)·w_t), p = softmax(x).
void cross_entropy_index_backward(const OpCall& call, const CrossEntropyArgs& a) {
  const int64_t N = a.L.N, C = a.L.C, I = a.L.I, P = a.L.positions();
  const int64_t* t = call.in(2).data<int64_t>();
  float* gx = call.out(0).data<float>();
  const GradScale gs{call.in(0).data<float>(), a.r, a.r == Reduction::mean ? target_weight(t, P, a.w, C, a.ignore) : 1.0};
  int64_t first_bad = P;
  if (I == 1) {
    NS_PARALLEL_IF(P * C >= kParallelGrain, "omp parallel for reduction(min : first_bad) schedule(static)",
      for (int64_t p = 0; p < P; ++p) {
        const int64_t tp = t[p];
        float* o = gx + p * C;
        if (tp == a.ignore || tp < 0 || tp >= C) {
          if (tp != a.ignore) first_bad = std::min(first_bad, p);
          std::memset(o, 0, sizeof(float) * static_cast<size_t>(C));
          continue;
        }
        const double g = gs.at(p), wt = a.weight(tp);
        const MaxSum ms = class_max_sum(a.x + p * C, C, 1, o);
        const float A = static_cast<float>(g / ms.sum * (a.keep() * wt + a.spread() * a.wsum));
        if (a.eps > 0) {
          const float B = static_cast<float>(g * a.spread());
          if (a.w) for (int64_t c = 0; c < C; ++c) o[c] = A * o[c] - B * a.w[c];
          else for (int64_t c = 0; c < C; ++c) o[c] = A * o[c] - B;
        } else {
          for (int64_t c = 0; c < C; ++c) o[c] *= A;
        }
        o[tp] -= static_cast<float>(g * a.keep() * wt);
      }
    );
  } else {
    const int64_t blocks = (I + kBlock - 1) / kBlock;
    NS_PARALLEL_IF(P * C >= kParallelGrain, "omp parallel for reduction(min : first_bad) schedule(static)",
      for (int64_t nb = 0; nb < N * blocks; ++nb) {
        const int64_t n = nb / blocks, i0 = (nb % blocks) * kBlock, len = std::min(kBlock, I - i0);
        const int64_t base = n * C * I + i0;
        float* o = gx + base;
        alignas(16) float m[kBlock], s[kBlock], A[kBlock], B[kBlock], T[kBlock];
        int64_t tj[kBlock];
        vmath::strided_max_exp_sum(a.x + base, C, I, len, m, s, o);
        for (int64_t j = 0; j < len; ++j) {
          const int64_t p = n * I + i0 + j, tp = t[p];
          tj[j] = -1;
          A[j] = B[j] = T[j] = 0.f;
          if (tp == a.ignore) continue;
          if (tp < 0 || tp >= C) {
            first_bad = std::min(first_bad, p);
            continue;
          }
          const double g = gs.at(p), wt = a.weight(tp);
          tj[j] = tp;
          A[j] = static_cast<float>(g / s[j] * (a.keep() * wt + a.spread() * a.wsum));
          B[j] = static_cast<float>(g * a.spread());
          T[j] = static_cast<float>(g * a.keep() * wt);
        }
        for (int64_t c = 0; c < C; ++c) {
          const float wc = static_cast<float>(a.weight(c));
          float* oc = o + c * I;
          for (int64_t j = 0; j < len; ++j) oc[j] = A[j] * oc[j] - B[j] * wc;
        }
        for (int64_t j = 0; j < len; ++j) {
          if (tj[j] >= 0) o[tj[j] * I + j] -= T[j];
        }
      }
    );
  }
  throw_bad_target(first_bad, P, t, C, a.ignore);
}

// Class probabilities: d/dx_k = g·(p_k·Σ_c w_c q'_c − w_k q'_k), d/dq_k = g·(1−ε)·w_k·(lse − x_k).
void cross_entropy_probs_backward(const OpCall& call, const CrossEntropyArgs& a) {
  const int64_t C = a.L.C, I = a.L.I, P = a.L.positions();
  const float* q = call.in(2).data<float>();
  float* gx = call.out(0).data<float>();
  float* gq = call.out(1).numel() ? call.out(1).data<float>() : nullptr;  // empty: not wanted
  const GradScale gs{call.in(0).data<float>(), a.r, static_cast<double>(P)};
  NS_PARALLEL_IF(P * C >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t p = 0; p < P; ++p) {
      const int64_t off = (p / I) * C * I + p % I;
      const float* x = a.x + off;
      const float* qp = q + off;
      float* o = gx + off;
      const double g = gs.at(p);
      const MaxSum ms = class_max_sum(x, C, I, o);
      const double lse = ms.max + std::log(ms.sum), inv = 1.0 / ms.sum;
      double S = 0;
      for (int64_t c = 0; c < C; ++c) S += a.weight(c) * (qp[c * I] * a.keep() + a.spread());
      for (int64_t c = 0; c < C; ++c) {
        o[c * I] = static_cast<float>(g * (o[c * I] * inv * S - a.weight(c) * (qp[c * I] * a.keep() + a.spread())));
      }
      if (gq) {
        for (int64_t c = 0; c < C; ++c) gq[off + c * I] = static_cast<float>(g * a.keep() * a.weight(c) * (lse - x[c * I]));
      }
    }
  );
}

}  // namespace

void crossEntropy(OpCall& call) {
  auto attrs = core::CrossEntropyAttrs::decode(call.reader());
  auto a = cross_entropy_args(call, attrs.ignoreIndex, attrs.labelSmoothing, reduction_of(attrs.reduction), 0);
  if (call.in(1).dtype == DType::int64) cross_entropy_index(call, a);
  else cross_entropy_probs(call, a);
}

// inputs: grad, input, target, weight → grad of input, grad of target (class probabilities with
// targetGrad only; empty otherwise).
void crossEntropyBackward(OpCall& call) {
  auto attrs = core::CrossEntropyBackwardAttrs::decode(call.reader());
  auto a = cross_entropy_args(call, attrs.ignoreIndex, attrs.labelSmoothing, reduction_of(attrs.reduction), 1);
  if (call.in(2).dtype == DType::int64) cross_entropy_index_backward(call, a);
  else cross_entropy_probs_backward(call, a);
}

// ---- nllLoss: input holds log-probabilities ----

void nllLoss(OpCall& call) {
  auto attrs = core::NllLossAttrs::decode(call.reader());
  const Reduction r = reduction_of(attrs.reduction);
  const ClassLayout L = class_layout(call.in(0).shape);
  const float* x = call.in(0).data<float>();
  const int64_t* t = call.in(1).data<int64_t>();
  const float* w = call.in(2).numel() ? call.in(2).data<float>() : nullptr;
  float* out = call.out(0).data<float>();
  const int64_t P = L.positions(), C = L.C, I = L.I;
  int64_t first_bad = P;
  double total = 0, wtotal = 0;
  NS_PARALLEL_IF(P >= kParallelGrain, "omp parallel for reduction(+ : total, wtotal) reduction(min : first_bad) schedule(static)",
    for (int64_t p = 0; p < P; ++p) {
      const int64_t tp = t[p];
      float loss = 0;
      if (tp != attrs.ignoreIndex) {
        if (tp < 0 || tp >= C) {
          first_bad = std::min(first_bad, p);
        } else {
          const float wt = w ? w[tp] : 1.f;
          loss = -wt * x[((p / I) * C + tp) * I + p % I];
          total += loss;
          wtotal += wt;
        }
      }
      if (r == Reduction::none) out[p] = loss;
    }
  );
  throw_bad_target(first_bad, P, t, C, attrs.ignoreIndex);
  write_reduced(call, r, total, wtotal);
}

// inputs: grad, target, weight (attrs carry the input's shape) → grad of input.
void nllLossBackward(OpCall& call) {
  auto attrs = core::NllLossBackwardAttrs::decode(call.reader());
  const Reduction r = reduction_of(attrs.reduction);
  const auto& gx = call.out(0);
  const ClassLayout L = class_layout(gx.shape);
  const int64_t* t = call.in(1).data<int64_t>();
  const float* w = call.in(2).numel() ? call.in(2).data<float>() : nullptr;
  float* o = gx.data<float>();
  const int64_t P = L.positions(), C = L.C, I = L.I;
  std::memset(o, 0, sizeof(float) * static_cast<size_t>(gx.numel()));
  GradScale gs{call.in(0).data<float>(), r, r == Reduction::mean ? target_weight(t, P, w, C, attrs.ignoreIndex) : 1.0};
  int64_t first_bad = P;
  NS_PARALLEL_IF(P >= kParallelGrain, "omp parallel for reduction(min : first_bad) schedule(static)",
    for (int64_t p = 0; p < P; ++p) {
      const int64_t tp = t[p];
      if (tp == attrs.ignoreIndex) continue;
      if (tp < 0 || tp >= C) {
        first_bad = std::min(first_bad, p);
        continue;
      }
      o[((p / I) * C + tp) * I + p % I] = -(w ? w[tp] : 1.f) * gs.at(p);
    }
  );
  throw_bad_target(first_bad, P, t, C, attrs.ignoreIndex);
}

// ---- elementwise losses: input and target have one shape (the TS side broadcasts) ----

namespace {

constexpr int64_t kChunk = 256;

// Runs fill(i0, len, l), which writes the losses of elements [i0, i0 + len) to l, over chunks
// in parallel: into the output (reduction none) or a buffer that is summed (in double).
template <typename F>
void chunked_loss(const OpCall& call, Reduction r, F fill) {
  const int64_t n = call.in(0).numel();
  float* out = call.out(0).data<float>();
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  double total = 0;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for reduction(+ : total) schedule(static)",
    for (int64_t k = 0; k < chunks; ++k) {
      const int64_t i0 = k * kChunk, len = std::min(kChunk, n - i0);
      alignas(16) float buf[kChunk];
      float* l = r == Reduction::none ? out + i0 : buf;
      fill(i0, len, l);
      if (r != Reduction::none) total += vmath::sum(l, len);
    }
  );
  write_reduced(call, r, total, static_cast<double>(n));
}

// Runs body(i0, len) over chunks in parallel.
template <typename F>
void chunked(int64_t n, F body) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t k = 0; k < chunks; ++k) body(k * kChunk, std::min(kChunk, n - k * kChunk));
  );
}

GradScale elementwise_scale(const OpCall& call, Reduction r) {
  return GradScale{call.in(0).data<float>(), r, static_cast<double>(call.in(1).numel())};
}

}  // namespace

void mseLoss(OpCall& call) {
  const Reduction r = reduction_of(core::MseLossAttrs::decode(call.reader()).reduction);
  const float* x = call.in(0).data<float>();
  const float* y = call.in(1).data<float>();
  chunked_loss(call, r, [&](int64_t i0, int64_t len, float* l) {
    for (int64_t j = 0; j < len; ++j) {
      const float d = x[i0 + j] - y[i0 + j];
      l[j] = d * d;
    }
  });
}

// d(loss)/d(input) of a pointwise loss: the upstream scale (reduction-aware) times dloss(x, y).
// inputs: grad, input, target → grad of input (the target's is its negation).
template <typename DLoss>
void pointwise_loss_backward(OpCall& call, Reduction r, DLoss dloss) {
  const GradScale gs = elementwise_scale(call, r);
  const float* x = call.in(1).data<float>();
  const float* y = call.in(2).data<float>();
  float* o = call.out(0).data<float>();
  chunked(call.out(0).numel(), [&](int64_t i0, int64_t len) {
    alignas(16) float sc[kChunk];
    gs.fill(sc, i0, len, nullptr);
    const float* xs = x + i0;
    const float* ys = y + i0;
    float* os = o + i0;
    for (int64_t j = 0; j < len; ++j) os[j] = dloss(xs[j], ys[j]) * sc[j];
  });
}

void mseLossBackward(OpCall& call) {
  const Reduction r = reduction_of(core::MseLossBackwardAttrs::decode(call.reader()).reduction);
  pointwise_loss_backward(call, r, [](float x, float y) { return 2.f * (x - y); });
}

void l1Loss(OpCall& call) {
  const Reduction r = reduction_of(core::L1LossAttrs::decode(call.reader()).reduction);
  const float* x = call.in(0).data<float>();
  const float* y = call.in(1).data<float>();
  chunked_loss(call, r, [&](int64_t i0, int64_t len, float* l) {
    for (int64_t j = 0; j < len; ++j) l[j] = std::fabs(x[i0 + j] - y[i0 + j]);
  });
}

void l1LossBackward(OpCall& call) {
  const Reduction r = reduction_of(core::L1LossBackwardAttrs::decode(call.reader()).reduction);
  pointwise_loss_backward(call, r, [](float x, float y) {
    const float d = x - y;
    return static_cast<float>((d > 0) - (d < 0));  // sign(0) = 0, as PyTorch
  });
}

// inputs: input (probabilities), target, weight (empty or the input's shape).
void binaryCrossEntropy(OpCall& call) {
  const Reduction r = reduction_of(core::BinaryCrossEntropyAttrs::decode(call.reader()).reduction);
  const float* x = call.in(0).data<float>();
  const float* y = call.in(1).data<float>();
  const float* w = call.in(2).numel() ? call.in(2).data<float>() : nullptr;
  const int64_t n = call.in(0).numel();
  int64_t first_bad = n;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for reduction(min : first_bad) schedule(static)",
    for (int64_t i = 0; i < n; ++i) {
      if (!(x[i] >= 0.f && x[i] <= 1.f)) first_bad = std::min(first_bad, i);
    }
  );
  NS_CHECK(first_bad == n, value,
           "input[" + std::to_string(first_bad) + "] = " + std::to_string(first_bad < n ? x[first_bad] : 0.f) +
               " is not a probability (all elements of input should be between 0 and 1)");
  chunked_loss(call, r, [&](int64_t i0, int64_t len, float* l) {
    alignas(16) float lx[kChunk], l1x[kChunk];
    vmath::log(x + i0, lx, len);
    for (int64_t j = 0; j < len; ++j) l1x[j] = -x[i0 + j];
    vmath::log1p(l1x, l1x, len);
    // log is clamped at −100 so that x = 0 or 1 gives a finite loss, as in PyTorch.
    for (int64_t j = 0; j < len; ++j) {
      const float yj = y[i0 + j];
      l[j] = (yj - 1.f) * std::max(l1x[j], -100.f) - yj * std::max(lx[j], -100.f);
      if (w) l[j] *= w[i0 + j];
    }
  });
}

// inputs: grad, input, target, weight → grad of input, grad of target (−logit(x), unclamped;
// empty when not wanted).
void binaryCrossEntropyBackward(OpCall& call) {
  const Reduction r = reduction_of(core::BinaryCrossEntropyBackwardAttrs::decode(call.reader()).reduction);
  const GradScale gs = elementwise_scale(call, r);
  const float* x = call.in(1).data<float>();
  const float* y = call.in(2).data<float>();
  const float* w = call.in(3).numel() ? call.in(3).data<float>() : nullptr;
  float* gx = call.out(0).data<float>();
  float* gy = call.out(1).numel() ? call.out(1).data<float>() : nullptr;  // empty: not wanted
  constexpr float kEpsilon = 1e-12f;
  chunked(call.out(0).numel(), [&](int64_t i0, int64_t len) {
    alignas(16) float sc[kChunk], odds[kChunk];
    gs.fill(sc, i0, len, w);
    const float* xs = x + i0;
    const float* ys = y + i0;
    float* gxs = gx + i0;
    for (int64_t j = 0; j < len; ++j) gxs[j] = sc[j] * (xs[j] - ys[j]) / std::max((1.f - xs[j]) * xs[j], kEpsilon);
    if (!gy) return;
    for (int64_t j = 0; j < len; ++j) odds[j] = xs[j] / (1.f - xs[j]);
    vmath::log(odds, odds, len);
    float* gys = gy + i0;
    for (int64_t j = 0; j < len; ++j) gys[j] = -sc[j] * odds[j];
  });
}

namespace {

// L[j] = log1p(exp(−|x|)) and e[j] = exp(−|x|): log σ(x) = min(x, 0) − L, σ(x) from e, stably.
inline void softplus_parts(const float* x, int64_t len, float* e, float* L) {
  for (int64_t j = 0; j < len; ++j) e[j] = -std::fabs(x[j]);
  vmath::exp(e, e, len);
  vmath::log1p(e, L, len);
}

}  // namespace

// inputs: input (logits), target, weight, posWeight (each of the last two empty or the input's shape).
void binaryCrossEntropyWithLogits(OpCall& call) {
  const Reduction r = reduction_of(core::BinaryCrossEntropyWithLogitsAttrs::decode(call.reader()).reduction);
  const float* x = call.in(0).data<float>();
  const float* y = call.in(1).data<float>();
  const float* w = call.in(2).numel() ? call.in(2).data<float>() : nullptr;
  const float* pw = call.in(3).numel() ? call.in(3).data<float>() : nullptr;
  chunked_loss(call, r, [&](int64_t i0, int64_t len, float* l) {
    alignas(16) float e[kChunk], L[kChunk];
    softplus_parts(x + i0, len, e, L);
    for (int64_t j = 0; j < len; ++j) {
      const int64_t i = i0 + j;
      float ls = std::min(x[i], 0.f) - L[j];  // log σ(x)
      if (pw) ls *= (pw[i] - 1.f) * y[i] + 1.f;
      l[j] = (1.f - y[i]) * x[i] - ls;
      if (w) l[j] *= w[i];
    }
  });
}

// inputs: grad, input, target, weight, posWeight → grad of input, grad of target (empty when not
// wanted).
void binaryCrossEntropyWithLogitsBackward(OpCall& call) {
  const Reduction r = reduction_of(core::BinaryCrossEntropyWithLogitsBackwardAttrs::decode(call.reader()).reduction);
  const GradScale gs = elementwise_scale(call, r);
  const float* x = call.in(1).data<float>();
  const float* y = call.in(2).data<float>();
  const float* w = call.in(3).numel() ? call.in(3).data<float>() : nullptr;
  const float* pw = call.in(4).numel() ? call.in(4).data<float>() : nullptr;
  float* gx = call.out(0).data<float>();
  float* gy = call.out(1).numel() ? call.out(1).data<float>() : nullptr;  // empty: not wanted
  chunked(call.out(0).numel(), [&](int64_t i0, int64_t len) {
    alignas(16) float sc[kChunk], sig[kChunk];
    gs.fill(sc, i0, len, w);
    const float* xs = x + i0;
    const float* ys = y + i0;
    const float* pws = pw ? pw + i0 : nullptr;
    float* gxs = gx + i0;
    vmath::sigmoid(xs, sig, len);
    if (pws) {
      for (int64_t j = 0; j < len; ++j) {
        const float t = pws[j] * ys[j];
        gxs[j] = sc[j] * ((t + 1.f - ys[j]) * sig[j] - t);
      }
    } else {
      for (int64_t j = 0; j < len; ++j) gxs[j] = sc[j] * (sig[j] - ys[j]);
    }
    if (!gy) return;
    float* gys = gy + i0;
    if (!pws) {
      for (int64_t j = 0; j < len; ++j) gys[j] = -sc[j] * xs[j];
      return;
    }
    alignas(16) float e[kChunk], L[kChunk];
    softplus_parts(xs, len, e, L);
    // log σ(−x) − pw·log σ(x)
    for (int64_t j = 0; j < len; ++j) gys[j] = sc[j] * ((std::min(-xs[j], 0.f) - L[j]) - pws[j] * (std::min(xs[j], 0.f) - L[j]));
  });
}

}  // namespace nutshell::cpu
