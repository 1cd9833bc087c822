// Convolution on cuda, 2-d and 3-d: cuDNN forward, backward data and backward filter, with the
// algorithm each op's `algo` attribute asks for (Note [conv algorithm policy] in conv_algos.cc) and
// asymmetric padding made symmetric by an explicitly padded input (Note [asymmetric padding] in
// conv_algos.h). Workspaces come from the device's caching allocator. Semantics as
// cpu/conv.cc: an output with no input channels is the bias (or 0); an empty batch gives zero
// weight gradients.
#include "../gen/cuda_kernels.gen.h"
#include "check.h"
#include "context.h"
#include "conv_algos.h"
#include "cudnn_layer.h"
#include "dnn_kernels.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using core::TensorRef;
using dnn::ConvDir;

size_t float_bytes(int64_t n) { return static_cast<size_t>(n) * sizeof(float); }

void zero(const TensorRef& t, cudaStream_t stream) {
  if (t.numel()) NS_CUDA_CHECK(cudaMemsetAsync(t.raw(), 0, float_bytes(t.numel()), stream));
}

// The input as cuDNN reads it: itself, or its explicitly padded copy in `padded`.
const float* cudnn_input(DeviceContext& ctx, const ConvSetup& s, const TensorRef& x, dnn::Scratch& padded) {
  if (!s.explicit_pad) return x.data<float>();
  const dnn::ConvShape& c = s.shape;
  padded = dnn::Scratch(ctx, float_bytes(c.input_count()));
  NS_CUDA_CHECK(dnn::pad_planes(x.data<float>(), padded.as<float>(), c.n * c.c, x.shape[2], x.shape[3], c.h, c.w, s.pad_top, s.pad_left, ctx.stream));
  return padded.as<float>();
}

// Chooses and runs the algorithm of `dir`: out = op(a, b) (roles as dnn::ConvPlan::run).
void run(DeviceContext& ctx, const ConvSetup& s, const dnn::ConvPlan& plan, ConvDir dir, int attr, const void* a, const void* b, void* out) {
  const ConvChoice choice = choose_conv_algo(ctx, plan, dir, attr, ConvBuffers{a, b, out}, s.geom);
  dnn::Scratch workspace(ctx, choice.workspace);
  const cudnnStatus_t st = plan.run(ctx.cudnn, dir, choice.algo, a, b, out, workspace.data(), choice.workspace);
  if (st != CUDNN_STATUS_SUCCESS) conv_run_failed(ctx, dir, attr, choice.algo, st, s.geom);
}

// An output with no input channels: the bias (or 0) in every position.
void fill_with_bias(DeviceContext& ctx, const TensorRef& b, const TensorRef& y) {
  const int64_t plane = y.numel() / (y.shape[0] * y.shape[1]);
  NS_CUDA_CHECK(dnn::fill_channels(y.data<float>(), b.numel() > 0 ? b.data<float>() : nullptr, y.shape[0], y.shape[1], plane, ctx.stream));
}

// The three directions, 2-d and 3-d alike: a 3-d convolution's padding is symmetric (Note
// [symmetric 3-d padding] in conv3d.ts), so conv_setup never asks for an explicitly padded copy.
template <typename Attrs>
void forward(OpCall& call, const Attrs& a, bool relu) {
  const TensorRef& x = call.in(0);
  const TensorRef& w = call.in(1);
  const TensorRef& b = call.in(2);
  const TensorRef& y = call.out(0);
  NS_CHECK(y.rank() == 4 || y.rank() == 5, shape, "expected a 4-d or 5-d output");
  if (y.numel() == 0) return;
  DeviceContext& ctx = context_of(call);
  const bool with_bias = b.numel() > 0;
  // Note [fused conv activation]: relu in place once the output (and bias) is there; cuDNN
  // allows an activation's input and output to be the same buffer.
  auto activate = [&] {
    if (relu) dnn::activation_forward(ctx.cudnn, dnn::Activation::relu, y.data<float>(), y.data<float>(), y.numel());
  };
  if (x.numel() == 0 || w.numel() == 0) {  // no input channels: the output is the bias
    fill_with_bias(ctx, b, y);
    return activate();
  }
  const ConvSetup s = conv_setup(x.shape, w.shape, y.shape, a.stride, a.padding, a.dilation, a.groups);
  NS_CHECK(!with_bias || b.numel() == s.shape.o, shape, "bias expected one value per output channel (" + s.geom.text() + ")");
  dnn::Scratch padded;
  const float* xin = cudnn_input(ctx, s, x, padded);
  dnn::ConvPlan plan(s.shape);
  run(ctx, s, plan, ConvDir::forward, static_cast<int>(a.algo), xin, w.raw(), y.raw());
  if (with_bias) plan.add_bias(ctx.cudnn, b.raw(), y.raw());
  activate();
}

template <typename Attrs>
void backward_data(OpCall& call) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& w = call.in(1);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  DeviceContext& ctx = context_of(call);
  if (gy.numel() == 0 || w.numel() == 0) return zero(dx, ctx.stream);
  const ConvSetup s = conv_setup(dx.shape, w.shape, gy.shape, a.stride, a.padding, a.dilation, a.groups);
  dnn::ConvPlan plan(s.shape);
  if (!s.explicit_pad) return run(ctx, s, plan, ConvDir::backward_data, static_cast<int>(a.algo), gy.raw(), w.raw(), dx.raw());
  // The gradient of the padded input, cropped to the input (the padding's gradient is dropped).
  const dnn::ConvShape& c = s.shape;
  dnn::Scratch padded(ctx, float_bytes(c.input_count()));
  run(ctx, s, plan, ConvDir::backward_data, static_cast<int>(a.algo), gy.raw(), w.raw(), padded.data());
  NS_CUDA_CHECK(dnn::crop_planes(padded.as<float>(), dx.data<float>(), c.n * c.c, c.h, c.w, dx.shape[2], dx.shape[3], s.pad_top, s.pad_left, ctx.stream));
}

template <typename Attrs>
void backward_weights(OpCall& call) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  const TensorRef& dw = call.out(0);
  if (dw.numel() == 0) return;
  DeviceContext& ctx = context_of(call);
  if (gy.numel() == 0 || x.numel() == 0) return zero(dw, ctx.stream);  // an empty batch contributes nothing
  const ConvSetup s = conv_setup(x.shape, dw.shape, gy.shape, a.stride, a.padding, a.dilation, a.groups);
  dnn::Scratch padded;
  const float* xin = cudnn_input(ctx, s, x, padded);
  dnn::ConvPlan plan(s.shape);
  run(ctx, s, plan, ConvDir::backward_filter, static_cast<int>(a.algo), xin, gy.raw(), dw.raw());
}

}  // namespace

void conv2d(OpCall& call) {
  auto a = core::Conv2dAttrs::decode(call.reader());
  forward(call, a, a.activation == core::Conv2dAttrs::Activation::relu);
}

void conv2dBackwardData(OpCall& call) { backward_data<core::Conv2dBackwardDataAttrs>(call); }

void conv2dBackwardWeights(OpCall& call) { backward_weights<core::Conv2dBackwardWeightsAttrs>(call); }

void conv3d(OpCall& call) { forward(call, core::Conv3dAttrs::decode(call.reader()), false); }

void conv3dBackwardData(OpCall& call) { backward_data<core::Conv3dBackwardDataAttrs>(call); }

void conv3dBackwardWeights(OpCall& call) { backward_weights<core::Conv3dBackwardWeightsAttrs>(call); }

}  // namespace nutshell::cuda
