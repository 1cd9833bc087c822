// sort and topk: every slice along `dim` becomes one contiguous segment of (key, position) pairs
// (Note [sort keys]); CUB's segmented radix sort orders each segment — stably, so equal keys keep
// position order, which is cpu's (key, position) order exactly — and a last pass writes each
// segment's first k places (k = n for sort) as values and int64 indices in the input's layout.
#define CCCL_DISABLE_NVTX
#include <cub/device/device_segmented_radix_sort.cuh>

#include <string>

#include "../core/sort_key.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

using core::sort_key::Key;

// Segment s of length n is the slice (outer s / inner, inner s % inner); element r of it sits at
// slice_start(s) + r·inner in the input and the outputs.
__device__ __forceinline__ int64_t slice_start(int64_t s, int64_t n, int64_t inner) { return (s / inner) * n * inner + s % inner; }

template <typename T>
__global__ void sort_keys_kernel(int64_t total, int64_t n, int64_t inner, const T* __restrict__ src, bool descending,
                                 Key<T>* __restrict__ keys, int32_t* __restrict__ positions) {
  NS_GRID_LOOP(q, total) {
    const int64_t r = q % n, s = q / n;
    keys[q] = core::sort_key::key(src[slice_start(s, n, inner) + r * inner], descending);
    positions[q] = static_cast<int32_t>(r);
  }
}

__global__ void segment_offsets_kernel(int64_t segments, int64_t n, int32_t* __restrict__ offsets) {
  NS_GRID_LOOP(s, segments + 1) offsets[s] = static_cast<int32_t>(s * n);
}

// q runs over segments × k; segment s's sorted positions start at s·n.
template <typename T>
__global__ void sort_write_kernel(int64_t total, int64_t n, int64_t k, int64_t inner, const T* __restrict__ src,
                                  const int32_t* __restrict__ positions, T* __restrict__ values, int64_t* __restrict__ indices) {
  NS_GRID_LOOP(q, total) {
    const int64_t r = q % k, s = q / k, from = positions[s * n + r], out = slice_start(s, k, inner) + r * inner;
    values[out] = src[slice_start(s, n, inner) + from * inner];
    indices[out] = from;
  }
}

template <typename T>
void sort_segments(DeviceContext& ctx, const T* src, T* values, int64_t* indices, const core::Blocks& b, int64_t k, bool descending) {
  using K = Key<T>;
  const int64_t total = b.outer * b.n * b.inner, segments = b.outer * b.inner;
  NS_CHECK(total < (int64_t{1} << 31), value, "more than 2^31 - 1 elements (" + std::to_string(total) + ")");
  cudaStream_t stream = ctx.stream;
  Workspace keys(ctx, static_cast<size_t>(total) * sizeof(K)), positions(ctx, static_cast<size_t>(total) * 4);
  sort_keys_kernel<T><<<blocks_for(total), kThreads, 0, stream>>>(total, b.n, b.inner, src, descending, keys.as<K>(), positions.as<int32_t>());
  NS_LAUNCH_CHECK();
  const int32_t* order = positions.as<int32_t>();
  Workspace sorted_keys(ctx, b.n > 1 ? static_cast<size_t>(total) * sizeof(K) : 0), sorted_positions(ctx, b.n > 1 ? static_cast<size_t>(total) * 4 : 0);
  Workspace offsets(ctx, b.n > 1 ? static_cast<size_t>(segments + 1) * 4 : 0);
  if (b.n > 1) {
    segment_offsets_kernel<<<blocks_for(segments + 1), kThreads, 0, stream>>>(segments, b.n, offsets.as<int32_t>());
    NS_LAUNCH_CHECK();
    const int count = static_cast<int>(total), nseg = static_cast<int>(segments);
    const int32_t* begin = offsets.as<int32_t>();
    size_t temp_bytes = 0;
    NS_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortPairs(nullptr, temp_bytes, keys.as<K>(), sorted_keys.as<K>(), positions.as<int32_t>(),
                                                           sorted_positions.as<int32_t>(), count, nseg, begin, begin + 1, 0,
                                                           static_cast<int>(sizeof(K) * 8), stream));
    Workspace temp(ctx, std::max<size_t>(temp_bytes, 1));
    NS_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortPairs(temp.as<void>(), temp_bytes, keys.as<K>(), sorted_keys.as<K>(), positions.as<int32_t>(),
                                                           sorted_positions.as<int32_t>(), count, nseg, begin, begin + 1, 0,
                                                           static_cast<int>(sizeof(K) * 8), stream));
    order = sorted_positions.as<int32_t>();
  }
  sort_write_kernel<T><<<blocks_for(segments * k), kThreads, 0, stream>>>(segments * k, b.n, k, b.inner, src, order, values, indices);
  NS_LAUNCH_CHECK();
}

void order_along(const core::OpCall& call, int64_t dim, int64_t k, bool descending) {
  const auto& in = call.in(0);
  if (call.out(0).numel() == 0) return;
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  const core::Blocks b = core::blocks_of(in.shape, rank == 0 ? 0 : core::norm_dim(dim, rank));
  DeviceContext& ctx = context_of(call);
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    sort_segments<T>(ctx, in.data<T>(), call.out(0).data<T>(), call.out(1).data<int64_t>(), b, k < 0 ? b.n : k, descending);
  });
}

}  // namespace

void sort(core::OpCall& call) {
  auto a = core::SortAttrs::decode(call.reader());
  order_along(call, a.dim, -1, a.descending);
}

void topk(core::OpCall& call) {
  auto a = core::TopkAttrs::decode(call.reader());
  order_along(call, a.dim, a.k, a.largest);
}

}  // namespace nutshell::cuda
