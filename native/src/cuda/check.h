#pragma once
// Every CUDA, cuDNN and cuBLAS status becomes a core::Error carrying the library's own status name.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <string>

#include "../core/error.h"

namespace nutshell::cuda {

const char* cublas_status_name(cublasStatus_t s);
// cuDNN's status name and, where cuDNN 9 left one on this thread, its own explanation
// (cudnnGetLastErrorString): "CUDNN_STATUS_BAD_PARAM" alone rarely says which argument.
std::string cudnn_status_text(cudnnStatus_t s);

#define NS_CUDA_CHECK(expr)                                                                        \
  do {                                                                                             \
    cudaError_t _e = (expr);                                                                       \
    if (_e != cudaSuccess) {                                                                       \
      (void)cudaGetLastError();                                                                    \
      NS_THROW(backend, std::string(cudaGetErrorName(_e)) + ": " + cudaGetErrorString(_e) + " (" #expr ")"); \
    }                                                                                              \
  } while (0)

#define NS_CUDNN_CHECK(expr)                                                                       \
  do {                                                                                             \
    cudnnStatus_t _s = (expr);                                                                     \
    if (_s != CUDNN_STATUS_SUCCESS) NS_THROW(backend, ::nutshell::cuda::cudnn_status_text(_s) + " (" #expr ")"); \
  } while (0)

#define NS_CUBLAS_CHECK(expr)                                                                      \
  do {                                                                                             \
    cublasStatus_t _s = (expr);                                                                    \
    if (_s != CUBLAS_STATUS_SUCCESS) NS_THROW(backend, std::string(::nutshell::cuda::cublas_status_name(_s)) + " (" #expr ")"); \
  } while (0)

}  // namespace nutshell::cuda
