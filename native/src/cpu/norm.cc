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
// PyTorch on inputs with a large mean (a GAN trial). The input is seen as rows [N·C, S] (S the
// spatial size; 1 for [N, C]), row r in channel r mod C, and every pass walks the rows in memory
// order, threads splitting the rows: per-row sums in double, combined per channel in row order (so
// the result does not depend on the thread count), two passes for the statistics (the mean, then
// the squared deviations), one for the output y = (x − m)·scale + shift, with scale = w/√(var +
// eps) and shift = b − mean·scale as PyTorch's cpu kernel computes them.
struct Rows {
  int64_t n, c, s;
  int64_t count() const { return n * c; }
  // The per-channel totals of per-row values, added in row order.
  void per_channel(const std::vector<double>& row, std::vector<double>& out) const {
    out.assign(static_cast<size_t>(c), 0.0);
    for (int64_t r = 0; r < n * c; ++r) out[static_cast<size_t>(r % c)] += row[static_cast<size_t>(r)];
  }
};

Rows rows_of(const core::Shape& shape) {
  int64_t s = 1;
  for (size_t d = 2; d < shape.size(); ++d) s *= shape[d];
  return {shape[0], shape[1], s};
}

// Threads over the rows when there is enough work to share.
#define NS_PER_ROW(total, ...) NS_PARALLEL_IF((total) >= kParallelGrain, "omp parallel for schedule(static)", __VA_ARGS__)

// Note [batch norm of [N, C]]: with no spatial dims every row above is one element, and a pass
// spent its time on r mod C and a double store per element (BatchNorm1d on a tabular [512, 128]
// batch took 5-10x PyTorch's time in a user trial). Such an input is walked as N rows of C
// columns instead: per-channel double accumulators updated a whole row at a time (the compiler
// vectorises over channels), each channel still summed in row order — the same additions in the
// same order as the general path, so the results are bit for bit the same. Threads, when the
// work is large, split the channels, which keeps every channel's order.
constexpr int64_t kColumnBlock = 64;

template <typename F>
void over_channel_blocks(int64_t n, int64_t c, F&& body) {
  const int64_t blocks = (c + kColumnBlock - 1) / kColumnBlock;
  NS_PARALLEL_IF(n * c >= kParallelGrain && blocks > 1, "omp parallel for schedule(static)",
    for (int64_t blk = 0; blk < blocks; ++blk) body(blk * kColumnBlock, std::min(c, (blk + 1) * kColumnBlock));
  );
}

// Per channel: m (the float nearest the mean), scale and shift, so that (x − m)·scale + shift is
// (x − mean)·w/√(var + eps) + b: x − m is exact for x near the mean (Sterbenz) and m's rounding is
// folded into shift, in double — twice as accurate as x·scale + shift on inputs with a large mean.
struct Affine {
  std::vector<float> m, scale, shift;
};

Affine affine_of(const std::vector<double>& mean, const std::vector<double>& var, const float* w, const float* b, double eps) {
  const size_t c = mean.size();
  Affine a{std::vector<float>(c), std::vector<float>(c), std::vector<float>(c)};
  for (size_t ch = 0; ch < c; ++ch) {
    const double scale = (w ? w[ch] : 1.0) / std::sqrt(var[ch] + eps);
    a.m[ch] = static_cast<float>(mean[ch]);
    a.scale[ch] = static_cast<float>(scale);
    a.shift[ch] = static_cast<float>((b ? b[ch] : 0.0) + (a.m[ch] - mean[ch]) * scale);
  }
  return a;
}

}  // namespace

void batchNorm(OpCall& call) {
  auto a = core::BatchNormAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& rm = call.in(1);
  const TensorRef& rv = call.in(2);
  const TensorRef& w = call.in(3);
  const TensorRef& b = call.in(4);
  NS_CHECK(x.rank() >= 2 && x.rank() <= 5, shape, "input expected 2 to 5 dimensions, got " + core::shape_str(x.shape));
  const Rows R = rows_of(x.shape);
  const int64_t count = R.n * R.s;
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
  const int64_t S = R.s, C = R.c;
  std::vector<double> mean(static_cast<size_t>(C)), var(static_cast<size_t>(C));
  if (a.training && S == 1) {
    over_channel_blocks(R.n, C, [&](int64_t c0, int64_t c1) {
      for (int64_t n = 0; n < R.n; ++n) {
        const float* p = xs + n * C;
        for (int64_t ch = c0; ch < c1; ++ch) mean[static_cast<size_t>(ch)] += p[ch];
      }
      for (int64_t ch = c0; ch < c1; ++ch) mean[static_cast<size_t>(ch)] /= static_cast<double>(count);
      for (int64_t n = 0; n < R.n; ++n) {
        const float* p = xs + n * C;
        for (int64_t ch = c0; ch < c1; ++ch) {
          const double d = p[ch] - mean[static_cast<size_t>(ch)];
          var[static_cast<size_t>(ch)] += d * d;
        }
      }
      for (int64_t ch = c0; ch < c1; ++ch) var[static_cast<size_t>(ch)] /= static_cast<double>(count);
    });
  } else if (a.training) {
    std::vector<double> row(static_cast<size_t>(R.count()));
    NS_PER_ROW(x.numel(),
      for (int64_t r = 0; r < R.count(); ++r) {
        const float* p = xs + r * S;
        double sum = 0;
        for (int64_t k = 0; k < S; ++k) sum += p[k];
        row[static_cast<size_t>(r)] = sum;
      }
    );
    R.per_channel(row, mean);
    for (double& v : mean) v /= static_cast<double>(count);
    NS_PER_ROW(x.numel(),
      for (int64_t r = 0; r < R.count(); ++r) {
        const float* p = xs + r * S;
        const double mu = mean[static_cast<size_t>(r % C)];
        double sq = 0;
        for (int64_t k = 0; k < S; ++k) {
          const double d = p[k] - mu;
          sq += d * d;
        }
        row[static_cast<size_t>(r)] = sq;
      }
    );
    R.per_channel(row, var);
    for (double& v : var) v /= static_cast<double>(count);
  }
  if (a.training) {
    float* batch_mean = call.out(3).data<float>();
    float* batch_var = call.out(4).data<float>();
    // Running estimates follow PyTorch: the batch variance enters unbiased (n / (n − 1)).
    const double mom = a.momentum;
    const double unbias = count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1) : 1.0;
    for (int64_t ch = 0; ch < C; ++ch) {
      batch_mean[ch] = static_cast<float>(mean[static_cast<size_t>(ch)]);
      batch_var[ch] = static_cast<float>(var[static_cast<size_t>(ch)]);
      if (with_stats) {
        call.out(1).data<float>()[ch] = static_cast<float>((1.0 - mom) * rm.data<float>()[ch] + mom * mean[static_cast<size_t>(ch)]);
        call.out(2).data<float>()[ch] = static_cast<float>((1.0 - mom) * rv.data<float>()[ch] + mom * var[static_cast<size_t>(ch)] * unbias);
      }
    }
  } else {
    for (int64_t ch = 0; ch < C; ++ch) {
      mean[static_cast<size_t>(ch)] = rm.data<float>()[ch];
      var[static_cast<size_t>(ch)] = rv.data<float>()[ch];
    }
  }
  const Affine f = affine_of(mean, var, w.numel() > 0 ? w.data<float>() : nullptr, b.numel() > 0 ? b.data<float>() : nullptr, a.eps);
  float* y = call.out(0).data<float>();
  if (S == 1) {
    const float* __restrict fm = f.m.data();
    const float* __restrict fs = f.scale.data();
    const float* __restrict fb = f.shift.data();
    over_channel_blocks(R.n, C, [&](int64_t c0, int64_t c1) {
      for (int64_t n = 0; n < R.n; ++n) {
        const float* __restrict p = xs + n * C;
        float* __restrict q = y + n * C;
        for (int64_t ch = c0; ch < c1; ++ch) q[ch] = (p[ch] - fm[ch]) * fs[ch] + fb[ch];
      }
    });
    return;
  }
  NS_PER_ROW(x.numel(),
    for (int64_t r = 0; r < R.count(); ++r) {
      const size_t ch = static_cast<size_t>(r % C);
      const float m = f.m[ch], scale = f.scale[ch], shift = f.shift[ch];
      const float* p = xs + r * S;
      float* q = y + r * S;
      for (int64_t k = 0; k < S; ++k) q[k] = (p[k] - m) * scale + shift;
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
  const Rows R = rows_of(x.shape);
  const int64_t S = R.s, C = R.c;
  const double count = static_cast<double>(R.n * S);
  const float* g = gy.data<float>();
  const float* xs = x.data<float>();
  const float* ws = w.numel() > 0 ? w.data<float>() : nullptr;
  // Σ dy and Σ dy·(x − mean) per row, in double, then per channel in row order.
  std::vector<double> sum_g, sum_gx;
  if (S == 1) {
    sum_g.assign(static_cast<size_t>(C), 0.0);
    sum_gx.assign(static_cast<size_t>(C), 0.0);
    const float* mu = mean_in.data<float>();
    double* __restrict sg = sum_g.data();
    double* __restrict sgx = sum_gx.data();
    over_channel_blocks(R.n, C, [&](int64_t c0, int64_t c1) {
      for (int64_t n = 0; n < R.n; ++n) {
        const float* __restrict gp = g + n * C;
        const float* __restrict xp = xs + n * C;
        for (int64_t ch = c0; ch < c1; ++ch) {
          sg[ch] += gp[ch];
          sgx[ch] += gp[ch] * (xp[ch] - static_cast<double>(mu[ch]));
        }
      }
    });
  } else {
    std::vector<double> row_g(static_cast<size_t>(R.count())), row_gx(static_cast<size_t>(R.count()));
    NS_PER_ROW(x.numel(),
      for (int64_t r = 0; r < R.count(); ++r) {
        const double mu = mean_in.data<float>()[r % C];
        const float* gp = g + r * S;
        const float* xp = xs + r * S;
        double sg = 0, sgx = 0;
        for (int64_t k = 0; k < S; ++k) {
          sg += gp[k];
          sgx += gp[k] * (xp[k] - mu);
        }
        row_g[static_cast<size_t>(r)] = sg;
        row_gx[static_cast<size_t>(r)] = sgx;
      }
    );
    R.per_channel(row_g, sum_g);
    R.per_channel(row_gx, sum_gx);
  }
  // dx = w/σ · (dy − mean(dy) − x̂ · mean(dy·x̂)), x̂ = (x − mean)/σ, as k_g·dy − k_c − k_x·(x − m)
  // with m the float nearest the mean and its rounding folded into k_c (as in forward).
  std::vector<float> k_g(static_cast<size_t>(C)), k_c(static_cast<size_t>(C)), k_x(static_cast<size_t>(C)), m(static_cast<size_t>(C));
  float* dw = call.out(1).data<float>();
  float* db = call.out(2).data<float>();
  for (int64_t ch = 0; ch < C; ++ch) {
    const size_t i = static_cast<size_t>(ch);
    const double mean = mean_in.data<float>()[ch];
    const double inv_std = 1.0 / std::sqrt(static_cast<double>(var_in.data<float>()[ch]) + a.eps);
    const double gain = (ws ? ws[ch] : 1.0) * inv_std;
    db[ch] = static_cast<float>(sum_g[i]);
    dw[ch] = static_cast<float>(sum_gx[i] * inv_std);
    m[i] = static_cast<float>(mean);
    k_g[i] = static_cast<float>(gain);
    if (a.training) {
      const double kx = gain * sum_gx[i] * inv_std * inv_std / count;
      k_x[i] = static_cast<float>(kx);
      k_c[i] = static_cast<float>(gain * sum_g[i] / count - kx * (mean - m[i]));
    }  // else the running statistics are constants: dx = w/σ · dy
  }
  float* dx = call.out(0).data<float>();
  if (S == 1) {
    const float* __restrict kg = k_g.data();
    const float* __restrict kc = k_c.data();
    const float* __restrict kx = k_x.data();
    const float* __restrict mc = m.data();
    over_channel_blocks(R.n, C, [&](int64_t c0, int64_t c1) {
      for (int64_t n = 0; n < R.n; ++n) {
        const float* __restrict gp = g + n * C;
        const float* __restrict xp = xs + n * C;
        float* __restrict q = dx + n * C;
        if (a.training) {
          for (int64_t ch = c0; ch < c1; ++ch) q[ch] = kg[ch] * gp[ch] - kc[ch] - kx[ch] * (xp[ch] - mc[ch]);
        } else {
          for (int64_t ch = c0; ch < c1; ++ch) q[ch] = kg[ch] * gp[ch];
        }
      }
    });
    return;
  }
  NS_PER_ROW(x.numel(),
    for (int64_t r = 0; r < R.count(); ++r) {
      const size_t ch = static_cast<size_t>(r % C);
      const float kg = k_g[ch], kc = k_c[ch], kx = k_x[ch], mc = m[ch];
      const float* gp = g + r * S;
      const float* xp = xs + r * S;
      float* q = dx + r * S;
      if (a.training) {
        for (int64_t k = 0; k < S; ++k) q[k] = kg * gp[k] - kc - kx * (xp[k] - mc);
      } else {
        for (int64_t k = 0; k < S; ++k) q[k] = kg * gp[k];
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
