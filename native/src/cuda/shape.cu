// Shape kernels: permute, transpose, narrow, slice (and its backward), cat, stack, split, chunk,
// pad (and its backward), all through one strided copy (Note [strided copy] in shape.cuh) except
// pad, which maps each output position to its input position per dim (cpu/shape.cc's Note [pad
// maps], computed arithmetically instead of from tables).
#include <algorithm>
#include <vector>

#include "../gen/cuda_kernels.gen.h"
#include "broadcast.cuh"
#include "shape.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using core::Shape;
using core::TensorRef;

// ---- strided copy ----

template <typename Idx, typename T>
__global__ void strided_copy_kernel(int64_t n, BroadcastPlan<2> p, const T* __restrict__ src, T* __restrict__ dst) {
  NS_GRID_LOOP(i, n) {
    Idx off[2];
    broadcast_offsets<Idx, 2>(p, static_cast<Idx>(i), off);
    dst[off[1]] = src[off[0]];
  }
}

constexpr int kTile = 32;
constexpr int kTileRows = 8;

// Copies `rows` × `cols` tiles where rows are unit-stride in src and cols unit-stride in dst, for
// each of n_outer outer positions (offsets from the plan `outer`).
template <typename T>
__global__ void transpose_tiles(BroadcastPlan<2> outer, int64_t n_outer, int64_t rows, int64_t cols, int64_t src_col_stride,
                                int64_t dst_row_stride, const T* __restrict__ src, T* __restrict__ dst) {
  __shared__ T tile[kTile][kTile + 1];
  const int64_t tr = ceil_div(rows, kTile), tc = ceil_div(cols, kTile);
  const int64_t jobs = n_outer * tr * tc;
  for (int64_t job = blockIdx.x; job < jobs; job += gridDim.x) {
    const int64_t o = job / (tr * tc), t = job % (tr * tc);
    const int64_t r0 = (t / tc) * kTile, c0 = (t % tc) * kTile;
    int64_t off[2];
    broadcast_offsets<int64_t, 2>(outer, o, off);
    // Read: consecutive threads take consecutive rows (unit stride in src).
    for (int k = threadIdx.y; k < kTile; k += kTileRows) {
      const int64_t r = r0 + threadIdx.x, c = c0 + k;
      if (r < rows && c < cols) tile[k][threadIdx.x] = src[off[0] + r + c * src_col_stride];
    }
    __syncthreads();
    // Write: consecutive threads take consecutive cols (unit stride in dst).
    for (int k = threadIdx.y; k < kTile; k += kTileRows) {
      const int64_t r = r0 + k, c = c0 + threadIdx.x;
      if (r < rows && c < cols) dst[off[1] + r * dst_row_stride + c] = tile[threadIdx.x][k];
    }
    __syncthreads();
  }
}

template <typename T>
void strided_copy_typed(cudaStream_t stream, const T* src, T* dst, const Shape& shape, const Shape& src_strides, const Shape& dst_strides) {
  const int64_t n = core::numel(shape);
  if (n == 0) return;
  const BroadcastPlan<2> p = plan_strided<2>(shape, {src_strides, dst_strides});
  const int last = p.rank - 1;
  // A transpose: dst's last dim unit-stride but strided in src, another dim unit-stride in src.
  int tdim = -1;
  if (p.rank >= 2 && p.stride[1][last] == 1 && p.stride[0][last] != 1) {
    for (int d = 0; d < last; ++d)
      if (p.stride[0][d] == 1) tdim = d;
  }
  if (tdim >= 0 && p.size[tdim] >= kTile / 2 && p.size[last] >= kTile / 2) {
    BroadcastPlan<2> outer;
    int64_t n_outer = 1;
    for (int d = 0; d < last; ++d) {
      if (d == tdim) continue;
      outer.size[outer.rank] = p.size[d];
      outer.stride[0][outer.rank] = p.stride[0][d];
      outer.stride[1][outer.rank] = p.stride[1][d];
      ++outer.rank;
      n_outer *= p.size[d];
    }
    const int64_t jobs = n_outer * ceil_div(p.size[tdim], kTile) * ceil_div(p.size[last], kTile);
    const unsigned grid = static_cast<unsigned>(std::clamp<int64_t>(jobs, 1, kMaxBlocks));
    transpose_tiles<T><<<grid, dim3(kTile, kTileRows), 0, stream>>>(outer, n_outer, p.size[tdim], p.size[last], p.stride[0][last],
                                                                     p.stride[1][tdim], src, dst);
    NS_LAUNCH_CHECK();
    return;
  }
  if (p.rank == 1 && p.stride[0][0] == 1 && p.stride[1][0] == 1) {
    NS_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(n) * sizeof(T), cudaMemcpyDeviceToDevice, stream));
    return;
  }
  // Offsets reach at most the buffers' extents, which can exceed n (slices of larger tensors):
  // 32-bit arithmetic only when every offset fits.
  int64_t reach_src = 0, reach_dst = 0;
  for (int d = 0; d < p.rank; ++d) {
    reach_src += p.size[d] * p.stride[0][d];
    reach_dst += p.size[d] * p.stride[1][d];
  }
  const int64_t reach = std::max({n, reach_src, reach_dst});
  if (fits32(reach)) strided_copy_kernel<uint32_t, T><<<blocks_for(n), kThreads, 0, stream>>>(n, p, src, dst);
  else strided_copy_kernel<int64_t, T><<<blocks_for(n), kThreads, 0, stream>>>(n, p, src, dst);
  NS_LAUNCH_CHECK();
}

}  // namespace

void strided_copy(cudaStream_t stream, size_t esize, const void* src, void* dst, const Shape& shape, const Shape& src_strides,
                  const Shape& dst_strides) {
  switch (esize) {
    case 1: return strided_copy_typed(stream, static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), shape, src_strides, dst_strides);
    case 2: return strided_copy_typed(stream, static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst), shape, src_strides, dst_strides);
    case 4: return strided_copy_typed(stream, static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), shape, src_strides, dst_strides);
    case 8: return strided_copy_typed(stream, static_cast<const uint64_t*>(src), static_cast<uint64_t*>(dst), shape, src_strides, dst_strides);
  }
  NS_THROW(dtype, "strided copy: unsupported element size " + std::to_string(esize));
}

namespace {

size_t esize_of(const TensorRef& t) { return core::dtype_size(t.dtype); }
char* bytes(const TensorRef& t) { return static_cast<char*>(t.raw()); }
cudaStream_t stream_of(const OpCall& call) { return context_of(call).stream; }

using core::norm_dim;

// out = in permuted: out dim d is in dim perm[d].
void permute_copy(cudaStream_t stream, const TensorRef& in, const TensorRef& out, const std::vector<int64_t>& perm) {
  Shape dense = core::contiguous_strides(in.shape);
  Shape src(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) src[d] = dense[static_cast<size_t>(perm[d])];
  strided_copy(stream, esize_of(in), in.raw(), out.raw(), out.shape, src, core::contiguous_strides(out.shape));
}

// out = in[..., start : start + step·len : step, ...] along dim.
void slice_copy(cudaStream_t stream, const TensorRef& in, const TensorRef& out, int64_t dim, int64_t start, int64_t step) {
  if (out.numel() == 0) return;
  Shape src = core::contiguous_strides(in.shape);
  size_t es = esize_of(in);
  const char* base = bytes(in) + static_cast<size_t>(start * src[dim]) * es;
  src[dim] *= step;
  strided_copy(stream, es, base, out.raw(), out.shape, src, core::contiguous_strides(out.shape));
}

// Python slicing bounds for step > 0 (as torch.Tensor.__getitem__ clamps them).
void slice_bounds(int64_t size, int64_t& start, int64_t& end) {
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
}

// Input i lands at offset Σ_{j<i} size_j along dim; PyTorch's cat skips 1-D empty tensors.
void concat(cudaStream_t stream, const std::vector<TensorRef>& inputs, const TensorRef& out, int64_t dim, bool stacked) {
  Shape dst = core::contiguous_strides(out.shape);
  size_t es = esize_of(out);
  int64_t offset = 0;
  for (const auto& t : inputs) {
    if (!stacked && t.rank() == 1 && t.shape[0] == 0 && out.rank() != 1) continue;
    Shape shape = t.shape;
    Shape src = core::contiguous_strides(t.shape);
    if (stacked) {
      shape.insert(shape.begin() + dim, 1);
      src.insert(src.begin() + dim, 0);
    }
    if (core::numel(shape) > 0) strided_copy(stream, es, t.raw(), bytes(out) + static_cast<size_t>(offset * dst[dim]) * es, shape, src, dst);
    offset += shape[dim];
  }
}

void split_copy(cudaStream_t stream, const TensorRef& in, const std::vector<TensorRef>& outputs, int64_t dim) {
  Shape src = core::contiguous_strides(in.shape);
  size_t es = esize_of(in);
  int64_t offset = 0;
  for (const auto& o : outputs) {
    if (o.numel() > 0) {
      strided_copy(stream, es, bytes(in) + static_cast<size_t>(offset * src[dim]) * es, o.raw(), o.shape, src,
                   core::contiguous_strides(o.shape));
    }
    offset += o.shape[dim];
  }
}

// ---- pad ----

enum PadMode : int { kConstant = 0, kReflect = 1, kReplicate = 2 };

struct PadParams {
  int rank = 0;
  int mode = kConstant;
  int64_t out_size[kMaxDims] = {};
  int64_t in_size[kMaxDims] = {};
  int64_t in_stride[kMaxDims] = {};
  int64_t left[kMaxDims] = {};
};

// The input position of output position j along one dim (cpu's pad_plan), or -1 (constant).
__host__ __device__ __forceinline__ int64_t pad_source(int64_t j, int64_t left, int64_t n, int mode) {
  int64_t i = j - left;
  if (i < 0 || i >= n) {
    if (mode == kConstant) return -1;
    if (mode == kReflect) {
      if (i < 0) i = -i;
      if (i >= n) i = 2 * (n - 1) - i;
    } else {
      i = i < 0 ? 0 : n - 1;
    }
  }
  return i;
}

template <typename Idx, typename T>
__global__ void pad_kernel(int64_t n, PadParams p, const T* __restrict__ src, T* __restrict__ dst, T value) {
  NS_GRID_LOOP(k, n) {
    Idx rem = static_cast<Idx>(k), off = 0;
    bool outside = false;
    for (int d = p.rank - 1; d >= 0; --d) {
      const Idx size = static_cast<Idx>(p.out_size[d]);
      const Idx j = rem % size;
      rem /= size;
      const int64_t i = pad_source(static_cast<int64_t>(j), p.left[d], p.in_size[d], p.mode);
      if (i < 0) outside = true;
      else off += static_cast<Idx>(i) * static_cast<Idx>(p.in_stride[d]);
    }
    dst[k] = outside ? value : src[off];
  }
}

// One fold of pad's backward along one dim: grad [outer, P, inner] → [outer, n, inner], each
// input position summing, in ascending order, the padded positions that copied it.
template <typename T>
__global__ void pad_fold_kernel(int64_t total, int64_t n, int64_t P, int64_t inner, int64_t left, int mode, const T* __restrict__ g,
                                T* __restrict__ out) {
  NS_GRID_LOOP(k, total) {
    const int64_t t = k % inner;
    const int64_t i = (k / inner) % n;
    const int64_t o = k / (inner * n);
    const T* col = g + o * P * inner + t;
    T acc = T(0);
    auto take = [&](int64_t j) { acc = static_cast<T>(acc + col[j * inner]); };
    if (mode == kReplicate) {
      if (i == 0) {
        for (int64_t j = 0, e = std::min(left, P); j < e; ++j) take(j);
      }
      if (i + left >= 0 && i + left < P) take(i + left);
      if (i == n - 1) {
        for (int64_t j = std::max<int64_t>(left + n, 0); j < P; ++j) take(j);
      }
    } else {  // reflect (pads smaller than the size: one reflection at most)
      const int64_t jl = left - i, jm = left + i, jr = left + 2 * (n - 1) - i;
      if (i >= 1 && jl >= 0 && jl < P) take(jl);
      if (jm >= 0 && jm < P) take(jm);
      if (i <= n - 2 && jr >= 0 && jr < P) take(jr);
    }
    out[k] = acc;
  }
}

// Checks that every output position maps inside the input (as cpu's pad_plan does).
void check_pad_maps(const Shape& in_shape, const Shape& out_shape, const std::vector<int64_t>& left, int mode) {
  for (size_t d = 0; d < in_shape.size(); ++d) {
    for (int64_t j : {int64_t{0}, out_shape[d] - 1}) {  // the extremes suffice: the maps are monotone pieces
      if (out_shape[d] == 0) continue;
      int64_t i = pad_source(j, left[d], in_shape[d], mode);
      NS_CHECK(i >= -1 && i < in_shape[d], shape, "padding maps outside the input (input " + core::shape_str(in_shape) + ")");
    }
  }
}

std::vector<int64_t> left_pads(size_t rank, const std::vector<int64_t>& pads, std::vector<int64_t>* right = nullptr) {
  std::vector<int64_t> left(rank, 0);
  if (right) right->assign(rank, 0);
  const size_t npad = pads.size() / 2;
  for (size_t d = 0; d < rank; ++d) {
    const size_t k = rank - 1 - d;  // pads come last dim first
    if (k < npad) {
      left[d] = pads[2 * k];
      if (right) (*right)[d] = pads[2 * k + 1];
    }
  }
  return left;
}

}  // namespace

void permute(OpCall& call) {
  auto a = core::PermuteAttrs::decode(call.reader());
  const auto& in = call.in(0);
  std::vector<int64_t> perm(a.dims.size());
  for (size_t d = 0; d < perm.size(); ++d) perm[d] = norm_dim(a.dims[d], in.rank());
  permute_copy(stream_of(call), in, call.out(0), perm);
}

void transpose(OpCall& call) {
  auto a = core::TransposeAttrs::decode(call.reader());
  const auto& in = call.in(0);
  std::vector<int64_t> perm(static_cast<size_t>(in.rank()));
  for (size_t d = 0; d < perm.size(); ++d) perm[d] = static_cast<int64_t>(d);
  if (in.rank() > 0) std::swap(perm[norm_dim(a.dim0, in.rank())], perm[norm_dim(a.dim1, in.rank())]);
  permute_copy(stream_of(call), in, call.out(0), perm);
}

void narrow(OpCall& call) {
  auto a = core::NarrowAttrs::decode(call.reader());
  const auto& in = call.in(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  int64_t start = a.start < 0 ? a.start + in.shape[dim] : a.start;
  slice_copy(stream_of(call), in, call.out(0), dim, start, 1);
}

void slice(OpCall& call) {
  auto a = core::SliceAttrs::decode(call.reader());
  const auto& in = call.in(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  int64_t start = a.start, end = a.end;
  slice_bounds(in.shape[dim], start, end);
  slice_copy(stream_of(call), in, call.out(0), dim, start, a.step);
}

void sliceBackward(OpCall& call) {
  auto a = core::SliceBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& out = call.out(0);
  cudaStream_t stream = stream_of(call);
  int64_t dim = norm_dim(a.dim, out.rank());
  int64_t start = a.start, end = a.end;
  slice_bounds(out.shape[dim], start, end);
  size_t es = esize_of(out);
  const size_t nbytes = static_cast<size_t>(out.numel()) * es;
  if (nbytes == 0) return;
  NS_CUDA_CHECK(cudaMemsetAsync(out.raw(), 0, nbytes, stream));
  if (g.numel() == 0) return;
  Shape dst = core::contiguous_strides(out.shape);
  char* base = bytes(out) + static_cast<size_t>(start * dst[dim]) * es;
  dst[dim] *= a.step;
  strided_copy(stream, es, g.raw(), base, g.shape, core::contiguous_strides(g.shape), dst);
}

void cat(OpCall& call) {
  auto a = core::CatAttrs::decode(call.reader());
  const auto& out = call.out(0);
  if (out.numel() == 0) return;  // also when every input was a skipped legacy empty (dim unchecked)
  concat(stream_of(call), call.inputs, out, norm_dim(a.dim, out.rank()), false);
}

void stack(OpCall& call) {
  auto a = core::StackAttrs::decode(call.reader());
  const auto& out = call.out(0);
  if (out.numel() == 0) return;
  concat(stream_of(call), call.inputs, out, norm_dim(a.dim, out.rank()), true);
}

void split(OpCall& call) {
  auto a = core::SplitAttrs::decode(call.reader());
  split_copy(stream_of(call), call.in(0), call.outputs, norm_dim(a.dim, call.in(0).rank()));
}

void chunk(OpCall& call) {
  auto a = core::ChunkAttrs::decode(call.reader());
  split_copy(stream_of(call), call.in(0), call.outputs, norm_dim(a.dim, call.in(0).rank()));
}

void pad(OpCall& call) {
  auto a = core::PadAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  const int mode = static_cast<int>(a.mode);  // the TS order: constant, reflect, replicate
  const int rank = in.rank();
  NS_CHECK(rank <= kMaxDims, shape, "pad: rank " + std::to_string(rank) + " exceeds " + std::to_string(kMaxDims));
  std::vector<int64_t> left = left_pads(static_cast<size_t>(rank), a.pads);
  check_pad_maps(in.shape, out.shape, left, mode);
  const int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = stream_of(call);
  PadParams p;
  p.rank = rank;
  p.mode = mode;
  Shape in_strides = core::contiguous_strides(in.shape);
  for (int d = 0; d < rank; ++d) {
    p.out_size[d] = out.shape[d];
    p.in_size[d] = in.shape[d];
    p.in_stride[d] = in_strides[d];
    p.left[d] = left[d];
  }
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T value = in.dtype == core::DType::boolean ? T(a.value != 0.0) : static_cast<T>(a.value);
    if (fits32(std::max(n, in.numel()))) pad_kernel<uint32_t, T><<<blocks_for(n), kThreads, 0, stream>>>(n, p, in.data<T>(), out.data<T>(), value);
    else pad_kernel<int64_t, T><<<blocks_for(n), kThreads, 0, stream>>>(n, p, in.data<T>(), out.data<T>(), value);
    NS_LAUNCH_CHECK();
  });
}

// The gradient of reflect/replicate padding, folded one padded dim at a time (last first): each
// fold is a gather in ascending order, so results are deterministic. cpu adds the contributions
// of a corner in a different order (row-major over all padded dims at once): values may differ
// in the last bits.
void padBackward(OpCall& call) {
  auto a = core::PadBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& out = call.out(0);
  const int mode = a.mode == core::PadBackwardAttrs::Mode::reflect ? kReflect : kReplicate;
  const int rank = out.rank();
  std::vector<int64_t> right;
  std::vector<int64_t> left = left_pads(static_cast<size_t>(rank), a.pads, &right);
  check_pad_maps(out.shape, g.shape, left, mode);
  const int64_t n_out = out.numel();
  if (n_out == 0) return;
  cudaStream_t stream = stream_of(call);
  DeviceContext& ctx = context_of(call);
  const size_t es = esize_of(g);
  std::vector<int> dims;  // the dims to fold, last first
  for (int d = rank - 1; d >= 0; --d)
    if (left[d] != 0 || right[d] != 0) dims.push_back(d);
  if (dims.empty() || g.numel() == 0) {
    if (g.numel() == n_out) NS_CUDA_CHECK(cudaMemcpyAsync(out.raw(), g.raw(), static_cast<size_t>(n_out) * es, cudaMemcpyDeviceToDevice, stream));
    else NS_CUDA_CHECK(cudaMemsetAsync(out.raw(), 0, static_cast<size_t>(n_out) * es, stream));
    return;
  }
  // Ping-pong between two workspaces sized for the largest intermediate.
  Shape cur = g.shape;
  int64_t biggest = 0;
  {
    Shape s = cur;
    for (size_t k = 0; k + 1 < dims.size(); ++k) {
      s[dims[k]] = out.shape[dims[k]];
      biggest = std::max(biggest, core::numel(s));
    }
  }
  Workspace ws0(ctx, static_cast<size_t>(biggest) * es), ws1(ctx, static_cast<size_t>(biggest) * es);
  core::dispatch_dtype(g.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* src = g.data<T>();
    for (size_t k = 0; k < dims.size(); ++k) {
      const int d = dims[k];
      Shape next = cur;
      next[d] = out.shape[d];
      T* dst = k + 1 == dims.size() ? out.data<T>() : (k % 2 == 0 ? ws0.as<T>() : ws1.as<T>());
      int64_t inner = 1;
      for (int e = d + 1; e < rank; ++e) inner *= cur[e];
      const int64_t total = core::numel(next);
      if (total > 0) {
        pad_fold_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(total, out.shape[d], cur[d], inner, left[d], mode, src, dst);
        NS_LAUNCH_CHECK();
      }
      src = dst;
      cur = next;
    }
  });
}

}  // namespace nutshell::cuda
