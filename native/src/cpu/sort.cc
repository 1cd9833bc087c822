// sort and topk: each slice along `dim` becomes (key, position) pairs (Note [sort keys]), ordered
// by key then position — a strict order, so std::sort gives the stable result and topk's
// heap of the best k (O(n log k)) the same first k — and its first k places are written as values
// and int64 indices (k = n for sort). Slices run in parallel; each thread reuses one pair buffer.
#include <algorithm>
#include <utility>
#include <vector>

#include "../core/sort_key.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

template <typename T>
void sort_slices(const T* src, T* values, int64_t* indices, const core::Blocks& b, int64_t k, bool descending) {
  using K = core::sort_key::Key<T>;
  const int64_t slices = b.outer * b.inner, n = b.n, inner = b.inner;
  auto sort_slice = [&](int64_t s, std::vector<std::pair<K, int64_t>>& pairs) {
    const int64_t in_base = (s / inner) * n * inner + s % inner, out_base = (s / inner) * k * inner + s % inner;
    if (k == n) {
      for (int64_t r = 0; r < n; ++r) pairs[r] = {core::sort_key::key(src[in_base + r * inner], descending), r};
      std::sort(pairs.begin(), pairs.end());
    } else if (k > 0) {
      // A max-heap of the best k so far: a later element (larger position) enters only with a
      // strictly smaller key, so most of the slice costs one key and one compare.
      auto best = pairs.begin(), end = best + k;
      for (int64_t r = 0; r < k; ++r) best[r] = {core::sort_key::key(src[in_base + r * inner], descending), r};
      std::make_heap(best, end);
      for (int64_t r = k; r < n; ++r) {
        const K key = core::sort_key::key(src[in_base + r * inner], descending);
        if (key < best->first) {
          std::pop_heap(best, end);
          end[-1] = {key, r};
          std::push_heap(best, end);
        }
      }
      std::sort_heap(best, end);
    }
    for (int64_t r = 0; r < k; ++r) {
      const int64_t from = pairs[r].second;
      values[out_base + r * inner] = src[in_base + from * inner];
      indices[out_base + r * inner] = from;
    }
  };
  if (slices > 1 && slices * n >= kParallelGrain) {
#pragma omp parallel
    {
      std::vector<std::pair<K, int64_t>> pairs(static_cast<size_t>(n));
#pragma omp for schedule(dynamic, 4)
      for (int64_t s = 0; s < slices; ++s) sort_slice(s, pairs);
    }
    return;
  }
  std::vector<std::pair<K, int64_t>> pairs(static_cast<size_t>(n));
  for (int64_t s = 0; s < slices; ++s) sort_slice(s, pairs);
}

void order_along(const core::OpCall& call, int64_t dim, int64_t k, bool descending) {
  const auto& in = call.in(0);
  if (call.out(0).numel() == 0) return;
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  const core::Blocks b = core::blocks_of(in.shape, rank == 0 ? 0 : core::norm_dim(dim, rank));
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    sort_slices<T>(in.data<T>(), call.out(0).data<T>(), call.out(1).data<int64_t>(), b, k < 0 ? b.n : k, descending);
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

}  // namespace nutshell::cpu
