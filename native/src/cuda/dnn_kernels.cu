#include "dnn_kernels.cuh"

namespace nutshell::cuda::dnn {

namespace {

constexpr int kThreads = 256;

// Grid-stride launches: enough blocks to fill the GPU, never more than the work needs.
inline unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 ? 65535 : b));
}

#define NS_GRID_STRIDE(i, n) \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += static_cast<int64_t>(blockDim.x) * gridDim.x)

template <typename T>
__global__ void fill_kernel(T* p, int64_t n, T value) {
  NS_GRID_STRIDE(i, n) p[i] = value;
}

__global__ void pad_kernel(const float* __restrict__ src, float* __restrict__ dst, int64_t total, int64_t h, int64_t w, int64_t hp, int64_t wp,
                           int64_t top, int64_t left) {
  NS_GRID_STRIDE(i, total) {
    const int64_t c = i % wp;
    const int64_t t = i / wp;
    const int64_t r = t % hp;
    const int64_t plane = t / hp;
    const int64_t sr = r - top, sc = c - left;
    dst[i] = (sr >= 0 && sr < h && sc >= 0 && sc < w) ? src[(plane * h + sr) * w + sc] : 0.0f;
  }
}

__global__ void crop_kernel(const float* __restrict__ src, float* __restrict__ dst, int64_t total, int64_t hp, int64_t wp, int64_t h, int64_t w,
                            int64_t top, int64_t left) {
  NS_GRID_STRIDE(i, total) {
    const int64_t c = i % w;
    const int64_t t = i / w;
    const int64_t r = t % h;
    const int64_t plane = t / h;
    dst[i] = src[(plane * hp + r + top) * wp + c + left];
  }
}

__global__ void fill_channels_kernel(float* __restrict__ y, const float* __restrict__ bias, int64_t total, int64_t c, int64_t spatial) {
  NS_GRID_STRIDE(i, total) y[i] = bias ? bias[(i / spatial) % c] : 0.0f;
}

}  // namespace

cudaError_t fill_f32(float* p, int64_t n, float value, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  fill_kernel<float><<<blocks_for(n), kThreads, 0, stream>>>(p, n, value);
  return cudaGetLastError();
}

cudaError_t fill_i32(int32_t* p, int64_t n, int32_t value, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  fill_kernel<int32_t><<<blocks_for(n), kThreads, 0, stream>>>(p, n, value);
  return cudaGetLastError();
}

cudaError_t fill_i64(int64_t* p, int64_t n, int64_t value, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  fill_kernel<int64_t><<<blocks_for(n), kThreads, 0, stream>>>(p, n, value);
  return cudaGetLastError();
}

cudaError_t pad_planes(const float* src, float* dst, int64_t planes, int64_t h, int64_t w, int64_t hp, int64_t wp, int64_t top, int64_t left,
                       cudaStream_t stream) {
  const int64_t total = planes * hp * wp;
  if (total <= 0) return cudaSuccess;
  pad_kernel<<<blocks_for(total), kThreads, 0, stream>>>(src, dst, total, h, w, hp, wp, top, left);
  return cudaGetLastError();
}

cudaError_t crop_planes(const float* src, float* dst, int64_t planes, int64_t hp, int64_t wp, int64_t h, int64_t w, int64_t top, int64_t left,
                        cudaStream_t stream) {
  const int64_t total = planes * h * w;
  if (total <= 0) return cudaSuccess;
  crop_kernel<<<blocks_for(total), kThreads, 0, stream>>>(src, dst, total, hp, wp, h, w, top, left);
  return cudaGetLastError();
}

cudaError_t fill_channels(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial, cudaStream_t stream) {
  const int64_t total = n * c * spatial;
  if (total <= 0) return cudaSuccess;
  fill_channels_kernel<<<blocks_for(total), kThreads, 0, stream>>>(y, bias, total, c, spatial);
  return cudaGetLastError();
}

}  // namespace nutshell::cuda::dnn
