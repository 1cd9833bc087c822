// Note [1x1 convolution as matmul] (pointwise_conv.h).
#include "pointwise_conv.h"

#include <oneapi/dnnl/dnnl_debug.h>

#include <string>

#include "broadcast.h"
#include "onednn.h"
#include "thread_scratch.h"

namespace nutshell::cpu {

namespace {

namespace dn = onednn;

constexpr int64_t kMinPixels = 128;

struct Entry {
  dnnl::matmul prim;
  bool reference;  // oneDNN found only its reference implementation
};

// dst = src·weights, then relu as a post-op; every operand a 3-d [batch, rows, cols] view with
// explicit strides, batch 1 broadcasting.
struct Product {
  dnnl::memory::desc src, weights, dst;
  bool relu = false;
  std::string key;
};

dnnl::memory::desc view(int64_t batch, int64_t rows, int64_t cols, dn::dims strides) {
  return dnnl::memory::desc({batch, rows, cols}, dn::dt::f32, strides);
}

// Runs the product and returns true, or returns false without running it when oneDNN would use
// a reference implementation (the caller's convolution is faster than that).
bool run(const Product& p, const char* what, const float* src, const float* weights, float* dst) {
  try {
    auto entry = dn::cached<Entry>(p.key, [&] {
      dnnl::primitive_attr attr;
      if (p.relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        attr.set_post_ops(ops);
      }
      dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(p.src, p.weights, p.dst), attr, dn::engine());
      const bool reference = std::string(pd.impl_info_str()).rfind("ref", 0) == 0;
      return std::make_shared<Entry>(Entry{dnnl::matmul(pd), reference});
    });
    if (entry->reference) return false;
    auto& eng = dn::engine();
    entry->prim.execute(dn::stream(), {{DNNL_ARG_SRC, dnnl::memory(p.src, eng, const_cast<float*>(src))},
                                       {DNNL_ARG_WEIGHTS, dnnl::memory(p.weights, eng, const_cast<float*>(weights))},
                                       {DNNL_ARG_DST, dnnl::memory(p.dst, eng, dst)}});
    dn::stream().wait();
    return true;
  } catch (const dnnl::error& e) {
    NS_THROW(backend, std::string("oneDNN matmul for a 1x1 convolution's ") + what + " failed: " + e.what() + " [" + dnnl_status2str(e.status) + "]");
  }
}

std::string shape_key(const char* what, const PointwiseConv& g) {
  return std::string("pointwise|") + what + "|" + dn::key_of({g.n, g.c, g.o, g.pixels});
}

}  // namespace

bool pointwise_conv_fits(int64_t kh, int64_t kw, const int64_t stride[2], const int64_t dilation[2], const int64_t padding[4], int64_t groups,
                         int64_t pixels) {
  return kh == 1 && kw == 1 && stride[0] == 1 && stride[1] == 1 && dilation[0] == 1 && dilation[1] == 1 && padding[0] == 0 && padding[1] == 0 &&
         padding[2] == 0 && padding[3] == 0 && groups == 1 && pixels >= kMinPixels;
}

bool pointwise_conv_forward(const PointwiseConv& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  Product p;
  p.src = view(1, g.o, g.c, {g.o * g.c, g.c, 1});                     // W, shared by every sample
  p.weights = view(g.n, g.c, g.pixels, {g.c * g.pixels, g.pixels, 1});  // X[n]
  p.dst = view(g.n, g.o, g.pixels, {g.o * g.pixels, g.pixels, 1});
  // A bias per output row sends oneDNN 2.6's matmul to its reference code (5 s for Inception's
  // 1×1), so bias and the relu after it are one pass over the output instead.
  p.relu = relu && !bias;
  p.key = shape_key("forward", g) + (p.relu ? "|relu" : "");
  if (!run(p, "forward", w, x, y)) return false;
  if (bias) {
    const int64_t rows = g.n * g.o;
    NS_PARALLEL_IF(rows * g.pixels >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t r = 0; r < rows; ++r) {
      const float b = bias[r % g.o];
      float* row = y + r * g.pixels;
      for (int64_t i = 0; i < g.pixels; ++i) {
        const float v = row[i] + b;
        row[i] = relu && v < 0.0f ? 0.0f : v;  // NaN stays NaN, as in relu
      }
    });
  }
  return true;
}

bool pointwise_conv_backward_data(const PointwiseConv& g, const float* gy, const float* w, float* dx) {
  Product p;
  p.src = view(1, g.c, g.o, {g.o * g.c, 1, g.c});                        // Wᵀ, read through strides
  p.weights = view(g.n, g.o, g.pixels, {g.o * g.pixels, g.pixels, 1});  // dY[n]
  p.dst = view(g.n, g.c, g.pixels, {g.c * g.pixels, g.pixels, 1});
  p.key = shape_key("backward data", g);
  return run(p, "input gradient", w, gy, dx);
}

bool pointwise_conv_weight_grad(const PointwiseConv& g, const float* x, const float* gy, float* dw) {
  // Per-sample products into scratch, then summed in sample order (the same sums on any number
  // of threads).
  const int64_t oc = g.o * g.c;
  float* per_sample = thread_scratch_floats(Scratch::conv_first, g.n * oc);
  Product p;
  p.src = view(g.n, g.o, g.pixels, {g.o * g.pixels, g.pixels, 1});  // dY[n]
  p.weights = view(g.n, g.pixels, g.c, {g.c * g.pixels, 1, g.pixels});  // X[n]ᵀ, through strides
  p.dst = view(g.n, g.o, g.c, {oc, g.c, 1});
  p.key = shape_key("backward weights", g);
  if (!run(p, "weight gradient", gy, x, per_sample)) return false;
  for (int64_t i = 0; i < oc; ++i) dw[i] = per_sample[i];
  for (int64_t n = 1; n < g.n; ++n) {
    const float* s = per_sample + n * oc;
    for (int64_t i = 0; i < oc; ++i) dw[i] += s[i];
  }
  return true;
}

}  // namespace nutshell::cpu
