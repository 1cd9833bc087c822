#pragma once
// Activations cuDNN has no mode for (leaky relu, gelu, softplus), elu's forward (its e^x − 1 is
// expm1 near 0, which cuDNN does not promise), and the backward ops cuDNN cannot take from what
// our op receives (elu's backward gets the input, cuDNN's reads the output). Elementwise over n
// floats; formulas mirror cpu/activation.cc.
#include <cuda_runtime.h>

#include <cstdint>

namespace nutshell::cuda::dnn {

cudaError_t elu_forward(const float* x, float* y, int64_t n, float alpha, cudaStream_t stream);
cudaError_t leaky_relu_forward(const float* x, float* y, int64_t n, float slope, cudaStream_t stream);
cudaError_t leaky_relu_backward(const float* g, const float* x, float* dx, int64_t n, float slope, cudaStream_t stream);
cudaError_t elu_backward(const float* g, const float* x, float* dx, int64_t n, float alpha, cudaStream_t stream);
cudaError_t gelu_forward(const float* x, float* y, int64_t n, bool tanh_approx, cudaStream_t stream);
cudaError_t gelu_backward(const float* g, const float* x, float* dx, int64_t n, bool tanh_approx, cudaStream_t stream);
cudaError_t softplus_forward(const float* x, float* y, int64_t n, float beta, float threshold, cudaStream_t stream);
cudaError_t softplus_backward(const float* g, const float* x, float* dx, int64_t n, float beta, float threshold, cudaStream_t stream);

}  // namespace nutshell::cuda::dnn
