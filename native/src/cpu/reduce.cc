// Reductions over any set of dims: sum, mean, var, std, max/min (values and indices), argmax,
// argmin, logsumexp, and the backward ops that route a reduced gradient back over the input
// (logsumexpBackward; valueSelectingReductionBackward and evenlyDistributeBackward for max/min).
//
// Note [reduction plan]: size-1 dims are dropped and neighbouring dims of the same kind (kept or
// reduced) merged. When the reduced dims then form one block, the input is [outer, red, inner]
// and the loops are dense: rows (inner == 1) run along memory, and columns (inner > 1) run
// blocks of adjacent outputs side by side so the innermost loop is contiguous. Any other set of
// dims (e.g. dims 0 and 2 of a 3-D tensor) goes through two offset tables: element (o, r) of the
// reduction sits at kept_off[o] + red_off[r], with a reduced last dim kept as a contiguous row
// (a conv bias gradient, dims 0, 2, 3 of NCHW, sums rows of H·W at vector speed). A reduction to one value splits `red` over threads
// and merges the partial accumulators in order, so ties keep the first index.
#include <omp.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "vmath.h"

namespace nutshell::cpu {

namespace {

using core::DType;
using core::OpCall;
using core::Shape;

struct ReducePlan {
  bool simple = true;
  int64_t outer = 1, red = 1, inner = 1;  // simple: the input is [outer, red, inner]
  // general: element (o, r) is at kept_off[o] + red_off[r / row] + r % row, where `row` is the
  // length of the last dim when it is reduced (so the innermost loop runs along memory), else 1.
  std::vector<int64_t> kept_off, red_off;
  int64_t row = 1;
  int64_t n_out() const { return simple ? outer * inner : static_cast<int64_t>(kept_off.size()); }
  int64_t n_red() const { return simple ? red : static_cast<int64_t>(red_off.size()) * row; }
  int64_t offset(int64_t o, int64_t r) const { return kept_off[static_cast<size_t>(o)] + red_off[static_cast<size_t>(r / row)] + r % row; }
};

// Offsets of every multi-index over `dims` (sizes and strides), in row-major order.
std::vector<int64_t> offsets_of(const std::vector<std::pair<int64_t, int64_t>>& dims) {
  int64_t n = 1;
  for (const auto& d : dims) n *= d.first;
  std::vector<int64_t> out(static_cast<size_t>(n));
  std::vector<int64_t> idx(dims.size(), 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    out[static_cast<size_t>(k)] = off;
    for (int d = static_cast<int>(dims.size()) - 1; d >= 0; --d) {
      off += dims[d].second;
      if (++idx[d] < dims[d].first) break;
      off -= dims[d].second * dims[d].first;
      idx[d] = 0;
    }
  }
  return out;
}

ReducePlan plan_reduction(const Shape& shape, const std::vector<int64_t>& dims) {
  const std::vector<core::ReduceRun> runs = core::reduce_runs(shape, dims);  // Note [reduction runs]
  ReducePlan p;
  if (core::as_one_block(runs, p.outer, p.red, p.inner)) return p;
  p.simple = false;
  std::vector<std::pair<int64_t, int64_t>> kept, red;
  for (const auto& r : runs) (r.reduced ? red : kept).push_back({r.size, r.stride});
  if (runs.back().reduced) {  // stride 1: the reduction's innermost run is a contiguous row
    p.row = red.back().first;
    red.pop_back();
  }
  p.kept_off = offsets_of(kept);
  p.red_off = offsets_of(red);
  return p;
}

// Note [reducer]: a reducer says how one output is accumulated:
//   Acc init(o)                      the empty accumulator of output o
//   void step(Acc&, T v, int64_t r)  takes element r of the reduced run (r in order)
//   void merge(Acc&, const Acc&)     appends a partial accumulator covering later r
//   void finish(o, const Acc&)       writes output o
// and optionally, for speed (vector loops, cpu/vmath.h, instead of one step per element):
//   void row(Acc&, const T* p, int64_t n, int64_t r0)   steps through n contiguous elements
//   void cols(Acc* acc, const T* p, int64_t len, int64_t r)   steps len outputs' element r
// run_reduce walks the plan and calls these; reducers hold their output pointers.
constexpr int64_t kColumnBlock = 64;

template <typename R, typename T, typename = void>
struct has_row : std::false_type {};
template <typename R, typename T>
struct has_row<R, T, std::void_t<decltype(std::declval<const R&>().row(std::declval<typename R::Acc&>(), std::declval<const T*>(), int64_t{}, int64_t{}))>>
    : std::true_type {};
template <typename R, typename T, typename = void>
struct has_cols : std::false_type {};
template <typename R, typename T>
struct has_cols<R, T, std::void_t<decltype(std::declval<const R&>().cols(std::declval<typename R::Acc*>(), std::declval<const T*>(), int64_t{}, int64_t{}))>>
    : std::true_type {};

// Rows shorter than a reducer's short_row() take its scalar steps: a vector loop's dispatch,
// tail and horizontal sum cost more than a few elements (x.sum(-1) of a [1e6, 2] tensor took 5x
// PyTorch's time through vmath::sum, in a user trial). A reducer may set kShortRow (a sum's steps
// stay cheaper than vmath::sum up to 64 elements; a max's and an exp-sum's only to about 16).
template <typename R, typename = void>
struct short_row_of : std::integral_constant<int64_t, 16> {};
template <typename R>
struct short_row_of<R, std::void_t<decltype(R::kShortRow)>> : std::integral_constant<int64_t, R::kShortRow> {};
constexpr int64_t kRowGroup = 8;

template <typename T, typename R>
inline void reduce_run(const R& op, typename R::Acc& a, const T* p, int64_t n, int64_t r0) {
  if constexpr (has_row<R, T>::value) {
    if (n >= short_row_of<R>::value) return op.row(a, p, n, r0);
  }
  for (int64_t r = 0; r < n; ++r) op.step(a, p[r], r0 + r);
}

template <typename T, typename R>
void run_reduce(const ReducePlan& p, const T* x, R& op) {
  using Acc = typename R::Acc;
  const int64_t n_out = p.n_out();
  if (n_out == 0) return;
  const int64_t total = n_out * p.n_red();
  if (p.simple && n_out == 1) {
    // One output: split the run over threads, merge partials in order.
    int threads = total >= kParallelGrain ? omp_get_max_threads() : 1;
    if (threads <= 1) {
      Acc a = op.init(0);
      reduce_run(op, a, x, p.red, 0);
      op.finish(0, a);
      return;
    }
    std::vector<Acc> partial(static_cast<size_t>(threads), op.init(0));
    const int64_t chunk = (p.red + threads - 1) / threads;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int t = 0; t < threads; ++t) {
      const int64_t lo = t * chunk, hi = std::min(p.red, lo + chunk);
      Acc a = op.init(0);
      if (hi > lo) reduce_run(op, a, x + lo, hi - lo, lo);
      partial[static_cast<size_t>(t)] = a;
    }
    Acc a = partial[0];
    for (int t = 1; t < threads; ++t) op.merge(a, partial[static_cast<size_t>(t)]);
    op.finish(0, a);
    return;
  }
  if (p.simple && p.inner == 1 && p.red < short_row_of<R>::value) {
    // Short rows, kRowGroup at a time, stepped together: each row's steps form a chain of
    // dependent additions (or comparisons), and interleaving rows lets their chains overlap.
    const int64_t groups = (p.outer + kRowGroup - 1) / kRowGroup;
    NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t grp = 0; grp < groups; ++grp) {
        const int64_t o0 = grp * kRowGroup, rows = std::min(kRowGroup, p.outer - o0);
        Acc acc[kRowGroup];
        for (int64_t j = 0; j < rows; ++j) acc[j] = op.init(o0 + j);
        const T* base = x + o0 * p.red;
        if (rows == kRowGroup) {
          for (int64_t r = 0; r < p.red; ++r)
            for (int64_t j = 0; j < kRowGroup; ++j) op.step(acc[j], base[j * p.red + r], r);
        } else {
          for (int64_t j = 0; j < rows; ++j)
            for (int64_t r = 0; r < p.red; ++r) op.step(acc[j], base[j * p.red + r], r);
        }
        for (int64_t j = 0; j < rows; ++j) op.finish(o0 + j, acc[j]);
      }
    );
    return;
  }
  if (p.simple && p.inner == 1) {
    NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t o = 0; o < p.outer; ++o) {
        Acc a = op.init(o);
        reduce_run(op, a, x + o * p.red, p.red, 0);
        op.finish(o, a);
      }
    );
    return;
  }
  if (p.simple) {
    const int64_t blocks = (p.inner + kColumnBlock - 1) / kColumnBlock;
    NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t ob = 0; ob < p.outer * blocks; ++ob) {
        const int64_t o = ob / blocks, i0 = (ob % blocks) * kColumnBlock;
        const int64_t len = std::min(kColumnBlock, p.inner - i0);
        Acc acc[kColumnBlock];
        for (int64_t j = 0; j < len; ++j) acc[j] = op.init(o * p.inner + i0 + j);
        for (int64_t r = 0; r < p.red; ++r) {
          const T* col = x + (o * p.red + r) * p.inner + i0;
          if constexpr (has_cols<R, T>::value) op.cols(acc, col, len, r);
          else for (int64_t j = 0; j < len; ++j) op.step(acc[j], col[j], r);
        }
        for (int64_t j = 0; j < len; ++j) op.finish(o * p.inner + i0 + j, acc[j]);
      }
    );
    return;
  }
  const int64_t rows = static_cast<int64_t>(p.red_off.size());
  NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t o = 0; o < n_out; ++o) {
      const T* base = x + p.kept_off[static_cast<size_t>(o)];
      Acc a = op.init(o);
      for (int64_t r = 0; r < rows; ++r) reduce_run(op, a, base + p.red_off[static_cast<size_t>(r)], p.row, r * p.row);
      op.finish(o, a);
    }
  );
}

// ---- reducers ----

// Float rows are summed in vector lanes over blocks of 256 and the blocks in double (a plain float
// running sum of a long row loses digits that PyTorch's cascade sum keeps); integers in int64.
template <typename T, typename Out>
struct SumReducer {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  static constexpr int64_t kShortRow = 64;
  Out* out;
  double scale;  // 1 for sum, 1/n for mean
  Acc init(int64_t) const { return 0; }
  void step(Acc& a, T v, int64_t) const { a += static_cast<Acc>(v); }
  void row(Acc& a, const T* p, int64_t n, int64_t) const {
    if constexpr (std::is_same_v<T, float>) {
      a += vmath::sum(p, n);
    } else {
      Acc s = 0;
      for (int64_t i = 0; i < n; ++i) s += static_cast<Acc>(p[i]);
      a += s;
    }
  }
  void merge(Acc& a, const Acc& b) const { a += b; }
  void finish(int64_t o, const Acc& a) const {
    if constexpr (std::is_floating_point_v<T>) out[o] = static_cast<Out>(a * scale);
    else out[o] = static_cast<Out>(a);
  }
};

// Sum of squared deviations from a per-output mean computed by a first pass (two passes are
// more accurate than one-pass formulas); finish divides by max(0, n - correction) like PyTorch.
// For std it also writes the gradient factor 1 / ((n − correction)·std), 0 where std is 0
// (PyTorch's std_backward masks those), which std's backward reads as a hidden output.
struct SquaredDeviationReducer {
  struct Acc {
    double mean = 0, sum = 0;
  };
  const double* means;
  float* out;
  float* grad_factor;  // std only
  double n_minus_correction;
  bool root;
  Acc init(int64_t o) const { return {means[o], 0.0}; }
  void step(Acc& a, float v, int64_t) const {
    double d = static_cast<double>(v) - a.mean;
    a.sum += d * d;
  }
  void row(Acc& a, const float* p, int64_t n, int64_t) const {
    a.sum += vmath::sum_sq_dev(p, static_cast<float>(a.mean), n);
  }
  void merge(Acc& a, const Acc& b) const { a.sum += b.sum; }
  void finish(int64_t o, const Acc& a) const {
    double var = a.sum / std::max(0.0, n_minus_correction);
    if (!root) {
      out[o] = static_cast<float>(var);
      return;
    }
    const float s = static_cast<float>(std::sqrt(var));
    out[o] = s;
    grad_factor[o] = s == 0.f ? 0.f : static_cast<float>(1.0 / (n_minus_correction * s));
  }
};

template <typename T>
inline bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

// max/min with the index of the first extreme element; NaN counts as the extreme (it wins and
// propagates), as in PyTorch.
template <typename T, bool kMax>
struct ExtremeReducer {
  struct Acc {
    T best{};
    int64_t index = -1;
  };
  T* values;         // may be null (argmax/argmin)
  int64_t* indices;  // may be null (max/min over everything)
  static bool better(T v, T best) {
    if (is_nan(best)) return false;
    if (is_nan(v)) return true;
    return kMax ? v > best : v < best;
  }
  Acc init(int64_t) const { return {}; }
  void step(Acc& a, T v, int64_t r) const {
    if (a.index < 0 || better(v, a.best)) {
      a.best = v;
      a.index = r;
    }
  }
  void merge(Acc& a, const Acc& b) const {
    if (b.index >= 0 && (a.index < 0 || better(b.best, a.best))) a = b;
  }
  // Floats: the extreme value in four lanes, then the first position holding it.
  template <typename U = T, typename = std::enable_if_t<std::is_same_v<U, float>>>
  void row(Acc& a, const float* p, int64_t n, int64_t r0) const {
    if (n == 0) return;
    const float best = kMax ? vmath::max(p, n) : vmath::min(p, n);
    int64_t i = 0;
    if (best != best) {
      while (p[i] == p[i]) ++i;
    } else {
      while (p[i] != best) ++i;
    }
    merge(a, Acc{p[i], r0 + i});
  }
  void finish(int64_t o, const Acc& a) const {
    if (values) values[o] = a.best;
    if (indices) indices[o] = a.index;
  }
};

// log Σ exp(x − m) + m with m the (NaN-propagating) maximum, taken as 0 when infinite, like
// PyTorch: an all −inf slice gives −inf, a +inf gives +inf, an empty one −inf.
struct MaxShiftReducer {
  using Acc = float;
  float* shift;
  Acc init(int64_t) const { return -std::numeric_limits<float>::infinity(); }
  void step(Acc& a, float v, int64_t) const {
    if (!std::isnan(a) && (std::isnan(v) || v > a)) a = v;
  }
  void row(Acc& a, const float* p, int64_t n, int64_t) const { step(a, vmath::max(p, n), 0); }
  void merge(Acc& a, const Acc& b) const { step(a, b, 0); }
  void finish(int64_t o, const Acc& a) const { shift[o] = std::isinf(a) ? 0.f : a; }
};

struct SumExpReducer {
  struct Acc {
    float shift = 0;
    double sum = 0;
  };
  const float* shift;
  float* out;
  Acc init(int64_t o) const { return {shift[o], 0.0}; }
  void step(Acc& a, float v, int64_t) const { a.sum += vmath::exp(v - a.shift); }
  void row(Acc& a, const float* p, int64_t n, int64_t) const { a.sum += vmath::exp_sum(p, a.shift, nullptr, n); }
  void cols(Acc* acc, const float* col, int64_t len, int64_t) const {
    alignas(16) float buf[kColumnBlock];
    for (int64_t j = 0; j < len; ++j) buf[j] = col[j] - acc[j].shift;
    vmath::exp(buf, buf, len);
    for (int64_t j = 0; j < len; ++j) acc[j].sum += buf[j];
  }
  void merge(Acc& a, const Acc& b) const { a.sum += b.sum; }
  void finish(int64_t o, const Acc& a) const { out[o] = static_cast<float>(std::log(a.sum)) + a.shift; }
};

void check_not_empty(const ReducePlan& p, const char* what) {
  NS_CHECK(p.n_out() == 0 || p.n_red() > 0, value, std::string("cannot compute ") + what + " over an empty dimension (it has no identity)");
}

}  // namespace

void sum(OpCall& call) {
  auto attrs = core::SumAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  ReducePlan p = plan_reduction(in.shape, attrs.dims);
  if (in.dtype == DType::float32) {
    SumReducer<float, float> op{out.data<float>(), 1.0};
    run_reduce(p, in.data<float>(), op);
    return;
  }
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    SumReducer<T, int64_t> op{out.data<int64_t>(), 1.0};
    run_reduce(p, in.data<T>(), op);
  });
}

void mean(OpCall& call) {
  auto attrs = core::MeanAttrs::decode(call.reader());
  const auto& in = call.in(0);
  ReducePlan p = plan_reduction(in.shape, attrs.dims);
  // An empty reduction is 0/0: NaN, as in PyTorch.
  SumReducer<float, float> op{call.out(0).data<float>(), 1.0 / static_cast<double>(p.n_red())};
  run_reduce(p, in.data<float>(), op);
}

namespace {

void variance(const OpCall& call, const std::vector<int64_t>& dims, double correction, bool root) {
  const auto& in = call.in(0);
  ReducePlan p = plan_reduction(in.shape, dims);
  const int64_t n = p.n_red();
  std::vector<double> means(static_cast<size_t>(p.n_out()));
  // The first pass writes means in double (SumReducer's Out is the output type).
  SumReducer<float, double> mean_op{means.data(), 1.0 / static_cast<double>(n)};
  run_reduce(p, in.data<float>(), mean_op);
  SquaredDeviationReducer dev{means.data(), call.out(0).data<float>(), root ? call.out(1).data<float>() : nullptr,
                              static_cast<double>(n) - correction, root};
  run_reduce(p, in.data<float>(), dev);
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
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* values = with_values ? call.out(0).data<T>() : nullptr;
    int64_t* indices = with_indices ? call.out(with_values ? 1 : 0).data<int64_t>() : nullptr;
    ExtremeReducer<T, kMax> op{values, indices};
    run_reduce(p, in.data<T>(), op);
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
  ReducePlan p = plan_reduction(in.shape, a.dims);
  std::vector<float> shift(static_cast<size_t>(p.n_out()));
  MaxShiftReducer max_op{shift.data()};
  run_reduce(p, in.data<float>(), max_op);
  SumExpReducer sum_op{shift.data(), call.out(0).data<float>()};
  run_reduce(p, in.data<float>(), sum_op);
}

// d logsumexp / dx = g · exp(x − result): grad and result have the reduced shape (kept dims
// dense, keepdim or not), the output the input's; one pass through the reduction plan.
void logsumexpBackward(OpCall& call) {
  auto a = core::LogsumexpBackwardAttrs::decode(call.reader());
  const float* g = call.in(0).data<float>();
  const auto& in = call.in(1);
  const float* x = in.data<float>();
  const float* res = call.in(2).data<float>();
  float* dst = call.out(0).data<float>();
  ReducePlan p = plan_reduction(in.shape, a.dims);
  const int64_t total = in.numel();
  if (total == 0) return;
  if (p.simple) {
    const int64_t R = p.red, I = p.inner;
    NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
      for (int64_t o = 0; o < p.outer; ++o) {
        for (int64_t r = 0; r < R; ++r) {
          const int64_t base = (o * R + r) * I;
          const float* go = g + o * I;
          const float* ro = res + o * I;
          for (int64_t i = 0; i < I; ++i) dst[base + i] = x[base + i] - ro[i];
          vmath::exp(dst + base, dst + base, I);
          for (int64_t i = 0; i < I; ++i) dst[base + i] *= go[i];
        }
      }
    );
    return;
  }
  const int64_t n_out = p.n_out(), n_red = p.n_red();
  NS_PARALLEL_IF(total >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t o = 0; o < n_out; ++o) {
      for (int64_t r = 0; r < n_red; ++r) {
        const int64_t k = p.offset(o, r);
        dst[k] = g[o] * vmath::exp(x[k] - res[o]);
      }
    }
  );
}

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
  float* dst = out.data<float>();
  const float* src = g.data<float>();
  const int64_t* ix = idx.data<int64_t>();
  const int64_t n = out.numel(), m = outer * inner;
  std::memset(dst, 0, sizeof(float) * static_cast<size_t>(n));
  std::atomic<int64_t> bad{-1};
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t k = 0; k < m; ++k) {
      const int64_t j = ix[k];
      if (j < 0 || j >= size) {
        bad.store(k);
        continue;
      }
      const int64_t o = k / inner, i = k % inner;
      dst[(o * size + j) * inner + i] = src[k];
    }
  );
  if (bad.load() >= 0) {
    NS_THROW(value, "indices[" + std::to_string(bad.load()) + "] = " + std::to_string(ix[bad.load()]) + " is out of range for dimension " +
                        std::to_string(dim) + " of size " + std::to_string(size));
  }
}

// The gradient of a full max/min: shared evenly by every element equal to the result (NaN
// matching NaN), as PyTorch's evenly_distribute_backward does.
void evenlyDistributeBackward(OpCall& call) {
  const float g = call.in(0).data<float>()[0];
  const auto& in = call.in(1);
  const float v = call.in(2).data<float>()[0];
  const float* x = in.data<float>();
  float* dst = call.out(0).data<float>();
  const int64_t n = in.numel();
  const bool v_nan = std::isnan(v);
  auto hit = [&](float e) { return v_nan ? std::isnan(e) : e == v; };
  int64_t count = 0;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd reduction(+ : count) schedule(static)",
    for (int64_t i = 0; i < n; ++i) count += hit(x[i]) ? 1 : 0;
  );
  const float share = g / static_cast<float>(count);
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) dst[i] = hit(x[i]) ? share : 0.f;
  );
}

}  // namespace nutshell::cpu
