#pragma once
// Note [cudnn layer]: the one place that calls cuDNN's legacy descriptor API (tensor, filter,
// convolution, pooling, activation descriptors; convolution, pooling, activation, softmax and
// batch-norm calls). cuDNN 9 marks most of it deprecated in favour of the graph API; keeping it
// behind this header means a move to the graph API rewrites cudnn_layer.cc and nothing else.
// The op files (conv.cc, pool.cc, activation.cc, softmax.cc, norm.cc) and the algorithm policy
// (conv_algos.cc) see plain structs, algorithm indices and cuDNN status codes only. The RNN v8
// calls (not deprecated) live in rnn.cc, which borrows TensorDesc from here.
//
// Everything here is float32 (the only dtype these ops declare) and NCHW-dense.
#include <cudnn.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "context.h"

namespace nutshell::cuda::dnn {

// cuDNN takes int dims: a checked narrowing whose error names the quantity.
int to_int(int64_t v, const char* what);

// Temporary device memory (workspaces, padded copies, packed weights) from the device's caching
// allocator; the block goes back to the cache at scope exit. Returning it while kernels that use
// it are still queued is safe: every op of a device runs on its one stream, so whoever gets the
// block next is ordered after them.
class Scratch {
 public:
  Scratch() = default;
  Scratch(DeviceContext& ctx, size_t bytes);
  ~Scratch();
  Scratch(Scratch&& other) noexcept;
  Scratch& operator=(Scratch&& other) noexcept;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  void* data() const { return ptr_; }
  template <typename T>
  T* as() const { return static_cast<T*>(ptr_); }
  size_t size() const { return bytes_; }

 private:
  void release();
  CachingAllocator* allocator_ = nullptr;
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

// ---- RAII descriptors ----

class TensorDesc {
 public:
  TensorDesc();
  ~TensorDesc();
  TensorDesc(const TensorDesc&) = delete;
  TensorDesc& operator=(const TensorDesc&) = delete;
  // A dense NCHW float tensor.
  void set4d(int64_t n, int64_t c, int64_t h, int64_t w);
  // A dense row-major float tensor of 3 to 8 dims (cuDNN's Nd descriptors need at least 3).
  void set_nd(const std::vector<int64_t>& dims);
  cudnnTensorDescriptor_t get() const { return desc_; }

 private:
  cudnnTensorDescriptor_t desc_ = nullptr;
};

// ---- convolution ----

enum class ConvDir : int { forward = 0, backward_data = 1, backward_filter = 2 };
constexpr int kConvDirCount = 3;

// What cuDNN sees of one 2-d convolution: symmetric padding only (asymmetric padding is made
// symmetric by the caller with an explicitly padded input, see Note [asymmetric padding] in
// conv_algos.h), NCHW input [n,c,h,w], weight [o, c/groups, kh, kw], output [n, o, oh, ow]. A
// 3-d convolution (`volumetric`) adds the depth axis in front of h: input [n,c,d,h,w], weight
// [o, c/groups, kd, kh, kw], output [n, o, od, oh, ow], through cuDNN's Nd descriptors; a 2-d
// one keeps d = kd = od = 1.
struct ConvShape {
  int64_t n = 0, c = 0, h = 0, w = 0;
  int64_t o = 0, kh = 0, kw = 0;
  int64_t oh = 0, ow = 0;
  int64_t pad_h = 0, pad_w = 0, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1, groups = 1;
  bool volumetric = false;
  int64_t d = 1, kd = 1, od = 1, pad_d = 0, stride_d = 1, dil_d = 1;
  int64_t input_count() const { return n * c * d * h * w; }
  int64_t weight_count() const { return o * (c / groups) * kd * kh * kw; }
  int64_t output_count() const { return n * o * od * oh * ow; }
};

// How many algorithms cuDNN declares for a direction, and cuDNN's name of each.
int conv_algo_count(ConvDir dir);
const char* conv_algo_name(ConvDir dir, int algo);
// cuDNN's documentation of each algorithm's determinism, for when the heuristics list omits one.
bool conv_algo_documented_deterministic(ConvDir dir, int algo);
const char* math_type_name(cudnnMathType_t m);

// cuDNN's own report on one algorithm for a shape (cudnnGetConvolution*Algorithm_v7).
struct ConvAlgoInfo {
  int algo = 0;
  cudnnStatus_t status = CUDNN_STATUS_NOT_SUPPORTED;
  size_t memory = 0;
  bool deterministic = false;
  cudnnMathType_t math = CUDNN_DEFAULT_MATH;
};

// The descriptors of one convolution. The math type is CUDNN_FMA_MATH (strict float32, no TF32
// tensor cores) so results match the cpu backend within the op table's tolerances.
class ConvPlan {
 public:
  explicit ConvPlan(const ConvShape& s);
  ~ConvPlan();
  ConvPlan(const ConvPlan&) = delete;
  ConvPlan& operator=(const ConvPlan&) = delete;

  const ConvShape& shape() const { return shape_; }
  // Workspace bytes `algo` needs; a status other than SUCCESS means cuDNN does not support it here.
  cudnnStatus_t workspace_size(cudnnHandle_t h, ConvDir dir, int algo, size_t* bytes) const;
  // Every algorithm cuDNN reports for this shape, in its heuristic order (best first).
  std::vector<ConvAlgoInfo> heuristics(cudnnHandle_t h, ConvDir dir) const;
  // forward: a = x, b = w, out = y.  backward data: a = dy, b = w, out = dx.
  // backward filter: a = x, b = dy, out = dw.  out = op(a, b) (beta 0).
  cudnnStatus_t run(cudnnHandle_t h, ConvDir dir, int algo, const void* a, const void* b, void* out, void* workspace,
                    size_t workspace_bytes) const;
  // y += bias (bias [o], broadcast over n, h, w).
  void add_bias(cudnnHandle_t h, const void* bias, void* y) const;

 private:
  ConvShape shape_;
  TensorDesc x_, y_, bias_;
  cudnnFilterDescriptor_t w_ = nullptr;
  cudnnConvolutionDescriptor_t conv_ = nullptr;
};

// ---- pooling (average; max pooling is our own kernel: it keeps the argmax workspace) ----

// A 2-d pooling of [n, c, h, w], or (`volumetric`) a 3-d one of [n, c, d, h, w] through cuDNN's
// Nd descriptors; a 2-d one keeps the depth defaults.
struct PoolShape {
  bool volumetric = false;
  int64_t n = 0, c = 0, d = 1, h = 0, w = 0, od = 1, oh = 0, ow = 0;
  int64_t kd = 1, kh = 1, kw = 1, stride_d = 1, stride_h = 1, stride_w = 1, pad_d = 0, pad_h = 0, pad_w = 0;
};

// Whether cuDNN's output-size rule (floor, symmetric padding) gives exactly the output size on
// every axis: cuDNN has no ceil mode, so a window that ceil mode adds needs our kernel.
bool cudnn_pool_expressible(const PoolShape& s);
void avg_pool_forward(cudnnHandle_t h, const PoolShape& s, bool include_pad, const float* x, float* y);

// ---- activations (elementwise over n floats) ----

// NaN propagates (CUDNN_PROPAGATE_NAN): relu keeps it, as PyTorch's does.
enum class Activation { relu, sigmoid, tanh };
void activation_forward(cudnnHandle_t h, Activation a, const float* x, float* y, int64_t n);
// cuDNN differentiates relu, sigmoid and tanh through the forward's output y (x is not
// read); relu callers may pass the input for y (relu(x) > 0 exactly where x > 0).
void activation_backward(cudnnHandle_t h, Activation a, const float* y, const float* dy, float* dx, int64_t n);

// ---- softmax over the middle dim of [outer, size, inner] ----

void softmax_forward(cudnnHandle_t h, bool log, const float* x, float* y, int64_t outer, int64_t size, int64_t inner);
void softmax_backward(cudnnHandle_t h, bool log, const float* y, const float* dy, float* dx, int64_t outer, int64_t size, int64_t inner);

// ---- batch normalisation (spatial: statistics per channel over n and the spatial dims) ----

// x seen as [n, c, spatial]. Training: batch statistics; cuDNN writes the batch mean and
// 1/sqrt(var + eps) to save_mean / save_inv_std and updates running_mean / running_var
// (unbiased variance, factor `momentum`) in place when they are not null.
void batch_norm_forward_training(cudnnHandle_t h, int64_t n, int64_t c, int64_t spatial, const float* x, float* y, const float* scale,
                                 const float* bias, double momentum, float* running_mean, float* running_var, double eps,
                                 float* save_mean, float* save_inv_std);
void batch_norm_forward_inference(cudnnHandle_t h, int64_t n, int64_t c, int64_t spatial, const float* x, float* y, const float* scale,
                                  const float* bias, const float* mean, const float* var, double eps);
// Training-mode gradients with the given statistics (mean, 1/sqrt(var + eps)).
void batch_norm_backward(cudnnHandle_t h, int64_t n, int64_t c, int64_t spatial, const float* x, const float* dy, float* dx,
                         const float* scale, float* dscale, float* dbias, double eps, const float* mean, const float* inv_std);

}  // namespace nutshell::cuda::dnn
