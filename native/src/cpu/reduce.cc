// Reductions over any set of dims. The input is viewed as [outer, reduced…, inner] blocks by
// permuting nothing: reduced dims are iterated through strides, kept dims give the output index.
#include <vector>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::Shape;

// Calls visit(out_index, in_offsets_of_reduced_elements…) by walking the input once in order
// and accumulating into the output position that each element maps to.
template <typename Acc, typename In, typename Out, typename Init, typename Step, typename Finish>
void reduce_dims(const core::TensorRef& in, const core::TensorRef& out, const std::vector<int64_t>& dims_in, Init init, Step step, Finish finish) {
  int rank = in.rank();
  std::vector<bool> reduced(rank, dims_in.empty());
  for (int64_t d : dims_in) reduced[d < 0 ? d + rank : d] = true;
  // Output strides over the input's dims (0 along reduced dims).
  Shape out_shape_full;
  for (int d = 0; d < rank; ++d) out_shape_full.push_back(reduced[d] ? 1 : in.shape[d]);
  Shape ostrides = broadcast_strides(out_shape_full, in.shape);
  int64_t n_out = out.numel();
  std::vector<Acc> acc(static_cast<size_t>(n_out), init());
  const In* src = in.data<In>();
  std::array<Shape, 1> strides{ostrides};
  // Parallelising would race on acc; reductions large enough to matter are rows (inner dim
  // reduced) or columns, and a single pass is memory-bound anyway.
  int64_t total = in.numel();
  if (total > 0) {
    int64_t inner = rank ? in.shape[rank - 1] : 1;
    int64_t rows = total / inner;
    int64_t inner_stride = rank ? ostrides[rank - 1] : 0;
    for (int64_t row = 0; row < rows; ++row) {
      int64_t rem = row, o = 0;
      for (int d = rank - 2; d >= 0; --d) {
        int64_t idx = rem % in.shape[d];
        rem /= in.shape[d];
        o += idx * ostrides[d];
      }
      const In* p = src + row * inner;
      if (inner_stride == 0) {
        Acc a = acc[o];
        for (int64_t i = 0; i < inner; ++i) a = step(a, p[i], i);
        acc[o] = a;
      } else {
        for (int64_t i = 0; i < inner; ++i) acc[o + i] = step(acc[o + i], p[i], i);
      }
    }
  }
  Out* dst = out.data<Out>();
  for (int64_t i = 0; i < n_out; ++i) dst[i] = finish(acc[i]);
}

}  // namespace

void sum(OpCall& call) {
  auto attrs = core::SumAttrs::decode(call.reader());
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  if (in.dtype == core::DType::float32) {
    // Accumulate in double: float sums of long rows lose digits PyTorch's pairwise sum keeps.
    reduce_dims<double, float, float>(in, out, attrs.dims, [] { return 0.0; },
                                      [](double a, float v, int64_t) { return a + v; },
                                      [](double a) { return static_cast<float>(a); });
    return;
  }
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    reduce_dims<int64_t, T, int64_t>(in, out, attrs.dims, [] { return int64_t{0}; },
                                     [](int64_t a, T v, int64_t) { return a + static_cast<int64_t>(v); },
                                     [](int64_t a) { return a; });
  });
}

}  // namespace nutshell::cpu
