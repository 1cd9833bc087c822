// Batch and layer normalisation through oneDNN (batch_normalization / layer_normalization,
// forward and backward). oneDNN 2.6 has separate use_scale / use_shift flags (use_scaleshift,
// one packed [2, C] tensor, is the older spelling): both are always set, with ones / zeros
// standing in for an absent weight / bias, so one primitive serves every combination and
// backward always yields both parameter gradients. Layer norm runs on our buffers as they are;
// batch norm picks a layout first (Note [batch norm layouts]).
#include <oneapi/dnnl/dnnl_debug.h>

#include <algorithm>
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

dn::dims dims_of(const core::Shape& s) { return dn::dims(s.begin(), s.end()); }

// Reorder targets come from the thread's scratch (onednn.h, Note [thread scratch]).
using onednn::dst_for;
using onednn::in_layout;
using onednn::scratch_memory;

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
// Note [batch norm layouts]: oneDNN runs batch norm on our plain NCHW layout ("ncsp") with a
// slow generic loop (3-10x PyTorch's time); its JIT kernels take channel-blocked layouts
// (nChw16c on AVX-512, nChw8c on AVX2) or channels-last. So every input is seen as 4-d/5-d
// ([N,C] as [N,C,1,1], whose dense bytes already are channels-last: no copy; [N,C,L] as
// [N,C,1,L]), and with spatial dims and at least 8 channels the data is reordered to the first
// blocked layout for which oneDNN has a JIT kernel, and the result reordered back: two cheap
// passes that buy a much faster kernel. Few channels stay plain (blocking would pad them).

flags bn_flags(bool training) { return flags::use_scale | flags::use_shift | (training ? flags::none : flags::use_global_stats); }

dn::dims bn_dims(const core::Shape& s) {
  if (s.size() == 2) return {s[0], s[1], 1, 1};
  if (s.size() == 3) return {s[0], s[1], 1, s[2]};
  return dims_of(s);
}

// Our dense buffer as oneDNN sees it.
dnnl::memory::desc bn_user_desc(const core::Shape& s) {
  if (s.size() == 2) return dnnl::memory::desc(bn_dims(s), dn::dt::f32, dn::tag::nhwc);
  return dn::plain_desc(bn_dims(s), dn::dt::f32);
}

// Layouts to try, fastest first; the last (ours) always works.
std::vector<dnnl::memory::desc> bn_layouts(const core::Shape& s) {
  dn::dims d = bn_dims(s);
  bool five = d.size() == 5;
  std::vector<dnnl::memory::desc> out;
  if (s.size() > 2 && s[1] >= 8) {
    out.emplace_back(d, dn::dt::f32, five ? dn::tag::nCdhw16c : dn::tag::nChw16c);
    out.emplace_back(d, dn::dt::f32, five ? dn::tag::nCdhw8c : dn::tag::nChw8c);
  }
  out.push_back(bn_user_desc(s));
  return out;
}

// The first candidate layout whose primitive descriptor oneDNN implements with a JIT kernel;
// else the plain one (its errors propagate).
template <typename Make>
auto first_jit(const std::vector<dnnl::memory::desc>& layouts, Make make) -> decltype(make(layouts.back())) {
  for (size_t i = 0; i + 1 < layouts.size(); ++i) {
    try {
      auto pd = make(layouts[i]);
      if (std::string(pd.impl_info_str()).find("jit") != std::string::npos) return pd;
    } catch (const dnnl::error&) {
    }
  }
  return make(layouts.back());
}

struct BnForward {
  dnnl::batch_normalization_forward::primitive_desc pd;
  dnnl::batch_normalization_forward prim;
};

struct BnBackward {
  dnnl::batch_normalization_backward::primitive_desc pd;
  dnnl::batch_normalization_backward prim;
};

// `kind` forward_inference for evaluation, forward_training for training and for the hint that
// a backward primitive descriptor needs (with the same flags as that backward).
dnnl::batch_normalization_forward::primitive_desc bn_forward_pd(const dnnl::memory::desc& data, float eps, dnnl::prop_kind kind, bool training) {
  dnnl::batch_normalization_forward::desc d(kind, data, eps, bn_flags(training));
  return dnnl::batch_normalization_forward::primitive_desc(d, dn::engine());
}

std::string bn_key(const core::Shape& shape, double eps, bool training) {
  return dn::key_of(dims_of(shape)) + "|" + std::to_string(eps) + "|" + (training ? "t" : "e");
}

dnnl::memory user_memory(const TensorRef& t) { return dnnl::memory(bn_user_desc(t.shape), dn::engine(), t.raw()); }


}  // namespace

void batchNorm(OpCall& call) {
  auto a = core::BatchNormAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& rm = call.in(1);
  const TensorRef& rv = call.in(2);
  const TensorRef& w = call.in(3);
  const TensorRef& b = call.in(4);
  const TensorRef& y = call.out(0);
  NS_CHECK(x.rank() >= 2 && x.rank() <= 5, shape, "input expected 2 to 5 dimensions, got " + core::shape_str(x.shape));
  int64_t c = x.shape[1];
  int64_t count = c ? x.numel() / c : 0;
  bool with_stats = rm.numel() > 0;
  float eps = static_cast<float>(a.eps);
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
  auto entry = dn::cached<BnForward>("batchNorm|" + bn_key(x.shape, a.eps, a.training), [&] {
    auto e = std::make_shared<BnForward>();
    auto kind = a.training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
    try {
      e->pd = first_jit(bn_layouts(x.shape), [&](const dnnl::memory::desc& data) { return bn_forward_pd(data, eps, kind, a.training); });
      e->prim = dnnl::batch_normalization_forward(e->pd);
    } catch (const dnnl::error& err) {
      fail("could not create a batch normalization forward primitive", x.shape, err);
    }
    return e;
  });
  std::vector<float> ones, zeros;
  dnnl::memory user_y = user_memory(y);
  dnnl::memory dst = dst_for(user_y, entry->pd.dst_desc(), 2);
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, in_layout(user_memory(x), entry->pd.src_desc(), 0)},
      {DNNL_ARG_DST, dst},
      {DNNL_ARG_SCALE, param(w, c, 1.0f, ones)},
      {DNNL_ARG_SHIFT, param(b, c, 0.0f, zeros)},
  };
  if (a.training) {
    args[DNNL_ARG_MEAN] = dn::wrap(call.out(3));
    args[DNNL_ARG_VARIANCE] = dn::wrap(call.out(4));
  } else {
    args[DNNL_ARG_MEAN] = dn::wrap(rm);
    args[DNNL_ARG_VARIANCE] = dn::wrap(rv);
  }
  run(entry->prim, args, "batch normalization forward", x.shape);
  dn::reorder_into(dst, user_y);
  if (a.training && with_stats) {
    // Running estimates follow PyTorch: the batch variance enters unbiased (n / (n − 1)).
    const float* mean = call.out(3).data<float>();
    const float* var = call.out(4).data<float>();
    const float* m0 = rm.data<float>();
    const float* v0 = rv.data<float>();
    float* m1 = call.out(1).data<float>();
    float* v1 = call.out(2).data<float>();
    double mom = a.momentum;
    double unbias = count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1) : 1.0;
    for (int64_t i = 0; i < c; ++i) {
      m1[i] = static_cast<float>((1.0 - mom) * m0[i] + mom * mean[i]);
      v1[i] = static_cast<float>((1.0 - mom) * v0[i] + mom * var[i] * unbias);
    }
  }
}

void batchNormBackward(OpCall& call) {
  auto a = core::BatchNormBackwardAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  const TensorRef& w = call.in(2);
  const TensorRef& mean = call.in(3);
  const TensorRef& var = call.in(4);
  const TensorRef& dx = call.out(0);
  NS_CHECK(x.rank() >= 2 && x.rank() <= 5, shape, "input expected 2 to 5 dimensions, got " + core::shape_str(x.shape));
  int64_t c = x.shape[1];
  if (x.numel() == 0) {
    fill(call.out(1), 0.0f);
    fill(call.out(2), 0.0f);
    return;
  }
  float eps = static_cast<float>(a.eps);
  auto entry = dn::cached<BnBackward>("batchNormBackward|" + bn_key(x.shape, a.eps, a.training), [&] {
    auto e = std::make_shared<BnBackward>();
    try {
      e->pd = first_jit(bn_layouts(x.shape), [&](const dnnl::memory::desc& data) {
        auto hint = bn_forward_pd(data, eps, dnnl::prop_kind::forward_training, a.training);
        dnnl::batch_normalization_backward::desc d(dnnl::prop_kind::backward, data, data, eps, bn_flags(a.training));
        return dnnl::batch_normalization_backward::primitive_desc(d, dn::engine(), hint);
      });
      e->prim = dnnl::batch_normalization_backward(e->pd);
    } catch (const dnnl::error& err) {
      fail("could not create a batch normalization backward primitive", x.shape, err);
    }
    return e;
  });
  // oneDNN's backward with use_shift asks for the shift too (it does not read it): zeros.
  std::vector<float> ones, zeros;
  dnnl::memory user_dx = user_memory(dx);
  dnnl::memory diff_src = dst_for(user_dx, entry->pd.diff_src_desc(), 2);
  run(entry->prim,
      {{DNNL_ARG_SRC, in_layout(user_memory(x), entry->pd.src_desc(), 0)},
       {DNNL_ARG_SHIFT, filled(c, 0.0f, zeros)},
       {DNNL_ARG_MEAN, dn::wrap(mean)},
       {DNNL_ARG_VARIANCE, dn::wrap(var)},
       {DNNL_ARG_DIFF_DST, in_layout(user_memory(gy), entry->pd.diff_dst_desc(), 1)},
       {DNNL_ARG_SCALE, param(w, c, 1.0f, ones)},
       {DNNL_ARG_DIFF_SRC, diff_src},
       {DNNL_ARG_DIFF_SCALE, dn::wrap(call.out(1))},
       {DNNL_ARG_DIFF_SHIFT, dn::wrap(call.out(2))}},
      "batch normalization backward", x.shape);
  dn::reorder_into(diff_src, user_dx);
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
