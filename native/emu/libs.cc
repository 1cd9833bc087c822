// The cuda emulator's cuBLAS and cuDNN odds and ends (Note [cuda emulation] in ns_emu.h): versions
// and error strings, and cuBLAS's float GEMMs as plain loops (so matmul and linear, and the
// row-major ↔ column-major mapping of Note [row-major on cuBLAS], are tested). cuDNN's math is in
// dnn.cc and rnn.cc; every other function the backend names is a weak stub from gen_stubs.py
// (handles and descriptors created and destroyed, NOT_SUPPORTED for anything else, which
// cudnnGetLastErrorString below then names).
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cudnn.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "streams.h"

namespace {
thread_local std::string last_unsupported;
}

extern "C" void ns_emu_unsupported(const char* name) { last_unsupported = name; }
// Descriptors and handles are opaque to their users: any distinct non-null pointer serves; a
// handle keeps the stream its calls are ordered on.
namespace {
struct Handle {
  cudaStream_t stream = nullptr;
};
}  // namespace
extern "C" void* ns_emu_new_handle() { return new Handle(); }
extern "C" void ns_emu_free_handle(void* p) { delete static_cast<Handle*>(p); }
cudaStream_t ns_emu::stream_of(const void* handle) { return handle ? static_cast<const Handle*>(handle)->stream : nullptr; }

extern "C" {

size_t cudnnGetVersion() { return CUDNN_VERSION; }
const char* cudnnGetErrorString(cudnnStatus_t s) {
  switch (s) {
    case CUDNN_STATUS_SUCCESS: return "CUDNN_STATUS_SUCCESS";
    case CUDNN_STATUS_NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
    case CUDNN_STATUS_BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
    default: return "CUDNN_STATUS (emulated)";
  }
}
void cudnnGetLastErrorString(char* message, size_t max) {
  if (!max) return;
  const std::string text = last_unsupported.empty() ? "" : "the cuda emulator does not run cuDNN's " + last_unsupported;
  std::snprintf(message, max, "%s", text.c_str());
  last_unsupported.clear();
}

cudnnStatus_t cudnnSetStream(cudnnHandle_t h, cudaStream_t s) {
  reinterpret_cast<Handle*>(h)->stream = s;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetStream(cudnnHandle_t h, cudaStream_t* s) {
  *s = reinterpret_cast<Handle*>(h)->stream;
  return CUDNN_STATUS_SUCCESS;
}
cublasStatus_t cublasSetStream_v2(cublasHandle_t h, cudaStream_t s) {
  reinterpret_cast<Handle*>(h)->stream = s;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGetStream_v2(cublasHandle_t h, cudaStream_t* s) {
  *s = reinterpret_cast<Handle*>(h)->stream;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetVersion_v2(cublasHandle_t, int* version) {
  *version = CUBLAS_VERSION;
  return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"

namespace {

// Column-major C[m×n] = alpha·op(A)·op(B) + beta·C, as cuBLAS defines it.
cublasStatus_t gemm(cudaStream_t stream, cublasOperation_t ta, cublasOperation_t tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                    int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m < 0 || n < 0 || k < 0) return CUBLAS_STATUS_INVALID_VALUE;
  const bool at = ta != CUBLAS_OP_N, bt = tb != CUBLAS_OP_N;
  if (lda < std::max<int64_t>(1, at ? k : m) || ldb < std::max<int64_t>(1, bt ? n : k) || ldc < std::max<int64_t>(1, m)) {
    std::fprintf(stderr, "cuda-emu: sgemm with a leading dimension below its minimum (m %lld n %lld k %lld, lda %lld ldb %lld ldc %lld)\n",
                 static_cast<long long>(m), static_cast<long long>(n), static_cast<long long>(k), static_cast<long long>(lda),
                 static_cast<long long>(ldb), static_cast<long long>(ldc));
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  // Column-major extents: the last column's start plus its rows (nothing when empty).
  auto extent = [](int64_t rows, int64_t cols, int64_t ld) { return rows > 0 && cols > 0 ? ns_emu::words((cols - 1) * ld + rows) : size_t{0}; };
  if (!ns_emu::device_spans("cublasSgemm", {{"A", a, k > 0 ? extent(at ? k : m, at ? m : k, lda) : 0},
                                            {"B", b, k > 0 ? extent(bt ? n : k, bt ? k : n, ldb) : 0},
                                            {"C", c, extent(m, n, ldc)}}))
    return CUBLAS_STATUS_EXECUTION_FAILED;
  ns_emu::library_work(stream, "cublasSgemm", [=] {
    for (int64_t j = 0; j < n; j++)
      for (int64_t i = 0; i < m; i++) {
        double s = 0;
        for (int64_t p = 0; p < k; p++) s += static_cast<double>(at ? a[p + i * lda] : a[i + p * lda]) * (bt ? b[j + p * ldb] : b[p + j * ldb]);
        float& out = c[i + j * ldc];
        out = static_cast<float>(alpha * s + (beta == 0.0f ? 0.0 : static_cast<double>(beta) * out));
      }
  });
  return CUBLAS_STATUS_SUCCESS;
}

}  // namespace

extern "C" {

cublasStatus_t cublasSgemm_v2_64(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int64_t m, int64_t n, int64_t k, const float* alpha,
                                 const float* a, int64_t lda, const float* b, int64_t ldb, const float* beta, float* c, int64_t ldc) {
  return gemm(ns_emu::stream_of(h), ta, tb, m, n, k, *alpha, a, lda, b, ldb, *beta, c, ldc);
}

cublasStatus_t cublasSgemmStridedBatched_64(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int64_t m, int64_t n, int64_t k,
                                            const float* alpha, const float* a, int64_t lda, long long int sa, const float* b, int64_t ldb,
                                            long long int sb, const float* beta, float* c, int64_t ldc, long long int sc, int64_t batches) {
  for (int64_t i = 0; i < batches; i++) {
    const cublasStatus_t s = gemm(ns_emu::stream_of(h), ta, tb, m, n, k, *alpha, a + i * sa, lda, b + i * sb, ldb, *beta, c + i * sc, ldc);
    if (s != CUBLAS_STATUS_SUCCESS) return s;
  }
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* alpha,
                                         const float* a, int lda, long long int sa, const float* b, int ldb, long long int sb, const float* beta,
                                         float* c, int ldc, long long int sc, int batches) {
  return cublasSgemmStridedBatched_64(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batches);
}

}  // extern "C"
