// Matrix products on cuBLAS: matmul (PyTorch's rules: vectors, broadcast batch dims, and the
// hidden transA/transB attributes that read an operand's last two dims swapped) and linear
// (x·Wᵀ + b with PyTorch's [out, in] weight; bias fused by cuBLASLt's BIAS epilogue).
//
// Note [row-major on cuBLAS]: cuBLAS is column-major. A dense row-major [r, c] matrix is, to
// cuBLAS, the column-major [c, r] matrix Mᵀ with leading dimension c. So C = op(A)·op(B)
// (row-major [m, n]) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ (column-major [n, m], ldc = n):
// cuBLAS's first operand is our B (no transpose when B is plain: its column-major view already is
// Bᵀ; ld n, or ld k when transB), the second our A (ld k, or ld m when transA).
//
// Batches: the batch dims are broadcast and merged exactly as cpu/matmul.cc does (neighbouring
// dims that broadcast alike merge); the innermost merged dim becomes cublasSgemmStridedBatched's
// batch (stride 0 for an operand broadcast along it), the outer ones a host loop. Every call uses
// the 64-bit-size variants, and CUBLAS_DEFAULT_MATH (no TF32), so results match cpu's float32.
#include <cublasLt.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "../gen/cuda_kernels.gen.h"
#include "check.h"
#include "context.h"
#include "cudnn_layer.h"
#include "dnn_kernels.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using core::Shape;

struct Problem {
  std::vector<int64_t> batch;            // merged batch dims of C
  std::vector<bool> a_full, b_full;      // whether A / B has that dim (else broadcast)
  std::vector<int64_t> a_stride, b_stride;  // element strides of those dims in A and B
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
};

// Broadcasts and merges the batch shapes of A and B (dense, each with an m·k / k·n block below).
void set_batches(Problem& p, const Shape& a_batch, const Shape& b_batch) {
  const size_t rank = std::max(a_batch.size(), b_batch.size());
  struct Dim {
    int64_t size;
    bool a_full, b_full;
  };
  std::vector<Dim> dims;
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i + a_batch.size() >= rank ? a_batch[i + a_batch.size() - rank] : 1;
    const int64_t db = i + b_batch.size() >= rank ? b_batch[i + b_batch.size() - rank] : 1;
    NS_CHECK(da == db || da == 1 || db == 1, shape, "batch dims " + core::shape_str(a_batch) + " and " + core::shape_str(b_batch) + " cannot be broadcast");
    const int64_t d = da == 1 ? db : da;
    if (d == 1) continue;
    Dim dim{d, da != 1, db != 1};
    if (!dims.empty() && dims.back().a_full == dim.a_full && dims.back().b_full == dim.b_full) dims.back().size *= d;
    else dims.push_back(dim);
  }
  int64_t sa = p.m * p.k, sb = p.k * p.n;
  const size_t r = dims.size();
  p.batch.assign(r, 1);
  p.a_full.assign(r, false);
  p.b_full.assign(r, false);
  p.a_stride.assign(r, 0);
  p.b_stride.assign(r, 0);
  for (size_t i = r; i-- > 0;) {
    p.batch[i] = dims[i].size;
    p.a_full[i] = dims[i].a_full;
    p.b_full[i] = dims[i].b_full;
    if (dims[i].a_full) {
      p.a_stride[i] = sa;
      sa *= dims[i].size;
    }
    if (dims[i].b_full) {
      p.b_stride[i] = sb;
      sb *= dims[i].size;
    }
  }
}

// c = op(a)·op(b), c dense [batch…, m, n]; Note [row-major on cuBLAS].
void run(DeviceContext& ctx, const Problem& p, const float* a, const float* b, float* c) {
  int64_t batch = 1;
  for (int64_t d : p.batch) batch *= d;
  if (batch == 0 || p.m == 0 || p.n == 0) return;
  if (p.k == 0) {  // the empty sum
    NS_CUDA_CHECK(cudaMemsetAsync(c, 0, static_cast<size_t>(batch * p.m * p.n) * sizeof(float), ctx.stream));
    return;
  }
  const float one = 1.0f, zero = 0.0f;
  const cublasOperation_t op_b = p.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_a = p.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  const int64_t ld_b = p.trans_b ? p.k : p.n;
  const int64_t ld_a = p.trans_a ? p.m : p.k;
  const size_t r = p.batch.size();
  // The innermost merged dim is cuBLAS's batch; the others are iterated here.
  const int64_t inner = r ? p.batch[r - 1] : 1;
  const long long stride_a = r && p.a_full[r - 1] ? p.a_stride[r - 1] : 0;
  const long long stride_b = r && p.b_full[r - 1] ? p.b_stride[r - 1] : 0;
  const long long stride_c = p.m * p.n;
  const int64_t outer = batch / inner;
  std::vector<int64_t> idx(r > 0 ? r - 1 : 0, 0);
  for (int64_t o = 0; o < outer; ++o) {
    int64_t off_a = 0, off_b = 0;
    for (size_t i = 0; i + 1 < r; ++i) {
      if (p.a_full[i]) off_a += idx[i] * p.a_stride[i];
      if (p.b_full[i]) off_b += idx[i] * p.b_stride[i];
    }
    NS_CUBLAS_CHECK(cublasSgemmStridedBatched_64(ctx.cublas, op_b, op_a, p.n, p.m, p.k, &one, b + off_b, ld_b, stride_b, a + off_a, ld_a, stride_a,
                                                 &zero, c + o * inner * stride_c, p.n, stride_c, inner));
    for (size_t i = idx.size(); i-- > 0;) {  // odometer over the outer dims
      if (++idx[i] < p.batch[i]) break;
      idx[i] = 0;
    }
  }
}

// ---- cuBLASLt for linear ----

// One cuBLASLt handle per device, made on first use (cuBLAS's handle in the DeviceContext is
// the classic API's). Handles live as long as the process, like the contexts.
cublasLtHandle_t lt_handle(int device) {
  static std::mutex mutex;
  static std::map<int, cublasLtHandle_t> handles;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = handles.find(device);
  if (it != handles.end()) return it->second;
  cublasLtHandle_t h = nullptr;
  NS_CUBLAS_CHECK(cublasLtCreate(&h));
  handles[device] = h;
  return h;
}

template <typename T, cublasStatus_t (*Destroy)(T)>
struct LtObject {
  T obj = nullptr;
  ~LtObject() {
    if (obj) Destroy(obj);
  }
};

struct LtChoice {
  bool ok = false;
  cublasLtMatmulAlgo_t algo{};
  size_t workspace = 0;
};

constexpr size_t kLtMaxWorkspace = size_t{32} << 20;

// out [m, n] = x [m, k] · w [n, k]ᵀ + bias [n], fused. Returns false when cuBLASLt offers no
// algorithm for it (the caller then runs the plain path).
bool linear_lt(DeviceContext& ctx, int64_t m, int64_t n, int64_t k, const float* x, const float* w, const float* bias, float* out) {
  // Column-major view (Note [row-major on cuBLAS]): D [n, m] = op(W)[n, k] · X[k, m] + bias[n],
  // W's storage being the column-major [k, n] matrix (transposed by TRANSA), X's [k, m].
  LtObject<cublasLtMatmulDesc_t, cublasLtMatmulDescDestroy> desc;
  LtObject<cublasLtMatrixLayout_t, cublasLtMatrixLayoutDestroy> la, lb, lc;
  LtObject<cublasLtMatmulPreference_t, cublasLtMatmulPreferenceDestroy> pref;
  NS_CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc.obj, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
  NS_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc.obj, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof(ta)));
  NS_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc.obj, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof(tb)));
  const cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_BIAS;
  NS_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc.obj, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof(epilogue)));
  NS_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc.obj, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
  NS_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la.obj, CUDA_R_32F, static_cast<uint64_t>(k), static_cast<uint64_t>(n), k));
  NS_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb.obj, CUDA_R_32F, static_cast<uint64_t>(k), static_cast<uint64_t>(m), k));
  NS_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lc.obj, CUDA_R_32F, static_cast<uint64_t>(n), static_cast<uint64_t>(m), n));
  NS_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref.obj));
  NS_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref.obj, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &kLtMaxWorkspace, sizeof(kLtMaxWorkspace)));

  cublasLtHandle_t lt = lt_handle(ctx.index);
  // The heuristic's answer depends on the shapes only (pointers are not read): cached by shape.
  static std::mutex mutex;
  static std::map<std::string, LtChoice> cache;
  const std::string key = std::to_string(ctx.index) + ":" + std::to_string(m) + "," + std::to_string(n) + "," + std::to_string(k);
  LtChoice choice;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) {
      choice = it->second;
    } else {
      cublasLtMatmulHeuristicResult_t result{};
      int returned = 0;
      cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(lt, desc.obj, la.obj, lb.obj, lc.obj, lc.obj, pref.obj, 1, &result, &returned);
      if (st == CUBLAS_STATUS_SUCCESS && returned > 0 && result.state == CUBLAS_STATUS_SUCCESS) {
        choice.ok = true;
        choice.algo = result.algo;
        choice.workspace = result.workspaceSize;
      } else if (st != CUBLAS_STATUS_SUCCESS && st != CUBLAS_STATUS_NOT_SUPPORTED) {
        NS_THROW(backend, std::string(cublas_status_name(st)) + " (cublasLtMatmulAlgoGetHeuristic)");
      }
      cache[key] = choice;
    }
  }
  if (!choice.ok) return false;
  dnn::Scratch workspace(ctx, choice.workspace);
  const float one = 1.0f, zero = 0.0f;
  cublasStatus_t st = cublasLtMatmul(lt, desc.obj, &one, w, la.obj, x, lb.obj, &zero, out, lc.obj, out, lc.obj, &choice.algo, workspace.data(),
                                     choice.workspace, ctx.stream);
  // Refused before launching (e.g. an operand less aligned than the heuristic assumed): the
  // plain path serves.
  if (st == CUBLAS_STATUS_NOT_SUPPORTED || st == CUBLAS_STATUS_INVALID_VALUE) return false;
  NS_CUBLAS_CHECK(st);
  return true;
}

}  // namespace

void matmul(OpCall& call) {
  auto attrs = core::MatmulAttrs::decode(call.reader());
  const auto& a = call.in(0);
  const auto& b = call.in(1);
  Problem p;
  p.trans_a = attrs.transA;
  p.trans_b = attrs.transB;
  NS_CHECK(a.rank() >= 1 && b.rank() >= 1, shape, "both arguments need at least 1 dimension");
  NS_CHECK(!(p.trans_a && a.rank() < 2) && !(p.trans_b && b.rank() < 2), shape, "transposed operands need at least 2 dimensions");
  // A vector is a one-row (left) or one-column (right) matrix whose extra dim the result drops.
  const int ra = a.rank(), rb = b.rank();
  p.m = ra == 1 ? 1 : (p.trans_a ? a.shape[ra - 1] : a.shape[ra - 2]);
  p.k = ra == 1 ? a.shape[0] : (p.trans_a ? a.shape[ra - 2] : a.shape[ra - 1]);
  const int64_t kb = rb == 1 ? b.shape[0] : (p.trans_b ? b.shape[rb - 1] : b.shape[rb - 2]);
  p.n = rb == 1 ? 1 : (p.trans_b ? b.shape[rb - 2] : b.shape[rb - 1]);
  NS_CHECK(kb == p.k, shape, "inner dimensions differ (" + std::to_string(p.k) + " vs " + std::to_string(kb) + ")");
  Shape a_batch(a.shape.begin(), a.shape.end() - std::min(ra, 2));
  Shape b_batch(b.shape.begin(), b.shape.end() - std::min(rb, 2));
  set_batches(p, a_batch, b_batch);
  run(context_of(call), p, a.data<float>(), b.data<float>(), call.out(0).data<float>());
}

void linear(OpCall& call) {
  const auto& x = call.in(0);
  const auto& w = call.in(1);
  const auto& bias = call.in(2);
  const auto& y = call.out(0);
  NS_CHECK(w.rank() == 2 && bias.numel() == w.shape[0], shape, "linear expected weight [out, in] and bias [out]");
  const int64_t n = w.shape[0], k = w.shape[1];
  const int64_t m = n ? y.numel() / n : 0;  // rows: x's leading dims, flattened
  if (m == 0 || n == 0) return;
  DeviceContext& ctx = context_of(call);
  if (k > 0 && linear_lt(ctx, m, n, k, x.data<float>(), w.data<float>(), bias.data<float>(), y.data<float>())) return;
  // Plain path (no inputs, or no cuBLASLt algorithm): y = bias rows, then y += x·Wᵀ.
  NS_CUDA_CHECK(dnn::fill_channels(y.data<float>(), bias.data<float>(), m, n, 1, ctx.stream));
  if (k == 0) return;
  const float one = 1.0f;
  NS_CUBLAS_CHECK(cublasSgemm_v2_64(ctx.cublas, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &one, w.data<float>(), k, x.data<float>(), k, &one, y.data<float>(), n));
}

}  // namespace nutshell::cuda
