// Note [1x1 convolution as matmul] (pointwise_conv.h).
#include "pointwise_conv.h"

#include "broadcast.h"
#include "matmul.h"
#include "thread_scratch.h"

namespace nutshell::cpu {

namespace {

constexpr int64_t kMinPixels = 128;

// An m×k by k×n product over `samples`; an operand not per sample is one matrix for all of them.
MatmulProblem product(int64_t samples, bool a_per_sample, bool b_per_sample, int64_t m, int64_t k, int64_t n) {
  MatmulProblem p;
  p.m = m;
  p.k = k;
  p.n = n;
  set_batches(p, a_per_sample ? core::Shape{samples} : core::Shape{}, b_per_sample ? core::Shape{samples} : core::Shape{});
  return p;
}

}  // namespace

bool pointwise_conv_fits(int64_t kh, int64_t kw, const int64_t stride[2], const int64_t dilation[2], const int64_t padding[4], int64_t groups,
                         int64_t pixels) {
  return kh == 1 && kw == 1 && stride[0] == 1 && stride[1] == 1 && dilation[0] == 1 && dilation[1] == 1 && padding[0] == 0 && padding[1] == 0 &&
         padding[2] == 0 && padding[3] == 0 && groups == 1 && pixels >= kMinPixels;
}

bool pointwise_conv_forward(const PointwiseConv& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  MatmulProblem p = product(g.n, false, true, g.o, g.c, g.pixels);  // W·X[n]
  // A bias per output row sends oneDNN 2.6's matmul to its reference code (5 s for Inception's
  // 1×1), so bias and the relu after it are one pass over the output instead.
  p.relu = relu && !bias;
  if (!run_matmul(p, w, x, nullptr, y, /*reference_ok=*/false)) return false;
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
  MatmulProblem p = product(g.n, false, true, g.c, g.o, g.pixels);  // Wᵀ·dY[n]
  p.trans_a = true;
  return run_matmul(p, w, gy, nullptr, dx, /*reference_ok=*/false);
}

bool pointwise_conv_weight_grad(const PointwiseConv& g, const float* x, const float* gy, float* dw) {
  // Per-sample products into scratch, then summed in sample order (the same sums on any number
  // of threads).
  const int64_t oc = g.o * g.c;
  float* per_sample = thread_scratch_floats(Scratch::conv_first, g.n * oc);
  MatmulProblem p = product(g.n, true, true, g.o, g.pixels, g.c);  // dY[n]·X[n]ᵀ
  p.trans_b = true;
  if (!run_matmul(p, gy, x, nullptr, per_sample, /*reference_ok=*/false)) return false;
  for (int64_t i = 0; i < oc; ++i) dw[i] = per_sample[i];
  for (int64_t n = 1; n < g.n; ++n) {
    const float* s = per_sample + n * oc;
    for (int64_t i = 0; i < oc; ++i) dw[i] += s[i];
  }
  return true;
}

}  // namespace nutshell::cpu
