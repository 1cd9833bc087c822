// Indexing kernels: indexSelect, gather, scatterAdd, scatterReduce, embedding, and the accumulating
// backward ops indexSelectBackward and embeddingBackward (cpu/index.cc's semantics). Index values
// live on the device: an out-of-range one is skipped (never written through) and reported with
// cpu's message when the op's output is read (Note [device-side errors] in common.cuh).
//
// Note [deterministic index accumulation]: the backward ops sum gradients of repeated indices.
// Instead of atomics (whose order, and so whose float rounding, changes run to run), the indices
// are sorted with their positions (CUB's radix sort, which is stable), each destination row
// finds its run of positions by binary search, and one thread per destination element adds its
// contributions in position order — exactly cpu's order, so the results are bit-identical to it.
//
// Note [scatter reduce on cuda]: scatterReduce is deterministic, like scatterAdd. amax and amin on
// float32, int32 and int64 run one thread per index element with atomic max/min (float through
// its bits: atomic_extreme); max and min do not depend on the order, so the values are cpu's
// (NaN included; a ±0 tie gives +0 for amax and -0 for amin where cpu takes the last met). sum,
// mean, prod and uint8 take scatterAdd's lines (one thread per index line along dim, in cpu's
// order, so bit-identical to cpu) rather than float atomics, whose order — and so rounding —
// changes run to run (PyTorch's are not deterministic). The lines give little parallelism when
// index has few lines (a [E, F] index scattered along dim 0 has F); the atomic path has none of
// that limit.
#define CCCL_DISABLE_NVTX
#include <cub/device/device_radix_sort.cuh>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "../core/scatter_reduce.h"
#include "../gen/cuda_kernels.gen.h"
#include "elementwise.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using core::Shape;
using core::TensorRef;

using core::norm_dim;

// cpu's check_indices message.
ErrorFormatter range_message(const char* arg, int64_t dim, int64_t bound) {
  std::string a = arg;
  return [a, dim, bound](int64_t, long long v, double) { return core::index_out_of_range(a, v, dim, bound); };
}

using core::Blocks;
using core::blocks_of;

// Copying kernels only move elements: dispatch on their size.
template <typename Fn>
void with_element(size_t esize, Fn&& fn) {
  switch (esize) {
    case 1: return fn(uint8_t{});
    case 4: return fn(uint32_t{});
    case 8: return fn(uint64_t{});
  }
  NS_THROW(dtype, "unsupported element size " + std::to_string(esize));
}

// ---- indexSelect ----

template <typename T, typename I>
__global__ void index_select_kernel(int64_t total, int64_t k, int64_t n, int64_t inner, const T* __restrict__ src, const I* __restrict__ idx,
                                    T* __restrict__ dst, ErrorSlot* slot) {
  NS_GRID_LOOP(q, total) {
    const int64_t t = q % inner, j = (q / inner) % k, o = q / (inner * k);
    const int64_t r = static_cast<int64_t>(idx[j]);
    if (r < 0 || r >= n) {
      report_position(slot, j);
      continue;
    }
    dst[q] = src[(o * n + r) * inner + t];
  }
}

// ---- sorted runs (Note [deterministic index accumulation]) ----

__global__ void iota_kernel(int64_t n, int32_t* __restrict__ out) {
  NS_GRID_LOOP(i, n) out[i] = static_cast<int32_t>(i);
}

template <typename I>
__global__ void check_range_kernel(int64_t n, const I* __restrict__ idx, int64_t bound, ErrorSlot* slot) {
  NS_GRID_LOOP(i, n) {
    const int64_t v = static_cast<int64_t>(idx[i]);
    if (v < 0 || v >= bound) report_position(slot, i);
  }
}

// begin[r], end[r]: the run of key r in the sorted keys.
template <typename I>
__global__ void runs_kernel(int64_t rows, const I* __restrict__ keys, int64_t n, int32_t* __restrict__ begin, int32_t* __restrict__ end) {
  NS_GRID_LOOP(r, rows) {
    int64_t lo = 0, hi = n;  // first key >= r
    while (lo < hi) {
      const int64_t mid = (lo + hi) / 2;
      if (static_cast<int64_t>(keys[mid]) < r) lo = mid + 1;
      else hi = mid;
    }
    int64_t lo2 = lo, hi2 = n;  // first key > r
    while (lo2 < hi2) {
      const int64_t mid = (lo2 + hi2) / 2;
      if (static_cast<int64_t>(keys[mid]) <= r) lo2 = mid + 1;
      else hi2 = mid;
    }
    begin[r] = static_cast<int32_t>(lo);
    end[r] = static_cast<int32_t>(lo2);
  }
}

// The positions of each index value, in position order: after this, positions[begin[r] … end[r])
// are the j with idx[j] == r, ascending. Out-of-range values are reported and belong to no run.
struct SortedRuns {
  SortedRuns(DeviceContext& ctx, int64_t n, int64_t rows) : positions_ws(ctx, static_cast<size_t>(n) * 4), begin_ws(ctx, static_cast<size_t>(rows) * 4),
                                                          end_ws(ctx, static_cast<size_t>(rows) * 4) {}
  Workspace positions_ws, begin_ws, end_ws;
  int32_t* positions() const { return positions_ws.as<int32_t>(); }
  int32_t* begin() const { return begin_ws.as<int32_t>(); }
  int32_t* end() const { return end_ws.as<int32_t>(); }
};

template <typename I>
void sort_runs(DeviceContext& ctx, const I* idx, int64_t n, int64_t rows, SortedRuns& runs, ErrorSlot* slot) {
  NS_CHECK(n < (int64_t{1} << 31), value, "more than 2^31 - 1 indices (" + std::to_string(n) + ")");
  cudaStream_t stream = ctx.stream;
  check_range_kernel<I><<<blocks_for(n), kThreads, 0, stream>>>(n, idx, rows, slot);
  NS_LAUNCH_CHECK();
  Workspace keys_out(ctx, static_cast<size_t>(n) * sizeof(I)), iota(ctx, static_cast<size_t>(n) * 4);
  iota_kernel<<<blocks_for(n), kThreads, 0, stream>>>(n, iota.as<int32_t>());
  NS_LAUNCH_CHECK();
  size_t temp_bytes = 0;
  const int count = static_cast<int>(n);
  NS_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, idx, keys_out.as<I>(), iota.as<int32_t>(),
                                                runs.positions(), count, 0, static_cast<int>(sizeof(I) * 8), stream));
  Workspace temp(ctx, std::max<size_t>(temp_bytes, 1));
  NS_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(temp.as<void>(), temp_bytes, idx, keys_out.as<I>(), iota.as<int32_t>(),
                                                runs.positions(), count, 0, static_cast<int>(sizeof(I) * 8), stream));
  if (rows > 0) {
    runs_kernel<I><<<blocks_for(rows), kThreads, 0, stream>>>(rows, keys_out.as<I>(), n, runs.begin(),
                                                              runs.end());
    NS_LAUNCH_CHECK();
  }
}

// out[o, r, t] = Σ over the run of r, in order, of g[o, j, t] (zero for an empty run).
__global__ void gather_runs_kernel(int64_t total, int64_t rows, int64_t k, int64_t inner, const float* __restrict__ g,
                                   const int32_t* __restrict__ positions, const int32_t* __restrict__ begin, const int32_t* __restrict__ end,
                                   int64_t skip_row, float* __restrict__ dst) {
  NS_GRID_LOOP(q, total) {
    const int64_t t = q % inner, r = (q / inner) % rows, o = q / (inner * rows);
    float acc = 0.f;
    if (r != skip_row) {
      const float* base = g + o * k * inner + t;
      for (int32_t p = begin[r], e = end[r]; p < e; ++p) acc += base[static_cast<int64_t>(positions[p]) * inner];
    }
    dst[q] = acc;
  }
}

// ---- gather, scatterAdd ----

struct IndexGeometry {
  int rank = 0;
  int dim = 0;
  int64_t index_shape[kMaxDims] = {};
  int64_t a_strides[kMaxDims] = {};  // gather: input; scatterAdd: output
  int64_t b_strides[kMaxDims] = {};  // scatterAdd: src
};

// Offsets in a and b of index element `pos`, leaving out the dim term.
__device__ __forceinline__ void index_offsets(const IndexGeometry& g, int64_t pos, int64_t& a, int64_t& b) {
  a = 0;
  b = 0;
  for (int d = g.rank - 1; d >= 0; --d) {
    const int64_t c = pos % g.index_shape[d];
    pos /= g.index_shape[d];
    if (d == g.dim) continue;
    a += c * g.a_strides[d];
    b += c * g.b_strides[d];
  }
}

template <typename T, typename I>
__global__ void gather_kernel(int64_t n, IndexGeometry geo, int64_t bound, const T* __restrict__ src, const I* __restrict__ idx, T* __restrict__ dst,
                              ErrorSlot* slot) {
  NS_GRID_LOOP(pos, n) {
    const int64_t v = static_cast<int64_t>(idx[pos]);
    if (v < 0 || v >= bound) {
      report_position(slot, pos);
      continue;
    }
    int64_t a, b;
    index_offsets(geo, pos, a, b);
    dst[pos] = src[a + v * geo.a_strides[geo.dim]];
  }
}

// One thread per index line along dim (index positions that differ only in their dim
// coordinate: the only ones that can hit the same output element), walking it in order.
template <typename T, typename I>
__global__ void scatter_add_kernel(int64_t lines, int64_t len, int64_t inner, IndexGeometry geo, int64_t bound, const T* __restrict__ src,
                                   const I* __restrict__ idx, T* __restrict__ dst, ErrorSlot* slot) {
  using U = typename WrapType<T>::type;
  NS_GRID_LOOP(line, lines) {
    const int64_t o = line / inner, t = line % inner;
    const int64_t first = o * len * inner + t;  // the line's position with dim coordinate 0
    int64_t a, b;
    index_offsets(geo, first, a, b);
    for (int64_t j = 0; j < len; ++j) {
      const int64_t pos = first + j * inner;
      const int64_t v = static_cast<int64_t>(idx[pos]);
      if (v < 0 || v >= bound) {
        report_position(slot, pos);
        continue;
      }
      T& slot_ref = dst[a + v * geo.a_strides[geo.dim]];
      slot_ref = static_cast<T>(static_cast<U>(slot_ref) + static_cast<U>(src[b + j * geo.b_strides[geo.dim]]));
    }
  }
}

// ---- scatterReduce (Note [scatter reduce on cuda]) ----

using Reduce = core::ScatterReduceAttrs::Reduce;

using core::mean_of;
using core::reduce_combine;
using core::reduce_identity;

// Offsets in a and b of index element `pos` without the dim term, and its dim coordinate.
__device__ __forceinline__ void index_offsets_at(const IndexGeometry& g, int64_t pos, int64_t& a, int64_t& b, int64_t& j) {
  a = 0;
  b = 0;
  j = 0;
  for (int d = g.rank - 1; d >= 0; --d) {
    const int64_t c = pos % g.index_shape[d];
    pos /= g.index_shape[d];
    if (d == g.dim) {
      j = c;
      continue;
    }
    a += c * g.a_strides[d];
    b += c * g.b_strides[d];
  }
}

// Lines as scatter_add_kernel's: one thread per index line, in cpu's order. `met` (values met per
// output element, zeroed; only for 'mean', else null) is only touched by the line that owns the
// element, as the output is.
template <typename T, typename I, Reduce R>
__global__ void scatter_reduce_line_kernel(int64_t lines, int64_t len, int64_t inner, IndexGeometry geo, int64_t bound, const T* __restrict__ src,
                                           const I* __restrict__ idx, T* __restrict__ dst, int32_t* __restrict__ met, ErrorSlot* slot) {
  NS_GRID_LOOP(line, lines) {
    const int64_t o = line / inner, t = line % inner;
    const int64_t first = o * len * inner + t;
    int64_t a, b;
    index_offsets(geo, first, a, b);
    for (int64_t j = 0; j < len; ++j) {
      const int64_t pos = first + j * inner;
      const int64_t v = static_cast<int64_t>(idx[pos]);
      if (v < 0 || v >= bound) {
        report_position(slot, pos);
        continue;
      }
      const int64_t q = a + v * geo.a_strides[geo.dim];
      dst[q] = reduce_combine<R, T>(dst[q], src[b + j * geo.b_strides[geo.dim]]);
      if (met) ++met[q];
    }
  }
}

template <typename T>
__global__ void scatter_mean_kernel(int64_t n, T* __restrict__ dst, const int32_t* __restrict__ met, bool include) {
  NS_GRID_LOOP(i, n) {
    if (met[i] == 0) continue;
    T count = static_cast<T>(met[i] + (include ? 1 : 0));
    if (count == T(0)) count = T(1);  // a uint8 count that wrapped, as PyTorch's masked_fill
    dst[i] = mean_of<T>(dst[i], count);
  }
}

__device__ __forceinline__ uint32_t float_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

__device__ __forceinline__ float bits_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

// The one NaN an atomic amax (amin) slot holds: the largest int (the largest unsigned), which no
// other value replaces under either of the slot's atomics below.
template <Reduce R>
__device__ __forceinline__ uint32_t canonical_nan() {
  return R == Reduce::amax ? 0x7fffffffu : 0xffffffffu;
}

// Float amax/amin as integer atomics on the bits: a non-negative float orders like its bits as a
// signed int, a negative one (sign bit set, -0 included) inversely to its bits as an unsigned int,
// and every non-negative float's bits are below every negative one's as unsigned, above as signed.
// So amax is atomicMax as int for v >= +0 and atomicMin as unsigned for v <= -0 (and the reverse
// for amin), whatever the slot holds; NaN is the canonical NaN, which neither atomic replaces.
template <Reduce R>
__device__ __forceinline__ void atomic_extreme(float* p, float v) {
  const uint32_t u = v != v ? canonical_nan<R>() : float_bits(v);
  int* as_int = reinterpret_cast<int*>(p);
  unsigned* as_uint = reinterpret_cast<unsigned*>(p);
  const bool negative = (u >> 31) != 0;
  if constexpr (R == Reduce::amax) {
    if (negative) atomicMin(as_uint, static_cast<unsigned>(u));
    else atomicMax(as_int, static_cast<int>(u));
  } else {
    if (negative) atomicMax(as_uint, static_cast<unsigned>(u));
    else atomicMin(as_int, static_cast<int>(u));
  }
}

template <Reduce R>
__device__ __forceinline__ void atomic_extreme(int32_t* p, int32_t v) {
  if constexpr (R == Reduce::amax) atomicMax(reinterpret_cast<int*>(p), static_cast<int>(v));
  else atomicMin(reinterpret_cast<int*>(p), static_cast<int>(v));
}

template <Reduce R>
__device__ __forceinline__ void atomic_extreme(int64_t* p, int64_t v) {
  if constexpr (R == Reduce::amax) atomicMax(reinterpret_cast<long long*>(p), static_cast<long long>(v));
  else atomicMin(reinterpret_cast<long long*>(p), static_cast<long long>(v));
}

// The input copied into the output with each NaN made the canonical one (other NaN bits would
// not hold their place under the atomics).
template <Reduce R>
__global__ void canonical_copy_kernel(int64_t n, const float* __restrict__ in, float* __restrict__ out) {
  NS_GRID_LOOP(i, n) {
    const float x = in[i];
    out[i] = x != x ? bits_float(canonical_nan<R>()) : x;
  }
}

// includeSelf false: every position something is scattered to starts from the identity, as on
// cpu (all writers write the same value). Out-of-range indices are reported by the reducing kernel.
template <typename T, typename I>
__global__ void scatter_fill_kernel(int64_t n, IndexGeometry geo, int64_t bound, const I* __restrict__ idx, T* __restrict__ dst, T value) {
  NS_GRID_LOOP(pos, n) {
    const int64_t v = static_cast<int64_t>(idx[pos]);
    if (v < 0 || v >= bound) continue;
    int64_t a, b, j;
    index_offsets_at(geo, pos, a, b, j);
    dst[a + v * geo.a_strides[geo.dim]] = value;
  }
}

// One thread per index element.
template <typename T, typename I, Reduce R>
__global__ void scatter_extreme_kernel(int64_t n, IndexGeometry geo, int64_t bound, const T* __restrict__ src, const I* __restrict__ idx, T* __restrict__ dst,
                                       ErrorSlot* slot) {
  NS_GRID_LOOP(pos, n) {
    const int64_t v = static_cast<int64_t>(idx[pos]);
    if (v < 0 || v >= bound) {
      report_position(slot, pos);
      continue;
    }
    int64_t a, b, j;
    index_offsets_at(geo, pos, a, b, j);
    atomic_extreme<R>(dst + a + v * geo.a_strides[geo.dim], src[b + j * geo.b_strides[geo.dim]]);
  }
}

template <typename Fn>
void with_reduce(Reduce r, Fn&& fn) {
  switch (r) {
    case Reduce::sum: return fn(std::integral_constant<Reduce, Reduce::sum>{});
    case Reduce::prod: return fn(std::integral_constant<Reduce, Reduce::prod>{});
    case Reduce::mean: return fn(std::integral_constant<Reduce, Reduce::mean>{});
    case Reduce::amax: return fn(std::integral_constant<Reduce, Reduce::amax>{});
    case Reduce::amin: return fn(std::integral_constant<Reduce, Reduce::amin>{});
  }
  NS_THROW(value, "unknown reduction");
}

// ---- embedding ----

template <typename T, typename I>
__global__ void embedding_kernel(int64_t total, int64_t width, int64_t rows, const T* __restrict__ weight, const I* __restrict__ idx,
                                 T* __restrict__ dst, ErrorSlot* slot) {
  NS_GRID_LOOP(q, total) {
    const int64_t i = q / width, t = q % width;
    const int64_t r = static_cast<int64_t>(idx[i]);
    if (r < 0 || r >= rows) {
      report_position(slot, i);
      continue;
    }
    dst[q] = weight[r * width + t];
  }
}

IndexGeometry geometry(const Shape& index_shape, const Shape& a_strides, const Shape& b_strides, int64_t dim) {
  IndexGeometry g;
  NS_CHECK(index_shape.size() <= static_cast<size_t>(kMaxDims), shape, "index rank exceeds " + std::to_string(kMaxDims));
  g.rank = static_cast<int>(index_shape.size());
  g.dim = static_cast<int>(dim);
  for (int d = 0; d < g.rank; ++d) {
    g.index_shape[d] = index_shape[d];
    g.a_strides[d] = a_strides[d];
    g.b_strides[d] = b_strides[d];
  }
  if (g.rank == 0) {  // a 0-D index: one element, "dim 0" of stride 1
    g.a_strides[0] = 1;
    g.b_strides[0] = 1;
  }
  return g;
}

}  // namespace

void indexSelect(OpCall& call) {
  auto a = core::IndexSelectAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& out = call.out(0);
  const int64_t dim = norm_dim(a.dim, in.rank());
  const Blocks src = blocks_of(in.shape, dim);
  const int64_t k = index.numel(), total = out.numel();
  if (total == 0 && k == 0) return;
  DeviceContext& ctx = context_of(call);
  ErrorReporter errors(ctx, call);
  dispatch_index(index.dtype, [&](auto itag) {
    using I = decltype(itag);
    if (total == 0) {  // nothing to copy, but the indices are still checked (as on cpu)
      check_range_kernel<I><<<blocks_for(k), kThreads, 0, ctx.stream>>>(k, index.data<I>(), src.n, errors.slot());
      NS_LAUNCH_CHECK();
    } else {
      with_element(core::dtype_size(in.dtype), [&](auto etag) {
        using T = decltype(etag);
        index_select_kernel<T, I><<<blocks_for(total), kThreads, 0, ctx.stream>>>(total, k, src.n, src.inner, static_cast<const T*>(in.raw()),
                                                                                   index.data<I>(), static_cast<T*>(out.raw()), errors.slot());
        NS_LAUNCH_CHECK();
      });
    }
    errors.finish(index.data<I>(), range_message("index", dim, src.n));
  });
}

void indexSelectBackward(OpCall& call) {
  auto a = core::IndexSelectBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& index = call.in(1);
  const auto& out = call.out(0);
  const int64_t dim = norm_dim(a.dim, out.rank());
  const Blocks dst = blocks_of(out.shape, dim);
  const int64_t k = index.numel(), total = out.numel();
  DeviceContext& ctx = context_of(call);
  if (total == 0 && k == 0) return;
  ErrorReporter errors(ctx, call);
  dispatch_index(index.dtype, [&](auto itag) {
    using I = decltype(itag);
    if (k == 0) {
      NS_CUDA_CHECK(cudaMemsetAsync(out.raw(), 0, static_cast<size_t>(total) * sizeof(float), ctx.stream));
    } else {
      SortedRuns runs(ctx, k, dst.n);
      sort_runs<I>(ctx, index.data<I>(), k, dst.n, runs, errors.slot());
      if (total > 0) {
        gather_runs_kernel<<<blocks_for(total), kThreads, 0, ctx.stream>>>(total, dst.n, k, dst.inner, g.data<float>(), runs.positions(), runs.begin(),
                                                                             runs.end(), -1, out.data<float>());
        NS_LAUNCH_CHECK();
      }
    }
    errors.finish(index.data<I>(), range_message("index", dim, dst.n));
  });
}

void gather(OpCall& call) {
  auto a = core::GatherAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& out = call.out(0);
  const int64_t dim = norm_dim(a.dim, in.rank());
  const int64_t n = index.numel();
  if (n == 0) return;
  Shape in_strides = core::contiguous_strides(in.shape);
  if (in_strides.empty()) in_strides = {1};
  const int64_t bound = in.rank() ? in.shape[dim] : 1;
  // Index dims never exceed the input's: the input's strides serve for the index's coordinates.
  Shape padded_strides = in_strides;
  padded_strides.resize(std::max<size_t>(index.shape.size(), 1), 0);
  const IndexGeometry geo = geometry(index.shape, padded_strides, padded_strides, dim);
  DeviceContext& ctx = context_of(call);
  ErrorReporter errors(ctx, call);
  dispatch_index(index.dtype, [&](auto itag) {
    using I = decltype(itag);
    with_element(core::dtype_size(in.dtype), [&](auto etag) {
      using T = decltype(etag);
      gather_kernel<T, I><<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, geo, bound, static_cast<const T*>(in.raw()), index.data<I>(),
                                                                      static_cast<T*>(out.raw()), errors.slot());
      NS_LAUNCH_CHECK();
    });
    errors.finish(index.data<I>(), range_message("index", dim, bound));
  });
}

// scatterAdd's and scatterReduce's walk: one line per (outer, inner) position of the index,
// each along `dim` in order.
struct ScatterLines {
  IndexGeometry geo;
  int64_t bound;
  Blocks b;
  int64_t lines;
};

static ScatterLines scatter_lines(const TensorRef& in, const TensorRef& index, const TensorRef& src, const TensorRef& out, int64_t dim) {
  Shape out_strides = core::contiguous_strides(out.shape);
  Shape src_strides = core::contiguous_strides(src.shape);
  if (out_strides.empty()) out_strides = {1};
  if (src_strides.empty()) src_strides = {1};
  const size_t rank = std::max<size_t>(index.shape.size(), 1);
  out_strides.resize(rank, 0);
  src_strides.resize(rank, 0);
  const Blocks b = blocks_of(index.shape, dim);
  return {geometry(index.shape, out_strides, src_strides, dim), in.rank() ? in.shape[dim] : 1, b, b.outer * b.inner};
}

void scatterAdd(OpCall& call) {
  auto a = core::ScatterAddAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& src = call.in(2);
  const auto& out = call.out(0);
  const int64_t dim = norm_dim(a.dim, in.rank());
  DeviceContext& ctx = context_of(call);
  const size_t nbytes = static_cast<size_t>(in.numel()) * core::dtype_size(in.dtype);
  if (nbytes) NS_CUDA_CHECK(cudaMemcpyAsync(out.raw(), in.raw(), nbytes, cudaMemcpyDeviceToDevice, ctx.stream));
  const int64_t n = index.numel();
  if (n == 0) return;
  const ScatterLines sl = scatter_lines(in, index, src, out, dim);
  const IndexGeometry& geo = sl.geo;
  const int64_t bound = sl.bound;
  const Blocks& b = sl.b;
  const int64_t lines = sl.lines;
  ErrorReporter errors(ctx, call);
  dispatch_index(index.dtype, [&](auto itag) {
    using I = decltype(itag);
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      scatter_add_kernel<T, I><<<blocks_for(lines), kThreads, 0, ctx.stream>>>(lines, b.n, b.inner, geo, bound, src.data<T>(), index.data<I>(),
                                                                               out.data<T>(), errors.slot());
      NS_LAUNCH_CHECK();
    });
    errors.finish(index.data<I>(), range_message("index", dim, bound));
  });
}

void scatterReduce(OpCall& call) {
  auto a = core::ScatterReduceAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& src = call.in(2);
  const auto& out = call.out(0);
  const int64_t dim = norm_dim(a.dim, in.rank());
  const bool include = a.includeSelf;
  const bool extreme = (a.reduce == Reduce::amax || a.reduce == Reduce::amin) && in.dtype != core::DType::uint8;
  DeviceContext& ctx = context_of(call);
  const int64_t total = out.numel();
  if (extreme && in.dtype == core::DType::float32 && total > 0) {
    if (a.reduce == Reduce::amax) canonical_copy_kernel<Reduce::amax><<<blocks_for(total), kThreads, 0, ctx.stream>>>(total, in.data<float>(), out.data<float>());
    else canonical_copy_kernel<Reduce::amin><<<blocks_for(total), kThreads, 0, ctx.stream>>>(total, in.data<float>(), out.data<float>());
    NS_LAUNCH_CHECK();
  } else if (total > 0) {
    NS_CUDA_CHECK(cudaMemcpyAsync(out.raw(), in.raw(), static_cast<size_t>(total) * core::dtype_size(in.dtype), cudaMemcpyDeviceToDevice, ctx.stream));
  }
  const int64_t n = index.numel();
  if (n == 0) return;
  NS_CHECK(n < (int64_t{1} << 31), value, "more than 2^31 - 1 indices (" + std::to_string(n) + ")");
  const ScatterLines sl = scatter_lines(in, index, src, out, dim);
  const IndexGeometry& geo = sl.geo;
  const int64_t bound = sl.bound;
  const Blocks& b = sl.b;
  const int64_t lines = sl.lines;
  ErrorReporter errors(ctx, call);
  dispatch_index(index.dtype, [&](auto itag) {
    using I = decltype(itag);
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      with_reduce(a.reduce, [&](auto rtag) {
        constexpr Reduce R = decltype(rtag)::value;
        if (!include) {
          scatter_fill_kernel<T, I><<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, geo, bound, index.data<I>(), out.data<T>(), reduce_identity<R, T>());
          NS_LAUNCH_CHECK();
        }
        if constexpr ((R == Reduce::amax || R == Reduce::amin) && !std::is_same_v<T, uint8_t>) {
          scatter_extreme_kernel<T, I, R><<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, geo, bound, src.data<T>(), index.data<I>(), out.data<T>(),
                                                                                     errors.slot());
          NS_LAUNCH_CHECK();
        } else {
          constexpr bool mean = R == Reduce::mean;
          Workspace met(ctx, mean ? static_cast<size_t>(total) * sizeof(int32_t) : 0);
          if (mean && total > 0) NS_CUDA_CHECK(cudaMemsetAsync(met.as<void>(), 0, static_cast<size_t>(total) * sizeof(int32_t), ctx.stream));
          scatter_reduce_line_kernel<T, I, R><<<blocks_for(lines), kThreads, 0, ctx.stream>>>(lines, b.n, b.inner, geo, bound, src.data<T>(), index.data<I>(),
                                                                                              out.data<T>(), met.as<int32_t>(), errors.slot());
          NS_LAUNCH_CHECK();
          if (mean && total > 0) {
            scatter_mean_kernel<T><<<blocks_for(total), kThreads, 0, ctx.stream>>>(total, out.data<T>(), met.as<int32_t>(), include);
            NS_LAUNCH_CHECK();
          }
        }
      });
    });
    errors.finish(index.data<I>(), range_message("index", dim, bound));
  });
}

void embedding(OpCall& call) {
  const auto& indices = call.in(0);
  const auto& weight = call.in(1);
  const auto& out = call.out(0);
  const int64_t rows = weight.shape[0], width = weight.shape[1];
  const int64_t n = indices.numel(), total = out.numel();
  if (n == 0) return;
  DeviceContext& ctx = context_of(call);
  ErrorReporter errors(ctx, call);
  dispatch_index(indices.dtype, [&](auto itag) {
    using I = decltype(itag);
    if (total == 0) {
      check_range_kernel<I><<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, indices.data<I>(), rows, errors.slot());
      NS_LAUNCH_CHECK();
    } else {
      with_element(core::dtype_size(weight.dtype), [&](auto etag) {
        using T = decltype(etag);
        embedding_kernel<T, I><<<blocks_for(total), kThreads, 0, ctx.stream>>>(total, width, rows, static_cast<const T*>(weight.raw()),
                                                                               indices.data<I>(), static_cast<T*>(out.raw()), errors.slot());
        NS_LAUNCH_CHECK();
      });
    }
    errors.finish(indices.data<I>(), range_message("indices", 0, rows));
  });
}

void embeddingBackward(OpCall& call) {
  auto a = core::EmbeddingBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& indices = call.in(1);
  const auto& out = call.out(0);
  const int64_t rows = out.shape[0], width = out.shape[1];
  const int64_t n = indices.numel(), total = out.numel();
  if (total == 0 && n == 0) return;
  DeviceContext& ctx = context_of(call);
  ErrorReporter errors(ctx, call);
  dispatch_index(indices.dtype, [&](auto itag) {
    using I = decltype(itag);
    if (n == 0) {
      NS_CUDA_CHECK(cudaMemsetAsync(out.raw(), 0, static_cast<size_t>(total) * sizeof(float), ctx.stream));
    } else {
      SortedRuns runs(ctx, n, rows);
      sort_runs<I>(ctx, indices.data<I>(), n, rows, runs, errors.slot());
      if (total > 0) {
        // out is [1, rows, width] over g [1, n, width]: the same gather as indexSelectBackward.
        gather_runs_kernel<<<blocks_for(total), kThreads, 0, ctx.stream>>>(total, rows, n, width, g.data<float>(), runs.positions(), runs.begin(),
                                                                             runs.end(), a.paddingIdx, out.data<float>());
        NS_LAUNCH_CHECK();
      }
    }
    errors.finish(indices.data<I>(), range_message("indices", 0, rows));
  });
}

}  // namespace nutshell::cuda
