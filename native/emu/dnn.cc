// The part of cuDNN's legacy API that the cuda backend's cudnn_layer.cc calls, as plain loops for
// the cuda emulator (Note [cuda emulation] in ns_emu.h): convolution in three directions with an
// algorithm list shaped like cuDNN's on Hopper, pooling, activations, softmax, batch norm, and
// adding a bias (the RNN calls are in rnn.cc). What is checked here is our side of the contract:
// the descriptors we set, the argument order, the workspace we hand over, what we do with "not
// supported". The numbers a real cuDNN computes are checked on a GPU.
//
// The algorithm rules imitate cuDNN 9 on sm_90 where they matter to our code: 'direct' and the
// fused Winograd are never supported, FFT and FFT tiling only for unit stride and dilation,
// Winograd non-fused only for 3×3 and 5×5 unit-stride ungrouped filters; backward-data algo 0
// and backward-filter algos 0 and 3 are non-deterministic; GEMM-like algorithms want a
// workspace, implicit GEMM none.
#include <cudnn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "descriptors.h"
#include "streams.h"

extern "C" void ns_emu_unsupported(const char* name);

namespace {

// The [N, C, H, W] view of a descriptor (the legacy calls below only see 4-d ones).
struct Tensor4 {
  int n = 0, c = 0, h = 0, w = 0;
  Tensor4() = default;
  Tensor4(int n_, int c_, int h_, int w_) : n(n_), c(c_), h(h_), w(w_) {}
  Tensor4(const ns_emu::TensorDesc& d) : n(d.n()), c(d.c()), h(d.h()), w(d.w()) {}
  int64_t count() const { return int64_t{n} * c * h * w; }
};
// A convolution's tensors and filters as [N, C, D, H, W]: a 2-d one (4-d descriptors) has D = 1.
struct Volume {
  int nd = 0, n = 0, c = 0, d = 1, h = 0, w = 0;
  int64_t count() const { return int64_t{n} * c * d * h * w; }
};
Volume volume(const ns_emu::TensorDesc& t) {
  if (t.nd == 5) return Volume{5, t.dims[0], t.dims[1], t.dims[2], t.dims[3], t.dims[4]};
  return Volume{t.nd, t.n(), t.c(), 1, t.h(), t.w()};
}
struct Filter {
  int nd = 4, k = 0, c = 0, d = 1, h = 0, w = 0;
  int64_t count() const { return int64_t{k} * c * d * h * w; }
};
// Set by cudnnSetConvolution2dDescriptor (spatial 2) or cudnnSetConvolutionNdDescriptor.
struct Conv {
  int spatial = 2;
  int pad_d = 0, pad_h = 0, pad_w = 0, s_d = 1, u = 1, v = 1, dil_d = 1, dil_h = 1, dil_w = 1, groups = 1;
};
// Set by cudnnSetPooling2dDescriptor (spatial 2) or cudnnSetPoolingNdDescriptor (2 or 3).
struct Pool {
  cudnnPoolingMode_t mode = CUDNN_POOLING_MAX;
  int spatial = 2;
  int kd = 1, kh = 1, kw = 1, pd = 0, ph = 0, pw = 0, sd = 1, sh = 1, sw = 1;
};
struct Act {
  cudnnActivationMode_t mode = CUDNN_ACTIVATION_RELU;
  double coef = 0;
};

template <typename T, typename D>
T& of(D d) {
  return *reinterpret_cast<T*>(d);
}
// Tensor descriptors hold an ns_emu::TensorDesc; this is their 4-d view.
Tensor4 t4(cudnnTensorDescriptor_t d) { return Tensor4(*reinterpret_cast<const ns_emu::TensorDesc*>(d)); }

// ---- convolution geometry and algorithm rules ----

struct Geom {
  Volume x, y;
  Filter f;
  Conv cv;
  static int out(int in, int pad, int k, int dil, int stride) { return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1; }
  int out_d() const { return out(x.d, cv.pad_d, f.d, cv.dil_d, cv.s_d); }
  int out_h() const { return out(x.h, cv.pad_h, f.h, cv.dil_h, cv.u); }
  int out_w() const { return out(x.w, cv.pad_w, f.w, cv.dil_w, cv.v); }
  bool volumetric() const { return cv.spatial == 3; }
  bool unit() const { return cv.u == 1 && cv.v == 1 && cv.s_d == 1 && cv.dil_h == 1 && cv.dil_w == 1 && cv.dil_d == 1; }
};

Volume vol(cudnnTensorDescriptor_t d) { return volume(*reinterpret_cast<const ns_emu::TensorDesc*>(d)); }

Geom geom(cudnnTensorDescriptor_t x, cudnnFilterDescriptor_t w, cudnnConvolutionDescriptor_t c, cudnnTensorDescriptor_t y) {
  return Geom{vol(x), vol(y), of<Filter>(w), of<Conv>(c)};
}

bool shapes_agree(const Geom& g) {
  const int nd = g.cv.spatial + 2;
  return g.x.nd == nd && g.y.nd == nd && g.f.nd == nd && g.x.c == g.f.c * g.cv.groups && g.f.k % g.cv.groups == 0 && g.y.n == g.x.n &&
         g.y.c == g.f.k && g.y.d == g.out_d() && g.y.h == g.out_h() && g.y.w == g.out_w();
}

enum class Kind { implicit_gemm, precomp_gemm, gemm, direct, fft, fft_tiling, winograd, winograd_nonfused, none };

Kind fwd_kind(int a) {
  switch (a) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM: return Kind::implicit_gemm;
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM: return Kind::precomp_gemm;
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM: return Kind::gemm;
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT: return Kind::direct;
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT: return Kind::fft;
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING: return Kind::fft_tiling;
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD: return Kind::winograd;
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED: return Kind::winograd_nonfused;
    default: return Kind::none;
  }
}
Kind bwd_data_kind(int a) {
  switch (a) {
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_0: return Kind::gemm;
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_1: return Kind::implicit_gemm;
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT: return Kind::fft;
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING: return Kind::fft_tiling;
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD: return Kind::winograd;
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED: return Kind::winograd_nonfused;
    default: return Kind::none;
  }
}
Kind bwd_filter_kind(int a) {
  switch (a) {
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0: return Kind::gemm;
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1: return Kind::implicit_gemm;
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT: return Kind::fft;
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3: return Kind::precomp_gemm;
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD: return Kind::winograd;
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED: return Kind::winograd_nonfused;
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING: return Kind::fft_tiling;
    default: return Kind::none;
  }
}

// NOT_SUPPORTED or SUCCESS with the workspace the algorithm wants. 3-d convolutions: the GEMM
// family and FFT tiling only (cuDNN's tables for 5-d tensors).
cudnnStatus_t rule(Kind k, const Geom& g, size_t* bytes) {
  *bytes = 0;
  const size_t kernel = static_cast<size_t>(g.f.d) * g.f.h * g.f.w, out_pixels = static_cast<size_t>(g.y.d) * g.y.h * g.y.w;
  switch (k) {
    case Kind::implicit_gemm: return CUDNN_STATUS_SUCCESS;
    case Kind::precomp_gemm: *bytes = sizeof(int) * static_cast<size_t>(g.f.c) * kernel; return CUDNN_STATUS_SUCCESS;
    case Kind::gemm: *bytes = sizeof(float) * static_cast<size_t>(g.x.c) * kernel * out_pixels; return CUDNN_STATUS_SUCCESS;
    case Kind::direct:
    case Kind::winograd:
    case Kind::none: return CUDNN_STATUS_NOT_SUPPORTED;
    case Kind::fft:
    case Kind::fft_tiling:
      if (!g.unit() || g.cv.groups != 1 || (k == Kind::fft && g.volumetric())) return CUDNN_STATUS_NOT_SUPPORTED;
      *bytes = sizeof(float) * 2 * static_cast<size_t>(g.x.n + g.f.k) * g.x.c * (g.x.d + 2 * g.cv.pad_d) * (g.x.h + 2 * g.cv.pad_h) *
               (g.x.w + 2 * g.cv.pad_w);
      return CUDNN_STATUS_SUCCESS;
    case Kind::winograd_nonfused:
      if (g.volumetric() || !g.unit() || g.cv.groups != 1 || g.f.h != g.f.w || (g.f.h != 3 && g.f.h != 5)) return CUDNN_STATUS_NOT_SUPPORTED;
      *bytes = sizeof(float) * 36 * static_cast<size_t>(g.x.c + g.f.k) * ((g.y.h + 3) / 4) * ((g.y.w + 3) / 4) * g.x.n;
      return CUDNN_STATUS_SUCCESS;
  }
  return CUDNN_STATUS_NOT_SUPPORTED;
}

// One tap of the convolution: the input, weight and output elements it joins (taps on the padding
// are skipped).
struct Tap {
  int64_t x, w, y;
};
using Element = int64_t Tap::*;

// Every tap of every output element, in a fixed order.
template <typename F>
void for_each_tap(const Geom& g, F f) {
  const int kpg = g.f.k / g.cv.groups;
  for (int n = 0; n < g.x.n; n++)
    for (int k = 0; k < g.f.k; k++) {
      const int grp = k / kpg;
      for (int oz = 0; oz < g.y.d; oz++)
        for (int oy = 0; oy < g.y.h; oy++)
          for (int ox = 0; ox < g.y.w; ox++) {
            const int64_t yi = (((int64_t{n} * g.y.c + k) * g.y.d + oz) * g.y.h + oy) * g.y.w + ox;
            for (int c = 0; c < g.f.c; c++)
              for (int q = 0; q < g.f.d; q++) {
                const int iz = oz * g.cv.s_d - g.cv.pad_d + q * g.cv.dil_d;
                if (iz < 0 || iz >= g.x.d) continue;
                for (int r = 0; r < g.f.h; r++) {
                  const int iy = oy * g.cv.u - g.cv.pad_h + r * g.cv.dil_h;
                  if (iy < 0 || iy >= g.x.h) continue;
                  for (int s = 0; s < g.f.w; s++) {
                    const int ix = ox * g.cv.v - g.cv.pad_w + s * g.cv.dil_w;
                    if (ix < 0 || ix >= g.x.w) continue;
                    const int64_t xi = (((int64_t{n} * g.x.c + grp * g.f.c + c) * g.x.d + iz) * g.x.h + iy) * g.x.w + ix;
                    const int64_t wi = (((int64_t{k} * g.f.c + c) * g.f.d + q) * g.f.h + r) * g.f.w + s;
                    f(Tap{xi, wi, yi});
                  }
                }
              }
          }
    }
}

// Checks what cuDNN checks before it runs: shapes, algorithm, workspace, beta.
cudnnStatus_t before_run(const char* name, Kind k, const Geom& g, size_t workspace_bytes, const void* workspace, const void* beta) {
  if (!shapes_agree(g) || *static_cast<const float*>(beta) != 0.0f) return CUDNN_STATUS_BAD_PARAM;
  size_t need = 0;
  const cudnnStatus_t st = rule(k, g, &need);
  if (st != CUDNN_STATUS_SUCCESS) {
    ns_emu_unsupported(name);
    return st;
  }
  if (need > workspace_bytes || (need && !workspace)) return CUDNN_STATUS_BAD_PARAM;
  return CUDNN_STATUS_SUCCESS;
}

// The three directions are one sum over the taps: out[t.*o] = alpha · Σ a[t.*ea] · b[t.*eb]
// (forward: y from x and w; backward data: x from dy and w; backward filter: w from dy and x).
cudnnStatus_t convolve(cudaStream_t stream, const char* name, Kind kind, const Geom& g, void* ws, size_t ws_bytes, const void* alpha, const void* beta,
                       const void* a, Element ea, const void* b, Element eb, void* out, Element eo, int64_t out_count) {
  const cudnnStatus_t st = before_run(name, kind, g, ws_bytes, ws, beta);
  if (st != CUDNN_STATUS_SUCCESS) return st;
  auto bytes = [&](Element e) { return ns_emu::words(e == &Tap::x ? g.x.count() : e == &Tap::y ? g.y.count() : g.f.count()); };
  if (!ns_emu::device_spans(name, {{"first operand", a, bytes(ea)}, {"second operand", b, bytes(eb)}, {"output", out, bytes(eo)}, {"workspace", ws, ws ? ws_bytes : 0}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  const float al = *static_cast<const float*>(alpha);
  ns_emu::library_work(stream, name, [=] {
    std::vector<double> acc(static_cast<size_t>(out_count), 0.0);
    const float* as = static_cast<const float*>(a);
    const float* bs = static_cast<const float*>(b);
    for_each_tap(g, [&](const Tap& t) { acc[t.*eo] += static_cast<double>(as[t.*ea]) * bs[t.*eb]; });
    for (size_t i = 0; i < acc.size(); i++) static_cast<float*>(out)[i] = static_cast<float>(al * acc[i]);
  });
  return CUDNN_STATUS_SUCCESS;
}

// What cuDNN's Get*WorkspaceSize answers: the bytes `k` needs, or why it cannot run.
cudnnStatus_t workspace_size(Kind k, const Geom& g, size_t* bytes) { return shapes_agree(g) ? rule(k, g, bytes) : CUDNN_STATUS_BAD_PARAM; }

template <typename Perf, typename Algo>
void list_algos(const Geom& g, int count, Kind (*kind)(int), bool (*deterministic)(int), int requested, int* returned, Perf* perf) {
  std::vector<Perf> all;
  for (int a = 0; a < count; a++) {
    Perf p{};
    p.algo = static_cast<Algo>(a);
    p.status = rule(kind(a), g, &p.memory);
    p.time = -1;
    p.determinism = deterministic(a) ? CUDNN_DETERMINISTIC : CUDNN_NON_DETERMINISTIC;
    p.mathType = CUDNN_FMA_MATH;
    all.push_back(p);
  }
  // cuDNN ranks supported algorithms first; here by workspace, implicit GEMM first.
  std::stable_sort(all.begin(), all.end(), [](const Perf& a, const Perf& b) {
    if ((a.status == CUDNN_STATUS_SUCCESS) != (b.status == CUDNN_STATUS_SUCCESS)) return a.status == CUDNN_STATUS_SUCCESS;
    return a.memory < b.memory;
  });
  *returned = std::min<int>(requested, static_cast<int>(all.size()));
  std::copy(all.begin(), all.begin() + *returned, perf);
}

bool always(int) { return true; }
bool bwd_data_deterministic(int a) { return a != CUDNN_CONVOLUTION_BWD_DATA_ALGO_0; }
bool bwd_filter_deterministic(int a) { return a != CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 && a != CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3; }

}  // namespace

extern "C" {

// ---- descriptors ----

cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* d) { return ns_emu::create<ns_emu::TensorDesc>(d); }
cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t d) { return ns_emu::destroy<ns_emu::TensorDesc>(d); }
cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t d, cudnnTensorFormat_t format, cudnnDataType_t type, int n, int c, int h, int w) {
  if (format != CUDNN_TENSOR_NCHW || type != CUDNN_DATA_FLOAT || n <= 0 || c <= 0 || h <= 0 || w <= 0) return CUDNN_STATUS_BAD_PARAM;
  auto& t = *reinterpret_cast<ns_emu::TensorDesc*>(d);
  t = ns_emu::TensorDesc{};
  t.nd = 4;
  t.dims[0] = n, t.dims[1] = c, t.dims[2] = h, t.dims[3] = w;
  return CUDNN_STATUS_SUCCESS;
}
// Packed strides only (the only kind the backend sets).
cudnnStatus_t cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t d, cudnnDataType_t type, int nd, const int dims[], const int strides[]) {
  if (type != CUDNN_DATA_FLOAT || nd < 3 || nd > 8) return CUDNN_STATUS_BAD_PARAM;
  int64_t expect = 1;
  for (int i = nd - 1; i >= 0; i--) {
    if (dims[i] <= 0 || strides[i] != expect) return CUDNN_STATUS_BAD_PARAM;
    expect *= dims[i];
  }
  auto& t = *reinterpret_cast<ns_emu::TensorDesc*>(d);
  t = ns_emu::TensorDesc{};
  t.nd = nd;
  for (int i = 0; i < nd; i++) t.dims[i] = dims[i];
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetTensorNdDescriptor(const cudnnTensorDescriptor_t d, int requested, cudnnDataType_t* type, int* nd, int dims[], int strides[]) {
  const auto& t = *reinterpret_cast<const ns_emu::TensorDesc*>(d);
  *type = CUDNN_DATA_FLOAT;
  *nd = t.nd;
  int64_t stride = 1;
  for (int i = t.nd - 1; i >= 0; i--) {
    if (i < requested) dims[i] = t.dims[i], strides[i] = static_cast<int>(stride);
    stride *= t.dims[i];
  }
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* d) { return ns_emu::create<Filter>(d); }
cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t d) { return ns_emu::destroy<Filter>(d); }
cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t d, cudnnDataType_t type, cudnnTensorFormat_t format, int k, int c, int h, int w) {
  if (format != CUDNN_TENSOR_NCHW || type != CUDNN_DATA_FLOAT || k <= 0 || c <= 0 || h <= 0 || w <= 0) return CUDNN_STATUS_BAD_PARAM;
  of<Filter>(d) = Filter{4, k, c, 1, h, w};
  return CUDNN_STATUS_SUCCESS;
}
// 4-d and 5-d filters (the convolutions the backend sets up).
cudnnStatus_t cudnnSetFilterNdDescriptor(cudnnFilterDescriptor_t d, cudnnDataType_t type, cudnnTensorFormat_t format, int nd, const int dims[]) {
  if (format != CUDNN_TENSOR_NCHW || type != CUDNN_DATA_FLOAT || (nd != 4 && nd != 5)) return CUDNN_STATUS_BAD_PARAM;
  for (int i = 0; i < nd; i++)
    if (dims[i] <= 0) return CUDNN_STATUS_BAD_PARAM;
  of<Filter>(d) = nd == 5 ? Filter{5, dims[0], dims[1], dims[2], dims[3], dims[4]} : Filter{4, dims[0], dims[1], 1, dims[2], dims[3]};
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* d) { return ns_emu::create<Conv>(d); }
cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t d) { return ns_emu::destroy<Conv>(d); }
cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t d, int pad_h, int pad_w, int u, int v, int dil_h, int dil_w,
                                              cudnnConvolutionMode_t mode, cudnnDataType_t type) {
  if (pad_h < 0 || pad_w < 0 || u <= 0 || v <= 0 || dil_h <= 0 || dil_w <= 0 || mode != CUDNN_CROSS_CORRELATION || type != CUDNN_DATA_FLOAT)
    return CUDNN_STATUS_BAD_PARAM;
  Conv& c = of<Conv>(d);
  c.spatial = 2;
  c.pad_d = 0, c.s_d = 1, c.dil_d = 1;
  c.pad_h = pad_h, c.pad_w = pad_w, c.u = u, c.v = v, c.dil_h = dil_h, c.dil_w = dil_w;
  return CUDNN_STATUS_SUCCESS;
}
// 2 or 3 spatial dims, in the order D, H, W.
cudnnStatus_t cudnnSetConvolutionNdDescriptor(cudnnConvolutionDescriptor_t d, int spatial, const int pads[], const int strides[], const int dilations[],
                                              cudnnConvolutionMode_t mode, cudnnDataType_t type) {
  if ((spatial != 2 && spatial != 3) || mode != CUDNN_CROSS_CORRELATION || type != CUDNN_DATA_FLOAT) return CUDNN_STATUS_BAD_PARAM;
  for (int i = 0; i < spatial; i++)
    if (pads[i] < 0 || strides[i] <= 0 || dilations[i] <= 0) return CUDNN_STATUS_BAD_PARAM;
  Conv& c = of<Conv>(d);
  const int o = spatial - 2;  // where H's entry is
  c.spatial = spatial;
  c.pad_d = spatial == 3 ? pads[0] : 0, c.s_d = spatial == 3 ? strides[0] : 1, c.dil_d = spatial == 3 ? dilations[0] : 1;
  c.pad_h = pads[o], c.pad_w = pads[o + 1], c.u = strides[o], c.v = strides[o + 1], c.dil_h = dilations[o], c.dil_w = dilations[o + 1];
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t d, int groups) {
  if (groups <= 0) return CUDNN_STATUS_BAD_PARAM;
  of<Conv>(d).groups = groups;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t, cudnnMathType_t) { return CUDNN_STATUS_SUCCESS; }
cudnnStatus_t cudnnGetConvolutionNdForwardOutputDim(const cudnnConvolutionDescriptor_t c, const cudnnTensorDescriptor_t x, const cudnnFilterDescriptor_t w,
                                                    int nd, int out[]) {
  Geom g{vol(x), {}, of<Filter>(w), of<Conv>(c)};
  if (nd != g.cv.spatial + 2 || g.x.nd != nd || g.f.nd != nd || g.x.c != g.f.c * g.cv.groups || g.f.k % g.cv.groups) return CUDNN_STATUS_BAD_PARAM;
  out[0] = g.x.n, out[1] = g.f.k;
  if (nd == 5) out[2] = g.out_d();
  out[nd - 2] = g.out_h(), out[nd - 1] = g.out_w();
  for (int i = 2; i < nd; i++)
    if (out[i] <= 0) return CUDNN_STATUS_BAD_PARAM;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t* d) { return ns_emu::create<Pool>(d); }
cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t d) { return ns_emu::destroy<Pool>(d); }
cudnnStatus_t cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor_t d, cudnnPoolingMode_t mode, cudnnNanPropagation_t, int kh, int kw, int ph, int pw,
                                          int sh, int sw) {
  if (kh <= 0 || kw <= 0 || ph < 0 || pw < 0 || sh <= 0 || sw <= 0) return CUDNN_STATUS_BAD_PARAM;
  of<Pool>(d) = Pool{mode, 2, 1, kh, kw, 0, ph, pw, 1, sh, sw};
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetPoolingNdDescriptor(cudnnPoolingDescriptor_t d, const cudnnPoolingMode_t mode, const cudnnNanPropagation_t, int nbDims,
                                          const int window[], const int padding[], const int stride[]) {
  if (nbDims != 2 && nbDims != 3) return CUDNN_STATUS_BAD_PARAM;
  for (int i = 0; i < nbDims; i++)
    if (window[i] <= 0 || padding[i] < 0 || stride[i] <= 0) return CUDNN_STATUS_BAD_PARAM;
  const int o = nbDims - 2;  // where H's entry is
  Pool p{mode, nbDims, 1, window[o], window[o + 1], 0, padding[o], padding[o + 1], 1, stride[o], stride[o + 1]};
  if (nbDims == 3) p.kd = window[0], p.pd = padding[0], p.sd = stride[0];
  of<Pool>(d) = p;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t* d) { return ns_emu::create<Act>(d); }
cudnnStatus_t cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t d) { return ns_emu::destroy<Act>(d); }
cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t d, cudnnActivationMode_t mode, cudnnNanPropagation_t, double coef) {
  of<Act>(d) = Act{mode, coef};
  return CUDNN_STATUS_SUCCESS;
}

// ---- convolution ----

cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t, const cudnnTensorDescriptor_t x, const cudnnFilterDescriptor_t w,
                                                      const cudnnConvolutionDescriptor_t c, const cudnnTensorDescriptor_t y,
                                                      cudnnConvolutionFwdAlgo_t algo, size_t* bytes) {
  return workspace_size(fwd_kind(algo), geom(x, w, c, y), bytes);
}
cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(cudnnHandle_t, const cudnnFilterDescriptor_t w, const cudnnTensorDescriptor_t dy,
                                                           const cudnnConvolutionDescriptor_t c, const cudnnTensorDescriptor_t dx,
                                                           cudnnConvolutionBwdDataAlgo_t algo, size_t* bytes) {
  return workspace_size(bwd_data_kind(algo), geom(dx, w, c, dy), bytes);
}
cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnnHandle_t, const cudnnTensorDescriptor_t x, const cudnnTensorDescriptor_t dy,
                                                             const cudnnConvolutionDescriptor_t c, const cudnnFilterDescriptor_t dw,
                                                             cudnnConvolutionBwdFilterAlgo_t algo, size_t* bytes) {
  return workspace_size(bwd_filter_kind(algo), geom(x, dw, c, dy), bytes);
}

cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t, const cudnnTensorDescriptor_t x, const cudnnFilterDescriptor_t w,
                                                     const cudnnConvolutionDescriptor_t c, const cudnnTensorDescriptor_t y, const int requested,
                                                     int* returned, cudnnConvolutionFwdAlgoPerf_t* perf) {
  list_algos<cudnnConvolutionFwdAlgoPerf_t, cudnnConvolutionFwdAlgo_t>(geom(x, w, c, y), CUDNN_CONVOLUTION_FWD_ALGO_COUNT, fwd_kind, always, requested,
                                                                       returned, perf);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t, const cudnnFilterDescriptor_t w, const cudnnTensorDescriptor_t dy,
                                                          const cudnnConvolutionDescriptor_t c, const cudnnTensorDescriptor_t dx, const int requested,
                                                          int* returned, cudnnConvolutionBwdDataAlgoPerf_t* perf) {
  list_algos<cudnnConvolutionBwdDataAlgoPerf_t, cudnnConvolutionBwdDataAlgo_t>(geom(dx, w, c, dy), CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, bwd_data_kind,
                                                                               bwd_data_deterministic, requested, returned, perf);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t, const cudnnTensorDescriptor_t x, const cudnnTensorDescriptor_t dy,
                                                            const cudnnConvolutionDescriptor_t c, const cudnnFilterDescriptor_t dw,
                                                            const int requested, int* returned, cudnnConvolutionBwdFilterAlgoPerf_t* perf) {
  list_algos<cudnnConvolutionBwdFilterAlgoPerf_t, cudnnConvolutionBwdFilterAlgo_t>(geom(x, dw, c, dy), CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
                                                                                   bwd_filter_kind, bwd_filter_deterministic, requested, returned, perf);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t h, const void* alpha, const cudnnTensorDescriptor_t xd, const void* x, const cudnnFilterDescriptor_t wd,
                                      const void* w, const cudnnConvolutionDescriptor_t cd, cudnnConvolutionFwdAlgo_t algo, void* ws, size_t ws_bytes,
                                      const void* beta, const cudnnTensorDescriptor_t yd, void* y) {
  const Geom g = geom(xd, wd, cd, yd);
  return convolve(ns_emu::stream_of(h), "cudnnConvolutionForward", fwd_kind(algo), g, ws, ws_bytes, alpha, beta, x, &Tap::x, w, &Tap::w, y, &Tap::y, g.y.count());
}
cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t h, const void* alpha, const cudnnFilterDescriptor_t wd, const void* w,
                                           const cudnnTensorDescriptor_t dyd, const void* dy, const cudnnConvolutionDescriptor_t cd,
                                           cudnnConvolutionBwdDataAlgo_t algo, void* ws, size_t ws_bytes, const void* beta,
                                           const cudnnTensorDescriptor_t dxd, void* dx) {
  const Geom g = geom(dxd, wd, cd, dyd);
  return convolve(ns_emu::stream_of(h), "cudnnConvolutionBackwardData", bwd_data_kind(algo), g, ws, ws_bytes, alpha, beta, dy, &Tap::y, w, &Tap::w, dx, &Tap::x, g.x.count());
}
cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t h, const void* alpha, const cudnnTensorDescriptor_t xd, const void* x,
                                             const cudnnTensorDescriptor_t dyd, const void* dy, const cudnnConvolutionDescriptor_t cd,
                                             cudnnConvolutionBwdFilterAlgo_t algo, void* ws, size_t ws_bytes, const void* beta,
                                             const cudnnFilterDescriptor_t dwd, void* dw) {
  const Geom g = geom(xd, dwd, cd, dyd);
  return convolve(ns_emu::stream_of(h), "cudnnConvolutionBackwardFilter", bwd_filter_kind(algo), g, ws, ws_bytes, alpha, beta, dy, &Tap::y, x, &Tap::x, dw, &Tap::w,
                  g.f.count());
}

// C = alpha·A + beta·C, A broadcast over C's dimensions of size 1 in A (a bias [1,C,1,1] or
// [1,C,1,1,1]).
cudnnStatus_t cudnnAddTensor(cudnnHandle_t h, const void* alpha, const cudnnTensorDescriptor_t ad, const void* A, const void* beta,
                             const cudnnTensorDescriptor_t cd, void* C) {
  const ns_emu::TensorDesc a = *reinterpret_cast<const ns_emu::TensorDesc*>(ad), c = *reinterpret_cast<const ns_emu::TensorDesc*>(cd);
  if (a.nd != c.nd) return CUDNN_STATUS_BAD_PARAM;
  for (int i = 0; i < c.nd; i++)
    if (a.dims[i] != c.dims[i] && a.dims[i] != 1) return CUDNN_STATUS_BAD_PARAM;
  if (!ns_emu::device_spans("cudnnAddTensor", {{"A", A, ns_emu::words(a.count())}, {"C", C, ns_emu::words(c.count())}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  const float al = *static_cast<const float*>(alpha), be = *static_cast<const float*>(beta);
  const float* as = static_cast<const float*>(A);
  float* cs = static_cast<float*>(C);
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnAddTensor", [=] {
    const int64_t total = c.count();
    for (int64_t i = 0; i < total; i++) {
      // C's flat index to A's: each coordinate, 0 where A has size 1.
      int64_t rest = i, ai = 0, a_stride = 1;
      for (int dim = c.nd - 1; dim >= 0; dim--) {
        const int64_t coord = rest % c.dims[dim];
        rest /= c.dims[dim];
        if (a.dims[dim] != 1) ai += coord * a_stride;
        a_stride *= a.dims[dim];
      }
      cs[i] = al * as[ai] + be * cs[i];
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

// ---- pooling ----

cudnnStatus_t cudnnPoolingForward(cudnnHandle_t h, const cudnnPoolingDescriptor_t pd, const void* alpha, const cudnnTensorDescriptor_t xd, const void* x,
                                  const void* beta, const cudnnTensorDescriptor_t yd, void* y) {
  const Pool p = of<Pool>(pd);
  const Volume xs = volume(*reinterpret_cast<const ns_emu::TensorDesc*>(xd)), ys = volume(*reinterpret_cast<const ns_emu::TensorDesc*>(yd));
  auto out = [](int in, int k, int pad, int s) { return (in + 2 * pad - k) / s + 1; };
  if (xs.nd != p.spatial + 2 || ys.nd != xs.nd || xs.n != ys.n || xs.c != ys.c || ys.d != out(xs.d, p.kd, p.pd, p.sd) || ys.h != out(xs.h, p.kh, p.ph, p.sh) ||
      ys.w != out(xs.w, p.kw, p.pw, p.sw) || *static_cast<const float*>(beta) != 0.0f)
    return CUDNN_STATUS_BAD_PARAM;
  if (!ns_emu::device_spans("cudnnPoolingForward", {{"x", x, ns_emu::words(xs.count())}, {"y", y, ns_emu::words(ys.count())}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  const float* in = static_cast<const float*>(x);
  float* res = static_cast<float*>(y);
  const float al = *static_cast<const float*>(alpha);
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnPoolingForward", [=] {
    for (int64_t plane = 0; plane < int64_t{xs.n} * xs.c; plane++)
      for (int oz = 0; oz < ys.d; oz++)
        for (int oy = 0; oy < ys.h; oy++)
          for (int ox = 0; ox < ys.w; ox++) {
            double sum = 0;
            float mx = -INFINITY;
            int inside = 0;
            for (int q = 0; q < p.kd; q++)
              for (int r = 0; r < p.kh; r++)
                for (int s = 0; s < p.kw; s++) {
                  const int iz = oz * p.sd - p.pd + q, iy = oy * p.sh - p.ph + r, ix = ox * p.sw - p.pw + s;
                  if (iz < 0 || iz >= xs.d || iy < 0 || iy >= xs.h || ix < 0 || ix >= xs.w) continue;
                  const float v = in[((plane * xs.d + iz) * xs.h + iy) * xs.w + ix];
                  sum += v;
                  mx = std::max(mx, v);
                  inside++;
                }
            const int divisor = p.mode == CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING ? p.kd * p.kh * p.kw : inside;
            const double v = p.mode == CUDNN_POOLING_MAX || p.mode == CUDNN_POOLING_MAX_DETERMINISTIC ? mx : sum / divisor;
            res[((plane * ys.d + oz) * ys.h + oy) * ys.w + ox] = static_cast<float>(al * v);
          }
  });
  return CUDNN_STATUS_SUCCESS;
}

// ---- activations ----

cudnnStatus_t cudnnActivationForward(cudnnHandle_t h, cudnnActivationDescriptor_t ad, const void* alpha, const cudnnTensorDescriptor_t xd, const void* x,
                                     const void* beta, const cudnnTensorDescriptor_t yd, void* y) {
  const Act a = of<Act>(ad);
  const int64_t n = t4(xd).count();
  if (n != t4(yd).count() || *static_cast<const float*>(beta) != 0.0f) return CUDNN_STATUS_BAD_PARAM;
  if (!ns_emu::device_spans("cudnnActivationForward", {{"x", x, ns_emu::words(n)}, {"y", y, ns_emu::words(n)}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  if (a.mode != CUDNN_ACTIVATION_RELU && a.mode != CUDNN_ACTIVATION_SIGMOID && a.mode != CUDNN_ACTIVATION_TANH && a.mode != CUDNN_ACTIVATION_ELU) {
    ns_emu_unsupported("cudnnActivationForward (this mode)");
    return CUDNN_STATUS_NOT_SUPPORTED;
  }
  const float* in = static_cast<const float*>(x);
  float* out = static_cast<float*>(y);
  const float al = *static_cast<const float*>(alpha);
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnActivationForward", [=] {
    for (int64_t i = 0; i < n; i++) {
      const float v = in[i];
      float r = 0;
      switch (a.mode) {
        case CUDNN_ACTIVATION_RELU: r = v > 0 ? v : (v != v ? v : 0.0f); break;
        case CUDNN_ACTIVATION_SIGMOID: r = 1.0f / (1.0f + std::exp(-v)); break;
        case CUDNN_ACTIVATION_TANH: r = std::tanh(v); break;
        default: r = v > 0 ? v : static_cast<float>(a.coef * std::expm1(static_cast<double>(v))); break;  // ELU
      }
      out[i] = al * r;
    }
  });
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnActivationBackward(cudnnHandle_t h, cudnnActivationDescriptor_t ad, const void* alpha, const cudnnTensorDescriptor_t yd, const void* y,
                                      const cudnnTensorDescriptor_t dyd, const void* dy, const cudnnTensorDescriptor_t xd, const void* x,
                                      const void* beta, const cudnnTensorDescriptor_t dxd, void* dx) {
  const Act a = of<Act>(ad);
  const int64_t n = t4(yd).count();
  if (n != t4(dyd).count() || n != t4(dxd).count() || n != t4(xd).count() || *static_cast<const float*>(beta) != 0.0f)
    return CUDNN_STATUS_BAD_PARAM;
  const size_t nb = ns_emu::words(n);
  if (!ns_emu::device_spans("cudnnActivationBackward", {{"y", y, nb}, {"dy", dy, nb}, {"dx", dx, nb}})) return CUDNN_STATUS_EXECUTION_FAILED;
  if (a.mode != CUDNN_ACTIVATION_RELU && a.mode != CUDNN_ACTIVATION_SIGMOID && a.mode != CUDNN_ACTIVATION_TANH) {
    ns_emu_unsupported("cudnnActivationBackward (this mode)");
    return CUDNN_STATUS_NOT_SUPPORTED;
  }
  const float* ys = static_cast<const float*>(y);
  const float* g = static_cast<const float*>(dy);
  float* out = static_cast<float*>(dx);
  const float al = *static_cast<const float*>(alpha);
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnActivationBackward", [=] {
    for (int64_t i = 0; i < n; i++) {
      float r = 0;
      switch (a.mode) {
        case CUDNN_ACTIVATION_RELU: r = ys[i] > 0 ? g[i] : 0.0f; break;
        case CUDNN_ACTIVATION_SIGMOID: r = g[i] * ys[i] * (1.0f - ys[i]); break;
        default: r = g[i] * (1.0f - ys[i] * ys[i]); break;  // tanh
      }
      out[i] = al * r;
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

// ---- softmax over the channels of [N, C, H, W] ----

cudnnStatus_t cudnnSoftmaxForward(cudnnHandle_t h, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, const void* alpha,
                                  const cudnnTensorDescriptor_t xd, const void* x, const void* beta, const cudnnTensorDescriptor_t yd, void* y) {
  const Tensor4 t = t4(xd);
  if (mode != CUDNN_SOFTMAX_MODE_CHANNEL || t.count() != t4(yd).count() || *static_cast<const float*>(beta) != 0.0f) return CUDNN_STATUS_BAD_PARAM;
  if (!ns_emu::device_spans("cudnnSoftmaxForward", {{"x", x, ns_emu::words(t.count())}, {"y", y, ns_emu::words(t.count())}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  const float al = *static_cast<const float*>(alpha);
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnSoftmaxForward", [=] {
    const int64_t inner = int64_t{t.h} * t.w;
    const float* in = static_cast<const float*>(x);
    float* out = static_cast<float*>(y);
    for (int n = 0; n < t.n; n++)
      for (int64_t i = 0; i < inner; i++) {
        auto at = [&](int c) { return (int64_t{n} * t.c + c) * inner + i; };
        float mx = -INFINITY;
        for (int c = 0; c < t.c; c++) mx = std::max(mx, in[at(c)]);
        double sum = 0;
        for (int c = 0; c < t.c; c++) sum += std::exp(static_cast<double>(in[at(c)] - mx));
        for (int c = 0; c < t.c; c++)
          out[at(c)] = al * static_cast<float>(algo == CUDNN_SOFTMAX_LOG ? (in[at(c)] - mx) - std::log(sum) : std::exp(static_cast<double>(in[at(c)] - mx)) / sum);
      }
  });
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSoftmaxBackward(cudnnHandle_t h, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, const void* alpha,
                                   const cudnnTensorDescriptor_t yd, const void* y, const cudnnTensorDescriptor_t dyd, const void* dy, const void* beta,
                                   const cudnnTensorDescriptor_t dxd, void* dx) {
  const Tensor4 t = t4(yd);
  if (mode != CUDNN_SOFTMAX_MODE_CHANNEL || t.count() != t4(dyd).count() || t.count() != t4(dxd).count() ||
      *static_cast<const float*>(beta) != 0.0f)
    return CUDNN_STATUS_BAD_PARAM;
  const size_t tb = ns_emu::words(t.count());
  if (!ns_emu::device_spans("cudnnSoftmaxBackward", {{"y", y, tb}, {"dy", dy, tb}, {"dx", dx, tb}})) return CUDNN_STATUS_EXECUTION_FAILED;
  const float al = *static_cast<const float*>(alpha);
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnSoftmaxBackward", [=] {
    const int64_t inner = int64_t{t.h} * t.w;
    const float* ys = static_cast<const float*>(y);
    const float* g = static_cast<const float*>(dy);
    float* out = static_cast<float*>(dx);
    for (int n = 0; n < t.n; n++)
      for (int64_t i = 0; i < inner; i++) {
        auto at = [&](int c) { return (int64_t{n} * t.c + c) * inner + i; };
        double s = 0;
        for (int c = 0; c < t.c; c++) s += algo == CUDNN_SOFTMAX_LOG ? g[at(c)] : static_cast<double>(g[at(c)]) * ys[at(c)];
        for (int c = 0; c < t.c; c++)
          out[at(c)] = al * static_cast<float>(algo == CUDNN_SOFTMAX_LOG ? g[at(c)] - std::exp(static_cast<double>(ys[at(c)])) * s : ys[at(c)] * (g[at(c)] - s));
      }
  });
  return CUDNN_STATUS_SUCCESS;
}

// ---- batch norm (spatial: statistics per channel of [N, C, H, W]) ----

cudnnStatus_t cudnnBatchNormalizationForwardTraining(cudnnHandle_t h, cudnnBatchNormMode_t mode, const void*, const void*, const cudnnTensorDescriptor_t xd,
                                                     const void* x, const cudnnTensorDescriptor_t, void* y, const cudnnTensorDescriptor_t,
                                                     const void* scale, const void* bias, double factor, void* running_mean, void* running_var,
                                                     double eps, void* save_mean, void* save_inv_std) {
  const Tensor4 t = t4(xd);
  if (mode != CUDNN_BATCHNORM_SPATIAL || eps < CUDNN_BN_MIN_EPSILON) return CUDNN_STATUS_BAD_PARAM;
  const size_t xb = ns_emu::words(t.count()), cb = ns_emu::words(t.c);
  if (!ns_emu::device_spans("cudnnBatchNormalizationForwardTraining",
                            {{"x", x, xb}, {"y", y, xb}, {"scale", scale, cb}, {"bias", bias, cb}, {"running mean", running_mean, running_mean ? cb : 0},
                             {"running var", running_var, running_mean ? cb : 0}, {"saved mean", save_mean, save_mean ? cb : 0},
                             {"saved inverse std", save_inv_std, save_inv_std ? cb : 0}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnBatchNormalizationForwardTraining", [=] {
    const int64_t inner = int64_t{t.h} * t.w, m = inner * t.n;
    const float* in = static_cast<const float*>(x);
    float* out = static_cast<float*>(y);
    for (int c = 0; c < t.c; c++) {
      double sum = 0, sq = 0;
      for (int n = 0; n < t.n; n++)
        for (int64_t i = 0; i < inner; i++) sum += in[(int64_t{n} * t.c + c) * inner + i];
      const double mean = sum / m;
      for (int n = 0; n < t.n; n++)
        for (int64_t i = 0; i < inner; i++) {
          const double d = in[(int64_t{n} * t.c + c) * inner + i] - mean;
          sq += d * d;
        }
      const double var = sq / m, inv = 1.0 / std::sqrt(var + eps);
      const float sc = static_cast<const float*>(scale)[c], bi = static_cast<const float*>(bias)[c];
      for (int n = 0; n < t.n; n++)
        for (int64_t i = 0; i < inner; i++) {
          const int64_t k = (int64_t{n} * t.c + c) * inner + i;
          out[k] = static_cast<float>((in[k] - mean) * inv * sc + bi);
        }
      if (running_mean) {
        float& rm = static_cast<float*>(running_mean)[c];
        float& rv = static_cast<float*>(running_var)[c];
        rm = static_cast<float>((1 - factor) * rm + factor * mean);
        rv = static_cast<float>((1 - factor) * rv + factor * (m > 1 ? var * m / (m - 1) : var));
      }
      if (save_mean) static_cast<float*>(save_mean)[c] = static_cast<float>(mean);
      if (save_inv_std) static_cast<float*>(save_inv_std)[c] = static_cast<float>(inv);
    }
  });
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnBatchNormalizationForwardInference(cudnnHandle_t h, cudnnBatchNormMode_t mode, const void*, const void*, const cudnnTensorDescriptor_t xd,
                                                      const void* x, const cudnnTensorDescriptor_t, void* y, const cudnnTensorDescriptor_t,
                                                      const void* scale, const void* bias, const void* mean, const void* var, double eps) {
  const Tensor4 t = t4(xd);
  if (mode != CUDNN_BATCHNORM_SPATIAL || eps < CUDNN_BN_MIN_EPSILON) return CUDNN_STATUS_BAD_PARAM;
  const size_t xb = ns_emu::words(t.count()), cb = ns_emu::words(t.c);
  if (!ns_emu::device_spans("cudnnBatchNormalizationForwardInference",
                            {{"x", x, xb}, {"y", y, xb}, {"scale", scale, cb}, {"bias", bias, cb}, {"mean", mean, cb}, {"var", var, cb}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnBatchNormalizationForwardInference", [=] {
    const int64_t inner = int64_t{t.h} * t.w;
    for (int n = 0; n < t.n; n++)
      for (int c = 0; c < t.c; c++) {
        const double inv = 1.0 / std::sqrt(static_cast<const float*>(var)[c] + eps);
        for (int64_t i = 0; i < inner; i++) {
          const int64_t k = (int64_t{n} * t.c + c) * inner + i;
          static_cast<float*>(y)[k] = static_cast<float>((static_cast<const float*>(x)[k] - static_cast<const float*>(mean)[c]) * inv *
                                                             static_cast<const float*>(scale)[c] +
                                                         static_cast<const float*>(bias)[c]);
        }
      }
  });
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnBatchNormalizationBackward(cudnnHandle_t h, cudnnBatchNormMode_t mode, const void*, const void*, const void*, const void*,
                                              const cudnnTensorDescriptor_t xd, const void* x, const cudnnTensorDescriptor_t, const void* dy,
                                              const cudnnTensorDescriptor_t, void* dx, const cudnnTensorDescriptor_t, const void* scale, void* dscale,
                                              void* dbias, double eps, const void* save_mean, const void* save_inv_std) {
  const Tensor4 t = t4(xd);
  if (mode != CUDNN_BATCHNORM_SPATIAL || eps < CUDNN_BN_MIN_EPSILON || !save_mean || !save_inv_std) return CUDNN_STATUS_BAD_PARAM;
  const size_t xb = ns_emu::words(t.count()), cb = ns_emu::words(t.c);
  if (!ns_emu::device_spans("cudnnBatchNormalizationBackward", {{"x", x, xb}, {"dy", dy, xb}, {"dx", dx, xb}, {"scale", scale, cb}, {"dscale", dscale, cb},
                                                                {"dbias", dbias, cb}, {"saved mean", save_mean, cb}, {"saved inverse std", save_inv_std, cb}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnBatchNormalizationBackward", [=] {
    const int64_t inner = int64_t{t.h} * t.w, m = inner * t.n;
    const float* xs = static_cast<const float*>(x);
    const float* g = static_cast<const float*>(dy);
    for (int c = 0; c < t.c; c++) {
      const double mean = static_cast<const float*>(save_mean)[c], inv = static_cast<const float*>(save_inv_std)[c];
      double sg = 0, sgx = 0;
      for (int n = 0; n < t.n; n++)
        for (int64_t i = 0; i < inner; i++) {
          const int64_t k = (int64_t{n} * t.c + c) * inner + i;
          sg += g[k];
          sgx += g[k] * (xs[k] - mean) * inv;
        }
      static_cast<float*>(dbias)[c] = static_cast<float>(sg);
      static_cast<float*>(dscale)[c] = static_cast<float>(sgx);
      const double sc = static_cast<const float*>(scale)[c];
      for (int n = 0; n < t.n; n++)
        for (int64_t i = 0; i < inner; i++) {
          const int64_t k = (int64_t{n} * t.c + c) * inner + i;
          const double xhat = (xs[k] - mean) * inv;
          static_cast<float*>(dx)[k] = static_cast<float>(sc * inv / m * (m * g[k] - sg - xhat * sgx));
        }
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

}  // extern "C"
