// Scans along a dim: cumsum, logcumsumexp, cummax, cummin, with cpu's arithmetic (core/scan.h,
// Note [scan accumulation]) so the two devices agree bit for bit. One thread walks one line
// (an [outer, inner] position) along the dim; neighbouring threads hold neighbouring inner
// positions, so each step's reads coalesce. A single very long line runs on one thread: a
// parallel prefix would split it, but would no longer add in cpu's order.
#include "../core/scan.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;

// The Step a line gets is make(offset of its first element).
template <typename MakeStep>
__global__ void scan_kernel(int64_t lines, int64_t n, int64_t inner, bool reverse, MakeStep make) {
  NS_GRID_LOOP(line, lines) {
    auto step = make((line / inner) * n * inner + line % inner);
    core::scan::scan_lines<1>(n, inner, 1, 1, reverse, step);
  }
}

template <typename MakeStep>
void launch_scan(OpCall& call, int64_t dim, bool reverse, MakeStep make) {
  const core::Blocks b = core::blocks_of(call.in(0).shape, dim);
  const int64_t lines = b.outer * b.inner;
  if (lines == 0 || b.n == 0) return;
  scan_kernel<<<blocks_for(lines), kThreads, 0, context_of(call).stream>>>(lines, b.n, b.inner, reverse, make);
  NS_LAUNCH_CHECK();
}

template <typename In, typename Out>
struct MakeCumsum {
  const In* x;
  Out* y;
  __device__ core::scan::CumsumStep<1, In, Out> operator()(int64_t offset) const { return {x + offset, y + offset, {}}; }
};

struct MakeLogcumsumexp {
  const float* x;
  float* y;
  __device__ core::scan::LogcumsumexpStep<1> operator()(int64_t offset) const { return {x + offset, y + offset, {}}; }
};

template <bool Max, typename T>
struct MakeExtreme {
  const T* x;
  T* values;
  int64_t* indices;
  __device__ core::scan::ExtremeStep<1, Max, T> operator()(int64_t offset) const { return {x + offset, values + offset, indices + offset, {}, {}, 1}; }
};

template <bool Max>
void cumulative_extreme(OpCall& call, int64_t attr_dim) {
  const auto& in = call.in(0);
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    launch_scan(call, core::norm_dim(attr_dim, in.rank()), false, MakeExtreme<Max, T>{in.data<T>(), call.out(0).data<T>(), call.out(1).data<int64_t>()});
  });
}

}  // namespace

void cumsum(OpCall& call) {
  auto a = core::CumsumAttrs::decode(call.reader());
  const auto& in = call.in(0);
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using In = decltype(tag);
    using Out = std::conditional_t<std::is_floating_point_v<In>, In, int64_t>;
    launch_scan(call, core::norm_dim(a.dim, in.rank()), a.reverse, MakeCumsum<In, Out>{in.data<In>(), call.out(0).data<Out>()});
  });
}

void logcumsumexp(OpCall& call) {
  auto a = core::LogcumsumexpAttrs::decode(call.reader());
  const auto& in = call.in(0);
  launch_scan(call, core::norm_dim(a.dim, in.rank()), a.reverse, MakeLogcumsumexp{in.data<float>(), call.out(0).data<float>()});
}

void cummax(OpCall& call) { cumulative_extreme<true>(call, core::CummaxAttrs::decode(call.reader()).dim); }
void cummin(OpCall& call) { cumulative_extreme<false>(call, core::CumminAttrs::decode(call.reader()).dim); }

}  // namespace nutshell::cuda
