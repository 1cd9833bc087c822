// Pooling through oneDNN's pooling_v2 (it has dilation) on our dense NCHW buffers, which its
// kernels take as they are (no reorders): max pooling with the workspace as the op's hidden
// output, average pooling, and adaptive average pooling (oneDNN when the windows are uniform,
// a loop with PyTorch's start/end index rule otherwise). 2×2 max pooling with stride 2 on even
// sizes runs our kernel instead (Note [2x2 max pooling], max_pool_2x2.h), same workspace.
//
// Note [max pool workspace]: oneDNN's max-pool workspace for a dense NCHW destination is a dense
// tensor of the destination's shape holding, per output, the index of the maximum inside its
// window (kh·kW + kw): u8 when the window has at most 255 elements, s32 beyond. maxPool2d
// declares exactly that tensor as its hidden output, and the kernel checks that oneDNN asks for
// that layout. maxPool2dBackward checks every index before oneDNN scatters through it, so a
// workspace that did not come from maxPool2d with the same options is refused, not followed.
#include <oneapi/dnnl/dnnl_debug.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "max_pool_2x2.h"
#include "onednn.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::TensorRef;
using dnnl::algorithm;
namespace dn = onednn;

struct Pool {
  int64_t n = 0, c = 0, h = 0, w = 0, oh = 0, ow = 0;
  dn::dims kernel, strides, dilates, pad_l, pad_r;
  std::string key;
  std::string text;

  dn::dims src() const { return {n, c, h, w}; }
  dn::dims dst() const { return {n, c, oh, ow}; }
};

// `x` is the input [N,C,H,W], `y` the output [N,C,H',W']. oneDNN wants the right padding that
// makes its own output-size formula land on H' (PyTorch's ceil mode can add a partial window).
Pool describe(const core::Shape& x, const core::Shape& y, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
              const std::vector<int64_t>& padding, const std::vector<int64_t>& dilation) {
  NS_CHECK(x.size() == 4 && y.size() == 4, shape, "expected 4-d input and output");
  NS_CHECK(kernel.size() == 2 && (stride.empty() || stride.size() == 2) && padding.size() == 2 && dilation.size() == 2, value,
           "malformed pooling attributes");
  Pool p;
  p.n = x[0], p.c = x[1], p.h = x[2], p.w = x[3], p.oh = y[2], p.ow = y[3];
  p.kernel = {kernel[0], kernel[1]};
  p.strides = stride.empty() ? p.kernel : dn::dims{stride[0], stride[1]};
  p.dilates = {dilation[0] - 1, dilation[1] - 1};
  p.pad_l = {padding[0], padding[1]};
  int64_t in[2] = {p.h, p.w}, out[2] = {p.oh, p.ow};
  p.pad_r.resize(2);
  for (int i = 0; i < 2; ++i) {
    int64_t span = (kernel[i] - 1) * dilation[i] + 1;
    p.pad_r[i] = std::max<int64_t>(0, (out[i] - 1) * p.strides[i] + span - in[i] - p.pad_l[i]);
  }
  p.key = dn::key_of(p.src()) + "|" + dn::key_of(p.dst()) + "|" + dn::key_of(p.kernel) + dn::key_of(p.strides) + dn::key_of(p.dilates) +
          dn::key_of(p.pad_l) + dn::key_of(p.pad_r);
  p.text = "input " + core::shape_str(x) + ", output " + core::shape_str(y);
  return p;
}

// The case of Note [2x2 max pooling] (oneDNN's dilation counts gaps: 0 is none). With no
// padding before and oH = H/2, describe() derived no padding after either.
bool two_by_two(const Pool& p) {
  const int64_t dilation[2] = {p.dilates[0] + 1, p.dilates[1] + 1};
  return max_pool_2x2_fits(p.h, p.w, p.oh, p.ow, p.kernel.data(), p.strides.data(), p.pad_l.data(), dilation);
}

[[noreturn]] void fail(const Pool& p, const std::string& what, const dnnl::error& e) {
  NS_THROW(backend, "oneDNN " + what + " (" + p.text + "): " + e.what() + " [" + dnnl_status2str(e.status) + "]");
}

dnnl::memory::desc f32(const dn::dims& d) { return dn::plain_desc(d, dn::dt::f32); }

dnnl::pooling_v2_forward::primitive_desc forward_pd(const Pool& p, algorithm alg, dnnl::prop_kind kind) {
  try {
    dnnl::pooling_v2_forward::desc d(kind, alg, f32(p.src()), f32(p.dst()), p.strides, p.kernel, p.dilates, p.pad_l, p.pad_r);
    return dnnl::pooling_v2_forward::primitive_desc(d, dn::engine());
  } catch (const dnnl::error& e) {
    fail(p, "could not create a pooling forward primitive", e);
  }
}

dnnl::pooling_v2_backward::primitive_desc backward_pd(const Pool& p, algorithm alg) {
  try {
    auto hint = forward_pd(p, alg, dnnl::prop_kind::forward_training);
    dnnl::pooling_v2_backward::desc d(alg, f32(p.src()), f32(p.dst()), p.strides, p.kernel, p.dilates, p.pad_l, p.pad_r);
    return dnnl::pooling_v2_backward::primitive_desc(d, dn::engine(), hint);
  } catch (const dnnl::error& e) {
    fail(p, "could not create a pooling backward primitive", e);
  }
}

struct Forward {
  dnnl::pooling_v2_forward::primitive_desc pd;
  dnnl::pooling_v2_forward prim;
};

struct Backward {
  dnnl::pooling_v2_backward::primitive_desc pd;
  dnnl::pooling_v2_backward prim;
};

std::shared_ptr<Forward> forward(const std::string& op, const Pool& p, algorithm alg, dnnl::prop_kind kind) {
  return dn::cached<Forward>(op + "|" + p.key + "|" + std::to_string(static_cast<int>(alg)), [&] {
    auto e = std::make_shared<Forward>();
    e->pd = forward_pd(p, alg, kind);
    e->prim = dnnl::pooling_v2_forward(e->pd);
    return e;
  });
}

std::shared_ptr<Backward> backward(const std::string& op, const Pool& p, algorithm alg) {
  return dn::cached<Backward>(op + "|" + p.key + "|" + std::to_string(static_cast<int>(alg)), [&] {
    auto e = std::make_shared<Backward>();
    e->pd = backward_pd(p, alg);
    e->prim = dnnl::pooling_v2_backward(e->pd);
    return e;
  });
}

void run(const Pool& p, dnnl::primitive& prim, const std::unordered_map<int, dnnl::memory>& args, const char* what) {
  try {
    prim.execute(dn::stream(), args);
    dn::stream().wait();
  } catch (const dnnl::error& e) {
    fail(p, std::string(what) + " failed", e);
  }
}

void zero(const TensorRef& t) {
  if (t.numel()) std::memset(t.raw(), 0, static_cast<size_t>(t.numel()) * core::dtype_size(t.dtype));
}

// Per-output correction of oneDNN's include-padding average, which always divides by kH·kW,
// to PyTorch's divisor, which stops at the padded border: a window that ceil mode lets run
// past H + padding counts only up to it. Empty when no window does.
struct Divisors {
  std::vector<float> h, w;  // factor kH / torch's window height, per output row (same for cols)
  bool any = false;
};

Divisors include_pad_divisors(const Pool& p) {
  Divisors d;
  auto axis = [&](int64_t in, int64_t out, int64_t k, int64_t s, int64_t pad, std::vector<float>& f) {
    f.assign(static_cast<size_t>(out), 1.0f);
    for (int64_t i = 0; i < out; ++i) {
      int64_t start = i * s - pad;
      int64_t end = std::min(start + k, in + pad);
      if (end - start != k) {
        f[i] = static_cast<float>(k) / static_cast<float>(end - start);
        d.any = true;
      }
    }
  };
  axis(p.h, p.oh, p.kernel[0], p.strides[0], p.pad_l[0], d.h);
  axis(p.w, p.ow, p.kernel[1], p.strides[1], p.pad_l[1], d.w);
  return d;
}

void scale_planes(float* dst, const float* src, const Pool& p, const Divisors& d) {
  int64_t planes = p.n * p.c, plane = p.oh * p.ow;
  NS_PARALLEL_IF(planes * plane >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t q = 0; q < planes; ++q) {
      for (int64_t i = 0; i < p.oh; ++i) {
        for (int64_t j = 0; j < p.ow; ++j) {
          int64_t o = q * plane + i * p.ow + j;
          dst[o] = src[o] * d.h[i] * d.w[j];
        }
      }
    }
  );
}

// PyTorch's adaptive windows: [floor(i·in/out), ceil((i+1)·in/out)).
inline int64_t start_index(int64_t i, int64_t out, int64_t in) { return (i * in) / out; }
inline int64_t end_index(int64_t i, int64_t out, int64_t in) { return ((i + 1) * in + out - 1) / out; }

}  // namespace

namespace {

// Where a window's element v lies (window index kh·kW + kw, as the workspace holds it): inside the
// input or in the padding.
struct WindowGeometry {
  explicit WindowGeometry(const Pool& p) : p(p), window(p.kernel[0] * p.kernel[1]), dh(static_cast<size_t>(window)), dw(static_cast<size_t>(window)) {
    for (int64_t v = 0; v < window; ++v) {
      dh[static_cast<size_t>(v)] = (v / p.kernel[1]) * (p.dilates[0] + 1);
      dw[static_cast<size_t>(v)] = (v % p.kernel[1]) * (p.dilates[1] + 1);
    }
  }
  // Whether element v of output (i, j)'s window is an input position.
  bool inside(int64_t v, int64_t i, int64_t j) const {
    if (v < 0 || v >= window) return false;
    const int64_t ih = i * p.strides[0] - p.pad_l[0] + dh[static_cast<size_t>(v)];
    const int64_t iw = j * p.strides[1] - p.pad_l[1] + dw[static_cast<size_t>(v)];
    return ih >= 0 && ih < p.h && iw >= 0 && iw < p.w;
  }
  const Pool& p;
  const int64_t window;
  std::vector<int64_t> dh, dw;
};

// Every workspace index must name a window element that lies inside the input (the forward
// never picks padding). Returns the first offending output position, or -1. It runs over every
// output of every backward, so it is kept cheap: where a whole window lies inside the input
// (all but the borders) an index is valid iff it is below the window size, a test that
// vectorises; border positions check the element's coordinates, from a table (no divisions).
template <typename I>
int64_t check_workspace(const I* idx, const Pool& p) {
  const WindowGeometry g(p);
  const int64_t window = g.window, planes = p.n * p.c, plane = p.oh * p.ow;
  const int64_t span_h = (p.kernel[0] - 1) * (p.dilates[0] + 1), span_w = (p.kernel[1] - 1) * (p.dilates[1] + 1);
  // Output columns [j_lo, j_hi) have their whole window inside the input's width.
  int64_t j_lo = 0, j_hi = 0;
  for (int64_t j = 0; j < p.ow; ++j) {
    const int64_t w0 = j * p.strides[1] - p.pad_l[1];
    if (w0 >= 0 && w0 + span_w < p.w) {
      if (j_hi == 0) j_lo = j;
      j_hi = j + 1;
    }
  }
  int64_t bad = planes * plane;
  NS_PARALLEL_IF(planes * plane >= kParallelGrain, "omp parallel for schedule(static) reduction(min : bad)",
    for (int64_t q = 0; q < planes; ++q) {
      for (int64_t i = 0; i < p.oh; ++i) {
        const I* row = idx + q * plane + i * p.ow;
        const int64_t h0 = i * p.strides[0] - p.pad_l[0];
        const bool inside_h = h0 >= 0 && h0 + span_h < p.h;
        int64_t fast_lo = inside_h ? j_lo : 0, fast_hi = inside_h ? j_hi : 0;
        bool fast_ok = true;
        for (int64_t j = fast_lo; j < fast_hi; ++j) fast_ok &= static_cast<uint64_t>(static_cast<int64_t>(row[j])) < static_cast<uint64_t>(window);
        if (!fast_ok) fast_lo = fast_hi = 0;  // find the first offender the slow way
        for (int64_t j = 0; j < p.ow; ++j) {
          if (j == fast_lo && fast_hi > fast_lo) j = fast_hi;
          if (j < p.ow && !g.inside(static_cast<int64_t>(row[j]), i, j)) {
            bad = std::min(bad, q * plane + i * p.ow + j);
            break;
          }
        }
      }
    }
  );
  return bad == planes * plane ? -1 : bad;
}

// Note [all -inf windows]: oneDNN starts a window's maximum at the lowest finite float, so a window
// of -inf gave -3.4e38, and one reaching into the padding "picked" a padded element, whose
// workspace the backward then refused (found by a helper building maxPool2d's returnIndices).
// PyTorch starts at -inf with the first element inside the input. Outputs at the lowest float or
// with a padded pick are rare (never in ordinary use), so those windows are done again PyTorch's
// way after the fact: the first maximum inside the input, or the last NaN.
template <typename I>
void mend_lowest_windows(const float* x, float* y, I* idx, const Pool& p) {
  const WindowGeometry g(p);
  const int64_t plane = p.oh * p.ow;
  const float lowest = std::numeric_limits<float>::lowest();
  for (int64_t q = 0; q < p.n * p.c; ++q) {
    const float* xq = x + q * p.h * p.w;
    for (int64_t i = 0; i < p.oh; ++i) {
      for (int64_t j = 0; j < p.ow; ++j) {
        const int64_t at = q * plane + i * p.ow + j;
        if (y[at] != lowest && g.inside(static_cast<int64_t>(idx[at]), i, j)) continue;
        float best = -std::numeric_limits<float>::infinity();
        int64_t pick = -1;
        for (int64_t v = 0; v < g.window; ++v) {
          if (!g.inside(v, i, j)) continue;
          const float e = xq[(i * p.strides[0] - p.pad_l[0] + g.dh[static_cast<size_t>(v)]) * p.w + j * p.strides[1] - p.pad_l[1] + g.dw[static_cast<size_t>(v)]];
          if (pick < 0) pick = v;
          if (e > best || std::isnan(e)) {  // every NaN takes over: the last one wins, as in PyTorch
            best = e;
            pick = v;
          }
        }
        y[at] = best;
        idx[at] = static_cast<I>(pick < 0 ? 0 : pick);
      }
    }
  }
}

template <typename I>
void mend_if_needed(const float* x, float* y, I* idx, const Pool& p) {
  const float lowest = std::numeric_limits<float>::lowest();
  const int64_t n = p.n * p.c * p.oh * p.ow;
  bool any_lowest = false;
  for (int64_t k = 0; k < n; ++k) any_lowest |= y[k] == lowest;
  if (any_lowest || check_workspace(idx, p) >= 0) mend_lowest_windows(x, y, idx, p);
}

}  // namespace

void maxPool2d(OpCall& call) {
  auto a = core::MaxPool2dAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  const TensorRef& ws = call.out(1);
  if (y.numel() == 0) return;
  Pool p = describe(x.shape, y.shape, a.kernelSize, a.stride, a.padding, a.dilation);
  if (ws.dtype == core::DType::uint8 && two_by_two(p)) {  // Note [2x2 max pooling]
    return max_pool_2x2_forward(x.data<float>(), y.data<float>(), ws.data<uint8_t>(), p.n * p.c, p.h, p.w);
  }
  auto entry = forward("maxPool2d", p, algorithm::pooling_max, dnnl::prop_kind::forward_training);
  dnnl::memory::desc ours = dn::plain_desc(p.dst(), dn::data_type(ws.dtype));
  NS_CHECK(entry->pd.workspace_desc() == ours, backend,
           "oneDNN asked for a max-pool workspace other than the dense " + core::shape_str(ws.shape) + " " + core::dtype_name(ws.dtype) +
               " indices this op declares (" + p.text + ")");
  run(p, entry->prim, {{DNNL_ARG_SRC, dn::wrap(x)}, {DNNL_ARG_DST, dn::wrap(y)}, {DNNL_ARG_WORKSPACE, dnnl::memory(ours, dn::engine(), ws.raw())}},
      "max pooling forward");
  // Note [all -inf windows]
  if (ws.dtype == core::DType::uint8) mend_if_needed(x.data<float>(), y.data<float>(), ws.data<uint8_t>(), p);
  else mend_if_needed(x.data<float>(), y.data<float>(), ws.data<int32_t>(), p);
}

void maxPool2dBackward(OpCall& call) {
  auto a = core::MaxPool2dBackwardAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& ws = call.in(1);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  Pool p = describe(dx.shape, gy.shape, a.kernelSize, a.stride, a.padding, a.dilation);
  if (gy.numel() == 0) return zero(dx);
  NS_CHECK(ws.shape == gy.shape, shape, "workspace " + core::shape_str(ws.shape) + " does not match gradOutput " + core::shape_str(gy.shape));
  // Note [2x2 max pooling]: every window lies inside the input, so indices 0–3 are the valid ones.
  const bool by_us = ws.dtype == core::DType::uint8 && two_by_two(p);
  int64_t bad = by_us ? max_pool_2x2_backward(gy.data<float>(), ws.data<uint8_t>(), dx.data<float>(), p.n * p.c, p.h, p.w)
                : ws.dtype == core::DType::uint8 ? check_workspace(ws.data<uint8_t>(), p)
                                                 : check_workspace(ws.data<int32_t>(), p);
  if (bad >= 0) {
    int64_t v = ws.dtype == core::DType::uint8 ? ws.data<uint8_t>()[bad] : ws.data<int32_t>()[bad];
    NS_THROW(value, "workspace holds window index " + std::to_string(v) + " at element " + std::to_string(bad) +
                        ", which is not an input position of that window; pass the workspace maxPool2d made with the same options (" + p.text + ")");
  }
  if (by_us) return;
  auto entry = backward("maxPool2dBackward", p, algorithm::pooling_max);
  dnnl::memory::desc ours = dn::plain_desc(p.dst(), dn::data_type(ws.dtype));
  NS_CHECK(entry->pd.workspace_desc() == ours, backend, "oneDNN asked for a max-pool workspace other than the one given (" + p.text + ")");
  run(p, entry->prim,
      {{DNNL_ARG_DIFF_DST, dn::wrap(gy)}, {DNNL_ARG_WORKSPACE, dnnl::memory(ours, dn::engine(), ws.raw())}, {DNNL_ARG_DIFF_SRC, dn::wrap(dx)}},
      "max pooling backward");
}

void avgPool2d(OpCall& call) {
  auto a = core::AvgPool2dAttrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  if (y.numel() == 0) return;
  Pool p = describe(x.shape, y.shape, a.kernelSize, a.stride, a.padding, {1, 1});
  auto alg = a.countIncludePad ? algorithm::pooling_avg_include_padding : algorithm::pooling_avg_exclude_padding;
  auto entry = forward("avgPool2d", p, alg, dnnl::prop_kind::forward_inference);
  run(p, entry->prim, {{DNNL_ARG_SRC, dn::wrap(x)}, {DNNL_ARG_DST, dn::wrap(y)}}, "average pooling forward");
  if (a.countIncludePad) {
    Divisors d = include_pad_divisors(p);
    if (d.any) scale_planes(y.data<float>(), y.data<float>(), p, d);
  }
}

void avgPool2dBackward(OpCall& call) {
  auto a = core::AvgPool2dBackwardAttrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  Pool p = describe(dx.shape, gy.shape, a.kernelSize, a.stride, a.padding, {1, 1});
  if (gy.numel() == 0) return zero(dx);
  auto alg = a.countIncludePad ? algorithm::pooling_avg_include_padding : algorithm::pooling_avg_exclude_padding;
  auto entry = backward("avgPool2dBackward", p, alg);
  dnnl::memory diff_dst = dn::wrap(gy);
  if (a.countIncludePad) {
    // The transpose of (scale ∘ oneDNN's average) is oneDNN's backward of the scaled gradient.
    Divisors d = include_pad_divisors(p);
    if (d.any) {
      diff_dst = dnnl::memory(f32(p.dst()), dn::engine());
      scale_planes(static_cast<float*>(diff_dst.get_data_handle()), gy.data<float>(), p, d);
    }
  }
  run(p, entry->prim, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, dn::wrap(dx)}}, "average pooling backward");
}

namespace {

// Adaptive pooling whose windows are all alike (H divisible by H', W by W') is plain average
// pooling with kernel = stride = H/H', which oneDNN runs.
bool uniform(int64_t h, int64_t w, int64_t oh, int64_t ow) { return oh > 0 && ow > 0 && h % oh == 0 && w % ow == 0; }

Pool uniform_pool(const core::Shape& x, const core::Shape& y) {
  int64_t kh = x[2] / y[2], kw = x[3] / y[3];
  return describe(x, y, {kh, kw}, {kh, kw}, {0, 0}, {1, 1});
}

}  // namespace

void adaptiveAvgPool2d(OpCall& call) {
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  if (y.numel() == 0) return;
  int64_t planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3], oh = y.shape[2], ow = y.shape[3];
  if (uniform(h, w, oh, ow)) {
    Pool p = uniform_pool(x.shape, y.shape);
    auto entry = forward("adaptiveAvgPool2d", p, algorithm::pooling_avg_exclude_padding, dnnl::prop_kind::forward_inference);
    run(p, entry->prim, {{DNNL_ARG_SRC, dn::wrap(x)}, {DNNL_ARG_DST, dn::wrap(y)}}, "adaptive average pooling forward");
    return;
  }
  const float* src = x.data<float>();
  float* dst = y.data<float>();
  NS_PARALLEL_IF(x.numel() >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t q = 0; q < planes; ++q) {
      const float* in = src + q * h * w;
      float* out = dst + q * oh * ow;
      for (int64_t i = 0; i < oh; ++i) {
        int64_t h0 = start_index(i, oh, h), h1 = end_index(i, oh, h);
        for (int64_t j = 0; j < ow; ++j) {
          int64_t w0 = start_index(j, ow, w), w1 = end_index(j, ow, w);
          float acc = 0.0f;
          for (int64_t r = h0; r < h1; ++r)
            for (int64_t s = w0; s < w1; ++s) acc += in[r * w + s];
          out[i * ow + j] = acc / static_cast<float>((h1 - h0) * (w1 - w0));
        }
      }
    }
  );
}

void adaptiveAvgPool2dBackward(OpCall& call) {
  const TensorRef& gy = call.in(0);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  int64_t planes = dx.shape[0] * dx.shape[1], h = dx.shape[2], w = dx.shape[3], oh = gy.shape[2], ow = gy.shape[3];
  if (gy.numel() == 0) return zero(dx);
  if (uniform(h, w, oh, ow)) {
    Pool p = uniform_pool(dx.shape, gy.shape);
    auto entry = backward("adaptiveAvgPool2dBackward", p, algorithm::pooling_avg_exclude_padding);
    run(p, entry->prim, {{DNNL_ARG_DIFF_DST, dn::wrap(gy)}, {DNNL_ARG_DIFF_SRC, dn::wrap(dx)}}, "adaptive average pooling backward");
    return;
  }
  zero(dx);
  const float* src = gy.data<float>();
  float* dst = dx.data<float>();
  // Windows overlap when the sizes do not divide; each plane accumulates on one thread.
  NS_PARALLEL_IF(dx.numel() >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t q = 0; q < planes; ++q) {
      const float* g = src + q * oh * ow;
      float* out = dst + q * h * w;
      for (int64_t i = 0; i < oh; ++i) {
        int64_t h0 = start_index(i, oh, h), h1 = end_index(i, oh, h);
        for (int64_t j = 0; j < ow; ++j) {
          int64_t w0 = start_index(j, ow, w), w1 = end_index(j, ow, w);
          float share = g[i * ow + j] / static_cast<float>((h1 - h0) * (w1 - w0));
          for (int64_t r = h0; r < h1; ++r)
            for (int64_t s = w0; s < w1; ++s) out[r * w + s] += share;
        }
      }
    }
  );
}

}  // namespace nutshell::cpu
