// Batch normalisation (our kernels: Note [batch norm kernels]) and layer normalisation through
// oneDNN (layer_normalization, forward and backward). oneDNN 2.6 has separate use_scale /
// use_shift flags (use_scaleshift, one packed [2, C] tensor, is the older spelling): both are
// always set, with ones / zeros standing in for an absent weight / bias, so one primitive serves
// every combination and backward always yields both parameter gradients. Layer norm runs on our
// buffers as they are.
#include <oneapi/dnnl/dnnl_debug.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "onednn.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::TensorRef;
using flags = dnnl::normalization_flags;
namespace dn = onednn;

[[noreturn]] void fail(const std::string& what, const core::Shape& shape, const dnnl::error& e) {
  NS_THROW(backend, "oneDNN " + what + " (input " + core::shape_str(shape) + "): " + e.what() + " [" + dnnl_status2str(e.status) + "]");
}

void run(dnnl::primitive& prim, const std::unordered_map<int, dnnl::memory>& args, const std::string& what, const core::Shape& shape) {
  try {
    prim.execute(dn::stream(), args);
    dn::stream().wait();
  } catch (const dnnl::error& e) {
    fail(what + " failed", shape, e);
  }
}

// A vector of n copies of `value`, living in `scratch`.
dnnl::memory filled(int64_t n, float value, std::vector<float>& scratch) {
  scratch.assign(static_cast<size_t>(n), value);
  return dnnl::memory(dn::plain_desc({n}, dn::dt::f32), dn::engine(), scratch.data());
}

// A parameter vector of length n: the given tensor, or `absent` copies when it is [0].
dnnl::memory param(const TensorRef& t, int64_t n, float absent, std::vector<float>& scratch) {
  return t.numel() > 0 ? dn::wrap(t, {n}) : filled(n, absent, scratch);
}

void copy(const TensorRef& from, const TensorRef& to) {
  if (to.numel()) std::memcpy(to.raw(), from.raw(), static_cast<size_t>(to.numel()) * sizeof(float));
}

void fill(const TensorRef& t, float v) {
  float* p = t.data<float>();
  std::fill(p, p + t.numel(), v);
}

// ---- batch norm ----
//
// Note [batch norm kernels]: batch norm is ours, not oneDNN's. oneDNN runs our plain NCHW layout
// with a slow generic loop and its JIT kernels want channel-blocked layouts, so it cost two
// reorders around the kernel and still took 3-5x PyTorch's time (a user trial's ResNet spent a
// third of each step there); it also accumulates statistics in float, 4-10x less accurate than
// PyTorch on inputs with a large mean (a GAN trial). Here each channel is one task: its
// statistics are summed in double, two passes (mean, then squared deviations), and the output
// is one pass of y = x·scale + shift with scale = w/√(var + eps) and shift = b − mean·scale, as
// PyTorch's cpu kernel computes it. The input is seen as [N, C, S] (S = the spatial size; 1 for
// [N, C]).
struct ChannelLayout {
  int64_t n, c, s;
  // Calls f(begin) for each contiguous run of S elements of channel ch.
  template <typename F>
  void each_run(int64_t ch, F f) const {
    for (int64_t i = 0; i < n; ++i) f((i * c + ch) * s);
  }
};

ChannelLayout channel_layout(const core::Shape& shape) {
  int64_t s = 1;
  for (size_t d = 2; d < shape.size(); ++d) s *= shape[d];
  return {shape[0], shape[1], s};
}

// Mean and biased variance of one channel, in double.
void channel_stats(const ChannelLayout& L, const float* x, int64_t ch, double& mean, double& var) {
  double sum = 0;
  L.each_run(ch, [&](int64_t at) {
    double run = 0;
    for (int64_t k = 0; k < L.s; ++k) run += x[at + k];
    sum += run;
  });
  const double count = static_cast<double>(L.n * L.s);
  mean = sum / count;
  double sq = 0;
  L.each_run(ch, [&](int64_t at) {
    double run = 0;
    for (int64_t k = 0; k < L.s; ++k) {
      const double d = x[at + k] - mean;
      run += d * d;
    }
    sq += run;
  });
  var = sq / count;
}

// Threads over channels when there is enough work to share.
#define NS_PER_CHANNEL(total, ...) NS_PARALLEL_IF((total) >= kParallelGrain, "omp parallel for schedule(static)", __VA_ARGS__)

}  // namespace

void batchNorm(OpCall& call) {
  auto a = core::BatchNormAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& rm = call.in(1);
  const TensorRef& rv = call.in(2);
  const TensorRef& w = call.in(3);
  const TensorRef& b = call.in(4);
  NS_CHECK(x.rank() >= 2 && x.rank() <= 5, shape, "input expected 2 to 5 dimensions, got " + core::shape_str(x.shape));
  const ChannelLayout L = channel_layout(x.shape);
  const int64_t count = L.n * L.s;
  const bool with_stats = rm.numel() > 0;
  if (!a.training) {
    NS_CHECK(with_stats, value, "runningMean and runningVar are required when training is false");
    copy(rm, call.out(1));
    copy(rv, call.out(2));
    if (x.numel() == 0) return;
  } else if (count == 0) {
    // An empty batch: nothing to normalise; running statistics stay as they are (PyTorch too).
    if (with_stats) copy(rm, call.out(1)), copy(rv, call.out(2));
    fill(call.out(3), 0.0f);
    fill(call.out(4), 0.0f);
    return;
  }
  const float* xs = x.data<float>();
  float* y = call.out(0).data<float>();
  const float* ws = w.numel() > 0 ? w.data<float>() : nullptr;
  const float* bs = b.numel() > 0 ? b.data<float>() : nullptr;
  float* batch_mean = a.training ? call.out(3).data<float>() : nullptr;
  float* batch_var = a.training ? call.out(4).data<float>() : nullptr;
  const float* m0 = with_stats ? rm.data<float>() : nullptr;
  const float* v0 = with_stats ? rv.data<float>() : nullptr;
  float* m1 = with_stats ? call.out(1).data<float>() : nullptr;
  float* v1 = with_stats ? call.out(2).data<float>() : nullptr;
  const double mom = a.momentum;
  // Running estimates follow PyTorch: the batch variance enters unbiased (n / (n − 1)).
  const double unbias = count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1) : 1.0;
  NS_PER_CHANNEL(x.numel(),
    for (int64_t ch = 0; ch < L.c; ++ch) {
      double mean, var;
      if (a.training) {
        channel_stats(L, xs, ch, mean, var);
        batch_mean[ch] = static_cast<float>(mean);
        batch_var[ch] = static_cast<float>(var);
        if (with_stats) {
          m1[ch] = static_cast<float>((1.0 - mom) * m0[ch] + mom * mean);
          v1[ch] = static_cast<float>((1.0 - mom) * v0[ch] + mom * var * unbias);
        }
      } else {
        mean = m0[ch];
        var = v0[ch];
      }
      // y = (x − m)·scale + shift with m the float nearest the mean: x − m is exact for x near
      // the mean (Sterbenz), and m's own rounding is folded into shift, in double. Twice as
      // accurate as x·scale + shift on inputs with a large mean, where x·scale loses the digits.
      const double inv_std = 1.0 / std::sqrt(var + a.eps);
      const double scale_d = (ws ? ws[ch] : 1.0) * inv_std;
      const float m = static_cast<float>(mean);
      const float scale = static_cast<float>(scale_d);
      const float shift = static_cast<float>((bs ? bs[ch] : 0.0) + (m - mean) * scale_d);
      L.each_run(ch, [&](int64_t at) {
        for (int64_t k = 0; k < L.s; ++k) y[at + k] = (xs[at + k] - m) * scale + shift;
      });
    }
  );
}

void batchNormBackward(OpCall& call) {
  auto a = core::BatchNormBackwardAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  const TensorRef& w = call.in(2);
  const TensorRef& mean_in = call.in(3);
  const TensorRef& var_in = call.in(4);
  NS_CHECK(x.rank() >= 2 && x.rank() <= 5, shape, "input expected 2 to 5 dimensions, got " + core::shape_str(x.shape));
  if (x.numel() == 0) {
    fill(call.out(1), 0.0f);
    fill(call.out(2), 0.0f);
    return;
  }
  const ChannelLayout L = channel_layout(x.shape);
  const double count = static_cast<double>(L.n * L.s);
  const float* g = gy.data<float>();
  const float* xs = x.data<float>();
  const float* ws = w.numel() > 0 ? w.data<float>() : nullptr;
  const float* means = mean_in.data<float>();
  const float* vars = var_in.data<float>();
  float* dx = call.out(0).data<float>();
  float* dw = call.out(1).data<float>();
  float* db = call.out(2).data<float>();
  NS_PER_CHANNEL(x.numel(),
    for (int64_t ch = 0; ch < L.c; ++ch) {
      const double mean = means[ch];
      const double inv_std = 1.0 / std::sqrt(static_cast<double>(vars[ch]) + a.eps);
      // Σ dy and Σ dy·(x − mean), in double.
      double sum_g = 0, sum_gx = 0;
      L.each_run(ch, [&](int64_t at) {
        double rg = 0, rgx = 0;
        for (int64_t k = 0; k < L.s; ++k) {
          rg += g[at + k];
          rgx += g[at + k] * (xs[at + k] - mean);
        }
        sum_g += rg;
        sum_gx += rgx;
      });
      db[ch] = static_cast<float>(sum_g);
      dw[ch] = static_cast<float>(sum_gx * inv_std);
      const double gain = (ws ? ws[ch] : 1.0) * inv_std;
      if (a.training) {
        // dx = w/σ · (dy − mean(dy) − x̂ · mean(dy·x̂)), x̂ = (x − mean)/σ
        // x − m as in forward, m's rounding folded into the constant term.
        const float m = static_cast<float>(mean);
        const double k_x_d = gain * sum_gx * inv_std * inv_std / count;
        const float k_g = static_cast<float>(gain);
        const float k_mean = static_cast<float>(gain * sum_g / count - k_x_d * (mean - m));
        const float k_x = static_cast<float>(k_x_d);
        L.each_run(ch, [&](int64_t at) {
          for (int64_t k = 0; k < L.s; ++k) dx[at + k] = k_g * g[at + k] - k_mean - k_x * (xs[at + k] - m);
        });
      } else {
        const float k_g = static_cast<float>(gain);
        L.each_run(ch, [&](int64_t at) {
          for (int64_t k = 0; k < L.s; ++k) dx[at + k] = k_g * g[at + k];
        });
      }
    }
  );
}

// ---- layer norm: the input viewed as [rows, D], D = the product of normalizedShape ----

namespace {

struct LnForward {
  dnnl::layer_normalization_forward::primitive_desc pd;
  dnnl::layer_normalization_forward prim;
};

struct LnBackward {
  dnnl::layer_normalization_backward::primitive_desc pd;
  dnnl::layer_normalization_backward prim;
};

dnnl::layer_normalization_forward::primitive_desc ln_forward_pd(int64_t rows, int64_t d, float eps, const core::Shape& shape) {
  try {
    dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_training, dn::plain_desc({rows, d}, dn::dt::f32),
                                                 dn::plain_desc({rows}, dn::dt::f32), eps, flags::use_scale | flags::use_shift);
    return dnnl::layer_normalization_forward::primitive_desc(desc, dn::engine());
  } catch (const dnnl::error& e) {
    fail("could not create a layer normalization forward primitive", shape, e);
  }
}

}  // namespace

void layerNorm(OpCall& call) {
  auto a = core::LayerNormAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  int64_t d = core::numel(a.normalizedShape);
  NS_CHECK(d > 0, value, "normalizedShape must not contain 0");
  int64_t rows = x.numel() / d;
  if (rows == 0) return;
  float eps = static_cast<float>(a.eps);
  std::string key = std::to_string(rows) + "x" + std::to_string(d) + "|" + std::to_string(a.eps);
  auto entry = dn::cached<LnForward>("layerNorm|" + key, [&] {
    auto e = std::make_shared<LnForward>();
    e->pd = ln_forward_pd(rows, d, eps, x.shape);
    e->prim = dnnl::layer_normalization_forward(e->pd);
    return e;
  });
  std::vector<float> ones, zeros;
  run(entry->prim,
      {{DNNL_ARG_SRC, dn::wrap(x, {rows, d})},
       {DNNL_ARG_DST, dn::wrap(call.out(0), {rows, d})},
       {DNNL_ARG_MEAN, dn::wrap(call.out(1), {rows})},
       {DNNL_ARG_VARIANCE, dn::wrap(call.out(2), {rows})},
       {DNNL_ARG_SCALE, param(call.in(1), d, 1.0f, ones)},
       {DNNL_ARG_SHIFT, param(call.in(2), d, 0.0f, zeros)}},
      "layer normalization forward", x.shape);
}

void layerNormBackward(OpCall& call) {
  auto a = core::LayerNormBackwardAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  int64_t d = core::numel(a.normalizedShape);
  NS_CHECK(d > 0, value, "normalizedShape must not contain 0");
  int64_t rows = x.numel() / d;
  if (rows == 0) {
    fill(call.out(1), 0.0f);
    fill(call.out(2), 0.0f);
    return;
  }
  float eps = static_cast<float>(a.eps);
  std::string key = std::to_string(rows) + "x" + std::to_string(d) + "|" + std::to_string(a.eps);
  auto entry = dn::cached<LnBackward>("layerNormBackward|" + key, [&] {
    auto hint = ln_forward_pd(rows, d, eps, x.shape);
    try {
      auto data = dn::plain_desc({rows, d}, dn::dt::f32);
      dnnl::layer_normalization_backward::desc desc(dnnl::prop_kind::backward, data, data, dn::plain_desc({rows}, dn::dt::f32), eps,
                                                    flags::use_scale | flags::use_shift);
      auto e = std::make_shared<LnBackward>();
      e->pd = dnnl::layer_normalization_backward::primitive_desc(desc, dn::engine(), hint);
      e->prim = dnnl::layer_normalization_backward(e->pd);
      return e;
    } catch (const dnnl::error& e) {
      fail("could not create a layer normalization backward primitive", x.shape, e);
    }
  });
  std::vector<float> ones, zeros;  // oneDNN's backward with use_shift asks for the (unread) shift
  run(entry->prim,
      {{DNNL_ARG_SRC, dn::wrap(x, {rows, d})},
       {DNNL_ARG_SHIFT, filled(d, 0.0f, zeros)},
       {DNNL_ARG_MEAN, dn::wrap(call.in(3), {rows})},
       {DNNL_ARG_VARIANCE, dn::wrap(call.in(4), {rows})},
       {DNNL_ARG_DIFF_DST, dn::wrap(gy, {rows, d})},
       {DNNL_ARG_SCALE, param(call.in(2), d, 1.0f, ones)},
       {DNNL_ARG_DIFF_SRC, dn::wrap(call.out(0), {rows, d})},
       {DNNL_ARG_DIFF_SCALE, dn::wrap(call.out(1), {d})},
       {DNNL_ARG_DIFF_SHIFT, dn::wrap(call.out(2), {d})}},
      "layer normalization backward", x.shape);
}

}  // namespace nutshell::cpu
