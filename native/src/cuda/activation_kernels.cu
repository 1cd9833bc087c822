#include "activation_kernels.cuh"

#include <math.h>

namespace nutshell::cuda::dnn {

namespace {

constexpr int kThreads = 256;

inline unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 ? 65535 : b));
}

#define NS_GRID_STRIDE(i, n) \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += static_cast<int64_t>(blockDim.x) * gridDim.x)

constexpr float kSqrt1_2 = 0.70710678118654752f;     // 1/√2
constexpr float kInvSqrt2Pi = 0.39894228040143268f;  // 1/√(2π)
constexpr float kSqrt2_Pi = 0.79788456080286536f;    // √(2/π)
constexpr float kGeluC = 0.044715f;

// log(1 + e^z) without overflow for large z (oneDNN's soft_relu returns z there too).
__device__ inline float log1p_exp(float z) { return z > 0.0f ? z + log1pf(expf(-z)) : log1pf(expf(z)); }
__device__ inline float sigmoid(float z) {
  if (z >= 0.0f) return 1.0f / (1.0f + expf(-z));
  const float e = expf(z);
  return e / (1.0f + e);
}

// e^v − 1 through expm1f below 0: accurate near 0, where e^v − 1 cancels.
__global__ void elu_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t n, float alpha) {
  NS_GRID_STRIDE(i, n) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : alpha * expm1f(v);
  }
}

__global__ void leaky_relu_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t n, float slope) {
  NS_GRID_STRIDE(i, n) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : v * slope;
  }
}

__global__ void leaky_relu_backward_kernel(const float* __restrict__ g, const float* __restrict__ x, float* __restrict__ dx, int64_t n, float slope) {
  NS_GRID_STRIDE(i, n) dx[i] = x[i] > 0.0f ? g[i] : g[i] * slope;
}

__global__ void elu_backward_kernel(const float* __restrict__ g, const float* __restrict__ x, float* __restrict__ dx, int64_t n, float alpha) {
  NS_GRID_STRIDE(i, n) {
    const float v = x[i];
    dx[i] = v > 0.0f ? g[i] : g[i] * alpha * expf(v);
  }
}

__global__ void gelu_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t n, bool tanh_approx) {
  NS_GRID_STRIDE(i, n) {
    const float v = x[i];
    if (tanh_approx) {
      const float u = kSqrt2_Pi * (v + kGeluC * v * v * v);
      y[i] = 0.5f * v * (1.0f + tanhf(u));
    } else {
      y[i] = 0.5f * v * (1.0f + erff(v * kSqrt1_2));
    }
  }
}

__global__ void gelu_backward_kernel(const float* __restrict__ g, const float* __restrict__ x, float* __restrict__ dx, int64_t n, bool tanh_approx) {
  NS_GRID_STRIDE(i, n) {
    const float v = x[i];
    float d;
    if (tanh_approx) {
      const float u = kSqrt2_Pi * (v + kGeluC * v * v * v);
      const float t = tanhf(u);
      const float du = kSqrt2_Pi * (1.0f + 3.0f * kGeluC * v * v);
      d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * du;
    } else {
      d = 0.5f * (1.0f + erff(v * kSqrt1_2)) + v * kInvSqrt2Pi * expf(-0.5f * v * v);
    }
    dx[i] = g[i] * d;
  }
}

// PyTorch: x where beta·x > threshold, else log(1 + e^(beta·x)) / beta.
__global__ void softplus_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t n, float beta, float threshold) {
  NS_GRID_STRIDE(i, n) {
    const float v = x[i];
    const float z = v * beta;
    y[i] = z > threshold ? v : log1p_exp(z) / beta;
  }
}

// grad where beta·x > threshold, else grad·σ(beta·x).
__global__ void softplus_backward_kernel(const float* __restrict__ g, const float* __restrict__ x, float* __restrict__ dx, int64_t n, float beta,
                                         float threshold) {
  NS_GRID_STRIDE(i, n) {
    const float z = x[i] * beta;
    dx[i] = z > threshold ? g[i] : g[i] * sigmoid(z);
  }
}

}  // namespace

cudaError_t elu_forward(const float* x, float* y, int64_t n, float alpha, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  elu_kernel<<<blocks_for(n), kThreads, 0, stream>>>(x, y, n, alpha);
  return cudaGetLastError();
}

cudaError_t leaky_relu_forward(const float* x, float* y, int64_t n, float slope, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  leaky_relu_kernel<<<blocks_for(n), kThreads, 0, stream>>>(x, y, n, slope);
  return cudaGetLastError();
}

cudaError_t leaky_relu_backward(const float* g, const float* x, float* dx, int64_t n, float slope, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  leaky_relu_backward_kernel<<<blocks_for(n), kThreads, 0, stream>>>(g, x, dx, n, slope);
  return cudaGetLastError();
}

cudaError_t elu_backward(const float* g, const float* x, float* dx, int64_t n, float alpha, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  elu_backward_kernel<<<blocks_for(n), kThreads, 0, stream>>>(g, x, dx, n, alpha);
  return cudaGetLastError();
}

cudaError_t gelu_forward(const float* x, float* y, int64_t n, bool tanh_approx, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  gelu_kernel<<<blocks_for(n), kThreads, 0, stream>>>(x, y, n, tanh_approx);
  return cudaGetLastError();
}

cudaError_t gelu_backward(const float* g, const float* x, float* dx, int64_t n, bool tanh_approx, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  gelu_backward_kernel<<<blocks_for(n), kThreads, 0, stream>>>(g, x, dx, n, tanh_approx);
  return cudaGetLastError();
}

cudaError_t softplus_forward(const float* x, float* y, int64_t n, float beta, float threshold, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  softplus_kernel<<<blocks_for(n), kThreads, 0, stream>>>(x, y, n, beta, threshold);
  return cudaGetLastError();
}

cudaError_t softplus_backward(const float* g, const float* x, float* dx, int64_t n, float beta, float threshold, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  softplus_backward_kernel<<<blocks_for(n), kThreads, 0, stream>>>(g, x, dx, n, beta, threshold);
  return cudaGetLastError();
}

}  // namespace nutshell::cuda::dnn
