// Batch and layer normalisation on cuda. Semantics mirror cpu/norm.cc exactly (see Note [batch
// norm running statistics] in packages/tensor/src/ops/table/norm.ts):
//
// - batchNorm returns the updated running statistics as outputs 1 and 2 (copies of the inputs
//   that cuDNN then updates in place with factor `momentum` and the unbiased batch variance, as
//   PyTorch does) and hides the batch mean and *biased* variance as outputs 3 and 4. cuDNN saves
//   1/sqrt(var + eps) instead of the variance: one small kernel converts (and converts back in
//   batchNormBackward), so the hidden outputs mean the same on both devices.
// - batchNormBackward with training uses cuDNN's backward with the given statistics passed as
//   its saved mean / inverse deviation; evaluation mode (fixed statistics) has no cuDNN call and
//   runs our kernels. cuDNN's calls see the input as [N, C, spatial, 1].
// - Absent weight / bias ([0] tensors) are ones / zeros.
// - layerNorm and its backward are our kernels (cuDNN's legacy API has no layer norm).
#include <string>

#include "../gen/cuda_kernels.gen.h"
#include "check.h"
#include "context.h"
#include "cudnn_layer.h"
#include "dnn_kernels.cuh"
#include "norm_kernels.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using core::TensorRef;

void copy(const TensorRef& from, const TensorRef& to, cudaStream_t stream) {
  if (to.numel()) NS_CUDA_CHECK(cudaMemcpyAsync(to.raw(), from.raw(), static_cast<size_t>(to.numel()) * sizeof(float), cudaMemcpyDeviceToDevice, stream));
}

void zero(const TensorRef& t, cudaStream_t stream) {
  if (t.numel()) NS_CUDA_CHECK(cudaMemsetAsync(t.raw(), 0, static_cast<size_t>(t.numel()) * sizeof(float), stream));
}

// A per-channel parameter: the tensor when given, else `fallback` filled with `value`.
const float* param(const TensorRef& t, int64_t c, float value, dnn::Scratch& fallback, DeviceContext& ctx) {
  if (t.numel() > 0) return t.data<float>();
  fallback = dnn::Scratch(ctx, static_cast<size_t>(c) * sizeof(float));
  NS_CUDA_CHECK(dnn::fill_f32(fallback.as<float>(), c, value, ctx.stream));
  return fallback.as<float>();
}

struct BnDims {
  int64_t n = 0, c = 0, spatial = 1;
};

BnDims bn_dims(const TensorRef& x) {
  NS_CHECK(x.rank() >= 2 && x.rank() <= 5, shape, "input expected 2 to 5 dimensions, got " + core::shape_str(x.shape));
  BnDims d;
  d.n = x.shape[0];
  d.c = x.shape[1];
  for (int k = 2; k < x.rank(); ++k) d.spatial *= x.shape[k];
  return d;
}

}  // namespace

void batchNorm(OpCall& call) {
  auto a = core::BatchNormAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& rm = call.in(1);
  const TensorRef& rv = call.in(2);
  const TensorRef& w = call.in(3);
  const TensorRef& b = call.in(4);
  const TensorRef& y = call.out(0);
  DeviceContext& ctx = context_of(call);
  const BnDims d = bn_dims(x);
  const int64_t count = d.n * d.spatial;
  const bool with_stats = rm.numel() > 0;
  if (!a.training) {
    NS_CHECK(with_stats, value, "runningMean and runningVar are required when training is false");
    copy(rm, call.out(1), ctx.stream);
    copy(rv, call.out(2), ctx.stream);
    if (x.numel() == 0) return;
    dnn::Scratch ones, zeros;
    dnn::batch_norm_forward_inference(ctx.cudnn, d.n, d.c, d.spatial, x.data<float>(), y.data<float>(), param(w, d.c, 1.0f, ones, ctx),
                                      param(b, d.c, 0.0f, zeros, ctx), rm.data<float>(), rv.data<float>(), a.eps);
    return;
  }
  if (with_stats) {
    // cuDNN updates the running estimates in place: it gets the copies that are our outputs.
    copy(rm, call.out(1), ctx.stream);
    copy(rv, call.out(2), ctx.stream);
  }
  if (count == 0 || d.c == 0) {
    // An empty batch: nothing to normalise; running statistics stay as they are (PyTorch too).
    zero(call.out(3), ctx.stream);
    zero(call.out(4), ctx.stream);
    return;
  }
  dnn::Scratch ones, zeros;
  dnn::Scratch inv_std(ctx, static_cast<size_t>(d.c) * sizeof(float));
  dnn::batch_norm_forward_training(ctx.cudnn, d.n, d.c, d.spatial, x.data<float>(), y.data<float>(), param(w, d.c, 1.0f, ones, ctx),
                                   param(b, d.c, 0.0f, zeros, ctx), a.momentum, with_stats ? call.out(1).data<float>() : nullptr,
                                   with_stats ? call.out(2).data<float>() : nullptr, a.eps, call.out(3).data<float>(), inv_std.as<float>());
  NS_CUDA_CHECK(dnn::bn_inv_std_to_var(inv_std.as<float>(), call.out(4).data<float>(), d.c, static_cast<float>(a.eps), ctx.stream));
}

void batchNormBackward(OpCall& call) {
  auto a = core::BatchNormBackwardAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  const TensorRef& w = call.in(2);
  const TensorRef& mean = call.in(3);
  const TensorRef& var = call.in(4);
  const TensorRef& dx = call.out(0);
  DeviceContext& ctx = context_of(call);
  const BnDims d = bn_dims(x);
  NS_CHECK(mean.numel() == d.c && var.numel() == d.c, shape, "mean and variance expected one value per channel");
  if (x.numel() == 0) {
    zero(call.out(1), ctx.stream);
    zero(call.out(2), ctx.stream);
    return;
  }
  const float eps = static_cast<float>(a.eps);
  if (!a.training) {
    NS_CUDA_CHECK(dnn::bn_eval_backward(gy.data<float>(), x.data<float>(), w.numel() > 0 ? w.data<float>() : nullptr, mean.data<float>(),
                                        var.data<float>(), dx.data<float>(), call.out(1).data<float>(), call.out(2).data<float>(), d.n, d.c,
                                        d.spatial, eps, ctx.stream));
    return;
  }
  dnn::Scratch ones;
  dnn::Scratch inv_std(ctx, static_cast<size_t>(d.c) * sizeof(float));
  NS_CUDA_CHECK(dnn::bn_var_to_inv_std(var.data<float>(), inv_std.as<float>(), d.c, eps, ctx.stream));
  dnn::batch_norm_backward(ctx.cudnn, d.n, d.c, d.spatial, x.data<float>(), gy.data<float>(), dx.data<float>(), param(w, d.c, 1.0f, ones, ctx),
                           call.out(1).data<float>(), call.out(2).data<float>(), a.eps, mean.data<float>(), inv_std.as<float>());
}

// ---- layer norm: the input viewed as [rows, D], D = the product of normalizedShape ----

void layerNorm(OpCall& call) {
  auto a = core::LayerNormAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& w = call.in(1);
  const TensorRef& b = call.in(2);
  const int64_t d = core::numel(a.normalizedShape);
  NS_CHECK(d > 0, value, "normalizedShape must not contain 0");
  const int64_t rows = x.numel() / d;
  if (rows == 0) return;
  NS_CHECK(call.out(1).numel() == rows && call.out(2).numel() == rows, shape, "mean and variance outputs expected one value per row");
  NS_CUDA_CHECK(dnn::layer_norm_forward(x.data<float>(), w.numel() > 0 ? w.data<float>() : nullptr, b.numel() > 0 ? b.data<float>() : nullptr,
                                        call.out(0).data<float>(), call.out(1).data<float>(), call.out(2).data<float>(), rows, d,
                                        static_cast<float>(a.eps), context_of(call).stream));
}

void layerNormBackward(OpCall& call) {
  auto a = core::LayerNormBackwardAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& x = call.in(1);
  const TensorRef& w = call.in(2);
  const TensorRef& mean = call.in(3);
  const TensorRef& var = call.in(4);
  DeviceContext& ctx = context_of(call);
  const int64_t d = core::numel(a.normalizedShape);
  NS_CHECK(d > 0, value, "normalizedShape must not contain 0");
  const int64_t rows = x.numel() / d;
  if (rows == 0) {
    zero(call.out(1), ctx.stream);
    zero(call.out(2), ctx.stream);
    return;
  }
  NS_CHECK(mean.numel() == rows && var.numel() == rows, shape, "mean and variance expected one value per row");
  const float eps = static_cast<float>(a.eps);
  NS_CUDA_CHECK(dnn::layer_norm_backward_input(gy.data<float>(), x.data<float>(), w.numel() > 0 ? w.data<float>() : nullptr, mean.data<float>(),
                                               var.data<float>(), call.out(0).data<float>(), rows, d, eps, ctx.stream));
  dnn::Scratch partial(ctx, static_cast<size_t>(dnn::layer_norm_partial_floats(rows, d)) * sizeof(float));
  NS_CUDA_CHECK(dnn::layer_norm_backward_params(gy.data<float>(), x.data<float>(), mean.data<float>(), var.data<float>(), call.out(1).data<float>(),
                                                call.out(2).data<float>(), partial.as<float>(), rows, d, eps, ctx.stream));
}

}  // namespace nutshell::cuda
