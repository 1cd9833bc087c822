// Convolution through oneDNN (2.x op descriptors, engine/stream/caching from cpu/onednn.h):
// forward, backward data and backward weights, 2-d and 3-d (5-d ncdhw memory). Some 2-d shapes
// run elsewhere: first layers on few input channels our narrow kernels (Note [narrow-input convolution], narrow_conv.h), few
// channels on a vector of samples the batch-lane kernels (Note [batch-lane convolution],
// batch_lane_conv.h), 1×1 convolutions a matmul (Note [1x1 convolution as matmul],
// pointwise_conv.h). For the rest, source, weights and destination are described with
// format_tag::any so oneDNN picks its fastest layouts (nChw16c and blocked weights on AVX-512);
// our dense NCHW buffers are reordered into what the primitive descriptor asks for and results
// reordered back, weights included, through the thread's scratch (Note [thread scratch]): a weight
// tensor's values are not a function of its shape, and optimiser steps update parameters in
// place, so weights are reordered on every call. Primitives are cached by a key of shapes and
// attributes.
#include <oneapi/dnnl/dnnl_debug.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

#include "../gen/cpu_kernels.gen.h"
#include "batch_lane_conv.h"
#include "broadcast.h"
#include "conv_blocks.h"
#include "conv_precision.h"
#include "depthwise_conv.h"
#include "narrow_conv.h"
#include "onednn.h"
#include "pointwise_conv.h"
#include "thread_scratch.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::TensorRef;
using dnnl::algorithm;
namespace dn = onednn;

// The conv ops' attribute structs have the same fields, and their Algo enums list the same
// names in the same order (one TS constant, convAlgos, declares them), so the index names the
// algorithm for all three.
constexpr const char* kAlgoNames[] = {"auto", "heuristic", "implicitGemm", "implicitPrecompGemm", "gemm",
                                      "direct", "fft", "fftTiling", "winograd", "winogradNonfused"};
constexpr int kAlgoCount = static_cast<int>(sizeof(kAlgoNames) / sizeof(kAlgoNames[0]));

std::atomic<bool> highest_precision{false};  // Note [cpu conv precision]

algorithm cpu_algorithm(int index) {
  NS_CHECK(index >= 0 && index < kAlgoCount, value, "algo index " + std::to_string(index) + " out of range");
  switch (index) {
    case 0:  // auto: oneDNN picks among its implementations (it measures nothing; cuDNN's 'auto' does)
    case 1:  // heuristic
      return highest_precision.load(std::memory_order_relaxed) ? algorithm::convolution_direct : algorithm::convolution_auto;
    case 5:
      return algorithm::convolution_direct;
    case 8:
      return algorithm::convolution_winograd;
    default:
      break;
  }
  NS_THROW(value, std::string("algo '") + kAlgoNames[index] + "' is not available on cpu; cpu supports 'auto', 'heuristic', 'direct', 'winograd'");
}

// One convolution in oneDNN's terms (dilation counts the gaps: PyTorch's dilation − 1).
struct Conv {
  dn::dims src, wei, dst, strides, dilates, pad_l, pad_r;
  int64_t groups = 1;
  int algo = 0;
  algorithm alg = algorithm::convolution_auto;
  std::string key;
  std::string text;  // shapes, for messages
};

// `x`, `w`, `y` of a 2-d (4-d tensors) or 3-d (5-d) convolution.
template <typename Attrs>
Conv describe(const Attrs& a, const core::Shape& x, const core::Shape& w, const core::Shape& y) {
  NS_CHECK((x.size() == 4 || x.size() == 5) && w.size() == x.size() && y.size() == x.size(), shape, "expected 4-d or 5-d input, weight and output");
  const size_t spatial = x.size() - 2;
  NS_CHECK(a.stride.size() == spatial && a.dilation.size() == spatial && (a.padding.size() == spatial || a.padding.size() == 2 * spatial) &&
               a.groups >= 1,
           value, "malformed convolution attributes");
  Conv c;
  int64_t g = a.groups;
  c.src = dn::dims(x.begin(), x.end());
  c.dst = dn::dims(y.begin(), y.end());
  // Our [O, C/g, k...] buffer is oneDNN's grouped goi(d)hw [g, O/g, C/g, k...], unchanged.
  c.wei = dn::dims(w.begin(), w.end());
  if (g != 1) {
    c.wei[0] /= g;
    c.wei.insert(c.wei.begin(), g);
  }
  for (size_t i = 0; i < spatial; ++i) {
    c.strides.push_back(a.stride[i]);
    c.dilates.push_back(a.dilation[i] - 1);
    c.pad_l.push_back(a.padding[i]);
    c.pad_r.push_back(a.padding.size() == spatial ? a.padding[i] : a.padding[spatial + i]);
  }
  c.groups = g;
  c.algo = static_cast<int>(a.algo);
  c.alg = cpu_algorithm(c.algo);
  c.key = dn::key_of(c.src) + "|" + dn::key_of(c.wei) + "|" + dn::key_of(c.dst) + "|" + dn::key_of(c.strides) + dn::key_of(c.dilates) +
          dn::key_of(c.pad_l) + dn::key_of(c.pad_r) + "|" + std::to_string(c.algo) + "|" + std::to_string(static_cast<int>(c.alg));
  c.text = "input " + core::shape_str(x) + ", weight " + core::shape_str(w) + ", output " + core::shape_str(y);
  return c;
}

// Whether our narrow-input kernels take `c` (Note [narrow-input convolution]): 'auto' or
// 'heuristic' leave the choice to us; `channels` are the few on the image side, `width` the rows
// the kernel writes.
bool narrow(const Conv& c, int64_t channels, int64_t width) {
  const int64_t stride[2] = {c.strides[0], c.strides[1]}, dilation[2] = {c.dilates[0] + 1, c.dilates[1] + 1};
  return (c.algo == 0 || c.algo == 1) && narrow_conv_fits(channels, c.groups, stride, dilation, width);
}

// Whether the batch-lane kernel takes `c` (Note [batch-lane convolution]), which writes `channels`.
bool batch_lane(const Conv& c, int64_t channels) {
  const int64_t stride[2] = {c.strides[0], c.strides[1]}, dilation[2] = {c.dilates[0] + 1, c.dilates[1] + 1};
  const int64_t kh = c.wei[c.wei.size() - 2], kw = c.wei.back();
  return (c.algo == 0 || c.algo == 1) && batch_lane_conv_fits(c.src[0], channels, kh, kw, c.groups, stride, dilation);
}

// Whether `c` is a 1×1 convolution that runs as a matmul (Note [1x1 convolution as matmul]), and
// its geometry.
bool pointwise(const Conv& c, PointwiseConv& g) {
  const int64_t stride[2] = {c.strides[0], c.strides[1]}, dilation[2] = {c.dilates[0] + 1, c.dilates[1] + 1};
  const int64_t padding[4] = {c.pad_l[0], c.pad_l[1], c.pad_r[0], c.pad_r[1]};
  const int64_t kh = c.wei[c.wei.size() - 2], kw = c.wei.back();
  g = PointwiseConv{c.src[0], c.src[1], c.dst[1], c.dst[2] * c.dst[3]};
  return (c.algo == 0 || c.algo == 1) && pointwise_conv_fits(kh, kw, stride, dilation, padding, c.groups, g.pixels);
}

// Whether `c` is a depthwise convolution (groups = input channels > 1, one input channel per
// group) left to us ('auto' or 'heuristic'), and its geometry for depthwise_conv.h (2-d as 3-d
// with a depth of one). Whether it runs there is the caller's (Note [depthwise convolution]).
bool depthwise(const Conv& c, DepthwiseConv& g) {
  const int64_t channels = c.src[1], outs = c.dst[1];
  if (!(c.algo == 0 || c.algo == 1) || c.groups != channels || channels < 2 || outs % channels != 0) return false;
  const size_t spatial = c.src.size() - 2, skip = 3 - spatial;
  g = DepthwiseConv{};
  g.n = c.src[0], g.channels = channels, g.multiplier = outs / channels;
  for (size_t i = 0; i < spatial; ++i) {
    g.in[skip + i] = c.src[2 + i], g.out[skip + i] = c.dst[2 + i];
    g.kernel[skip + i] = c.wei[c.wei.size() - spatial + i];
    g.stride[skip + i] = c.strides[i], g.pad[skip + i] = c.pad_l[i], g.dilation[skip + i] = c.dilates[i] + 1;
  }
  return true;
}

// The correlation our kernels run: `in` [N, C, H, W] onto `out` [N, O, oH, oW] through an
// O × C × kH × kW kernel, padded by `top` rows and `left` columns first.
ConvShape correlation(const core::Shape& in, int64_t o, int64_t kh, int64_t kw, int64_t top, int64_t left, const core::Shape& out) {
  return ConvShape{in[0], in[1], in[2], in[3], o, kh, kw, top, left, out[2], out[3]};
}

// Reorder targets come from the thread's scratch (onednn.h, Note [thread scratch]).
using onednn::dst_for;
using onednn::in_layout;
using onednn::scratch_memory;

dnnl::memory::desc any(const dn::dims& d) { return dnnl::memory::desc(d, dn::dt::f32, dn::tag::any); }

// Primitive descriptor creation with oneDNN's status turned into our errors: an algorithm that
// has no implementation for these shapes is the caller's choice to revisit (ValueError).
template <typename Make>
auto make_pd(const Conv& c, const char* what, Make make) -> decltype(make()) {
  try {
    return make();
  } catch (const dnnl::error& e) {
    if (e.status == dnnl_unimplemented && c.alg == algorithm::convolution_winograd) {
      NS_THROW(value, "algo 'winograd' is not available for these shapes on this cpu (" + c.text +
                          "); oneDNN has winograd kernels only for some 3x3, stride-1, undilated, ungrouped convolutions on AVX-512; use 'auto'");
    }
    NS_THROW(backend, std::string("oneDNN could not create a ") + what + " (" + c.text + "): " + e.what() + " [" + dnnl_status2str(e.status) + "]");
  }
}

// `user` in the layout `want`: the user buffer itself when it already is, else reordered into the
// thread's scratch. (A buffer kept with each cached primitive held a copy of the weights per
// shape: an inference loop over 60 batch sizes of one 256→256 3×3 layer grew RSS by 339 MiB.)
dnnl::memory weights_in(const dnnl::memory& user, const dnnl::memory::desc& want) {
  if (user.get_desc() == want) return user;
  dnnl::memory reordered(want, dn::engine(), thread_scratch(Scratch::conv_reordered_weights, want.get_size()));
  dn::reorder_into(user, reordered);
  return reordered;
}


// Note [conv scratchpads]: a convolution's working memory (Winograd's transformed tiles, im2col
// buffers) is oneDNN's to manage by default, in a per-thread buffer it keeps at its largest: one
// Winograd convolution of a [128, 8, 96, 96] input on AVX-512 left 330 MiB of RSS behind. Every
// convolution primitive is made with a user-managed scratchpad instead, handed the thread's
// scratch, which gives back what is over 64 MiB when the op ends (Note [thread scratch]).
dnnl::primitive_attr scratchpad_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

template <typename Pd>
void add_scratchpad(std::unordered_map<int, dnnl::memory>& args, const Pd& pd) {
  const dnnl::memory::desc desc = pd.scratchpad_desc();
  if (desc.get_size() == 0) return;
  args[DNNL_ARG_SCRATCHPAD] = dnnl::memory(desc, dn::engine(), thread_scratch(Scratch::conv_primitive_scratchpad, desc.get_size()));
}

void execute(const dnnl::primitive& prim, const std::unordered_map<int, dnnl::memory>& args, const Conv& c, const char* what) {
  try {
    prim.execute(dn::stream(), args);
    dn::stream().wait();
  } catch (const dnnl::error& e) {
    NS_THROW(backend, std::string("oneDNN ") + what + " failed (" + c.text + "): " + e.what() + " [" + dnnl_status2str(e.status) + "]");
  }
}

void zero(const TensorRef& t) {
  if (t.numel()) std::memset(t.raw(), 0, static_cast<size_t>(t.numel()) * sizeof(float));
}

struct Forward {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
};

// `relu`: the fused activation as a oneDNN post-op (Note [fused conv activation] in
// packages/tensor/src/ops/table/conv.ts).
dnnl::convolution_forward::primitive_desc forward_pd(const Conv& c, bool with_bias, bool relu = false) {
  return make_pd(c, "convolution forward", [&] {
    auto pk = dnnl::prop_kind::forward_training;
    auto d = with_bias ? dnnl::convolution_forward::desc(pk, c.alg, any(c.src), any(c.wei), dn::plain_desc({c.dst[1]}, dn::dt::f32), any(c.dst), c.strides,
                                                         c.dilates, c.pad_l, c.pad_r)
                       : dnnl::convolution_forward::desc(pk, c.alg, any(c.src), any(c.wei), any(c.dst), c.strides, c.dilates, c.pad_l, c.pad_r);
    dnnl::primitive_attr attr = scratchpad_attr();
    if (relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    return dnnl::convolution_forward::primitive_desc(d, attr, dn::engine());
  });
}

// A backward primitive (convolution_backward_data or _weights) and its descriptor, cached by
// shapes and attributes, made with the forward's descriptor as oneDNN's hint.
template <typename Prim>
struct Backward {
  typename Prim::primitive_desc pd;
  Prim prim;
};

template <typename Prim>
std::shared_ptr<Backward<Prim>> backward_entry(const Conv& c, const std::string& name, const char* what) {
  return dn::cached<Backward<Prim>>(name + "|" + c.key, [&] {
    auto hint = forward_pd(c, false);
    auto e = std::make_shared<Backward<Prim>>();
    e->pd = make_pd(c, what, [&] {
      typename Prim::desc d(c.alg, any(c.src), any(c.wei), any(c.dst), c.strides, c.dilates, c.pad_l, c.pad_r);
      return typename Prim::primitive_desc(d, scratchpad_attr(), dn::engine(), hint);
    });
    e->prim = Prim(e->pd);
    return e;
  });
}

// The output of a convolution with no input channels: its bias (or 0), through relu if fused.
void fill_with_bias(const TensorRef& b, bool relu, const TensorRef& y) {
  float* out = y.data<float>();
  const bool with_bias = b.numel() > 0;
  const int64_t channels = y.shape[1], plane = y.numel() / std::max<int64_t>(y.shape[0] * channels, 1);
  for (int64_t i = 0; i < y.numel(); ++i) {
    const float v = with_bias ? b.data<float>()[(i / plane) % channels] : 0.0f;
    out[i] = relu ? std::max(v, 0.0f) : v;
  }
}

// Runs `prim` with `args`, its output `out_arg` written to `user`: straight into it when the
// primitive takes its layout, else into the thread's scratch in the primitive's layout `want`
// and reordered back.
template <typename Pd>
void run_into(const dnnl::primitive& prim, const Pd& pd, std::unordered_map<int, dnnl::memory>& args, int out_arg, const dnnl::memory::desc& want,
              const dnnl::memory& user, const Conv& c, const char* what) {
  dnnl::memory out = dst_for(user, want, 2);
  args[out_arg] = out;
  add_scratchpad(args, pd);
  execute(prim, args, c, what);
  dn::reorder_into(out, user);
}

// The three directions through oneDNN's primitives, for shapes our own kernels do not take.
void onednn_forward(const Conv& c, const TensorRef& x, const TensorRef& w, const TensorRef& b, bool relu, const TensorRef& y) {
  const bool with_bias = b.numel() > 0;
  auto entry = dn::cached<Forward>("conv|" + c.key + (with_bias ? "|bias" : "") + (relu ? "|relu" : ""), [&] {
    auto e = std::make_shared<Forward>();
    e->pd = forward_pd(c, with_bias, relu);
    e->prim = dnnl::convolution_forward(e->pd);
    return e;
  });
  std::unordered_map<int, dnnl::memory> args;
  args[DNNL_ARG_SRC] = in_layout(dn::wrap(x), entry->pd.src_desc(), 0);
  args[DNNL_ARG_WEIGHTS] = weights_in(dn::wrap(w, c.wei), entry->pd.weights_desc());
  if (with_bias) args[DNNL_ARG_BIAS] = dn::wrap(b);
  run_into(entry->prim, entry->pd, args, DNNL_ARG_DST, entry->pd.dst_desc(), dn::wrap(y), c, "convolution forward");
}

void onednn_backward_data(const Conv& c, const TensorRef& gy, const TensorRef& w, const TensorRef& dx) {
  auto entry = backward_entry<dnnl::convolution_backward_data>(c, "convBackwardData", "convolution backward data");
  std::unordered_map<int, dnnl::memory> args;
  args[DNNL_ARG_DIFF_DST] = in_layout(dn::wrap(gy), entry->pd.diff_dst_desc(), 0);
  args[DNNL_ARG_WEIGHTS] = weights_in(dn::wrap(w, c.wei), entry->pd.weights_desc());
  run_into(entry->prim, entry->pd, args, DNNL_ARG_DIFF_SRC, entry->pd.diff_src_desc(), dn::wrap(dx), c, "convolution backward data");
}

void onednn_backward_weights(const Conv& c, const TensorRef& x, const TensorRef& gy, const TensorRef& dw) {
  auto entry = backward_entry<dnnl::convolution_backward_weights>(c, "convBackwardWeights", "convolution backward weights");
  std::unordered_map<int, dnnl::memory> args;
  args[DNNL_ARG_SRC] = in_layout(dn::wrap(x), entry->pd.src_desc(), 0);
  args[DNNL_ARG_DIFF_DST] = in_layout(dn::wrap(gy), entry->pd.diff_dst_desc(), 1);
  run_into(entry->prim, entry->pd, args, DNNL_ARG_DIFF_WEIGHTS, entry->pd.diff_weights_desc(), dn::wrap(dw, c.wei), c, "convolution backward weights");
}

// Whether oneDNN's weight gradient for `c` is its gemm path (no jit kernel for the shape).
bool onednn_weight_grad_is_gemm(const Conv& c) {
  auto entry = backward_entry<dnnl::convolution_backward_weights>(c, "convBackwardWeights", "convolution backward weights");
  const char* impl = entry->pd.impl_info_str();
  return impl && std::strstr(impl, "gemm") != nullptr;
}

}  // namespace

void set_conv_highest_precision(bool on) { highest_precision.store(on, std::memory_order_relaxed); }
bool conv_highest_precision() { return highest_precision.load(std::memory_order_relaxed); }

void conv2d(OpCall& call) {
  auto a = core::Conv2dAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& w = call.in(1);
  const TensorRef& b = call.in(2);
  const TensorRef& y = call.out(0);
  Conv c = describe(a, x.shape, w.shape, y.shape);
  if (y.numel() == 0) return;
  bool with_bias = b.numel() > 0;
  const bool relu = a.activation == core::Conv2dAttrs::Activation::relu;
  if (x.numel() == 0 || w.numel() == 0) return fill_with_bias(b, relu, y);  // no input channels: the output is the bias
  const ConvShape forward = correlation(x.shape, w.shape[0], w.shape[2], w.shape[3], c.pad_l[0], c.pad_l[1], y.shape);
  const float* bias = with_bias ? b.data<float>() : nullptr;
  if (narrow(c, x.shape[1], y.shape[3])) return narrow_conv_forward(forward, x.data<float>(), w.data<float>(), bias, relu, y.data<float>());
  if (batch_lane(c, y.shape[1])) return batch_lane_conv_forward(forward, x.data<float>(), w.data<float>(), bias, relu, y.data<float>());
  if (PointwiseConv g; pointwise(c, g) && pointwise_conv_forward(g, x.data<float>(), w.data<float>(), bias, relu, y.data<float>())) return;
  onednn_forward(c, x, w, b, relu, y);
}

void conv2dBackwardData(OpCall& call) {
  auto a = core::Conv2dBackwardDataAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& w = call.in(1);
  const TensorRef& dx = call.out(0);
  Conv c = describe(a, dx.shape, w.shape, gy.shape);
  if (dx.numel() == 0) return;
  if (gy.numel() == 0 || w.numel() == 0) return zero(dx);
  // The input gradient is the full correlation of gradOutput with the flipped weights: a forward
  // convolution onto the input's channels, which our kernels run where those are few (oneDNN
  // vectorises over them: LeNet's conv1 took 5.2 ms at batch 64, conv2's 16 → 6 ran 37 % of its
  // lanes).
  const int64_t kh = w.shape[2], kw = w.shape[3];
  const bool padding_within_kernel = c.pad_l[0] < kh && c.pad_l[1] < kw && c.pad_r[0] < kh && c.pad_r[1] < kw;
  const bool use_narrow = padding_within_kernel && narrow(c, dx.shape[1], dx.shape[3]);
  if (use_narrow || (padding_within_kernel && batch_lane(c, dx.shape[1]))) {
    const int64_t ch = w.shape[1];
    float* flipped = thread_scratch_floats(Scratch::conv_flipped_weights, w.numel());
    flip_conv_weights(w.data<float>(), w.shape[0], ch, kh, kw, flipped);
    const ConvShape full = correlation(gy.shape, ch, kh, kw, kh - 1 - c.pad_l[0], kw - 1 - c.pad_l[1], dx.shape);
    return (use_narrow ? narrow_conv_forward : batch_lane_conv_forward)(full, gy.data<float>(), flipped, nullptr, false, dx.data<float>());
  }
  if (PointwiseConv g; pointwise(c, g) && pointwise_conv_backward_data(g, gy.data<float>(), w.data<float>(), dx.data<float>())) return;
  onednn_backward_data(c, gy, w, dx);
}

void conv2dBackwardWeights(OpCall& call) {
  auto a = core::Conv2dBackwardWeightsAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  const TensorRef& dw = call.out(0);
  Conv c = describe(a, x.shape, dw.shape, gy.shape);
  if (dw.numel() == 0) return;
  if (gy.numel() == 0 || x.numel() == 0) return zero(dw);  // an empty batch contributes nothing
  const ConvShape forward = correlation(x.shape, dw.shape[0], dw.shape[2], dw.shape[3], c.pad_l[0], c.pad_l[1], gy.shape);
  if (narrow(c, x.shape[1], gy.shape[3]) && forward.kw <= narrow_conv_grad_max_kernel_width) {
    return narrow_conv_weight_grad(forward, x.data<float>(), gy.data<float>(), dw.data<float>());
  }
  if (batch_lane(c, x.shape[1]) && forward.kw <= batch_lane_conv_grad_max_kernel_width) {
    return batch_lane_conv_weight_grad(forward, x.data<float>(), gy.data<float>(), dw.data<float>());
  }
  if (PointwiseConv g; pointwise(c, g) && pointwise_conv_weight_grad(g, x.data<float>(), gy.data<float>(), dw.data<float>())) return;
  // Note [depthwise convolution]: oneDNN's depthwise weight gradient is jit only up to 3 wide.
  if (DepthwiseConv g; depthwise(c, g) && onednn_weight_grad_is_gemm(c)) return depthwise_conv_weight_grad(g, x.data<float>(), gy.data<float>(), dw.data<float>());
  onednn_backward_weights(c, x, gy, dw);
}

// 3-d: oneDNN's primitives on 5-d memory; depthwise ones run ours (Note [depthwise convolution]).
void conv3d(OpCall& call) {
  auto a = core::Conv3dAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& w = call.in(1);
  const TensorRef& b = call.in(2);
  const TensorRef& y = call.out(0);
  Conv c = describe(a, x.shape, w.shape, y.shape);
  if (y.numel() == 0) return;
  if (x.numel() == 0 || w.numel() == 0) return fill_with_bias(b, false, y);
  if (DepthwiseConv g; depthwise(c, g)) return depthwise_conv_forward(g, x.data<float>(), w.data<float>(), b.numel() ? b.data<float>() : nullptr, false, y.data<float>());
  onednn_forward(c, x, w, b, false, y);
}

void conv3dBackwardData(OpCall& call) {
  auto a = core::Conv3dBackwardDataAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& w = call.in(1);
  const TensorRef& dx = call.out(0);
  Conv c = describe(a, dx.shape, w.shape, gy.shape);
  if (dx.numel() == 0) return;
  if (gy.numel() == 0 || w.numel() == 0) return zero(dx);
  if (DepthwiseConv g; depthwise(c, g)) return depthwise_conv_backward_data(g, gy.data<float>(), w.data<float>(), dx.data<float>());
  onednn_backward_data(c, gy, w, dx);
}

void conv3dBackwardWeights(OpCall& call) {
  auto a = core::Conv3dBackwardWeightsAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  const TensorRef& dw = call.out(0);
  Conv c = describe(a, x.shape, dw.shape, gy.shape);
  if (dw.numel() == 0) return;
  if (gy.numel() == 0 || x.numel() == 0) return zero(dw);  // an empty batch contributes nothing
  if (DepthwiseConv g; depthwise(c, g)) return depthwise_conv_weight_grad(g, x.data<float>(), gy.data<float>(), dw.data<float>());
  onednn_backward_weights(c, x, gy, dw);
}

}  // namespace nutshell::cpu
