// Scans along a dim: cumsum, logcumsumexp, cummax, cummin (core/scan.h holds their arithmetic).
// A tensor viewed as [outer, n, inner] is walked in jobs of one outer slice and up to kChunk
// neighbouring inner positions, stepped together along the dim: each step reads and writes
// contiguous elements, and the jobs run in parallel.
#include <algorithm>

#include "../core/scan.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;

constexpr int kChunk = 64;

// make_step(offset) gives the Step for the lines starting at element `offset`.
template <typename MakeStep>
void scan_jobs(const core::Shape& shape, int64_t dim, bool reverse, MakeStep&& make_step) {
  const core::Blocks b = core::blocks_of(shape, dim);
  const int64_t chunks = (b.inner + kChunk - 1) / kChunk;
  const int64_t jobs = b.outer * chunks;
  if (b.n == 0 || jobs == 0) return;
  NS_PARALLEL_IF(b.outer * b.n * b.inner >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t job = 0; job < jobs; ++job) {
      const int64_t o = job / chunks, t0 = (job % chunks) * kChunk;
      auto step = make_step(o * b.n * b.inner + t0);
      core::scan::scan_lines<kChunk>(b.n, b.inner, static_cast<int>(std::min<int64_t>(kChunk, b.inner - t0)), reverse, step);
    }
  );
}

}  // namespace

void cumsum(OpCall& call) {
  auto a = core::CumsumAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  const int64_t dim = core::norm_dim(a.dim, in.rank());
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using In = decltype(tag);
    using Out = std::conditional_t<std::is_floating_point_v<In>, In, int64_t>;
    const In* x = in.data<In>();
    Out* y = out.data<Out>();
    scan_jobs(in.shape, dim, a.reverse, [&](int64_t offset) { return core::scan::CumsumStep<kChunk, In, Out>{x + offset, y + offset, {}}; });
  });
}

void logcumsumexp(OpCall& call) {
  auto a = core::LogcumsumexpAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const float* x = in.data<float>();
  float* y = call.out(0).data<float>();
  scan_jobs(in.shape, core::norm_dim(a.dim, in.rank()), a.reverse,
            [&](int64_t offset) { return core::scan::LogcumsumexpStep<kChunk>{x + offset, y + offset, {}}; });
}

namespace {

template <bool Max>
void cumulative_extreme(OpCall& call, int64_t attr_dim) {
  const auto& in = call.in(0);
  int64_t* indices = call.out(1).data<int64_t>();
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* x = in.data<T>();
    T* values = call.out(0).data<T>();
    scan_jobs(in.shape, core::norm_dim(attr_dim, in.rank()), false, [&](int64_t offset) {
      return core::scan::ExtremeStep<kChunk, Max, T>{x + offset, values + offset, indices + offset, {}, {}};
    });
  });
}

}  // namespace

void cummax(OpCall& call) { cumulative_extreme<true>(call, core::CummaxAttrs::decode(call.reader()).dim); }
void cummin(OpCall& call) { cumulative_extreme<false>(call, core::CumminAttrs::decode(call.reader()).dim); }

}  // namespace nutshell::cpu
