#pragma once
// Pooling kernels for what cuDNN's pooling cannot express exactly (see pool.cc): max pooling
// with the window-argmax workspace (Note [max pool workspace] in cpu/pool.cc: per output, the
// index (kd·kH + kh)·kW + kw of the maximum inside its window, uint8 for windows of at most 255
// elements, int32 beyond) and dilation; average pooling with PyTorch's ceil-mode windows;
// adaptive average pooling with non-uniform windows. The max and average kernels serve 2-d and
// 3-d pooling: a 2-d one has a depth axis of one. Backward kernels gather (one thread per input
// element, a fixed visiting order): deterministic, no atomics.
#include <cuda_runtime.h>

#include <cstdint>

namespace nutshell::cuda::dnn {

// Sizes, kernel, stride, padding and dilation per axis (depth, height, width); a 2-d pooling
// keeps the depth defaults.
struct PoolGeom {
  int64_t planes = 0;  // n·c
  int64_t d = 1, h = 0, w = 0, od = 1, oh = 0, ow = 0;
  int64_t kd = 1, kh = 1, kw = 1, sd = 1, sh = 1, sw = 1, pd = 0, ph = 0, pw = 0, dd = 1, dh = 1, dw = 1;
};

// idx points to uint8 (idx_u8) or int32 indices, one per output.
cudaError_t max_pool_forward(const float* x, float* y, void* idx, bool idx_u8, const PoolGeom& g, cudaStream_t stream);
// An index that names no input position of its window (a workspace not made by the forward op
// with these options) contributes nothing, and the smallest such output position is reported to
// *bad_position (atomicMin; Note [device-side errors] in common.cuh), as the cpu backend refuses it.
cudaError_t max_pool_backward(const float* dy, const void* idx, bool idx_u8, float* dx, const PoolGeom& g, unsigned long long* bad_position,
                              cudaStream_t stream);

// PyTorch's average: windows [i·s − p, min(i·s − p + k, in + p)) clipped to the input; the
// divisor is the product over the axes of the unclipped window (include_pad) or the clipped one.
cudaError_t avg_pool_window_forward(const float* x, float* y, const PoolGeom& g, bool include_pad, cudaStream_t stream);
cudaError_t avg_pool_window_backward(const float* dy, float* dx, const PoolGeom& g, bool include_pad, cudaStream_t stream);

// PyTorch's adaptive windows [floor(i·in/out), ceil((i+1)·in/out)).
cudaError_t adaptive_avg_pool2d_forward(const float* x, float* y, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                        cudaStream_t stream);
cudaError_t adaptive_avg_pool2d_backward(const float* dy, float* dx, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                         cudaStream_t stream);

}  // namespace nutshell::cuda::dnn
