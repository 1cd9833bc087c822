// Reductions over any set of dims: sum, mean, var, std, max/min (values and indices), argmax,
// argmin, logsumexp, and the backward ops logsumexpBackward, valueSelectingReductionBackward and
// evenlyDistributeBackward — cpu/reduce.cc's semantics (PyTorch's) on the device.
//
// Note [cuda reduction plan]: the plan is cpu's (Note [reduction plan] in cpu/reduce.cc): size-1
// dims dropped, neighbouring dims of one kind merged. Then the input is read in one of three
// layouts:
//   block     the reduced dims form one block: [outer, red, inner], read in place;
//   straddled reduced, kept, reduced ([A, M, B], a conv bias gradient's sum over N, H, W): M rows
//             of A·B elements, element r of row m at (r / B)·M·B + m·B + r % B, read in place
//             (when A·B > 32; shorter rows go the general way);
//   general   anything else is first copied into a workspace with the kept dims in front of the
//             reduced ones (a strided copy), which makes it a block [n_out, n_red, 1].
// The engine then runs one of two kernels:
//   rows    (inner == 1, red > 32; every straddled plan): one block per output, threads stride
//           through the row and merge their accumulators in a fixed tree in shared memory;
//   columns (inner > 1, or short rows): one thread per output walks its column in order
//           (consecutive threads read consecutive addresses).
// When there are too few outputs to fill the GPU, the reduced run is cut into G chunks (a second
// grid dimension) whose accumulators go to a workspace and are merged, in chunk order, by a
// third kernel. Nothing uses atomics on floating-point values and every tree and split depends
// only on the shapes and the GPU's multiprocessor count: a reduction gives the same bits every
// run on one machine. Float sums accumulate in double
// (as cpu does), so cpu and cuda agree to float precision though their summation orders differ.
// Reducers are cpu's (init/step/merge/finish) as device functors; `merge` of max/min compares
// indices on ties, since a thread's elements are interleaved with its neighbours'.
#include <cmath>
#include <limits>
#include <vector>

#include "../gen/cuda_kernels.gen.h"
#include "broadcast.cuh"
#include "shape.cuh"

namespace nutshell::cuda {

namespace {

using core::DType;
using core::OpCall;
using core::Shape;

// ---- the plan ----

enum class Layout { block, straddled, general };

struct ReducePlan {
  Layout layout = Layout::block;
  // block: [outer, red, inner]; straddled: outer = A, red = A·B, inner = B (span of one run)
  int64_t outer = 1, red = 1, inner = 1;
  // general: the input's runs, kept ones first, as a shape and the input's strides for a copy
  Shape perm_shape, perm_strides;
  int64_t n_out = 1, n_red = 1;
};

ReducePlan plan_reduction(const Shape& shape, const std::vector<int64_t>& dims) {
  const std::vector<core::ReduceRun> runs = core::reduce_runs(shape, dims);  // Note [reduction runs]
  ReducePlan p;
  for (const auto& r : runs) (r.reduced ? p.n_red : p.n_out) *= r.size;
  if (core::as_one_block(runs, p.outer, p.red, p.inner)) return p;
  if (runs.size() == 3 && runs[0].reduced && p.n_red > 32) {  // reduced, kept, reduced
    p.layout = Layout::straddled;
    p.outer = runs[0].size;
    p.red = p.n_red;
    p.inner = runs[2].size;
    return p;
  }
  p.layout = Layout::general;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& r : runs) {
      if (r.reduced != (pass == 1)) continue;
      p.perm_shape.push_back(r.size);
      p.perm_strides.push_back(r.stride);
    }
  }
  p.outer = p.n_out;
  p.red = p.n_red;
  p.inner = 1;
  return p;
}

// ---- the engine ----

// Row o holds `red` elements; element r is at x[(r / span)·pitch + o·span + r % span] (a plain
// row: span = red; straddled: span = B, pitch = M·B). The position advances by blockDim.x per
// step without dividing again.
template <typename R>
__global__ void reduce_rows_kernel(R op, const typename R::In* __restrict__ x, int64_t n_out, int64_t red, int64_t span, int64_t pitch,
                                   int64_t chunk, typename R::Acc* __restrict__ partial) {
  using Acc = typename R::Acc;
  extern __shared__ __align__(16) unsigned char smem_raw[];
  Acc* sm = reinterpret_cast<Acc*>(smem_raw);
  const int64_t g = blockIdx.y;
  const int64_t r0 = g * chunk, r1 = r0 + chunk < red ? r0 + chunk : red;
  const int64_t step_runs = blockDim.x / span, step_within = blockDim.x % span;
  for (int64_t o = blockIdx.x; o < n_out; o += gridDim.x) {
    Acc a = op.init(o);
    const typename R::In* row = x + o * span;
    int64_t r = r0 + threadIdx.x, run = r / span, within = r % span;
    for (; r < r1; r += blockDim.x) {
      op.step(a, row[run * pitch + within], r);
      run += step_runs;
      within += step_within;
      if (within >= span) {
        within -= span;
        ++run;
      }
    }
    sm[threadIdx.x] = a;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) op.merge(sm[threadIdx.x], sm[threadIdx.x + s]);
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      if (partial) partial[g * n_out + o] = sm[0];
      else op.finish(o, sm[0]);
    }
    __syncthreads();
  }
}

template <typename R>
__global__ void reduce_cols_kernel(R op, const typename R::In* __restrict__ x, int64_t outer, int64_t red, int64_t inner, int64_t chunk,
                                   typename R::Acc* __restrict__ partial) {
  using Acc = typename R::Acc;
  const int64_t n_out = outer * inner;
  const int64_t g = blockIdx.y;
  const int64_t r0 = g * chunk, r1 = r0 + chunk < red ? r0 + chunk : red;
  NS_GRID_LOOP(q, n_out) {
    const int64_t o = q / inner, i = q % inner;
    const typename R::In* col = x + o * red * inner + i;
    Acc a = op.init(q);
    for (int64_t r = r0; r < r1; ++r) op.step(a, col[r * inner], r);
    if (partial) partial[g * n_out + q] = a;
    else op.finish(q, a);
  }
}

template <typename R>
__global__ void reduce_merge_kernel(R op, const typename R::Acc* __restrict__ partial, int64_t n_out, int64_t chunks) {
  NS_GRID_LOOP(q, n_out) {
    typename R::Acc a = partial[q];
    for (int64_t g = 1; g < chunks; ++g) op.merge(a, partial[g * n_out + q]);
    op.finish(q, a);
  }
}

unsigned pow2_at_least(int64_t n, unsigned lo, unsigned hi) {
  unsigned t = lo;
  while (t < hi && static_cast<int64_t>(t) < n) t *= 2;
  return t;
}

// Runs `op` over n_out rows of `red` elements laid out as reduce_rows_kernel reads them.
template <typename R>
void run_rows(DeviceContext& ctx, int64_t n_out, int64_t red, int64_t span, int64_t pitch, const typename R::In* x, const R& op) {
  using Acc = typename R::Acc;
  const unsigned threads = pow2_at_least(red, 32, 256);
  const int64_t target_blocks = 4 * sm_count(ctx.index);
  int64_t chunks = 1;
  if (n_out < target_blocks) chunks = std::min(ceil_div(target_blocks, n_out), ceil_div(red, int64_t{threads} * 8));
  chunks = std::clamp<int64_t>(chunks, 1, 65535);
  const int64_t chunk = ceil_div(red, chunks);
  chunks = ceil_div(red, chunk);
  Workspace partial(ctx, chunks > 1 ? static_cast<size_t>(chunks * n_out) * sizeof(Acc) : 0);
  const dim3 grid(static_cast<unsigned>(std::min<int64_t>(n_out, int64_t{1} << 30)), static_cast<unsigned>(chunks));
  reduce_rows_kernel<R><<<grid, threads, threads * sizeof(Acc), ctx.stream>>>(op, x, n_out, red, span, pitch, chunk,
                                                                             chunks > 1 ? partial.as<Acc>() : nullptr);
  NS_LAUNCH_CHECK();
  if (chunks > 1) {
    reduce_merge_kernel<R><<<blocks_for(n_out), kThreads, 0, ctx.stream>>>(op, partial.as<Acc>(), n_out, chunks);
    NS_LAUNCH_CHECK();
  }
}

// Runs `op` over x viewed as [outer, red, inner] (Note [cuda reduction plan]).
template <typename R>
void run_reduce(DeviceContext& ctx, int64_t outer, int64_t red, int64_t inner, const typename R::In* x, const R& op) {
  using Acc = typename R::Acc;
  const int64_t n_out = outer * inner;
  if (n_out == 0) return;
  if (inner == 1 && red > 32) return run_rows(ctx, n_out, red, red, 0, x, op);
  const int64_t target_threads = sm_count(ctx.index) * 2048;
  int64_t chunks = 1;
  if (n_out < target_threads / 2 && red > 64) chunks = std::min(ceil_div(target_threads, n_out), ceil_div(red, int64_t{64}));
  chunks = std::clamp<int64_t>(chunks, 1, 65535);
  const int64_t chunk = red > 0 ? ceil_div(red, chunks) : 0;
  chunks = red > 0 ? ceil_div(red, chunk) : 1;
  Workspace partial(ctx, chunks > 1 ? static_cast<size_t>(chunks * n_out) * sizeof(Acc) : 0);
  const dim3 grid(blocks_for(n_out), static_cast<unsigned>(chunks));
  reduce_cols_kernel<R><<<grid, kThreads, 0, ctx.stream>>>(op, x, outer, red, inner, chunk, chunks > 1 ? partial.as<Acc>() : nullptr);
  NS_LAUNCH_CHECK();
  if (chunks > 1) {
    reduce_merge_kernel<R><<<blocks_for(n_out), kThreads, 0, ctx.stream>>>(op, partial.as<Acc>(), n_out, chunks);
    NS_LAUNCH_CHECK();
  }
}

// The input of a plan, ready to be reduced once or more (variance and logsumexp take two passes):
// read in place, or from the workspace a general plan copies it into first.
template <typename T>
class ReduceSource {
 public:
  ReduceSource(DeviceContext& ctx, const ReducePlan& p, const T* x)
      : ctx_(ctx), p_(p), x_(x), moved_(ctx, p.layout == Layout::general ? static_cast<size_t>(p.n_out * p.n_red) * sizeof(T) : 0) {
    if (p.layout == Layout::general && p.n_out * p.n_red > 0) {
      strided_copy(ctx.stream, sizeof(T), x, moved_.as<T>(), p.perm_shape, p.perm_strides, core::contiguous_strides(p.perm_shape));
      x_ = moved_.as<T>();
    }
  }

  template <typename R>
  void run(const R& op) {
    if (p_.n_out == 0) return;
    if (p_.layout == Layout::straddled) return run_rows(ctx_, p_.n_out, p_.red, p_.inner, p_.n_out * p_.inner, x_, op);
    run_reduce(ctx_, p_.outer, p_.red, p_.inner, x_, op);
  }

 private:
  DeviceContext& ctx_;
  const ReducePlan& p_;
  const T* x_;
  Workspace moved_;
};

template <typename R>
void reduce_plan(DeviceContext& ctx, const ReducePlan& p, const typename R::In* x, const R& op) {
  if (p.n_out == 0) return;
  ReduceSource<typename R::In>(ctx, p, x).run(op);
}

// ---- reducers ----

template <typename T, typename Out>
struct SumR {
  using In = T;
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  Out* out;
  double scale;  // 1 for sum, 1/n for mean (floats)
  __device__ Acc init(int64_t) const { return 0; }
  __device__ void step(Acc& a, T v, int64_t) const { a += static_cast<Acc>(v); }
  __device__ void merge(Acc& a, const Acc& b) const { a += b; }
  __device__ void finish(int64_t o, const Acc& a) const {
    if constexpr (std::is_floating_point_v<T>) out[o] = static_cast<Out>(a * scale);
    else out[o] = static_cast<Out>(a);
  }
};

// Σ (x − mean)² in double with the mean of a first pass; finish divides by max(0, n − correction)
// and, for std, writes the gradient factor 1 / ((n − correction)·std) (0 where std is 0).
struct SquaredDeviationR {
  using In = float;
  struct Acc {
    double mean, sum;
  };
  const double* means;
  float* out;
  float* grad_factor;
  double n_minus_correction;
  bool root;
  __device__ Acc init(int64_t o) const { return {means[o], 0.0}; }
  __device__ void step(Acc& a, float v, int64_t) const {
    const double d = static_cast<double>(v) - a.mean;
    a.sum += d * d;
  }
  __device__ void merge(Acc& a, const Acc& b) const { a.sum += b.sum; }
  __device__ void finish(int64_t o, const Acc& a) const {
    const double var = a.sum / fmax(0.0, n_minus_correction);
    if (!root) {
      out[o] = static_cast<float>(var);
      return;
    }
    const float s = static_cast<float>(::sqrt(var));
    out[o] = s;
    grad_factor[o] = s == 0.f ? 0.f : static_cast<float>(1.0 / (n_minus_correction * s));
  }
};

// max/min with the index of the first extreme element; NaN counts as the extreme.
template <typename T, bool kMax>
struct ExtremeR {
  using In = T;
  struct Acc {
    T best;
    int64_t index;
  };
  T* values;         // may be null (argmax/argmin)
  int64_t* indices;  // may be null (max/min over everything)
  static __device__ bool better(T v, T best) {
    if (is_nan(best)) return false;
    if (is_nan(v)) return true;
    return kMax ? v > best : v < best;
  }
  static __device__ bool is_nan(T v) {
    if constexpr (std::is_floating_point_v<T>) return v != v;
    else return false;
  }
  __device__ Acc init(int64_t) const { return {T(0), -1}; }
  // Within one thread r only grows: a strict improvement keeps the first.
  __device__ void step(Acc& a, T v, int64_t r) const {
    if (a.index < 0 || better(v, a.best)) {
      a.best = v;
      a.index = r;
    }
  }
  // Partial accumulators interleave: on a tie (NaN ties NaN) the smaller index wins.
  __device__ void merge(Acc& a, const Acc& b) const {
    if (b.index < 0) return;
    if (a.index < 0 || better(b.best, a.best) || (!better(a.best, b.best) && b.index < a.index)) a = b;
  }
  __device__ void finish(int64_t o, const Acc& a) const {
    if (values) values[o] = a.best;
    if (indices) indices[o] = a.index;
  }
};

// The shift of logsumexp: the NaN-propagating maximum, 0 when infinite.
struct MaxShiftR {
  using In = float;
  using Acc = float;
  float* shift;
  __device__ Acc init(int64_t) const { return -INFINITY; }
  __device__ void step(Acc& a, float v, int64_t) const {
    if (!(a != a) && (v != v || v > a)) a = v;
  }
  __device__ void merge(Acc& a, const Acc& b) const { step(a, b, 0); }
  __device__ void finish(int64_t o, const Acc& a) const { shift[o] = isinf(a) ? 0.f : a; }
};

struct SumExpR {
  using In = float;
  struct Acc {
    float shift;
    double sum;
  };
  const float* shift;
  float* out;
  __device__ Acc init(int64_t o) const { return {shift[o], 0.0}; }
  __device__ void step(Acc& a, float v, int64_t) const { a.sum += expf(v - a.shift); }
  __device__ void merge(Acc& a, const Acc& b) const { a.sum += b.sum; }
  __device__ void finish(int64_t o, const Acc& a) const { out[o] = static_cast<float>(::log(a.sum)) + a.shift; }
};

void check_not_empty(const ReducePlan& p, const char* what) {
  NS_CHECK(p.n_out == 0 || p.n_red > 0, value, std::string("cannot compute ") + what + " over an empty dimension (it has no identity)");
}

}  // namespace

void sum(OpCall& call) {
  auto attrs = core::SumAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  DeviceContext& ctx = context_of(call);
  ReducePlan p = plan_reduction(in.shape, attrs.dims);
  if (in.dtype == DType::float32) {
    reduce_plan(ctx, p, in.data<float>(), SumR<float, float>{out.data<float>(), 1.0});
    return;
  }
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_floating_point_v<T>) reduce_plan(ctx, p, in.data<T>(), SumR<T, int64_t>{out.data<int64_t>(), 1.0});
  });
}

// An empty reduction is 0 · (1/0) = NaN, as in PyTorch.
void mean(OpCall& call) {
  auto attrs = core::MeanAttrs::decode(call.reader());
  const auto& in = call.in(0);
  ReducePlan p = plan_reduction(in.shape, attrs.dims);
  reduce_plan(context_of(call), p, in.data<float>(), SumR<float, float>{call.out(0).data<float>(), 1.0 / static_cast<double>(p.n_red)});
}

namespace {

void variance(const OpCall& call, const std::vector<int64_t>& dims, double correction, bool root) {
  const auto& in = call.in(0);
  DeviceContext& ctx = context_of(call);
  ReducePlan p = plan_reduction(in.shape, dims);
  if (p.n_out == 0) return;
  const int64_t n = p.n_red;
  Workspace means(ctx, static_cast<size_t>(p.n_out) * sizeof(double));
  ReduceSource<float> source(ctx, p, in.data<float>());
  source.run(SumR<float, double>{means.as<double>(), 1.0 / static_cast<double>(n)});
  source.run(SquaredDeviationR{means.as<double>(), call.out(0).data<float>(), root ? call.out(1).data<float>() : nullptr,
                               static_cast<double>(n) - correction, root});
}

}  // namespace

void var(OpCall& call) {
  auto a = core::VarAttrs::decode(call.reader());
  variance(call, a.dims, a.correction, false);
}

void std(OpCall& call) {
  auto a = core::StdAttrs::decode(call.reader());
  variance(call, a.dims, a.correction, true);
}

namespace {

template <bool kMax>
void extreme(const OpCall& call, const std::vector<int64_t>& dims, bool with_values, bool with_indices, const char* what) {
  const auto& in = call.in(0);
  ReducePlan p = plan_reduction(in.shape, dims);
  check_not_empty(p, what);
  DeviceContext& ctx = context_of(call);
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* values = with_values ? call.out(0).data<T>() : nullptr;
    int64_t* indices = with_indices ? call.out(with_values ? 1 : 0).data<int64_t>() : nullptr;
    reduce_plan(ctx, p, in.data<T>(), ExtremeR<T, kMax>{values, indices});
  });
}

}  // namespace

void max(OpCall& call) { extreme<true>(call, {}, true, false, "max"); }
void min(OpCall& call) { extreme<false>(call, {}, true, false, "min"); }

void maxDim(OpCall& call) {
  auto a = core::MaxDimAttrs::decode(call.reader());
  extreme<true>(call, {a.dim}, true, true, "max");
}

void minDim(OpCall& call) {
  auto a = core::MinDimAttrs::decode(call.reader());
  extreme<false>(call, {a.dim}, true, true, "min");
}

void argmax(OpCall& call) {
  auto a = core::ArgmaxAttrs::decode(call.reader());
  extreme<true>(call, a.dims, false, true, "argmax");
}

void argmin(OpCall& call) {
  auto a = core::ArgminAttrs::decode(call.reader());
  extreme<false>(call, a.dims, false, true, "argmin");
}

void logsumexp(OpCall& call) {
  auto a = core::LogsumexpAttrs::decode(call.reader());
  const auto& in = call.in(0);
  DeviceContext& ctx = context_of(call);
  ReducePlan p = plan_reduction(in.shape, a.dims);
  if (p.n_out == 0) return;
  Workspace shift(ctx, static_cast<size_t>(p.n_out) * sizeof(float));
  ReduceSource<float> source(ctx, p, in.data<float>());
  source.run(MaxShiftR{shift.as<float>()});
  source.run(SumExpR{shift.as<float>(), call.out(0).data<float>()});
}

namespace {

struct LogsumexpGradF {
  __device__ float operator()(float x, float g, float r) const { return expf(x - r) * g; }
};

// The input's shape with the reduced dims set to 1: the element order of a reduced tensor with
// or without keepdim.
Shape kept_shape(const Shape& shape, const std::vector<int64_t>& dims) {
  Shape s = shape;
  const int rank = static_cast<int>(shape.size());
  if (dims.empty() || rank == 0) {
    for (auto& d : s) d = 1;
    return s;
  }
  for (int64_t d : dims) {
    int64_t k = d < 0 ? d + rank : d;
    NS_CHECK(k >= 0 && k < rank, shape, "dim " + std::to_string(d) + " is out of range for rank " + std::to_string(rank));
    s[static_cast<size_t>(k)] = 1;
  }
  return s;
}

}  // namespace

// d logsumexp / dx = g · exp(x − result), g and result broadcast back over the reduced dims.
void logsumexpBackward(OpCall& call) {
  auto a = core::LogsumexpBackwardAttrs::decode(call.reader());
  const auto& x = call.in(1);
  const Shape reduced = kept_shape(x.shape, a.dims);
  launch_map3(context_of(call).stream, x.shape, call.out(0).data<float>(), x.shape, x.data<float>(), reduced, call.in(0).data<float>(), reduced,
              call.in(2).data<float>(), LogsumexpGradF{});
}

namespace {

__global__ void select_backward_kernel(int64_t m, int64_t size, int64_t inner, const float* __restrict__ g, const int64_t* __restrict__ ix,
                                       float* __restrict__ dst, ErrorSlot* slot) {
  NS_GRID_LOOP(k, m) {
    const int64_t j = ix[k];
    if (j < 0 || j >= size) {
      report_position(slot, k);
      continue;
    }
    const int64_t o = k / inner, i = k % inner;
    dst[(o * size + j) * inner + i] = g[k];
  }
}

__global__ void count_equal_kernel(int64_t n, const float* __restrict__ x, const float* __restrict__ value, unsigned long long* count) {
  __shared__ unsigned long long scratch[kThreads];
  const float v = *value;
  const bool v_nan = v != v;
  unsigned long long c = 0;
  NS_GRID_LOOP(i, n) {
    const float e = x[i];
    c += (v_nan ? e != e : e == v) ? 1 : 0;
  }
  c = block_sum(c, scratch);
  if (threadIdx.x == 0 && c) atomicAdd(count, c);  // integer sums are exact in any order
}

__global__ void distribute_kernel(int64_t n, const float* __restrict__ x, const float* __restrict__ value, const float* __restrict__ grad,
                                  const unsigned long long* count, float* __restrict__ dst) {
  const float v = *value;
  const bool v_nan = v != v;
  const float share = *grad / static_cast<float>(*count);
  NS_GRID_LOOP(i, n) {
    const float e = x[i];
    dst[i] = (v_nan ? e != e : e == v) ? share : 0.f;
  }
}

}  // namespace

// grad [outer, inner] (the reduced shape), indices likewise → gradient of the input
// [outer, size, inner]: each gradient lands where its index points, zeros elsewhere.
void valueSelectingReductionBackward(OpCall& call) {
  auto a = core::ValueSelectingReductionBackwardAttrs::decode(call.reader());
  const auto& g = call.in(0);
  const auto& idx = call.in(1);
  const auto& out = call.out(0);
  const int rank = out.rank();
  const int64_t dim = a.dim < 0 ? a.dim + std::max(rank, 1) : a.dim;
  int64_t outer = 1, inner = 1, size = 1;
  for (int d = 0; d < rank; ++d) (d < dim ? outer : d > dim ? inner : size) *= out.shape[d];
  const int64_t n = out.numel(), m = outer * inner;
  DeviceContext& ctx = context_of(call);
  if (n > 0) NS_CUDA_CHECK(cudaMemsetAsync(out.raw(), 0, static_cast<size_t>(n) * sizeof(float), ctx.stream));
  if (m == 0 || n == 0) return;
  ErrorReporter errors(ctx, call);
  select_backward_kernel<<<blocks_for(m), kThreads, 0, ctx.stream>>>(m, size, inner, g.data<float>(), idx.data<int64_t>(), out.data<float>(),
                                                                       errors.slot());
  NS_LAUNCH_CHECK();
  errors.finish(idx.data<int64_t>(), [dim, size](int64_t k, long long v, double) {
    return "indices[" + std::to_string(k) + "] = " + std::to_string(v) + " is out of range for dimension " + std::to_string(dim) + " of size " +
           std::to_string(size);
  });
}

// The gradient of a full max/min: shared evenly by every element equal to the result (NaN
// matching NaN), as PyTorch's evenly_distribute_backward does.
void evenlyDistributeBackward(OpCall& call) {
  const auto& in = call.in(1);
  const int64_t n = in.numel();
  if (n == 0) return;
  DeviceContext& ctx = context_of(call);
  Workspace count(ctx, sizeof(unsigned long long));
  NS_CUDA_CHECK(cudaMemsetAsync(count.as<void>(), 0, sizeof(unsigned long long), ctx.stream));
  count_equal_kernel<<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, in.data<float>(), call.in(2).data<float>(), count.as<unsigned long long>());
  NS_LAUNCH_CHECK();
  distribute_kernel<<<blocks_for(n), kThreads, 0, ctx.stream>>>(n, in.data<float>(), call.in(2).data<float>(), call.in(0).data<float>(),
                                                                  count.as<unsigned long long>(), call.out(0).data<float>());
  NS_LAUNCH_CHECK();
}

}  // namespace nutshell::cuda
