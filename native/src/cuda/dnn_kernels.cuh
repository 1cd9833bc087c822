#pragma once
// Small kernels the library-backed families share (conv, matmul, norm, rnn): fills, the explicit
// padding of Note [asymmetric padding] (conv.cc) and its inverse crop, per-channel bias fills.
// Raw pointers, sizes and a stream only; each launcher returns cudaGetLastError() for the caller's
// NS_CUDA_CHECK. Empty sizes launch nothing.
#include <cuda_runtime.h>

#include <cstdint>

namespace nutshell::cuda::dnn {

cudaError_t fill_f32(float* p, int64_t n, float value, cudaStream_t stream);
cudaError_t fill_i32(int32_t* p, int64_t n, int32_t value, cudaStream_t stream);
cudaError_t fill_i64(int64_t* p, int64_t n, int64_t value, cudaStream_t stream);

// dst [planes, hp, wp]: src [planes, h, w] placed at (top, left), zeros around it.
cudaError_t pad_planes(const float* src, float* dst, int64_t planes, int64_t h, int64_t w, int64_t hp, int64_t wp, int64_t top, int64_t left,
                       cudaStream_t stream);
// dst [planes, h, w]: the h x w window of src [planes, hp, wp] at (top, left).
cudaError_t crop_planes(const float* src, float* dst, int64_t planes, int64_t hp, int64_t wp, int64_t h, int64_t w, int64_t top, int64_t left,
                        cudaStream_t stream);
// y [n, c, spatial] = bias[c], or 0 where bias is null. (Rows of a matrix: n = rows, spatial = 1.)
cudaError_t fill_channels(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial, cudaStream_t stream);

}  // namespace nutshell::cuda::dnn
