// softmax and logSoftmax over one dim, forward and backward.
//
// Note [softmax layouts]: the tensor is seen as [outer, size, inner]. When the dim is the last one
// (inner = 1) oneDNN's (log)softmax primitives run it (jit, cached by dims), except logSoftmax's
// forward, a row loop of our own for its accuracy (row_log_softmax). When
// it is not, oneDNN 2.6 falls back to its reference implementation (`ref:any`, measured 50×
// slower than PyTorch on [32,64,32,32] over dim 1), so a loop does it instead: blocks of 64
// adjacent inner positions advance together through the classes, so every access is contiguous
// and the exp runs four lanes at a time (cpu/vmath.h).
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "onednn.h"
#include "vmath.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;

struct Layout {
  int64_t outer = 1, size = 1, inner = 1;
};

Layout softmax_layout(const core::Shape& shape, int64_t dim) {
  const int rank = static_cast<int>(shape.size());
  Layout l;
  if (rank == 0) return l;
  const int64_t d = dim < 0 ? dim + rank : dim;
  NS_CHECK(d >= 0 && d < rank, shape, "dim " + std::to_string(dim) + " is out of range for rank " + std::to_string(rank));
  for (int k = 0; k < rank; ++k) (k < d ? l.outer : k > d ? l.inner : l.size) *= shape[k];
  return l;
}

// ---- oneDNN, dim last ----

template <typename Fwd>
struct Forward {
  typename Fwd::primitive_desc pd;
  Fwd prim;
};

template <typename Bwd>
struct Backward {
  typename Bwd::primitive_desc pd;
  Bwd prim;
};

template <typename Fwd>
typename Fwd::primitive_desc forward_pd(const onednn::dims& dims) {
  typename Fwd::desc d(dnnl::prop_kind::forward_training, onednn::plain_desc(dims, onednn::dt::f32), 1);
  return typename Fwd::primitive_desc(d, onednn::engine());
}

template <typename Fwd>
void onednn_forward(const OpCall& call, const Layout& l, const char* name) {
  const onednn::dims dims{l.outer, l.size};
  auto entry = onednn::cached<Forward<Fwd>>(std::string(name) + ":" + onednn::key_of(dims), [&] {
    auto pd = forward_pd<Fwd>(dims);
    return std::make_shared<Forward<Fwd>>(Forward<Fwd>{pd, Fwd(pd)});
  });
  auto src = onednn::wrap(call.in(0), dims);
  auto dst = onednn::wrap(call.out(0), dims);
  entry->prim.execute(onednn::stream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  onednn::stream().wait();
}

// inputs: grad (of the output), output; result: grad of the input.
template <typename Fwd, typename Bwd>
void onednn_backward(const OpCall& call, const Layout& l, const char* name) {
  const onednn::dims dims{l.outer, l.size};
  auto entry = onednn::cached<Backward<Bwd>>(std::string(name) + ":" + onednn::key_of(dims), [&] {
    auto md = onednn::plain_desc(dims, onednn::dt::f32);
    typename Bwd::desc d(md, md, 1);
    typename Bwd::primitive_desc pd(d, onednn::engine(), forward_pd<Fwd>(dims));
    return std::make_shared<Backward<Bwd>>(Backward<Bwd>{pd, Bwd(pd)});
  });
  auto diff_dst = onednn::wrap(call.in(0), dims);
  auto dst = onednn::wrap(call.in(1), dims);
  auto diff_src = onednn::wrap(call.out(0), dims);
  entry->prim.execute(onednn::stream(), {{DNNL_ARG_DST, dst}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, diff_src}});
  onednn::stream().wait();
}

// ---- loops, dim not last ----

constexpr int64_t kBlock = 64;

// Calls body(base, len) for every block of up to kBlock inner positions, base being the offset
// of class 0 of the block's first position; blocks run in parallel.
template <typename Body>
void for_blocks(const Layout& l, Body body) {
  const int64_t blocks = (l.inner + kBlock - 1) / kBlock;
  const int64_t total = l.outer * l.size * l.inner;
  NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t ob = 0; ob < l.outer * blocks; ++ob) {
      const int64_t o = ob / blocks, i0 = (ob % blocks) * kBlock;
      body(o * l.size * l.inner + i0, std::min(kBlock, l.inner - i0));
    }
  );
}

void loop_softmax(const float* x, float* y, const Layout& l, bool log) {
  for_blocks(l, [&](int64_t base, int64_t len) {
    alignas(16) float m[kBlock], s[kBlock];
    const float* xb = x + base;
    float* yb = y + base;
    vmath::strided_max_exp_sum(xb, l.size, l.inner, len, m, s, log ? nullptr : yb);
    if (log) {
      vmath::log(s, s, len);  // log Σ exp(x − m)
      for (int64_t c = 0; c < l.size; ++c) {
        for (int64_t j = 0; j < len; ++j) yb[c * l.inner + j] = (xb[c * l.inner + j] - m[j]) - s[j];
      }
    } else {
      for (int64_t j = 0; j < len; ++j) s[j] = 1.f / s[j];
      for (int64_t c = 0; c < l.size; ++c) {
        for (int64_t j = 0; j < len; ++j) yb[c * l.inner + j] *= s[j];
      }
    }
  });
}

// logSoftmax over contiguous rows: (x − m) − log Σ exp(x − m), m the row's max (subtracted
// first, as PyTorch does: x − (m + log Σ) rounds the sum to m's precision), through vmath
// (oneDNN 2.x's logsoftmax goes through its inexact log: logSoftmax([20, 0])[0] came out
// +1.4e-6, a positive log-probability).
void row_log_softmax(const float* x, float* y, const Layout& l) {
  const int64_t rows = l.outer, n = l.size;
  NS_PARALLEL_IF(rows * n >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t r = 0; r < rows; ++r) {
      const float* xr = x + r * n;
      float* yr = y + r * n;
      const float m = vmath::max(xr, n);
      const float log_sum = vmath::log(static_cast<float>(vmath::exp_sum(xr, m, nullptr, n)));
      for (int64_t j = 0; j < n; ++j) yr[j] = (xr[j] - m) - log_sum;
    }
  );
}

// softmax: dx = y ⊙ (g − Σ g⊙y);  logSoftmax: dx = g − exp(y) ⊙ Σ g.
void loop_backward(const float* g, const float* y, float* dx, const Layout& l, bool log) {
  for_blocks(l, [&](int64_t base, int64_t len) {
    alignas(16) float acc[kBlock], buf[kBlock];
    for (int64_t j = 0; j < len; ++j) acc[j] = 0.f;
    for (int64_t c = 0; c < l.size; ++c) {
      const int64_t k = base + c * l.inner;
      if (log) for (int64_t j = 0; j < len; ++j) acc[j] += g[k + j];
      else for (int64_t j = 0; j < len; ++j) acc[j] += g[k + j] * y[k + j];
    }
    for (int64_t c = 0; c < l.size; ++c) {
      const int64_t k = base + c * l.inner;
      if (log) {
        vmath::exp(y + k, buf, len);
        for (int64_t j = 0; j < len; ++j) dx[k + j] = g[k + j] - buf[j] * acc[j];
      } else {
        for (int64_t j = 0; j < len; ++j) dx[k + j] = y[k + j] * (g[k + j] - acc[j]);
      }
    }
  });
}

// Up to this many elements our loops beat a oneDNN call, whose cache lookup, argument map and
// stream cost microseconds before any work (softmax of a [1, 2] policy head: 6.3 µs against
// logSoftmax's 1.9, in a user trial's RL loop).
constexpr int64_t kSmallOnednn = 1024;

template <typename Fwd>
void forward(const OpCall& call, int64_t dim, const char* name, bool log) {
  if (call.in(0).numel() == 0) return;
  const Layout l = softmax_layout(call.in(0).shape, dim);
  if (l.inner == 1 && log) row_log_softmax(call.in(0).data<float>(), call.out(0).data<float>(), l);
  else if (l.inner == 1 && call.in(0).numel() > kSmallOnednn) onednn_forward<Fwd>(call, l, name);
  else loop_softmax(call.in(0).data<float>(), call.out(0).data<float>(), l, log);
}

template <typename Fwd, typename Bwd>
void backward(const OpCall& call, int64_t dim, const char* name, bool log) {
  if (call.in(0).numel() == 0) return;
  const Layout l = softmax_layout(call.in(0).shape, dim);
  if (l.inner == 1 && call.in(0).numel() > kSmallOnednn) onednn_backward<Fwd, Bwd>(call, l, name);
  else loop_backward(call.in(0).data<float>(), call.in(1).data<float>(), call.out(0).data<float>(), l, log);
}

}  // namespace

void softmax(OpCall& call) {
  forward<dnnl::softmax_forward>(call, core::SoftmaxAttrs::decode(call.reader()).dim, "softmax", false);
}

void softmaxBackward(OpCall& call) {
  backward<dnnl::softmax_forward, dnnl::softmax_backward>(call, core::SoftmaxBackwardAttrs::decode(call.reader()).dim, "softmaxBackward", false);
}

void logSoftmax(OpCall& call) {
  forward<dnnl::logsoftmax_forward>(call, core::LogSoftmaxAttrs::decode(call.reader()).dim, "logSoftmax", true);
}

void logSoftmaxBackward(OpCall& call) {
  backward<dnnl::logsoftmax_forward, dnnl::logsoftmax_backward>(call, core::LogSoftmaxBackwardAttrs::decode(call.reader()).dim,
                                                                "logSoftmaxBackward", true);
}

}  // namespace nutshell::cpu
