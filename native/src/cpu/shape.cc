// Shape kernels: permute, transpose, narrow, slice (and its backward), cat, stack, split, chunk,
// pad (and its backward). Storage is dense row-major (core/shape.h), so every op that reorders or
// selects elements is a copy; they all go through one strided copy (Note [strided copy]).
// Shape rules and argument checks live in the TS declarations (ops/table/shape.ts); kernels
// re-derive only what they need from the shapes they are given.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::Shape;
using core::TensorRef;

// Note [strided copy]: dst[Σ i_d·dst_strides[d]] = src[Σ i_d·src_strides[d]] over `shape`, in
// elements. Size-1 dims are dropped and neighbouring dims that are contiguous in both src and dst
// are merged first, so most calls reduce to a few long rows (memcpy). When the dst's inner dim is
// strided in src but another dim is unit-stride there (a transpose), the pair is copied in square
// tiles so both sides stay in cache. Anything else walks elements with strides.
struct Layout {
  Shape shape, src, dst;
};

Layout simplify(const Shape& shape, const Shape& src, const Shape& dst) {
  Layout l;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (!l.shape.empty() && l.src.back() == src[d] * shape[d] && l.dst.back() == dst[d] * shape[d]) {
      l.shape.back() *= shape[d];
      l.src.back() = src[d];
      l.dst.back() = dst[d];
      continue;
    }
    l.shape.push_back(shape[d]);
    l.src.push_back(src[d]);
    l.dst.push_back(dst[d]);
  }
  if (l.shape.empty()) {  // one element
    l.shape = {1};
    l.src = {1};
    l.dst = {1};
  }
  return l;
}

// Offsets of the `index`-th combination of `dims` (row-major over them).
inline void offsets_of(int64_t index, const Layout& l, const std::vector<int>& dims, int64_t& so, int64_t& doff) {
  so = 0;
  doff = 0;
  for (int k = static_cast<int>(dims.size()) - 1; k >= 0; --k) {
    int d = dims[k];
    int64_t i = index % l.shape[d];
    index /= l.shape[d];
    so += i * l.src[d];
    doff += i * l.dst[d];
  }
}

// 8×8 tiles: strides that are multiples of 4 KiB (power-of-two shapes) map a tile's lines to one
// cache set, so larger tiles thrash it (measured: [1024,1024] transpose 0.9 ms at 8, 2.8 ms at 32).
constexpr int64_t kTile = 8;

template <typename T>
void strided_copy_typed(const T* src, T* dst, const Shape& shape, const Shape& src_strides, const Shape& dst_strides) {
  if (core::numel(shape) == 0) return;
  Layout l = simplify(shape, src_strides, dst_strides);
  int rank = static_cast<int>(l.shape.size());
  int last = rank - 1;
  int64_t total = core::numel(l.shape);
  int64_t inner = l.shape[last];
  bool parallel = total >= kParallelGrain;

  // A unit-stride src dim other than the last, while dst's last is unit-stride: tile the pair.
  int tdim = -1;
  if (l.dst[last] == 1 && l.src[last] != 1) {
    for (int d = 0; d < last; ++d)
      if (l.src[d] == 1) tdim = d;
  }
  if (tdim >= 0) {
    std::vector<int> outer;
    for (int d = 0; d < last; ++d)
      if (d != tdim) outer.push_back(d);
    int64_t n_outer = 1;
    for (int d : outer) n_outer *= l.shape[d];
    int64_t rows = l.shape[tdim], cols = inner;
    int64_t tr = (rows + kTile - 1) / kTile, tc = (cols + kTile - 1) / kTile;
    int64_t src_col = l.src[last], dst_row = l.dst[tdim];
    int64_t jobs = n_outer * tr * tc;
    NS_PARALLEL_IF(parallel, "omp parallel for schedule(static)",
      for (int64_t job = 0; job < jobs; ++job) {
        int64_t o = job / (tr * tc), t = job % (tr * tc);
        int64_t r0 = (t / tc) * kTile, c0 = (t % tc) * kTile;
        int64_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
        int64_t so, doff;
        offsets_of(o, l, outer, so, doff);
        for (int64_t r = r0; r < r1; ++r) {
          const T* s = src + so + r;
          T* dd = dst + doff + r * dst_row;
          for (int64_t c = c0; c < c1; ++c) dd[c] = s[c * src_col];
        }
      }
    );
    return;
  }

  std::vector<int> outer;
  for (int d = 0; d < last; ++d) outer.push_back(d);
  int64_t rows = total / inner;
  int64_t ss = l.src[last], ds = l.dst[last];
  NS_PARALLEL_IF(parallel, "omp parallel for schedule(static)",
    for (int64_t row = 0; row < rows; ++row) {
      int64_t so, doff;
      offsets_of(row, l, outer, so, doff);
      const T* s = src + so;
      T* dd = dst + doff;
      if (ss == 1 && ds == 1) {
        std::memcpy(dd, s, sizeof(T) * inner);
      } else {
        for (int64_t i = 0; i < inner; ++i) dd[i * ds] = s[i * ss];
      }
    }
  );
}

// Dispatches on the element size: copies never look at values.
void strided_copy(size_t esize, const void* src, void* dst, const Shape& shape, const Shape& src_strides, const Shape& dst_strides) {
  switch (esize) {
    case 1: return strided_copy_typed(static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), shape, src_strides, dst_strides);
    case 2: return strided_copy_typed(static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst), shape, src_strides, dst_strides);
    case 4: return strided_copy_typed(static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), shape, src_strides, dst_strides);
    case 8: return strided_copy_typed(static_cast<const uint64_t*>(src), static_cast<uint64_t*>(dst), shape, src_strides, dst_strides);
  }
  NS_THROW(dtype, "strided copy: unsupported element size " + std::to_string(esize));
}

size_t esize_of(const TensorRef& t) { return core::dtype_size(t.dtype); }
char* bytes(const TensorRef& t) { return static_cast<char*>(t.raw()); }

using core::norm_dim;

// out = in permuted: out dim d is in dim perm[d].
void permute_copy(const TensorRef& in, const TensorRef& out, const std::vector<int64_t>& perm) {
  Shape dense = core::contiguous_strides(in.shape);
  Shape src(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) src[d] = dense[perm[d]];
  strided_copy(esize_of(in), in.raw(), out.raw(), out.shape, src, core::contiguous_strides(out.shape));
}

// out = in[..., start : start + step·len : step, ...] along dim.
void slice_copy(const TensorRef& in, const TensorRef& out, int64_t dim, int64_t start, int64_t step) {
  Shape src = core::contiguous_strides(in.shape);
  size_t es = esize_of(in);
  const char* base = bytes(in) + static_cast<size_t>(start * src[dim]) * es;
  src[dim] *= step;
  strided_copy(es, base, out.raw(), out.shape, src, core::contiguous_strides(out.shape));
}

// Python slicing bounds for step > 0 (as torch.Tensor.__getitem__ clamps them).
void slice_bounds(int64_t size, int64_t& start, int64_t& end) {
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
}

// Concatenates inputs along dim into out: input i lands at offset Σ_{j<i} size_j along dim.
// `skip_legacy_empty`: PyTorch's cat ignores 1-D empty tensors whatever the other shapes.
void concat(const std::vector<TensorRef>& inputs, const TensorRef& out, int64_t dim, bool stacked) {
  Shape dst = core::contiguous_strides(out.shape);
  size_t es = esize_of(out);
  int64_t offset = 0;
  for (const auto& t : inputs) {
    if (!stacked && t.rank() == 1 && t.shape[0] == 0 && out.rank() != 1) continue;
    Shape shape = t.shape;
    Shape src = core::contiguous_strides(t.shape);
    if (stacked) {  // the input is viewed with a size-1 dim inserted at `dim`
      shape.insert(shape.begin() + dim, 1);
      src.insert(src.begin() + dim, 0);
    }
    strided_copy(es, t.raw(), bytes(out) + static_cast<size_t>(offset * dst[dim]) * es, shape, src, dst);
    offset += shape[dim];
  }
}

// Copies successive pieces of `in` along dim into the outputs.
void split_copy(const TensorRef& in, const std::vector<TensorRef>& outputs, int64_t dim) {
  Shape src = core::contiguous_strides(in.shape);
  size_t es = esize_of(in);
  int64_t offset = 0;
  for (const auto& o : outputs) {
    strided_copy(es, bytes(in) + static_cast<size_t>(offset * src[dim]) * es, o.raw(), o.shape, src, core::contiguous_strides(o.shape));
    offset += o.shape[dim];
  }
}

// Note [pad maps]: every padding mode is, per padded dim, a map from output position to input
// position (-1: outside, constant value). Dims are independent, so the output is walked by
// rows of its last dim with one offset per row, and the backward of reflect/replicate is the same
// walk accumulating into the input positions.
enum class PadMode { constant, reflect, replicate };

struct PadPlan {
  int rank = 0;
  Shape in_shape, out_shape;
  std::vector<int64_t> left;               // per dim, the (possibly negative) left padding
  std::vector<std::vector<int64_t>> maps;  // per dim, output index → input index or -1
  int first_padded = 0;                    // dims before it are not padded (rows there never fold)
};

PadPlan pad_plan(const Shape& in_shape, const Shape& out_shape, const std::vector<int64_t>& pads, PadMode mode) {
  PadPlan p;
  p.rank = static_cast<int>(in_shape.size());
  p.in_shape = in_shape;
  p.out_shape = out_shape;
  p.maps.resize(p.rank);
  p.left.resize(p.rank);
  p.first_padded = p.rank;
  int npad = static_cast<int>(pads.size() / 2);
  for (int d = 0; d < p.rank; ++d) {
    int k = p.rank - 1 - d;  // pads come last dim first
    int64_t left = k < npad ? pads[2 * k] : 0;
    int64_t right = k < npad ? pads[2 * k + 1] : 0;
    if ((left != 0 || right != 0) && p.first_padded == p.rank) p.first_padded = d;
    p.left[d] = left;
    int64_t n = in_shape[d];
    auto& m = p.maps[d];
    m.resize(static_cast<size_t>(out_shape[d]));
    for (int64_t j = 0; j < out_shape[d]; ++j) {
      int64_t i = j - left;
      if (i < 0 || i >= n) {
        switch (mode) {
          case PadMode::constant: i = -1; break;
          case PadMode::reflect:
            if (i < 0) i = -i;
            if (i >= n) i = 2 * (n - 1) - i;
            break;
          case PadMode::replicate: i = std::clamp<int64_t>(i, 0, n - 1); break;
        }
      }
      NS_CHECK(i >= -1 && i < n, shape, "padding maps outside the input (input " + core::shape_str(in_shape) + ")");
      m[static_cast<size_t>(j)] = i;
    }
  }
  return p;
}

// Calls fn(out_row_offset, in_row_offset or -1) for each row of the output's last dim. Rows are
// grouped in blocks of equal leading coordinates up to `first_padded` (blocks never share input
// rows, so folding backward can run blocks in parallel); `whole_rows` parallelises rows instead.
template <typename Fn>
void for_each_pad_row(const PadPlan& p, bool whole_rows, Fn&& fn) {
  int64_t total = core::numel(p.out_shape);
  if (total == 0) return;
  int last = p.rank - 1;
  int64_t inner = p.out_shape[last];
  int64_t rows = total / inner;
  int64_t blocks = rows;
  if (!whole_rows) {
    blocks = 1;
    for (int d = 0; d < std::min(p.first_padded, last); ++d) blocks *= p.out_shape[d];
  }
  int64_t per_block = rows / blocks;
  Shape in_strides = core::contiguous_strides(p.in_shape);
  NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t b = 0; b < blocks; ++b) {
      for (int64_t row = b * per_block; row < (b + 1) * per_block; ++row) {
        int64_t rem = row, in_off = 0;
        bool outside = false;
        for (int d = last - 1; d >= 0; --d) {
          int64_t j = rem % p.out_shape[d];
          rem /= p.out_shape[d];
          int64_t i = p.maps[d][static_cast<size_t>(j)];
          if (i < 0) outside = true;
          else in_off += i * in_strides[d];
        }
        fn(row * inner, outside ? -1 : in_off);
      }
    }
  );
}

template <typename T>
void pad_forward_typed(const TensorRef& in, const TensorRef& out, const PadPlan& p, T value) {
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  if (p.rank == 0) {
    dst[0] = src[0];
    return;
  }
  int last = p.rank - 1;
  const auto& map = p.maps[last];
  int64_t inner = p.out_shape[last];
  // The interior of the last dim maps straight through: copy it as one run.
  int64_t run0 = std::clamp<int64_t>(p.left[last], 0, inner);
  int64_t run1 = std::clamp<int64_t>(p.left[last] + p.in_shape[last], run0, inner);
  for_each_pad_row(p, true, [&](int64_t o, int64_t i) {
    T* d = dst + o;
    if (i < 0) {
      std::fill(d, d + inner, value);
      return;
    }
    const T* s = src + i;
    for (int64_t j = 0; j < run0; ++j) d[j] = map[j] < 0 ? value : s[map[j]];
    if (run1 > run0) std::memcpy(d + run0, s + map[run0], sizeof(T) * (run1 - run0));
    for (int64_t j = run1; j < inner; ++j) d[j] = map[j] < 0 ? value : s[map[j]];
  });
}

template <typename T>
void pad_backward_typed(const TensorRef& grad, const TensorRef& out, const PadPlan& p) {
  // p maps grad (the padded shape) positions to out (the input shape) positions.
  const T* g = grad.data<T>();
  T* dst = out.data<T>();
  std::fill(dst, dst + out.numel(), T(0));
  if (p.rank == 0) {
    dst[0] = g[0];
    return;
  }
  int last = p.rank - 1;
  const auto& map = p.maps[last];
  int64_t inner = p.out_shape[last];
  int64_t run0 = std::clamp<int64_t>(p.left[last], 0, inner);
  int64_t run1 = std::clamp<int64_t>(p.left[last] + p.in_shape[last], run0, inner);
  for_each_pad_row(p, false, [&](int64_t o, int64_t i) {
    const T* s = g + o;
    T* d = dst + i;
    for (int64_t j = 0; j < run0; ++j) d[map[j]] += s[j];
    T* di = d - p.left[last];  // the interior maps straight through: a vectorisable add
    for (int64_t j = run0; j < run1; ++j) di[j] += s[j];
    for (int64_t j = run1; j < inner; ++j) d[map[j]] += s[j];
  });
}

PadMode pad_mode(int64_t index) { return static_cast<PadMode>(index); }

}  // namespace

void permute(OpCall& call) {
  auto a = core::PermuteAttrs::decode(call.reader());
  const auto& in = call.in(0);
  std::vector<int64_t> perm(a.dims.size());
  for (size_t d = 0; d < perm.size(); ++d) perm[d] = norm_dim(a.dims[d], in.rank());
  permute_copy(in, call.out(0), perm);
}

void transpose(OpCall& call) {
  auto a = core::TransposeAttrs::decode(call.reader());
  const auto& in = call.in(0);
  std::vector<int64_t> perm(static_cast<size_t>(in.rank()));
  for (size_t d = 0; d < perm.size(); ++d) perm[d] = static_cast<int64_t>(d);
  if (in.rank() > 0) std::swap(perm[norm_dim(a.dim0, in.rank())], perm[norm_dim(a.dim1, in.rank())]);
  permute_copy(in, call.out(0), perm);
}

void narrow(OpCall& call) {
  auto a = core::NarrowAttrs::decode(call.reader());
  const auto& in = call.in(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  int64_t start = a.start < 0 ? a.start + in.shape[dim] : a.start;
  slice_copy(in, call.out(0), dim, start, 1);
}

void slice(OpCall& call) {
  auto a = core::SliceAttrs::decode(call.reader());
  const auto& in = call.in(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  int64_t start = a.start, end = a.end;
  slice_bounds(in.shape[dim], start, end);
  slice_copy(in, call.out(0), dim, start, a.step);
}

void sliceBackward(OpCall& call) {
  auto a = core::SliceBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& out = call.out(0);
  int64_t dim = norm_dim(a.dim, out.rank());
  int64_t start = a.start, end = a.end;
  slice_bounds(out.shape[dim], start, end);
  size_t es = esize_of(out);
  std::memset(out.raw(), 0, static_cast<size_t>(out.numel()) * es);
  Shape dst = core::contiguous_strides(out.shape);
  char* base = bytes(out) + static_cast<size_t>(start * dst[dim]) * es;
  dst[dim] *= a.step;
  strided_copy(es, g.raw(), base, g.shape, core::contiguous_strides(g.shape), dst);
}

void cat(OpCall& call) {
  auto a = core::CatAttrs::decode(call.reader());
  const auto& out = call.out(0);
  if (out.numel() == 0) return;  // also when every input was a skipped legacy empty (dim unchecked)
  concat(call.inputs, out, norm_dim(a.dim, out.rank()), false);
}

void stack(OpCall& call) {
  auto a = core::StackAttrs::decode(call.reader());
  const auto& out = call.out(0);
  concat(call.inputs, out, norm_dim(a.dim, out.rank()), true);
}

void split(OpCall& call) {
  auto a = core::SplitAttrs::decode(call.reader());
  split_copy(call.in(0), call.outputs, norm_dim(a.dim, call.in(0).rank()));
}

void chunk(OpCall& call) {
  auto a = core::ChunkAttrs::decode(call.reader());
  split_copy(call.in(0), call.outputs, norm_dim(a.dim, call.in(0).rank()));
}

void pad(OpCall& call) {
  auto a = core::PadAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  PadMode mode = pad_mode(static_cast<int64_t>(a.mode));
  PadPlan p = pad_plan(in.shape, out.shape, a.pads, mode);
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    T value = in.dtype == core::DType::boolean ? T(a.value != 0.0) : static_cast<T>(a.value);
    pad_forward_typed<T>(in, out, p, value);
  });
}

void padBackward(OpCall& call) {
  auto a = core::PadBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& out = call.out(0);
  // Modes of padBackward are pad's non-constant ones (constant's backward is a negated pad).
  PadMode mode = a.mode == core::PadBackwardAttrs::Mode::reflect ? PadMode::reflect : PadMode::replicate;
  PadPlan p = pad_plan(out.shape, g.shape, a.pads, mode);
  core::dispatch_dtype(g.dtype, [&](auto tag) {
    using T = decltype(tag);
    pad_backward_typed<T>(g, out, p);
  });
}

}  // namespace nutshell::cpu
