// The cuDNN legacy-API layer (Note [cudnn layer] in cudnn_layer.h).
#include "cudnn_layer.h"

#include <algorithm>
#include <climits>
#include <string>

#include "allocator.h"
#include "check.h"

namespace nutshell::cuda::dnn {

int to_int(int64_t v, const char* what) {
  NS_CHECK(v >= 0 && v <= INT_MAX, value,
           std::string(what) + " is " + std::to_string(v) + ", beyond the 2^31 - 1 that cuDNN's int sizes can describe");
  return static_cast<int>(v);
}

// ---- Scratch ----

Scratch::Scratch(DeviceContext& ctx, size_t bytes) : allocator_(ctx.allocator), bytes_(bytes) {
  if (bytes > 0) ptr_ = allocator_->allocate(bytes);
}

Scratch::~Scratch() { release(); }

void Scratch::release() {
  if (ptr_) allocator_->deallocate(ptr_, bytes_);
  ptr_ = nullptr;
  bytes_ = 0;
}

Scratch::Scratch(Scratch&& other) noexcept : allocator_(other.allocator_), ptr_(other.ptr_), bytes_(other.bytes_) {
  other.ptr_ = nullptr;
  other.bytes_ = 0;
}

Scratch& Scratch::operator=(Scratch&& other) noexcept {
  if (this != &other) {
    release();
    allocator_ = other.allocator_;
    ptr_ = other.ptr_;
    bytes_ = other.bytes_;
    other.ptr_ = nullptr;
    other.bytes_ = 0;
  }
  return *this;
}

// ---- TensorDesc ----

TensorDesc::TensorDesc() { NS_CUDNN_CHECK(cudnnCreateTensorDescriptor(&desc_)); }
TensorDesc::~TensorDesc() { cudnnDestroyTensorDescriptor(desc_); }

void TensorDesc::set4d(int64_t n, int64_t c, int64_t h, int64_t w) {
  to_int(n * c * h * w, "a tensor's element count");
  NS_CUDNN_CHECK(cudnnSetTensor4dDescriptor(desc_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, to_int(n, "a batch size"), to_int(c, "a channel count"),
                                            to_int(h, "a height"), to_int(w, "a width")));
}

void TensorDesc::set_nd(const std::vector<int64_t>& dims) {
  NS_CHECK(dims.size() >= 3 && dims.size() <= 8, value, "cuDNN Nd tensor descriptors take 3 to 8 dims");
  std::vector<int> d(dims.size()), s(dims.size());
  int64_t stride = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    d[i] = to_int(dims[i], "a tensor dimension");
    s[i] = to_int(stride, "a tensor stride");
    stride *= dims[i];
  }
  NS_CUDNN_CHECK(cudnnSetTensorNdDescriptor(desc_, CUDNN_DATA_FLOAT, static_cast<int>(d.size()), d.data(), s.data()));
}

namespace {

const float kOne = 1.0f;
const float kZero = 0.0f;

// ---- convolution names ----

constexpr const char* kFwdNames[] = {
    "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM", "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM",
    "CUDNN_CONVOLUTION_FWD_ALGO_GEMM",          "CUDNN_CONVOLUTION_FWD_ALGO_DIRECT",
    "CUDNN_CONVOLUTION_FWD_ALGO_FFT",           "CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING",
    "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD",      "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED",
};
constexpr const char* kBwdDataNames[] = {
    "CUDNN_CONVOLUTION_BWD_DATA_ALGO_0",        "CUDNN_CONVOLUTION_BWD_DATA_ALGO_1",
    "CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT",      "CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING",
    "CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD", "CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED",
};
constexpr const char* kBwdFilterNames[] = {
    "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0",        "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1",
    "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT",      "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3",
    "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD", "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED",
    "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING",
};
static_assert(sizeof(kFwdNames) / sizeof(kFwdNames[0]) == CUDNN_CONVOLUTION_FWD_ALGO_COUNT, "forward algorithms changed");
static_assert(sizeof(kBwdDataNames) / sizeof(kBwdDataNames[0]) == CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, "backward-data algorithms changed");
static_assert(sizeof(kBwdFilterNames) / sizeof(kBwdFilterNames[0]) == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
              "backward-filter algorithms changed");

void check_algo(ConvDir dir, int algo) {
  NS_CHECK(algo >= 0 && algo < conv_algo_count(dir), value, "convolution algorithm index " + std::to_string(algo) + " out of range");
}

template <typename Perf>
std::vector<ConvAlgoInfo> to_infos(const Perf* perf, int n) {
  std::vector<ConvAlgoInfo> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    ConvAlgoInfo info;
    info.algo = static_cast<int>(perf[i].algo);
    info.status = perf[i].status;
    info.memory = perf[i].memory;
    info.deterministic = perf[i].determinism == CUDNN_DETERMINISTIC;
    info.math = perf[i].mathType;
    out.push_back(info);
  }
  return out;
}

}  // namespace

int conv_algo_count(ConvDir dir) {
  switch (dir) {
    case ConvDir::forward: return CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
    case ConvDir::backward_data: return CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT;
    case ConvDir::backward_filter: return CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT;
  }
  return 0;
}

const char* conv_algo_name(ConvDir dir, int algo) {
  check_algo(dir, algo);
  switch (dir) {
    case ConvDir::forward: return kFwdNames[algo];
    case ConvDir::backward_data: return kBwdDataNames[algo];
    case ConvDir::backward_filter: return kBwdFilterNames[algo];
  }
  return "?";
}

bool conv_algo_documented_deterministic(ConvDir dir, int algo) {
  // cuDNN's documentation: every forward algorithm is deterministic; backward ALGO_0 (and
  // filter ALGO_3) sum partial products with atomics.
  switch (dir) {
    case ConvDir::forward: return true;
    case ConvDir::backward_data: return algo != CUDNN_CONVOLUTION_BWD_DATA_ALGO_0;
    case ConvDir::backward_filter: return algo != CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 && algo != CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3;
  }
  return false;
}

const char* math_type_name(cudnnMathType_t m) {
  switch (m) {
    case CUDNN_DEFAULT_MATH: return "CUDNN_DEFAULT_MATH";
    case CUDNN_TENSOR_OP_MATH: return "CUDNN_TENSOR_OP_MATH";
    case CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION: return "CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION";
    case CUDNN_FMA_MATH: return "CUDNN_FMA_MATH";
  }
  return "CUDNN_MATH_UNKNOWN";
}

// ---- ConvPlan ----

namespace {

std::string dims_text(const int* d, int count) {
  std::string t = "[";
  for (int i = 0; i < count; ++i) t += (i ? "," : "") + std::to_string(d[i]);
  return t + "]";
}

}  // namespace

ConvPlan::ConvPlan(const ConvShape& s) : shape_(s) {
  NS_CHECK(s.groups >= 1 && s.c % s.groups == 0 && s.o % s.groups == 0, value, "malformed grouped convolution");
  if (s.volumetric) {
    x_.set_nd({s.n, s.c, s.d, s.h, s.w});
    y_.set_nd({s.n, s.o, s.od, s.oh, s.ow});
    bias_.set_nd({1, s.o, 1, 1, 1});
  } else {
    x_.set4d(s.n, s.c, s.h, s.w);
    y_.set4d(s.n, s.o, s.oh, s.ow);
    bias_.set4d(1, s.o, 1, 1);
  }
  try {
    NS_CUDNN_CHECK(cudnnCreateFilterDescriptor(&w_));
    NS_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&conv_));
    const int o = to_int(s.o, "output channels"), cg = to_int(s.c / s.groups, "input channels per group");
    int expected[5], got[5] = {};
    int rank = 4;
    if (s.volumetric) {
      rank = 5;
      const int filter[5] = {o, cg, to_int(s.kd, "kernel depth"), to_int(s.kh, "kernel height"), to_int(s.kw, "kernel width")};
      NS_CUDNN_CHECK(cudnnSetFilterNdDescriptor(w_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 5, filter));
      const int pads[3] = {to_int(s.pad_d, "padding"), to_int(s.pad_h, "padding"), to_int(s.pad_w, "padding")};
      const int strides[3] = {to_int(s.stride_d, "stride"), to_int(s.stride_h, "stride"), to_int(s.stride_w, "stride")};
      const int dilations[3] = {to_int(s.dil_d, "dilation"), to_int(s.dil_h, "dilation"), to_int(s.dil_w, "dilation")};
      NS_CUDNN_CHECK(cudnnSetConvolutionNdDescriptor(conv_, 3, pads, strides, dilations, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    } else {
      NS_CUDNN_CHECK(cudnnSetFilter4dDescriptor(w_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, o, cg, to_int(s.kh, "kernel height"), to_int(s.kw, "kernel width")));
      NS_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(conv_, to_int(s.pad_h, "padding"), to_int(s.pad_w, "padding"), to_int(s.stride_h, "stride"),
                                                     to_int(s.stride_w, "stride"), to_int(s.dil_h, "dilation"), to_int(s.dil_w, "dilation"),
                                                     CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    }
    NS_CUDNN_CHECK(cudnnSetConvolutionGroupCount(conv_, to_int(s.groups, "groups")));
    NS_CUDNN_CHECK(cudnnSetConvolutionMathType(conv_, CUDNN_FMA_MATH));
    NS_CUDNN_CHECK(cudnnGetConvolutionNdForwardOutputDim(conv_, x_.get(), w_, rank, got));
    const int64_t want[5] = {s.n, s.o, s.volumetric ? s.od : s.oh, s.volumetric ? s.oh : s.ow, s.ow};
    for (int i = 0; i < rank; ++i) expected[i] = static_cast<int>(want[i]);
    NS_CHECK(std::equal(got, got + rank, expected), backend,
             "cuDNN computes a convolution output of " + dims_text(got, rank) + " where the op expects " + dims_text(expected, rank));
  } catch (...) {
    if (conv_) cudnnDestroyConvolutionDescriptor(conv_);
    if (w_) cudnnDestroyFilterDescriptor(w_);
    throw;
  }
}

ConvPlan::~ConvPlan() {
  cudnnDestroyConvolutionDescriptor(conv_);
  cudnnDestroyFilterDescriptor(w_);
}

cudnnStatus_t ConvPlan::workspace_size(cudnnHandle_t h, ConvDir dir, int algo, size_t* bytes) const {
  check_algo(dir, algo);
  *bytes = 0;
  switch (dir) {
    case ConvDir::forward:
      return cudnnGetConvolutionForwardWorkspaceSize(h, x_.get(), w_, conv_, y_.get(), static_cast<cudnnConvolutionFwdAlgo_t>(algo), bytes);
    case ConvDir::backward_data:
      return cudnnGetConvolutionBackwardDataWorkspaceSize(h, w_, y_.get(), conv_, x_.get(), static_cast<cudnnConvolutionBwdDataAlgo_t>(algo),
                                                          bytes);
    case ConvDir::backward_filter:
      return cudnnGetConvolutionBackwardFilterWorkspaceSize(h, x_.get(), y_.get(), conv_, w_,
                                                            static_cast<cudnnConvolutionBwdFilterAlgo_t>(algo), bytes);
  }
  return CUDNN_STATUS_BAD_PARAM;
}

std::vector<ConvAlgoInfo> ConvPlan::heuristics(cudnnHandle_t h, ConvDir dir) const {
  int returned = 0;
  switch (dir) {
    case ConvDir::forward: {
      cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
      NS_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, x_.get(), w_, conv_, y_.get(), CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf));
      return to_infos(perf, returned);
    }
    case ConvDir::backward_data: {
      cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
      NS_CUDNN_CHECK(
          cudnnGetConvolutionBackwardDataAlgorithm_v7(h, w_, y_.get(), conv_, x_.get(), CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &returned, perf));
      return to_infos(perf, returned);
    }
    case ConvDir::backward_filter: {
      cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
      NS_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, x_.get(), y_.get(), conv_, w_, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
                                                                   &returned, perf));
      return to_infos(perf, returned);
    }
  }
  return {};
}

cudnnStatus_t ConvPlan::run(cudnnHandle_t h, ConvDir dir, int algo, const void* a, const void* b, void* out, void* workspace,
                            size_t workspace_bytes) const {
  check_algo(dir, algo);
  switch (dir) {
    case ConvDir::forward:
      return cudnnConvolutionForward(h, &kOne, x_.get(), a, w_, b, conv_, static_cast<cudnnConvolutionFwdAlgo_t>(algo), workspace, workspace_bytes,
                                     &kZero, y_.get(), out);
    case ConvDir::backward_data:
      return cudnnConvolutionBackwardData(h, &kOne, w_, b, y_.get(), a, conv_, static_cast<cudnnConvolutionBwdDataAlgo_t>(algo), workspace,
                                          workspace_bytes, &kZero, x_.get(), out);
    case ConvDir::backward_filter:
      return cudnnConvolutionBackwardFilter(h, &kOne, x_.get(), a, y_.get(), b, conv_, static_cast<cudnnConvolutionBwdFilterAlgo_t>(algo),
                                            workspace, workspace_bytes, &kZero, w_, out);
  }
  return CUDNN_STATUS_BAD_PARAM;
}

void ConvPlan::add_bias(cudnnHandle_t h, const void* bias, void* y) const {
  NS_CUDNN_CHECK(cudnnAddTensor(h, &kOne, bias_.get(), bias, &kOne, y_.get(), y));
}

// ---- pooling ----

namespace {

class PoolDesc {
 public:
  PoolDesc(const PoolShape& s, bool include_pad) {
    // Per pooled axis, depth first where there is one (checked before the descriptor exists).
    std::vector<int> window, padding, stride;
    auto axis = [&](int64_t k, int64_t p, int64_t st) {
      window.push_back(to_int(k, "a pooling window"));
      padding.push_back(to_int(p, "a pooling padding"));
      stride.push_back(to_int(st, "a pooling stride"));
    };
    if (s.volumetric) axis(s.kd, s.pad_d, s.stride_d);
    axis(s.kh, s.pad_h, s.stride_h);
    axis(s.kw, s.pad_w, s.stride_w);
    NS_CUDNN_CHECK(cudnnCreatePoolingDescriptor(&desc_));
    cudnnStatus_t st = cudnnSetPoolingNdDescriptor(desc_, include_pad ? CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING : CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING,
                                                   CUDNN_PROPAGATE_NAN, static_cast<int>(window.size()), window.data(), padding.data(), stride.data());
    if (st != CUDNN_STATUS_SUCCESS) {
      cudnnDestroyPoolingDescriptor(desc_);
      NS_THROW(backend, cudnn_status_text(st) + " (cudnnSetPoolingNdDescriptor)");
    }
  }
  ~PoolDesc() { cudnnDestroyPoolingDescriptor(desc_); }
  cudnnPoolingDescriptor_t get() const { return desc_; }

 private:
  cudnnPoolingDescriptor_t desc_ = nullptr;
};

}  // namespace

bool cudnn_pool_expressible(const PoolShape& s) {
  auto fits = [](int64_t in, int64_t out, int64_t k, int64_t st, int64_t p) { return p < k && (in + 2 * p >= k ? (in + 2 * p - k) / st + 1 : 0) == out; };
  return fits(s.d, s.od, s.kd, s.stride_d, s.pad_d) && fits(s.h, s.oh, s.kh, s.stride_h, s.pad_h) && fits(s.w, s.ow, s.kw, s.stride_w, s.pad_w);
}

void avg_pool_forward(cudnnHandle_t h, const PoolShape& s, bool include_pad, const float* x, float* y) {
  PoolDesc pd(s, include_pad);
  TensorDesc xd, yd;
  if (s.volumetric) {
    xd.set_nd({s.n, s.c, s.d, s.h, s.w});
    yd.set_nd({s.n, s.c, s.od, s.oh, s.ow});
  } else {
    xd.set4d(s.n, s.c, s.h, s.w);
    yd.set4d(s.n, s.c, s.oh, s.ow);
  }
  NS_CUDNN_CHECK(cudnnPoolingForward(h, pd.get(), &kOne, xd.get(), x, &kZero, yd.get(), y));
}

// ---- activations ----

namespace {

// Elementwise calls see the buffer as [1, 1, 1, len] (how Caffe2 described flat tensors to
// cuDNN), in chunks that keep cuDNN's int sizes and internal offsets far from overflow.
constexpr int64_t kFlatChunk = int64_t{1} << 30;

class ActivationDesc {
 public:
  explicit ActivationDesc(Activation a) {
    NS_CUDNN_CHECK(cudnnCreateActivationDescriptor(&desc_));
    cudnnActivationMode_t mode = CUDNN_ACTIVATION_RELU;
    switch (a) {
      case Activation::relu: mode = CUDNN_ACTIVATION_RELU; break;
      case Activation::sigmoid: mode = CUDNN_ACTIVATION_SIGMOID; break;
      case Activation::tanh: mode = CUDNN_ACTIVATION_TANH; break;
    }
    cudnnStatus_t st = cudnnSetActivationDescriptor(desc_, mode, CUDNN_PROPAGATE_NAN, 0.0);
    if (st != CUDNN_STATUS_SUCCESS) {
      cudnnDestroyActivationDescriptor(desc_);
      NS_THROW(backend, cudnn_status_text(st) + " (cudnnSetActivationDescriptor)");
    }
  }
  ~ActivationDesc() { cudnnDestroyActivationDescriptor(desc_); }
  cudnnActivationDescriptor_t get() const { return desc_; }

 private:
  cudnnActivationDescriptor_t desc_ = nullptr;
};

}  // namespace

void activation_forward(cudnnHandle_t h, Activation a, const float* x, float* y, int64_t n) {
  if (n <= 0) return;
  ActivationDesc ad(a);
  TensorDesc td;
  for (int64_t off = 0; off < n; off += kFlatChunk) {
    int64_t len = std::min(kFlatChunk, n - off);
    td.set4d(1, 1, 1, len);
    NS_CUDNN_CHECK(cudnnActivationForward(h, ad.get(), &kOne, td.get(), x + off, &kZero, td.get(), y + off));
  }
}

void activation_backward(cudnnHandle_t h, Activation a, const float* y, const float* dy, float* dx, int64_t n) {
  if (n <= 0) return;
  ActivationDesc ad(a);
  TensorDesc td;
  for (int64_t off = 0; off < n; off += kFlatChunk) {
    int64_t len = std::min(kFlatChunk, n - off);
    td.set4d(1, 1, 1, len);
    // x is not read for these modes; y stands in for it (a valid buffer of the right shape).
    NS_CUDNN_CHECK(cudnnActivationBackward(h, ad.get(), &kOne, td.get(), y + off, td.get(), dy + off, td.get(), y + off, &kZero, td.get(),
                                           dx + off));
  }
}

// ---- softmax ----

namespace {

// Rows of [outer, size, inner] per call: each call stays below 2^30 elements.
int64_t softmax_rows_per_call(int64_t size, int64_t inner) {
  const int64_t row = size * inner;
  NS_CHECK(row <= kFlatChunk, value,
           "softmax over " + std::to_string(size) + " classes x " + std::to_string(inner) + " positions is beyond what one cuDNN call takes (2^30 elements)");
  return std::max<int64_t>(1, kFlatChunk / std::max<int64_t>(row, 1));
}

}  // namespace

void softmax_forward(cudnnHandle_t h, bool log, const float* x, float* y, int64_t outer, int64_t size, int64_t inner) {
  if (outer * size * inner == 0) return;
  const int64_t rows = softmax_rows_per_call(size, inner);
  TensorDesc td;
  for (int64_t r = 0; r < outer; r += rows) {
    int64_t len = std::min(rows, outer - r);
    td.set4d(len, size, inner, 1);
    const int64_t off = r * size * inner;
    NS_CUDNN_CHECK(cudnnSoftmaxForward(h, log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &kOne, td.get(), x + off,
                                       &kZero, td.get(), y + off));
  }
}

void softmax_backward(cudnnHandle_t h, bool log, const float* y, const float* dy, float* dx, int64_t outer, int64_t size, int64_t inner) {
  if (outer * size * inner == 0) return;
  const int64_t rows = softmax_rows_per_call(size, inner);
  TensorDesc td;
  for (int64_t r = 0; r < outer; r += rows) {
    int64_t len = std::min(rows, outer - r);
    td.set4d(len, size, inner, 1);
    const int64_t off = r * size * inner;
    NS_CUDNN_CHECK(cudnnSoftmaxBackward(h, log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &kOne, td.get(), y + off,
                                        td.get(), dy + off, &kZero, td.get(), dx + off));
  }
}

// ---- batch norm ----

namespace {

struct BnDescs {
  TensorDesc data, param;
  BnDescs(int64_t n, int64_t c, int64_t spatial) {
    data.set4d(n, c, spatial, 1);
    param.set4d(1, c, 1, 1);
  }
};

}  // namespace

void batch_norm_forward_training(cudnnHandle_t h, int64_t n, int64_t c, int64_t spatial, const float* x, float* y, const float* scale,
                                 const float* bias, double momentum, float* running_mean, float* running_var, double eps,
                                 float* save_mean, float* save_inv_std) {
  BnDescs d(n, c, spatial);
  NS_CUDNN_CHECK(cudnnBatchNormalizationForwardTraining(h, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, d.data.get(), x, d.data.get(), y, d.param.get(),
                                                        scale, bias, momentum, running_mean, running_var, eps, save_mean, save_inv_std));
}

void batch_norm_forward_inference(cudnnHandle_t h, int64_t n, int64_t c, int64_t spatial, const float* x, float* y, const float* scale,
                                  const float* bias, const float* mean, const float* var, double eps) {
  BnDescs d(n, c, spatial);
  NS_CUDNN_CHECK(cudnnBatchNormalizationForwardInference(h, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, d.data.get(), x, d.data.get(), y,
                                                         d.param.get(), scale, bias, mean, var, eps));
}

void batch_norm_backward(cudnnHandle_t h, int64_t n, int64_t c, int64_t spatial, const float* x, const float* dy, float* dx,
                         const float* scale, float* dscale, float* dbias, double eps, const float* mean, const float* inv_std) {
  BnDescs d(n, c, spatial);
  NS_CUDNN_CHECK(cudnnBatchNormalizationBackward(h, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, &kOne, &kZero, d.data.get(), x, d.data.get(), dy,
                                                 d.data.get(), dx, d.param.get(), scale, dscale, dbias, eps, mean, inv_std));
}

}  // namespace nutshell::cuda::dnn
