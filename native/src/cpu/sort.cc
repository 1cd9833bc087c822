// sort and topk: each slice along `dim` becomes (key, position) pairs (Note [sort keys]), ordered
// by key then position — a strict order, so std::sort gives the stable result and topk's
// heap of the best k (O(n log k), blocks that cannot enter skipped) the same first k — and its first k places are written as values
// and int64 indices (k = n for sort). Slices run in parallel; each thread reuses one pair buffer.
#include <algorithm>
#include <utility>
#include <vector>

#include "../core/sort_key.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

// Whether any of `count` values could displace `threshold` from a top-k: a superset test in value
// space (ties and NaN count as maybe; the exact key compare decides), branch-free so it vectorises.
template <bool Largest, typename T>
bool any_could_enter(const T* values, int64_t count, int64_t stride, T threshold) {
  int hits = 0;
  if (stride == 1) {
#pragma omp simd reduction(| : hits)
    for (int64_t i = 0; i < count; ++i) {
      const T v = values[i];
      hits |= static_cast<int>(Largest ? v >= threshold : v <= threshold) | static_cast<int>(v != v);
    }
  } else {
    for (int64_t i = 0; i < count; ++i) {
      const T v = values[i * stride];
      hits |= static_cast<int>(Largest ? v >= threshold : v <= threshold) | static_cast<int>(v != v);
    }
  }
  return hits != 0;
}

// Replaces the largest entry of a max-heap of `size` and sifts the new one down: one pass, where
// pop_heap + push_heap take two.
template <typename Entry>
void replace_top(Entry* heap, int64_t size, Entry entry) {
  int64_t at = 0;
  for (;;) {
    int64_t child = 2 * at + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child] < heap[child + 1]) ++child;
    if (!(entry < heap[child])) break;
    heap[at] = heap[child];
    at = child;
  }
  heap[at] = entry;
}

// `descending` is a template parameter so the scan loops carry no run-time branch on it.
template <typename T, bool descending>
void sort_slices(const T* src, T* values, int64_t* indices, const core::Blocks& b, int64_t k) {
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
      // Most blocks hold nothing better than the k-th best so far: a vectorised value compare over
      // the block skips them, and keys are built only in blocks that might.
      constexpr int64_t kBlock = 16;
      for (int64_t r = k; r < n; r += kBlock) {
        const int64_t stop = std::min(n, r + kBlock);
        const T* block = src + in_base + r * inner;
        T threshold = src[in_base + best->second * inner];
        const bool maybe = threshold != threshold  // a NaN k-th best: any number is better (smallest)
                           || any_could_enter<descending>(block, stop - r, inner, threshold);
        if (!maybe) continue;
        for (int64_t i = r; i < stop; ++i) {
          const T v = src[in_base + i * inner];
          if (threshold == threshold && v == v && (descending ? v < threshold : v > threshold)) continue;
          const K key = core::sort_key::key(v, descending);
          if (key < best->first) {
            replace_top(&*best, k, {key, i});
            threshold = src[in_base + best->second * inner];
          }
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
    const int64_t count = k < 0 ? b.n : k;
    if (descending)
      sort_slices<T, true>(in.data<T>(), call.out(0).data<T>(), call.out(1).data<int64_t>(), b, count);
    else
      sort_slices<T, false>(in.data<T>(), call.out(0).data<T>(), call.out(1).data<int64_t>(), b, count);
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
