// Pooling on cuda, 2-d and 3-d (one set of kernels: a 2-d pooling has a depth axis of one).
//
// Note [cuda max pool workspace]: maxPool2d's (maxPool3d's) hidden output is, on both backends,
// the dense [N,C,H',W'] ([N,C,D',H',W']) tensor of window-argmax indices (kh·kW + kw; 3-d
// (kd·kH + kh)·kW + kw; uint8 up to 255 window elements, int32 beyond) that Note [max pool
// workspace] in cpu/pool.cc describes. cuDNN's max pooling
// keeps no indices (its backward re-reads x and y to find the maxima) and has no dilation, so
// cuda runs our kernels (pool_kernels.cu) and keeps the declaration as it is: the workspace means
// the same on both devices, maxPool2dBackward's samples (given workspaces) test both, and a
// tensor moved between devices stays valid. The backward kernel gathers per input element in a
// fixed order (deterministic, no atomics on values) and refuses a workspace index that names no
// input position of its window, as cpu does, through Note [device-side errors] in common.cuh.
//
// Average pooling forward runs on cuDNN (its Nd pooling descriptor, 2 or 3 axes) when cuDNN's
// floor-mode output size is the op's (it has no ceil mode and only symmetric padding); a window
// that ceil mode adds, with PyTorch's divisor rule, runs our kernel. Adaptive average pooling
// is cuDNN's average pooling when the windows are uniform (H divisible by H', W by W'), our kernel
// otherwise. The backward ops always run our gather kernels: cudnnPoolingBackward wants the
// forward's x and y, which the backward ops do not receive (and need not: average pooling's
// gradient depends on neither), and passing stand-in buffers would rest on cuDNN not reading them.
#include "../gen/cuda_kernels.gen.h"
#include "check.h"
#include "context.h"
#include "cudnn_layer.h"
#include "error_reporter.h"
#include "pool_kernels.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using core::TensorRef;

// x: the input [N,C,H,W] or [N,C,D,H,W]; y: the output of the same rank.
dnn::PoolGeom geometry(const core::Shape& x, const core::Shape& y, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
                       const std::vector<int64_t>& padding, const std::vector<int64_t>& dilation) {
  NS_CHECK((x.size() == 4 || x.size() == 5) && y.size() == x.size(), shape, "expected 4-d or 5-d input and output of one rank");
  const size_t k = x.size() - 2;
  NS_CHECK(kernel.size() == k && (stride.empty() || stride.size() == k) && padding.size() == k && dilation.size() == k, value,
           "malformed pooling attributes");
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, ks[3] = {1, 1, 1}, st[3] = {1, 1, 1}, pad[3] = {0, 0, 0}, dil[3] = {1, 1, 1};
  for (size_t i = 0; i < k; ++i) {
    const size_t a = 3 - k + i;
    in[a] = x[2 + i], out[a] = y[2 + i], ks[a] = kernel[i], st[a] = stride.empty() ? kernel[i] : stride[i], pad[a] = padding[i], dil[a] = dilation[i];
    NS_CHECK(ks[a] >= 1 && st[a] >= 1 && dil[a] >= 1 && pad[a] >= 0, value, "malformed pooling attributes");
  }
  dnn::PoolGeom g;
  g.planes = x[0] * x[1];
  g.d = in[0], g.h = in[1], g.w = in[2], g.od = out[0], g.oh = out[1], g.ow = out[2];
  g.kd = ks[0], g.kh = ks[1], g.kw = ks[2];
  g.sd = st[0], g.sh = st[1], g.sw = st[2];
  g.pd = pad[0], g.ph = pad[1], g.pw = pad[2];
  g.dd = dil[0], g.dh = dil[1], g.dw = dil[2];
  return g;
}

dnn::PoolShape cudnn_shape(const core::Shape& x, const dnn::PoolGeom& g) {
  dnn::PoolShape s;
  s.volumetric = x.size() == 5;
  s.n = x[0], s.c = x[1], s.d = g.d, s.h = g.h, s.w = g.w, s.od = g.od, s.oh = g.oh, s.ow = g.ow;
  s.kd = g.kd, s.kh = g.kh, s.kw = g.kw, s.stride_d = g.sd, s.stride_h = g.sh, s.stride_w = g.sw, s.pad_d = g.pd, s.pad_h = g.ph, s.pad_w = g.pw;
  return s;
}

void zero(const TensorRef& t, cudaStream_t stream) {
  if (t.numel()) NS_CUDA_CHECK(cudaMemsetAsync(t.raw(), 0, static_cast<size_t>(t.numel()) * core::dtype_size(t.dtype), stream));
}

bool workspace_is_u8(const TensorRef& ws) {
  NS_CHECK(ws.dtype == core::DType::uint8 || ws.dtype == core::DType::int32, dtype,
           std::string("max-pool workspace expected uint8 or int32, got ") + core::dtype_name(ws.dtype));
  return ws.dtype == core::DType::uint8;
}

// Adaptive windows are uniform when the sizes divide: plain average pooling, kernel = stride.
bool uniform(int64_t h, int64_t w, int64_t oh, int64_t ow) { return oh > 0 && ow > 0 && h % oh == 0 && w % ow == 0; }

dnn::PoolShape uniform_shape(const core::Shape& x, const core::Shape& y) {
  dnn::PoolShape s;
  s.n = x[0], s.c = x[1], s.h = x[2], s.w = x[3], s.oh = y[2], s.ow = y[3];
  s.kh = s.stride_h = x[2] / y[2];
  s.kw = s.stride_w = x[3] / y[3];
  return s;
}

}  // namespace

namespace {

// The max and average pooling ops of either rank share these.
template <typename Attrs>
void max_pool(OpCall& call) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  const TensorRef& ws = call.out(1);
  if (y.numel() == 0) return;
  dnn::PoolGeom g = geometry(x.shape, y.shape, a.kernelSize, a.stride, a.padding, a.dilation);
  NS_CHECK(ws.shape == y.shape, shape, "workspace " + core::shape_str(ws.shape) + " does not match the output " + core::shape_str(y.shape));
  NS_CUDA_CHECK(dnn::max_pool_forward(x.data<float>(), y.data<float>(), ws.raw(), workspace_is_u8(ws), g, context_of(call).stream));
}

template <typename Attrs>
void max_pool_backward(OpCall& call, const char* forward_op) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& ws = call.in(1);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  DeviceContext& ctx = context_of(call);
  if (gy.numel() == 0) return zero(dx, ctx.stream);
  dnn::PoolGeom g = geometry(dx.shape, gy.shape, a.kernelSize, a.stride, a.padding, a.dilation);
  NS_CHECK(ws.shape == gy.shape, shape, "workspace " + core::shape_str(ws.shape) + " does not match gradOutput " + core::shape_str(gy.shape));
  const bool u8 = workspace_is_u8(ws);
  ErrorReporter errors(ctx, call);
  NS_CUDA_CHECK(dnn::max_pool_backward(gy.data<float>(), ws.raw(), u8, dx.data<float>(), g, &errors.slot()->first, ctx.stream));
  // cpu/pool.cc's refusal, word for word.
  const std::string text = "input " + core::shape_str(dx.shape) + ", output " + core::shape_str(gy.shape);
  const std::string forward = forward_op;
  auto message = [text, forward](int64_t pos, long long v, double) {
    return "workspace holds window index " + std::to_string(v) + " at element " + std::to_string(pos) +
           ", which is not an input position of that window; pass the workspace " + forward + " made with the same options (" + text + ")";
  };
  if (u8) errors.finish(ws.data<uint8_t>(), message);
  else errors.finish(ws.data<int32_t>(), message);
}

template <typename Attrs>
void avg_pool(OpCall& call) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  if (y.numel() == 0) return;
  DeviceContext& ctx = context_of(call);
  dnn::PoolGeom g = geometry(x.shape, y.shape, a.kernelSize, a.stride, a.padding, std::vector<int64_t>(a.kernelSize.size(), 1));
  dnn::PoolShape s = cudnn_shape(x.shape, g);
  if (dnn::cudnn_pool_expressible(s)) return dnn::avg_pool_forward(ctx.cudnn, s, a.countIncludePad, x.data<float>(), y.data<float>());
  NS_CUDA_CHECK(dnn::avg_pool_window_forward(x.data<float>(), y.data<float>(), g, a.countIncludePad, ctx.stream));
}

template <typename Attrs>
void avg_pool_backward(OpCall& call) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  DeviceContext& ctx = context_of(call);
  if (gy.numel() == 0) return zero(dx, ctx.stream);
  dnn::PoolGeom g = geometry(dx.shape, gy.shape, a.kernelSize, a.stride, a.padding, std::vector<int64_t>(a.kernelSize.size(), 1));
  NS_CUDA_CHECK(dnn::avg_pool_window_backward(gy.data<float>(), dx.data<float>(), g, a.countIncludePad, ctx.stream));
}

}  // namespace

void maxPool2d(OpCall& call) { max_pool<core::MaxPool2dAttrs>(call); }
void maxPool3d(OpCall& call) { max_pool<core::MaxPool3dAttrs>(call); }
void maxPool2dBackward(OpCall& call) { max_pool_backward<core::MaxPool2dBackwardAttrs>(call, "maxPool2d"); }
void maxPool3dBackward(OpCall& call) { max_pool_backward<core::MaxPool3dBackwardAttrs>(call, "maxPool3d"); }
void avgPool2d(OpCall& call) { avg_pool<core::AvgPool2dAttrs>(call); }
void avgPool3d(OpCall& call) { avg_pool<core::AvgPool3dAttrs>(call); }
void avgPool2dBackward(OpCall& call) { avg_pool_backward<core::AvgPool2dBackwardAttrs>(call); }
void avgPool3dBackward(OpCall& call) { avg_pool_backward<core::AvgPool3dBackwardAttrs>(call); }

void adaptiveAvgPool2d(OpCall& call) {
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  if (y.numel() == 0) return;
  NS_CHECK(x.rank() == 4 && y.rank() == 4, shape, "expected 4-d input and output");
  DeviceContext& ctx = context_of(call);
  const int64_t h = x.shape[2], w = x.shape[3], oh = y.shape[2], ow = y.shape[3];
  if (uniform(h, w, oh, ow)) return dnn::avg_pool_forward(ctx.cudnn, uniform_shape(x.shape, y.shape), false, x.data<float>(), y.data<float>());
  NS_CUDA_CHECK(dnn::adaptive_avg_pool2d_forward(x.data<float>(), y.data<float>(), x.shape[0] * x.shape[1], h, w, oh, ow, ctx.stream));
}

void adaptiveAvgPool2dBackward(OpCall& call) {
  const TensorRef& gy = call.in(0);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  NS_CHECK(gy.rank() == 4 && dx.rank() == 4, shape, "expected 4-d gradOutput and result");
  DeviceContext& ctx = context_of(call);
  if (gy.numel() == 0) return zero(dx, ctx.stream);
  const int64_t h = dx.shape[2], w = dx.shape[3], oh = gy.shape[2], ow = gy.shape[3];
  NS_CUDA_CHECK(dnn::adaptive_avg_pool2d_backward(gy.data<float>(), dx.data<float>(), dx.shape[0] * dx.shape[1], h, w, oh, ow, ctx.stream));
}

}  // namespace nutshell::cuda
