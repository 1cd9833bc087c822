// sort: each slice along `dim` becomes (key, position) pairs (Note [sort keys]), sorted by key
// then position — a strict order, so std::sort gives the stable result — and written back as
// values and int64 indices. Slices run in parallel; each thread reuses one pair buffer.
#include <algorithm>
#include <utility>
#include <vector>

#include "../core/sort_key.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

template <typename T>
void sort_slices(const T* src, T* values, int64_t* indices, const core::Blocks& b, bool descending) {
  using K = core::sort_key::Key<T>;
  const int64_t slices = b.outer * b.inner, n = b.n, inner = b.inner;
  auto sort_slice = [&](int64_t s, std::vector<std::pair<K, int64_t>>& pairs) {
    const int64_t base = (s / inner) * n * inner + s % inner;
    for (int64_t r = 0; r < n; ++r) pairs[r] = {core::sort_key::key(src[base + r * inner], descending), r};
    std::sort(pairs.begin(), pairs.end());
    for (int64_t r = 0; r < n; ++r) {
      const int64_t from = pairs[r].second;
      values[base + r * inner] = src[base + from * inner];
      indices[base + r * inner] = from;
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

}  // namespace

void sort(core::OpCall& call) {
  auto a = core::SortAttrs::decode(call.reader());
  const auto& in = call.in(0);
  if (in.numel() == 0) return;
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  const core::Blocks b = core::blocks_of(in.shape, rank == 0 ? 0 : core::norm_dim(a.dim, rank));
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    sort_slices<T>(in.data<T>(), call.out(0).data<T>(), call.out(1).data<int64_t>(), b, a.descending);
  });
}

}  // namespace nutshell::cpu
