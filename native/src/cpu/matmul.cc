// Matrix products on oneDNN's matmul primitive: matmul (PyTorch's rules: vectors, batches with
// broadcasting, and transposed operands read through strides, no copies) and linear (x·Wᵀ + b
// with PyTorch's [out, in] weight, bias fused). Batch broadcasting is oneDNN's own (size-1 batch
// dims); neighbouring batch dims that broadcast alike are merged first, so only pathological
// alternating patterns could exceed oneDNN's 12 dims (refused with a clear error).
//
// Note [linear on matmul]: oneDNN's inner_product wants its weights in a blocked layout, i.e. a
// reorder on every call (weights change every training step), or takes plain weights through its
// slower gemm path; matmul reads Wᵀ through strides and fuses the bias. Measured here (oneDNN 2.6,
// best of 15, on the shared 2-core machine, so ±20%), forward of x·Wᵀ + b:
//   [64,400]·[120,400]ᵀ    1 thread: matmul 99 µs, inner product 106 µs (+reorder) / 107 µs (plain)
//                          2 threads: matmul 118 µs, inner product 629 µs / 361 µs
//   [1024,1024]·[1024,1024]ᵀ 1 thread: matmul 28 ms, inner product 35 ms / 28 ms
// So linear is matmul.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "matmul.h"
#include "onednn.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::Shape;
namespace dn = onednn;

struct Entry {
  dnnl::matmul prim;
  bool reference;  // oneDNN found only its reference implementation
};

dn::dims concat_dims(const dn::dims& head, std::initializer_list<int64_t> tail) {
  dn::dims d = head;
  d.insert(d.end(), tail);
  return d;
}

// Products up to this size run with their row count left to run time (Note [small products keep
// one primitive]): about 50 µs of work on one core, where building a primitive would cost more.
constexpr double kRuntimeRowsMultiplyAdds = 1 << 20;

std::string key_of(const MatmulProblem& p) {
  return "mm:" + dn::key_of(p.batch) + "|" + dn::key_of(p.a_batch) + "|" + dn::key_of(p.b_batch) + "|" + dn::key_of(p.a_stride) + "|" +
         dn::key_of(p.b_stride) + "|" + std::to_string(p.m) + "," + std::to_string(p.n) + "," + std::to_string(p.k) + "," +
         std::to_string(p.trans_a) + std::to_string(p.trans_b) + std::to_string(p.bias) + std::to_string(p.relu);
}

}  // namespace

void set_batches(MatmulProblem& p, const Shape& a_batch, const Shape& b_batch) {
  size_t rank = std::max(a_batch.size(), b_batch.size());
  struct Dim {
    int64_t size;
    bool a_full, b_full;
  };
  std::vector<Dim> dims;
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i + a_batch.size() >= rank ? a_batch[i + a_batch.size() - rank] : 1;
    int64_t db = i + b_batch.size() >= rank ? b_batch[i + b_batch.size() - rank] : 1;
    int64_t d = da == 1 ? db : da;
    if (d == 1) continue;
    Dim dim{d, da != 1, db != 1};
    if (!dims.empty() && dims.back().a_full == dim.a_full && dims.back().b_full == dim.b_full) dims.back().size *= d;
    else dims.push_back(dim);
  }
  int64_t sa = p.m * p.k, sb = p.k * p.n;
  size_t r = dims.size();
  p.batch.assign(r, 1);
  p.a_batch.assign(r, 1);
  p.b_batch.assign(r, 1);
  p.a_stride.assign(r, 0);
  p.b_stride.assign(r, 0);
  for (size_t i = r; i-- > 0;) {
    p.batch[i] = dims[i].size;
    p.a_stride[i] = sa;
    p.b_stride[i] = sb;
    if (dims[i].a_full) {
      p.a_batch[i] = dims[i].size;
      sa *= dims[i].size;
    }
    if (dims[i].b_full) {
      p.b_batch[i] = dims[i].size;
      sb *= dims[i].size;
    }
  }
}

bool run_matmul(const MatmulProblem& p, const float* a, const float* b, const float* bias, float* c, bool reference_ok) {
  int64_t batch = 1;
  for (auto d : p.batch) batch *= d;
  if (batch == 0 || p.m == 0 || p.n == 0) return true;
  if (p.k == 0) {  // oneDNN 2.6 divides by k (SIGFPE): the empty sum is 0
    for (int64_t i = 0; i < batch * p.m; ++i)
      for (int64_t j = 0; j < p.n; ++j) c[i * p.n + j] = p.relu ? std::max(bias ? bias[j] : 0.0f, 0.0f) : (bias ? bias[j] : 0.0f);
    return true;
  }
  size_t r = p.batch.size();
  NS_CHECK(r + 2 <= DNNL_MAX_NDIMS, shape,
           "the batch dims broadcast in too irregular a pattern: " + std::to_string(r) + " remain after merging, oneDNN takes at most " +
               std::to_string(DNNL_MAX_NDIMS - 2));
  dn::dims a_dims = concat_dims(p.a_batch, {p.m, p.k});
  dn::dims a_strides = concat_dims(p.a_stride, {p.trans_a ? 1 : p.k, p.trans_a ? p.m : 1});
  dn::dims b_dims = concat_dims(p.b_batch, {p.k, p.n});
  dn::dims b_strides = concat_dims(p.b_stride, {p.trans_b ? 1 : p.n, p.trans_b ? p.k : 1});
  dn::dims c_dims = concat_dims(p.batch, {p.m, p.n});
  dn::dims bias_dims(r + 2, 1);
  bias_dims.back() = p.n;
  dnnl::memory::desc a_md(a_dims, dn::dt::f32, a_strides);
  dnnl::memory::desc b_md(b_dims, dn::dt::f32, b_strides);
  dnnl::memory::desc c_md = dn::plain_desc(c_dims, dn::dt::f32);
  dnnl::memory::desc bias_md = p.bias ? dn::plain_desc(bias_dims, dn::dt::f32) : dnnl::memory::desc();
  // Note [small products keep one primitive]: every new row count of a small product (each RL
  // episode's length, each serving batch size) cost a primitive built for it — 0.1–0.3 ms, more
  // than the product, and RSS that grew with every size (a user trial: 149 → 276 MiB over 400
  // sizes). A small 2-D product (a linear layer's, any plain matmul's) therefore runs on one
  // primitive with the row count left to run time, oneDNN's gemm kernel (a microsecond or two
  // slower per call than one built for the size). The rule is the shapes', so results are the
  // same run after run.
  const bool rows_at_run_time = r == 0 && !p.trans_a && static_cast<double>(p.m) * p.n * p.k <= kRuntimeRowsMultiplyAdds;
  const std::string key = rows_at_run_time ? "mmrt:" + std::to_string(p.n) + "," + std::to_string(p.k) + "," + std::to_string(p.trans_b) +
                                                 std::to_string(p.bias) + std::to_string(p.relu)
                                           : key_of(p);
  auto entry = dn::cached<Entry>(key, [&] {
    const dnnl::memory::dim any_rows = DNNL_RUNTIME_DIM_VAL;
    const dnnl::memory::desc a_desc = rows_at_run_time ? dnnl::memory::desc({any_rows, p.k}, dn::dt::f32, dn::dims{p.k, 1}) : a_md;
    const dnnl::memory::desc c_desc = rows_at_run_time ? dnnl::memory::desc({any_rows, p.n}, dn::dt::f32, dn::dims{p.n, 1}) : c_md;
    dnnl::matmul::desc desc = p.bias ? dnnl::matmul::desc(a_desc, b_md, bias_md, c_desc) : dnnl::matmul::desc(a_desc, b_md, c_desc);
    dnnl::primitive_attr attr;
    if (p.relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    dnnl::matmul::primitive_desc pd(desc, attr, dn::engine());
    const bool reference = std::string(pd.impl_info_str()).rfind("ref", 0) == 0;
    return std::make_shared<Entry>(Entry{dnnl::matmul(pd), reference});
  });
  if (entry->reference && !reference_ok) return false;
  auto& eng = dn::engine();
  dnnl::memory am(a_md, eng, const_cast<float*>(a));
  dnnl::memory bm(b_md, eng, const_cast<float*>(b));
  dnnl::memory cm(c_md, eng, c);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
  if (p.bias) args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_md, eng, const_cast<float*>(bias)));
  entry->prim.execute(dn::stream(), args);
  dn::stream().wait();
  return true;
}

void matmul(OpCall& call) {
  auto attrs = core::MatmulAttrs::decode(call.reader());
  const auto& a = call.in(0);
  const auto& b = call.in(1);
  MatmulProblem p;
  p.trans_a = attrs.transA;
  p.trans_b = attrs.transB;
  NS_CHECK(a.rank() >= 1 && b.rank() >= 1, shape, "both arguments need at least 1 dimension");
  NS_CHECK(!(p.trans_a && a.rank() < 2) && !(p.trans_b && b.rank() < 2), shape, "transposed operands need at least 2 dimensions");
  // A vector is a one-row (left) or one-column (right) matrix whose extra dim the result drops.
  int ra = a.rank(), rb = b.rank();
  p.m = ra == 1 ? 1 : (p.trans_a ? a.shape[ra - 1] : a.shape[ra - 2]);
  p.k = ra == 1 ? a.shape[0] : (p.trans_a ? a.shape[ra - 2] : a.shape[ra - 1]);
  int64_t kb = rb == 1 ? b.shape[0] : (p.trans_b ? b.shape[rb - 1] : b.shape[rb - 2]);
  p.n = rb == 1 ? 1 : (p.trans_b ? b.shape[rb - 2] : b.shape[rb - 1]);
  NS_CHECK(kb == p.k, shape, "inner dimensions differ (" + std::to_string(p.k) + " vs " + std::to_string(kb) + ")");
  Shape a_batch(a.shape.begin(), a.shape.end() - std::min(ra, 2));
  Shape b_batch(b.shape.begin(), b.shape.end() - std::min(rb, 2));
  set_batches(p, a_batch, b_batch);
  run_matmul(p, a.data<float>(), b.data<float>(), nullptr, call.out(0).data<float>());
}

void linear(OpCall& call) {
  const auto& x = call.in(0);
  const auto& w = call.in(1);
  const auto& bias = call.in(2);
  MatmulProblem p;
  p.k = w.shape[1];
  p.n = w.shape[0];
  p.m = p.n ? call.out(0).numel() / p.n : 0;  // rows: x's leading dims, flattened
  p.trans_b = true;  // W is [out, in]: read as Wᵀ through strides
  p.bias = true;
  set_batches(p, {}, {});
  run_matmul(p, x.data<float>(), w.data<float>(), bias.data<float>(), call.out(0).data<float>());
}

}  // namespace nutshell::cpu
