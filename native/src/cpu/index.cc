// Indexing kernels: indexSelect, gather, scatterAdd, scatterReduce, embedding, and the backward
// ops that accumulate (indexSelectBackward, embeddingBackward). oneDNN 2.6 has no gather
// primitive, so these are loops. Index values are only known here: each kernel checks them
// before writing and refuses out-of-range ones with the op's name, the argument and the bound
// (Note [index checks]).
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../core/scatter_reduce.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::Shape;
using core::TensorRef;

using core::norm_dim;

// Note [index checks]: PyTorch refuses negative and too-large indices in these ops (no
// wrap-around); so do we, before touching the output, so a refused call writes nothing. A tiny op
// runs inline and throws at the call; a queued one poisons its outputs and the error surfaces at
// the next read, naming the op.
// Messages leave out the op's name: the binding (inline) and core::run_op (queued) prefix it.
template <typename I>
void check_indices(const I* idx, int64_t n, int64_t bound, const char* arg, int64_t dim) {
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = static_cast<int64_t>(idx[i]);
    if (v < 0 || v >= bound) {
      NS_THROW(value, core::index_out_of_range(arg, v, dim, bound));
    }
  }
}

template <typename Fn>
void with_index_type(const TensorRef& index, Fn&& fn) {
  if (index.dtype == core::DType::int64) fn(index.data<int64_t>());
  else if (index.dtype == core::DType::int32) fn(index.data<int32_t>());
  else NS_THROW(dtype, std::string("index expected int32 or int64, got ") + core::dtype_name(index.dtype));
}

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

using core::Blocks;
using core::blocks_of;

// Work over (outer, inner chunk) pairs is independent for accumulating kernels whose collisions
// only happen along `dim`: each pair walks dim in order, so sums are deterministic.
constexpr int64_t kInnerChunk = 256;

// The offsets in a and b of the outer coordinate o of index_shape (its dims before `dim`).
inline void outer_offsets(int64_t o, const Shape& index_shape, const Shape& a_strides, const Shape& b_strides, int64_t dim, int64_t& a_o, int64_t& b_o) {
  for (int d = static_cast<int>(dim) - 1; d >= 0; --d) {
    int64_t i = o % index_shape[d];
    o /= index_shape[d];
    a_o += i * a_strides[d];
    b_o += i * b_strides[d];
  }
}

// Shape-generic walk for gather/scatterAdd: calls fn(index_pos, input_base, src_pos) for each
// element of `index`, where input_base is the element's offset in `input` minus its dim term.
template <typename Fn>
void for_each_index_element(const Shape& index_shape, const Shape& input_strides, const Shape& src_strides, int64_t dim, Fn&& fn) {
  int64_t total = core::numel(index_shape);
  if (total == 0) return;
  int rank = static_cast<int>(index_shape.size());
  if (rank == 0) {
    fn(0, 0, 0);
    return;
  }
  Blocks b = blocks_of(index_shape, dim);
  int64_t chunks = (b.inner + kInnerChunk - 1) / kInnerChunk;
  int64_t jobs = b.outer * chunks;
  // Index dims never exceed the input's (or src's), so equal inner block sizes mean equal inner
  // shapes: the inner offset is then the position itself.
  bool in_dense = input_strides[dim] == b.inner, src_dense = src_strides[dim] == b.inner;
  NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t job = 0; job < jobs; ++job) {
      int64_t o = job / chunks, c = job % chunks;
      int64_t t0 = c * kInnerChunk, t1 = std::min(b.inner, t0 + kInnerChunk);
      int64_t in_o = 0, src_o = 0;
      outer_offsets(o, index_shape, input_strides, src_strides, dim, in_o, src_o);
      for (int64_t j = 0; j < b.n; ++j) {
        for (int64_t t = t0; t < t1; ++t) {
          int64_t in_t = t, src_t = t;
          if (!(in_dense && src_dense)) {
            in_t = src_t = 0;
            for (int64_t d = rank - 1, r = t; d > dim; --d) {
              int64_t i = r % index_shape[d];
              r /= index_shape[d];
              in_t += i * input_strides[d];
              src_t += i * src_strides[d];
            }
          }
          int64_t pos = (o * b.n + j) * b.inner + t;
          fn(pos, in_o + in_t, src_o + j * src_strides[dim] + src_t);
        }
      }
    }
  );
}

using Reduce = core::ScatterReduceAttrs::Reduce;

// Note [scatter reduce]: PyTorch's scatter_reduce. Collisions only happen along dim, so
// for_each_index_element's jobs own disjoint output elements and each walks its indices in order:
// results are deterministic and independent of the thread count (cuda's line kernel follows the
// same order; its atomic amax/amin give the same values in any order). Integers wrap (unsigned
// arithmetic, as PyTorch's two's complement does); amax/amin propagate NaN. With includeSelf
// false, a first walk sets every position something is scattered to to the reduction's identity,
// as PyTorch does (positions nothing reaches keep the input). 'mean' divides the sum by the number
// of values met, plus one for the input's when included, counted in the input's dtype as PyTorch
// counts it, rounding down for integers.
using core::mean_of;
using core::reduce_combine;
using core::reduce_identity;

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

// Note [index rows]: a graph network's index is one node id per edge expanded over the features
// ([E, F] scattered along dim 0): each line of index along its inner dims holds one value. The
// range check, which reads every index anyway, notes whether that holds (check_rows_of_one_value);
// then scatterReduce reads one value per row and reduces whole rows of src into rows of the
// output, loops that vectorise, in the same order as for_each_index_element (so with the same
// results). amax of [24000, 64] into 2000 rows, one thread, idle machine: 1.8–2.1 → 0.9–1.1 ms
// (PyTorch 2.13: 0.6–0.7 ms with the index an expanded view, which it reads as one value per row;
// 11–15 ms on the same index made contiguous).
template <typename I>
bool check_rows_of_one_value(const I* idx, int64_t rows, int64_t inner, int64_t bound, const char* arg, int64_t dim) {
  for (int64_t r = 0; r < rows; ++r) {
    const I* row = idx + r * inner;
    const I first = row[0];
    I differs = 0;  // a loop without branches, which vectorises (3x faster than checking each value)
    for (int64_t t = 0; t < inner; ++t) differs |= row[t] ^ first;
    if (differs != 0) {  // not rows of one value: the rest is checked value by value
      check_indices(row, (rows - r) * inner, bound, arg, dim);
      return false;
    }
    check_indices(row, 1, bound, arg, dim);
  }
  return true;
}

// for_each_index_element over an index whose rows hold one value each and whose inner dims are the
// output's and src's: fn(out_row, src_row, t0, t1) for each row (its output and src offsets, dim
// term included) and chunk [t0, t1) of its inner elements, in for_each_index_element's jobs.
template <typename I, typename Fn>
void for_each_index_row(const I* idx, const Shape& index_shape, const Shape& out_strides, const Shape& src_strides, int64_t dim, Fn&& fn) {
  Blocks b = blocks_of(index_shape, dim);
  int64_t chunks = (b.inner + kInnerChunk - 1) / kInnerChunk;
  int64_t jobs = b.outer * chunks;
  NS_PARALLEL_IF(core::numel(index_shape) >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t job = 0; job < jobs; ++job) {
      int64_t o = job / chunks, c = job % chunks;
      int64_t t0 = c * kInnerChunk, t1 = std::min(b.inner, t0 + kInnerChunk);
      int64_t out_o = 0, src_o = 0;
      outer_offsets(o, index_shape, out_strides, src_strides, dim, out_o, src_o);
      for (int64_t j = 0; j < b.n; ++j) {
        int64_t v = static_cast<int64_t>(idx[(o * b.n + j) * b.inner]);
        fn(out_o + v * out_strides[dim], src_o + j * src_strides[dim], t0, t1);
      }
    }
  );
}

}  // namespace

void indexSelect(OpCall& call) {
  auto a = core::IndexSelectAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& out = call.out(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  Blocks src = blocks_of(in.shape, dim);
  int64_t k = index.numel();
  size_t es = core::dtype_size(in.dtype);
  with_index_type(index, [&](auto* idx) {
    check_indices(idx, k, src.n, "index", dim);
    const char* s = static_cast<const char*>(in.raw());
    char* d = static_cast<char*>(out.raw());
    size_t row = static_cast<size_t>(src.inner) * es;
    int64_t jobs = src.outer * k;
    NS_PARALLEL_IF(out.numel() >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t job = 0; job < jobs; ++job) {
        int64_t o = job / k, j = job % k;
        std::memcpy(d + static_cast<size_t>(job) * row, s + static_cast<size_t>(o * src.n + static_cast<int64_t>(idx[j])) * row, row);
      }
    );
  });
}

void indexSelectBackward(OpCall& call) {
  auto a = core::IndexSelectBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& index = call.in(1);
  const auto& out = call.out(0);
  int64_t dim = norm_dim(a.dim, out.rank());
  Blocks dst = blocks_of(out.shape, dim);
  int64_t k = index.numel();
  with_index_type(index, [&](auto* idx) {
    check_indices(idx, k, dst.n, "index", dim);
    const float* gs = g.data<float>();
    float* d = out.data<float>();
    std::fill(d, d + out.numel(), 0.0f);
    int64_t chunks = (dst.inner + kInnerChunk - 1) / kInnerChunk;
    int64_t jobs = dst.outer * chunks;
    NS_PARALLEL_IF(g.numel() >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t job = 0; job < jobs; ++job) {
        int64_t o = job / chunks, c = job % chunks;
        int64_t t0 = c * kInnerChunk, t1 = std::min(dst.inner, t0 + kInnerChunk);
        for (int64_t j = 0; j < k; ++j) {
          const float* s = gs + (o * k + j) * dst.inner;
          float* dd = d + (o * dst.n + static_cast<int64_t>(idx[j])) * dst.inner;
          for (int64_t t = t0; t < t1; ++t) dd[t] += s[t];
        }
      }
    );
  });
}

void gather(OpCall& call) {
  auto a = core::GatherAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& out = call.out(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  Shape in_strides = core::contiguous_strides(in.shape);
  if (in_strides.empty()) in_strides = {1};
  int64_t bound = in.rank() ? in.shape[dim] : 1;
  with_index_type(index, [&](auto* idx) {
    check_indices(idx, index.numel(), bound, "index", dim);
    with_element(core::dtype_size(in.dtype), [&](auto tag) {
      using T = decltype(tag);
      const T* s = static_cast<const T*>(in.raw());
      T* d = static_cast<T*>(out.raw());
      // src_pos is unused here (out is dense over index's shape, like pos).
      for_each_index_element(index.shape, in_strides, in_strides, dim, [&](int64_t pos, int64_t base, int64_t) {
        d[pos] = s[base + static_cast<int64_t>(idx[pos]) * in_strides[dim]];
      });
    });
  });
}

// scatterAdd's and scatterReduce's strides of the output and src (one for a 0-d tensor) and the
// bound of `dim`.
static std::tuple<Shape, Shape, int64_t> scatter_strides(const TensorRef& in, const TensorRef& src, const TensorRef& out, int64_t dim) {
  Shape out_strides = core::contiguous_strides(out.shape);
  Shape src_strides = core::contiguous_strides(src.shape);
  if (out_strides.empty()) out_strides = {1};
  if (src_strides.empty()) src_strides = {1};
  return {out_strides, src_strides, in.rank() ? in.shape[dim] : 1};
}

void scatterAdd(OpCall& call) {
  auto a = core::ScatterAddAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& src = call.in(2);
  const auto& out = call.out(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  Shape out_strides, src_strides;
  int64_t bound;
  std::tie(out_strides, src_strides, bound) = scatter_strides(in, src, out, dim);
  with_index_type(index, [&](auto* idx) {
    check_indices(idx, index.numel(), bound, "index", dim);
    std::memcpy(out.raw(), in.raw(), static_cast<size_t>(in.numel()) * core::dtype_size(in.dtype));
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      const T* s = src.data<T>();
      T* d = out.data<T>();
      // Only elements that differ in their dim coordinate can collide; the walk keeps those in one
      // job, in order.
      for_each_index_element(index.shape, out_strides, src_strides, dim, [&](int64_t pos, int64_t base, int64_t spos) {
        T& slot = d[base + static_cast<int64_t>(idx[pos]) * out_strides[dim]];
        slot = static_cast<T>(slot + s[spos]);
      });
    });
  });
}

void scatterReduce(OpCall& call) {
  auto a = core::ScatterReduceAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& index = call.in(1);
  const auto& src = call.in(2);
  const auto& out = call.out(0);
  int64_t dim = norm_dim(a.dim, in.rank());
  Shape out_strides, src_strides;
  int64_t bound;
  std::tie(out_strides, src_strides, bound) = scatter_strides(in, src, out, dim);
  const bool include = a.includeSelf;
  // Note [index rows]: index's inner dims are src's and the output's, and long enough to pay.
  const Blocks b = blocks_of(index.shape, dim);
  const bool dense = in.rank() > 0 && b.inner >= 4 && out_strides[dim] == b.inner && src_strides[dim] == b.inner;
  with_index_type(index, [&](auto* idx) {
    const bool rows = dense ? check_rows_of_one_value(idx, b.outer * b.n, b.inner, bound, "index", dim)
                            : (check_indices(idx, index.numel(), bound, "index", dim), false);
    std::memcpy(out.raw(), in.raw(), static_cast<size_t>(in.numel()) * core::dtype_size(in.dtype));
    if (index.numel() == 0) return;
    core::dispatch_dtype(in.dtype, [&](auto tag) {
      using T = decltype(tag);
      with_reduce(a.reduce, [&](auto rtag) {
        constexpr Reduce R = decltype(rtag)::value;
        const T* s = src.data<T>();
        T* d = out.data<T>();
        const int64_t step = out_strides[dim];
        constexpr bool mean = R == Reduce::mean;
        std::vector<int64_t> met(mean ? static_cast<size_t>(out.numel()) : 0, 0);  // values met per element
        int64_t* m = met.data();
        if (rows) {
          if (!include) {  // positions something is scattered to start from the identity
            for_each_index_row(idx, index.shape, out_strides, src_strides, dim, [&](int64_t orow, int64_t, int64_t t0, int64_t t1) {
              std::fill(d + orow + t0, d + orow + t1, reduce_identity<R, T>());
            });
          }
          for_each_index_row(idx, index.shape, out_strides, src_strides, dim, [&](int64_t orow, int64_t srow, int64_t t0, int64_t t1) {
            T* __restrict__ dr = d + orow;
            const T* __restrict__ sr = s + srow;
            for (int64_t t = t0; t < t1; ++t) dr[t] = reduce_combine<R, T>(dr[t], sr[t]);
            if constexpr (mean) {
              for (int64_t t = t0; t < t1; ++t) ++m[orow + t];
            }
          });
        } else {
          if (!include) {
            for_each_index_element(index.shape, out_strides, src_strides, dim, [&](int64_t pos, int64_t base, int64_t) {
              d[base + static_cast<int64_t>(idx[pos]) * step] = reduce_identity<R, T>();
            });
          }
          for_each_index_element(index.shape, out_strides, src_strides, dim, [&](int64_t pos, int64_t base, int64_t spos) {
            const int64_t o = base + static_cast<int64_t>(idx[pos]) * step;
            d[o] = reduce_combine<R, T>(d[o], s[spos]);
            if constexpr (mean) ++m[o];
          });
        }
        if constexpr (mean) {
          const int64_t n = out.numel();
          NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for schedule(static)",
            for (int64_t i = 0; i < n; ++i) {
              if (m[i] == 0) continue;
              T count = static_cast<T>(m[i] + (include ? 1 : 0));
              if (count == T(0)) count = T(1);  // a uint8 count that wrapped, as PyTorch's masked_fill
              d[i] = mean_of<T>(d[i], count);
            }
          );
        }
      });
    });
  });
}

void embedding(OpCall& call) {
  const auto& indices = call.in(0);
  const auto& weight = call.in(1);
  const auto& out = call.out(0);
  int64_t rows = weight.shape[0], width = weight.shape[1];
  int64_t n = indices.numel();
  size_t row = static_cast<size_t>(width) * core::dtype_size(weight.dtype);
  with_index_type(indices, [&](auto* idx) {
    check_indices(idx, n, rows, "indices", 0);
    const char* s = static_cast<const char*>(weight.raw());
    char* d = static_cast<char*>(out.raw());
    NS_PARALLEL_IF(out.numel() >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t i = 0; i < n; ++i) std::memcpy(d + static_cast<size_t>(i) * row, s + static_cast<size_t>(idx[i]) * row, row);
    );
  });
}

void embeddingBackward(OpCall& call) {
  auto a = core::EmbeddingBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& indices = call.in(1);
  const auto& out = call.out(0);
  int64_t rows = out.shape[0], width = out.shape[1];
  int64_t n = indices.numel();
  with_index_type(indices, [&](auto* idx) {
    check_indices(idx, n, rows, "indices", 0);
    const float* gs = g.data<float>();
    float* d = out.data<float>();
    std::fill(d, d + out.numel(), 0.0f);
    // Threads split the columns: every thread reads all indices, rows accumulate without races and
    // in index order (deterministic, like PyTorch's CPU kernel).
    int64_t chunks = (width + kInnerChunk - 1) / kInnerChunk;
    NS_PARALLEL_IF(g.numel() >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t c = 0; c < chunks; ++c) {
        int64_t t0 = c * kInnerChunk, t1 = std::min(width, t0 + kInnerChunk);
        for (int64_t i = 0; i < n; ++i) {
          int64_t r = static_cast<int64_t>(idx[i]);
          if (r == a.paddingIdx) continue;
          const float* s = gs + i * width;
          float* dd = d + r * width;
          for (int64_t t = t0; t < t1; ++t) dd[t] += s[t];
        }
      }
    );
  });
}

}  // namespace nutshell::cpu
