// Pooling through oneDNN's pooling_v2 (it has dilation) on our dense NCHW buffers, which its
// kernels take as they are (no reorders): max pooling with the workspace as the op's hidden
// output, average pooling, and adaptive average pooling (oneDNN when the windows are uniform,
// a loop with PyTorch's start/end index rule otherwise). 2×2 max pooling with stride 2 on even
// sizes runs our kernel instead (Note [2x2 max pooling], max_pool_2x2.h), same workspace; 3-d
// max and average pooling (NCDHW) run our loops (Note [pooling loops], pool_loops.h).
//
// Note [max pool workspace]: oneDNN's max-pool workspace for a dense NCHW (NCDHW) destination is
// a dense tensor of the destination's shape holding, per output, the index of the maximum inside
// its window (kh·kW + kw; 3-d: (kd·kH + kh)·kW + kw): u8 when the window has at most 255
// elements, s32 beyond. maxPool2d (maxPool3d) declares exactly that tensor as its hidden output,
// and the kernel checks that oneDNN asks for that layout. The backward ops check every index
// before oneDNN scatters through it, so a workspace that did not come from the forward op with
// the same options is refused, not followed.
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
#include "pool_loops.h"
#include "onednn.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::TensorRef;
using dnnl::algorithm;
namespace dn = onednn;

// A pooling's geometry over 2 or 3 spatial axes. Our loops see every pooling as 3-d: a 2-d one
// has a depth axis of one (size 1, kernel 1, stride 1, no padding), so the window index
// (t·kH + u)·kW + v is the 2-d one's u·kW + v. oneDNN is given the real rank.
struct Pool {
  int spatial = 2;
  int64_t n = 0, c = 0;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1}, pad_l[3] = {0, 0, 0}, pad_r[3] = {0, 0, 0}, dilation[3] = {1, 1, 1};
  std::string key;
  std::string text;

  int64_t planes() const { return n * c; }
  int64_t in_volume() const { return in[0] * in[1] * in[2]; }
  int64_t out_volume() const { return out[0] * out[1] * out[2]; }
  int64_t window() const { return kernel[0] * kernel[1] * kernel[2]; }
  // The last `spatial` entries of a per-axis array, as oneDNN's dims.
  dn::dims axes(const int64_t (&v)[3], int64_t minus = 0) const {
    dn::dims d;
    for (int a = 3 - spatial; a < 3; ++a) d.push_back(v[a] - minus);
    return d;
  }
  dn::dims src() const {
    dn::dims d{n, c};
    for (int64_t v : axes(in)) d.push_back(v);
    return d;
  }
  dn::dims dst() const {
    dn::dims d{n, c};
    for (int64_t v : axes(out)) d.push_back(v);
    return d;
  }
  dn::dims kernels() const { return axes(kernel); }
  dn::dims strides() const { return axes(stride); }
  dn::dims dilates() const { return axes(dilation, 1); }  // oneDNN counts the gaps: 0 is none
  dn::dims padding_l() const { return axes(pad_l); }
  dn::dims padding_r() const { return axes(pad_r); }
  // The geometry as Note [pooling loops] takes it (symmetric padding: PyTorch's).
  PoolBox box() const {
    PoolBox b;
    b.planes = planes();
    for (int a = 0; a < 3; ++a) {
      b.in[a] = in[a], b.out[a] = out[a], b.kernel[a] = kernel[a], b.stride[a] = stride[a], b.pad[a] = pad_l[a], b.dilation[a] = dilation[a];
    }
    return b;
  }
};

// `x` is the input [N,C,H,W] or [N,C,D,H,W], `y` the output. oneDNN wants the right padding that
// makes its own output-size formula land on the output size (PyTorch's ceil mode can add a
// partial window).
Pool describe(const core::Shape& x, const core::Shape& y, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
              const std::vector<int64_t>& padding, const std::vector<int64_t>& dilation) {
  NS_CHECK((x.size() == 4 || x.size() == 5) && y.size() == x.size(), shape, "expected 4-d or 5-d input and output of one rank");
  const size_t k = x.size() - 2;
  NS_CHECK(kernel.size() == k && (stride.empty() || stride.size() == k) && padding.size() == k && dilation.size() == k, value,
           "malformed pooling attributes");
  Pool p;
  p.spatial = static_cast<int>(k);
  p.n = x[0], p.c = x[1];
  for (size_t i = 0; i < k; ++i) {
    const size_t a = 3 - k + i;
    p.in[a] = x[2 + i], p.out[a] = y[2 + i];
    p.kernel[a] = kernel[i];
    p.stride[a] = stride.empty() ? kernel[i] : stride[i];
    p.pad_l[a] = padding[i];
    p.dilation[a] = dilation[i];
    const int64_t span = (kernel[i] - 1) * dilation[i] + 1;
    p.pad_r[a] = std::max<int64_t>(0, (p.out[a] - 1) * p.stride[a] + span - p.in[a] - p.pad_l[a]);
  }
  p.key = dn::key_of(p.src()) + "|" + dn::key_of(p.dst()) + "|" + dn::key_of(p.kernels()) + dn::key_of(p.strides()) + dn::key_of(p.dilates()) +
          dn::key_of(p.padding_l()) + dn::key_of(p.padding_r());
  p.text = "input " + core::shape_str(x) + ", output " + core::shape_str(y);
  return p;
}

// The case of Note [2x2 max pooling]. With no padding before and oH = H/2, describe() derived no
// padding after either.
bool two_by_two(const Pool& p) {
  return p.spatial == 2 && max_pool_2x2_fits(p.in[1], p.in[2], p.out[1], p.out[2], p.kernel + 1, p.stride + 1, p.pad_l + 1, p.dilation + 1);
}

[[noreturn]] void fail(const Pool& p, const std::string& what, const dnnl::error& e) {
  NS_THROW(backend, "oneDNN " + what + " (" + p.text + "): " + e.what() + " [" + dnnl_status2str(e.status) + "]");
}

dnnl::memory::desc f32(const dn::dims& d) { return dn::plain_desc(d, dn::dt::f32); }

dnnl::pooling_v2_forward::primitive_desc forward_pd(const Pool& p, algorithm alg, dnnl::prop_kind kind) {
  try {
    dnnl::pooling_v2_forward::desc d(kind, alg, f32(p.src()), f32(p.dst()), p.strides(), p.kernels(), p.dilates(), p.padding_l(), p.padding_r());
    return dnnl::pooling_v2_forward::primitive_desc(d, dn::engine());
  } catch (const dnnl::error& e) {
    fail(p, "could not create a pooling forward primitive", e);
  }
}

dnnl::pooling_v2_backward::primitive_desc backward_pd(const Pool& p, algorithm alg) {
  try {
    auto hint = forward_pd(p, alg, dnnl::prop_kind::forward_training);
    dnnl::pooling_v2_backward::desc d(alg, f32(p.src()), f32(p.dst()), p.strides(), p.kernels(), p.dilates(), p.padding_l(), p.padding_r());
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

// Per-output correction of oneDNN's include-padding average, which always divides by the whole
// window, to PyTorch's divisor, which stops at the padded border: a window that ceil mode lets
// run past the input + padding counts only up to it. Empty when no window does.
struct Divisors {
  std::vector<float> axis[3];  // per output index of each axis: the kernel size over torch's window size
  bool any = false;
};

Divisors include_pad_divisors(const Pool& p) {
  Divisors d;
  for (int a = 0; a < 3; ++a) {
    std::vector<float>& f = d.axis[a];
    f.assign(static_cast<size_t>(p.out[a]), 1.0f);
    for (int64_t i = 0; i < p.out[a]; ++i) {
      const int64_t start = i * p.stride[a] - p.pad_l[a];
      const int64_t end = std::min(start + p.kernel[a], p.in[a] + p.pad_l[a]);
      if (end - start != p.kernel[a]) {
        f[static_cast<size_t>(i)] = static_cast<float>(p.kernel[a]) / static_cast<float>(end - start);
        d.any = true;
      }
    }
  }
  return d;
}

void scale_planes(float* dst, const float* src, const Pool& p, const Divisors& d) {
  const int64_t planes = p.planes(), volume = p.out_volume();
  NS_PARALLEL_IF(planes * volume >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t q = 0; q < planes; ++q) {
      int64_t o = q * volume;
      for (int64_t a = 0; a < p.out[0]; ++a) {
        for (int64_t i = 0; i < p.out[1]; ++i) {
          const float outer = d.axis[0][static_cast<size_t>(a)] * d.axis[1][static_cast<size_t>(i)];
          for (int64_t j = 0; j < p.out[2]; ++j, ++o) dst[o] = src[o] * outer * d.axis[2][static_cast<size_t>(j)];
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

// Where a window's element v lies (window index (t·kH + u)·kW + v, as the workspace holds it):
// inside the input or in the padding. Outputs are named by (a, i, j): depth, row, column.
struct WindowGeometry {
  explicit WindowGeometry(const Pool& p) : p(p), window(p.window()) {
    for (auto& o : offset) o.resize(static_cast<size_t>(window));
    for (int64_t v = 0; v < window; ++v) {
      const size_t at = static_cast<size_t>(v);
      offset[0][at] = (v / (p.kernel[1] * p.kernel[2])) * p.dilation[0];
      offset[1][at] = (v / p.kernel[2] % p.kernel[1]) * p.dilation[1];
      offset[2][at] = (v % p.kernel[2]) * p.dilation[2];
    }
  }
  // The input coordinate on axis `ax` of element v of the window of output index o on that axis.
  int64_t at(int ax, int64_t v, int64_t o) const { return o * p.stride[ax] - p.pad_l[ax] + offset[ax][static_cast<size_t>(v)]; }
  // Whether element v of output (a, i, j)'s window is an input position.
  bool inside(int64_t v, int64_t a, int64_t i, int64_t j) const {
    if (v < 0 || v >= window) return false;
    const int64_t o[3] = {a, i, j};
    for (int ax = 0; ax < 3; ++ax) {
      const int64_t c = at(ax, v, o[ax]);
      if (c < 0 || c >= p.in[ax]) return false;
    }
    return true;
  }
  // Its offset in the input volume (for an element inside).
  int64_t input_offset(int64_t v, int64_t a, int64_t i, int64_t j) const { return (at(0, v, a) * p.in[1] + at(1, v, i)) * p.in[2] + at(2, v, j); }
  // Whether output index o's whole window on axis `ax` lies inside the input.
  bool whole(int ax, int64_t o) const {
    const int64_t start = o * p.stride[ax] - p.pad_l[ax];
    return start >= 0 && start + (p.kernel[ax] - 1) * p.dilation[ax] < p.in[ax];
  }
  const Pool& p;
  const int64_t window;
  std::vector<int64_t> offset[3];
};

// Every workspace index must name a window element that lies inside the input (the forward
// never picks padding). Returns the first offending output position, or -1. It runs over every
// output of every backward, so it is kept cheap: where a whole window lies inside the input
// (all but the borders) an index is valid iff it is below the window size, a test that
// vectorises; border positions check the element's coordinates, from a table (no divisions).
template <typename I>
int64_t check_workspace(const I* idx, const Pool& p) {
  const WindowGeometry g(p);
  const int64_t window = g.window, planes = p.planes(), volume = p.out_volume(), rows = p.out[0] * p.out[1], ow = p.out[2];
  // Output columns [j_lo, j_hi) have their whole window inside the input's width.
  int64_t j_lo = 0, j_hi = 0;
  for (int64_t j = 0; j < ow; ++j) {
    if (g.whole(2, j)) {
      if (j_hi == 0) j_lo = j;
      j_hi = j + 1;
    }
  }
  int64_t bad = planes * volume;
  NS_PARALLEL_IF(planes * volume >= kParallelGrain, "omp parallel for schedule(static) reduction(min : bad)",
    for (int64_t q = 0; q < planes; ++q) {
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t a = r / p.out[1], i = r % p.out[1];
        const I* row = idx + q * volume + r * ow;
        const bool inside_rows = g.whole(0, a) && g.whole(1, i);
        int64_t fast_lo = inside_rows ? j_lo : 0, fast_hi = inside_rows ? j_hi : 0;
        bool fast_ok = true;
        for (int64_t j = fast_lo; j < fast_hi; ++j) fast_ok &= static_cast<uint64_t>(static_cast<int64_t>(row[j])) < static_cast<uint64_t>(window);
        if (!fast_ok) fast_lo = fast_hi = 0;  // find the first offender the slow way
        for (int64_t j = 0; j < ow; ++j) {
          if (j == fast_lo && fast_hi > fast_lo) j = fast_hi;
          if (j < ow && !g.inside(static_cast<int64_t>(row[j]), a, i, j)) {
            bad = std::min(bad, q * volume + r * ow + j);
            break;
          }
        }
      }
    }
  );
  return bad == planes * volume ? -1 : bad;
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
  const int64_t volume = p.out_volume();
  const float lowest = std::numeric_limits<float>::lowest();
  for (int64_t q = 0; q < p.planes(); ++q) {
    const float* xq = x + q * p.in_volume();
    int64_t at = q * volume;
    for (int64_t a = 0; a < p.out[0]; ++a) {
      for (int64_t i = 0; i < p.out[1]; ++i) {
        for (int64_t j = 0; j < p.out[2]; ++j, ++at) {
          if (y[at] != lowest && g.inside(static_cast<int64_t>(idx[at]), a, i, j)) continue;
          float best = -std::numeric_limits<float>::infinity();
          int64_t pick = -1;
          for (int64_t v = 0; v < g.window; ++v) {
            if (!g.inside(v, a, i, j)) continue;
            const float e = xq[g.input_offset(v, a, i, j)];
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
}

template <typename I>
void mend_if_needed(const float* x, float* y, I* idx, const Pool& p) {
  const float lowest = std::numeric_limits<float>::lowest();
  const int64_t n = p.planes() * p.out_volume();
  bool any_lowest = false;
  for (int64_t k = 0; k < n; ++k) any_lowest |= y[k] == lowest;
  if (any_lowest || check_workspace(idx, p) >= 0) mend_lowest_windows(x, y, idx, p);
}

// The max and average pooling ops of either rank share these; `op` names the cache entries.
template <typename Attrs>
void max_pool_forward(OpCall& call, const char* op) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  const TensorRef& ws = call.out(1);
  if (y.numel() == 0) return;
  Pool p = describe(x.shape, y.shape, a.kernelSize, a.stride, a.padding, a.dilation);
  if (p.spatial == 3) return max_pool_forward_loops(x.data<float>(), y.data<float>(), ws.raw(), ws.dtype == core::DType::uint8, p.box());
  if (ws.dtype == core::DType::uint8 && two_by_two(p)) {  // Note [2x2 max pooling]
    return max_pool_2x2_forward(x.data<float>(), y.data<float>(), ws.data<uint8_t>(), p.planes(), p.in[1], p.in[2]);
  }
  auto entry = forward(op, p, algorithm::pooling_max, dnnl::prop_kind::forward_training);
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

template <typename Attrs>
void max_pool_backward(OpCall& call, const char* op, const char* forward_op) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& ws = call.in(1);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  Pool p = describe(dx.shape, gy.shape, a.kernelSize, a.stride, a.padding, a.dilation);
  if (gy.numel() == 0) return zero(dx);
  NS_CHECK(ws.shape == gy.shape, shape, "workspace " + core::shape_str(ws.shape) + " does not match gradOutput " + core::shape_str(gy.shape));
  // Note [2x2 max pooling]: every window lies inside the input, so indices 0–3 are the valid ones.
  const bool by_us = ws.dtype == core::DType::uint8 && two_by_two(p);
  const bool loops = p.spatial == 3;  // Note [pooling loops]
  int64_t bad = loops   ? max_pool_backward_loops(gy.data<float>(), ws.raw(), ws.dtype == core::DType::uint8, dx.data<float>(), p.box())
                : by_us ? max_pool_2x2_backward(gy.data<float>(), ws.data<uint8_t>(), dx.data<float>(), p.planes(), p.in[1], p.in[2])
                : ws.dtype == core::DType::uint8 ? check_workspace(ws.data<uint8_t>(), p)
                                                 : check_workspace(ws.data<int32_t>(), p);
  if (bad >= 0) {
    int64_t v = ws.dtype == core::DType::uint8 ? ws.data<uint8_t>()[bad] : ws.data<int32_t>()[bad];
    NS_THROW(value, "workspace holds window index " + std::to_string(v) + " at element " + std::to_string(bad) +
                        ", which is not an input position of that window; pass the workspace " + forward_op + " made with the same options (" +
                        p.text + ")");
  }
  if (by_us || loops) return;
  auto entry = backward(op, p, algorithm::pooling_max);
  dnnl::memory::desc ours = dn::plain_desc(p.dst(), dn::data_type(ws.dtype));
  NS_CHECK(entry->pd.workspace_desc() == ours, backend, "oneDNN asked for a max-pool workspace other than the one given (" + p.text + ")");
  run(p, entry->prim,
      {{DNNL_ARG_DIFF_DST, dn::wrap(gy)}, {DNNL_ARG_WORKSPACE, dnnl::memory(ours, dn::engine(), ws.raw())}, {DNNL_ARG_DIFF_SRC, dn::wrap(dx)}},
      "max pooling backward");
}

template <typename Attrs>
void avg_pool_forward(OpCall& call, const char* op) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& x = call.in(0);
  const TensorRef& y = call.out(0);
  if (y.numel() == 0) return;
  Pool p = describe(x.shape, y.shape, a.kernelSize, a.stride, a.padding, std::vector<int64_t>(a.kernelSize.size(), 1));
  if (p.spatial == 3) return avg_pool_forward_loops(x.data<float>(), y.data<float>(), p.box(), a.countIncludePad);  // Note [pooling loops]
  auto alg = a.countIncludePad ? algorithm::pooling_avg_include_padding : algorithm::pooling_avg_exclude_padding;
  auto entry = forward(op, p, alg, dnnl::prop_kind::forward_inference);
  run(p, entry->prim, {{DNNL_ARG_SRC, dn::wrap(x)}, {DNNL_ARG_DST, dn::wrap(y)}}, "average pooling forward");
  if (a.countIncludePad) {
    Divisors d = include_pad_divisors(p);
    if (d.any) scale_planes(y.data<float>(), y.data<float>(), p, d);
  }
}

template <typename Attrs>
void avg_pool_backward(OpCall& call, const char* op) {
  auto a = Attrs::decode(call.reader());
  const TensorRef& gy = call.in(0);
  const TensorRef& dx = call.out(0);
  if (dx.numel() == 0) return;
  Pool p = describe(dx.shape, gy.shape, a.kernelSize, a.stride, a.padding, std::vector<int64_t>(a.kernelSize.size(), 1));
  if (gy.numel() == 0) return zero(dx);
  if (p.spatial == 3) return avg_pool_backward_loops(gy.data<float>(), dx.data<float>(), p.box(), a.countIncludePad);
  auto alg = a.countIncludePad ? algorithm::pooling_avg_include_padding : algorithm::pooling_avg_exclude_padding;
  auto entry = backward(op, p, alg);
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

}  // namespace

void maxPool2d(OpCall& call) { max_pool_forward<core::MaxPool2dAttrs>(call, "maxPool2d"); }
void maxPool3d(OpCall& call) { max_pool_forward<core::MaxPool3dAttrs>(call, "maxPool3d"); }
void maxPool2dBackward(OpCall& call) { max_pool_backward<core::MaxPool2dBackwardAttrs>(call, "maxPool2dBackward", "maxPool2d"); }
void maxPool3dBackward(OpCall& call) { max_pool_backward<core::MaxPool3dBackwardAttrs>(call, "maxPool3dBackward", "maxPool3d"); }
void avgPool2d(OpCall& call) { avg_pool_forward<core::AvgPool2dAttrs>(call, "avgPool2d"); }
void avgPool3d(OpCall& call) { avg_pool_forward<core::AvgPool3dAttrs>(call, "avgPool3d"); }
void avgPool2dBackward(OpCall& call) { avg_pool_backward<core::AvgPool2dBackwardAttrs>(call, "avgPool2dBackward"); }
void avgPool3dBackward(OpCall& call) { avg_pool_backward<core::AvgPool3dBackwardAttrs>(call, "avgPool3dBackward"); }


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
