#include "norm_kernels.cuh"

namespace nutshell::cuda::dnn {

namespace {

constexpr int kThreads = 256;  // a multiple of 32: block_sum relies on whole warps

inline unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 ? 65535 : b));
}

inline unsigned row_blocks(int64_t rows) { return static_cast<unsigned>(rows < 1 ? 1 : (rows > 65535 ? 65535 : rows)); }

#define NS_GRID_STRIDE(i, n) \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += static_cast<int64_t>(blockDim.x) * gridDim.x)

// Sum of v over the block, returned to every thread. Every thread of the block must call it
// (same number of times); `shm` holds 32 floats.
__device__ float block_sum(float v, float* shm) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) shm[warp] = v;
  __syncthreads();
  const int warps = (blockDim.x + 31) >> 5;
  if (warp == 0) {
    v = lane < warps ? shm[lane] : 0.0f;
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    if (lane == 0) shm[0] = v;
  }
  __syncthreads();
  v = shm[0];
  __syncthreads();  // shm is reused by the next call
  return v;
}

__global__ void ln_forward_kernel(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ b, float* __restrict__ y,
                                  float* __restrict__ mean_out, float* __restrict__ var_out, int64_t rows, int64_t d, float eps) {
  __shared__ float shm[32];
  const float inv_d = 1.0f / static_cast<float>(d);
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* xr = x + row * d;
    float s = 0.0f;
    for (int64_t j = threadIdx.x; j < d; j += blockDim.x) s += xr[j];
    const float mean = block_sum(s, shm) * inv_d;
    float q = 0.0f;
    for (int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const float c = xr[j] - mean;
      q += c * c;
    }
    const float var = block_sum(q, shm) * inv_d;  // two passes: no cancellation
    const float rstd = 1.0f / sqrtf(var + eps);
    float* yr = y + row * d;
    for (int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const float v = (xr[j] - mean) * rstd;
      yr[j] = v * (w ? w[j] : 1.0f) + (b ? b[j] : 0.0f);
    }
    if (threadIdx.x == 0) {
      mean_out[row] = mean;
      var_out[row] = var;
    }
  }
}

__global__ void ln_backward_input_kernel(const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ w,
                                         const float* __restrict__ mean, const float* __restrict__ var, float* __restrict__ dx, int64_t rows, int64_t d,
                                         float eps) {
  __shared__ float shm[32];
  const float inv_d = 1.0f / static_cast<float>(d);
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* xr = x + row * d;
    const float* gr = dy + row * d;
    const float mu = mean[row];
    const float rstd = 1.0f / sqrtf(var[row] + eps);
    float s1 = 0.0f, s2 = 0.0f;
    for (int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const float g = gr[j] * (w ? w[j] : 1.0f);
      s1 += g;
      s2 += g * (xr[j] - mu) * rstd;
    }
    const float mg = block_sum(s1, shm) * inv_d;
    const float mgx = block_sum(s2, shm) * inv_d;
    float* out = dx + row * d;
    for (int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const float g = gr[j] * (w ? w[j] : 1.0f);
      const float xh = (xr[j] - mu) * rstd;
      out[j] = rstd * (g - mg - xh * mgx);
    }
  }
}

// Column sums in two stages. Stage 1: block (32, 8) owns 32 columns and one chunk of rows;
// partial[chunk][0][col] = Σ dy·x̂, partial[chunk][1][col] = Σ dy over the chunk's rows.
constexpr int kColTile = 32;
constexpr int kRowLanes = 8;
constexpr int64_t kMaxChunks = 64;

int64_t chunks_for(int64_t rows) {
  int64_t c = (rows + 255) / 256;  // at least 256 rows a chunk
  return c < 1 ? 1 : (c > kMaxChunks ? kMaxChunks : c);
}

__global__ void ln_params_partial_kernel(const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ mean,
                                         const float* __restrict__ var, float* __restrict__ partial, int64_t rows, int64_t d, int64_t rows_per_chunk,
                                         float eps) {
  __shared__ float sw[kRowLanes][kColTile + 1];
  __shared__ float sb[kRowLanes][kColTile + 1];
  const int64_t col = static_cast<int64_t>(blockIdx.x) * kColTile + threadIdx.x;
  const int64_t chunk = blockIdx.y;
  const int64_t r0 = chunk * rows_per_chunk;
  int64_t r1 = r0 + rows_per_chunk;
  if (r1 > rows) r1 = rows;
  float aw = 0.0f, ab = 0.0f;
  if (col < d) {
    for (int64_t r = r0 + threadIdx.y; r < r1; r += kRowLanes) {
      const float g = dy[r * d + col];
      const float rstd = 1.0f / sqrtf(var[r] + eps);
      aw += g * (x[r * d + col] - mean[r]) * rstd;
      ab += g;
    }
  }
  sw[threadIdx.y][threadIdx.x] = aw;
  sb[threadIdx.y][threadIdx.x] = ab;
  __syncthreads();
  if (threadIdx.y == 0 && col < d) {
    float tw = 0.0f, tb = 0.0f;
    for (int k = 0; k < kRowLanes; ++k) {
      tw += sw[k][threadIdx.x];
      tb += sb[k][threadIdx.x];
    }
    partial[(chunk * 2) * d + col] = tw;
    partial[(chunk * 2 + 1) * d + col] = tb;
  }
}

__global__ void ln_params_final_kernel(const float* __restrict__ partial, float* __restrict__ dw, float* __restrict__ db, int64_t d, int64_t chunks) {
  NS_GRID_STRIDE(col, d) {
    float tw = 0.0f, tb = 0.0f;
    for (int64_t c = 0; c < chunks; ++c) {
      tw += partial[(c * 2) * d + col];
      tb += partial[(c * 2 + 1) * d + col];
    }
    dw[col] = tw;
    db[col] = tb;
  }
}

__global__ void inv_std_to_var_kernel(const float* __restrict__ inv_std, float* __restrict__ var, int64_t c, float eps) {
  NS_GRID_STRIDE(i, c) {
    // cuDNN keeps 1/sqrt(var + eps) only; going back cancels when var ≪ eps (a near-constant
    // channel), where rounding could even make it negative. The backward turns it into inv_std
    // again, for which that error is small next to eps.
    const float s = inv_std[i];
    var[i] = fmaxf(0.0f, 1.0f / (s * s) - eps);
  }
}

__global__ void var_to_inv_std_kernel(const float* __restrict__ var, float* __restrict__ inv_std, int64_t c, float eps) {
  NS_GRID_STRIDE(i, c) inv_std[i] = 1.0f / sqrtf(var[i] + eps);
}

// One block per channel: dw[c] = Σ dy·(x − mean)·rstd, db[c] = Σ dy over n and spatial.
__global__ void bn_eval_params_kernel(const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ mean,
                                      const float* __restrict__ var, float* __restrict__ dw, float* __restrict__ db, int64_t n, int64_t c,
                                      int64_t spatial, float eps) {
  __shared__ float shm[32];
  const int64_t count = n * spatial;
  for (int64_t ch = blockIdx.x; ch < c; ch += gridDim.x) {
    const float mu = mean[ch];
    const float rstd = 1.0f / sqrtf(var[ch] + eps);
    float sg = 0.0f, sgx = 0.0f;
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
      const int64_t at = ((k / spatial) * c + ch) * spatial + k % spatial;
      const float g = dy[at];
      sg += g;
      sgx += g * (x[at] - mu);
    }
    const float tg = block_sum(sg, shm);
    const float tgx = block_sum(sgx, shm);
    if (threadIdx.x == 0) {
      dw[ch] = tgx * rstd;
      db[ch] = tg;
    }
  }
}

__global__ void bn_eval_dx_kernel(const float* __restrict__ dy, const float* __restrict__ w, const float* __restrict__ var, float* __restrict__ dx,
                                  int64_t total, int64_t c, int64_t spatial, float eps) {
  NS_GRID_STRIDE(i, total) {
    const int64_t ch = (i / spatial) % c;
    dx[i] = dy[i] * (w ? w[ch] : 1.0f) / sqrtf(var[ch] + eps);
  }
}

}  // namespace

cudaError_t layer_norm_forward(const float* x, const float* w, const float* b, float* y, float* mean, float* var, int64_t rows, int64_t d,
                               float eps, cudaStream_t stream) {
  if (rows <= 0 || d <= 0) return cudaSuccess;
  ln_forward_kernel<<<row_blocks(rows), kThreads, 0, stream>>>(x, w, b, y, mean, var, rows, d, eps);
  return cudaGetLastError();
}

cudaError_t layer_norm_backward_input(const float* dy, const float* x, const float* w, const float* mean, const float* var, float* dx, int64_t rows,
                                      int64_t d, float eps, cudaStream_t stream) {
  if (rows <= 0 || d <= 0) return cudaSuccess;
  ln_backward_input_kernel<<<row_blocks(rows), kThreads, 0, stream>>>(dy, x, w, mean, var, dx, rows, d, eps);
  return cudaGetLastError();
}

int64_t layer_norm_partial_floats(int64_t rows, int64_t d) { return chunks_for(rows) * 2 * d; }

cudaError_t layer_norm_backward_params(const float* dy, const float* x, const float* mean, const float* var, float* dw, float* db, float* partial,
                                       int64_t rows, int64_t d, float eps, cudaStream_t stream) {
  if (d <= 0) return cudaSuccess;
  const int64_t chunks = chunks_for(rows);
  const int64_t rows_per_chunk = (rows + chunks - 1) / chunks;
  const int64_t col_tiles = (d + kColTile - 1) / kColTile;
  if (col_tiles > 0x7fffffff) return cudaErrorInvalidValue;
  dim3 grid(static_cast<unsigned>(col_tiles), static_cast<unsigned>(chunks));
  dim3 block(kColTile, kRowLanes);
  ln_params_partial_kernel<<<grid, block, 0, stream>>>(dy, x, mean, var, partial, rows, d, rows_per_chunk, eps);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return e;
  ln_params_final_kernel<<<blocks_for(d), kThreads, 0, stream>>>(partial, dw, db, d, chunks);
  return cudaGetLastError();
}

cudaError_t bn_inv_std_to_var(const float* inv_std, float* var, int64_t c, float eps, cudaStream_t stream) {
  if (c <= 0) return cudaSuccess;
  inv_std_to_var_kernel<<<blocks_for(c), kThreads, 0, stream>>>(inv_std, var, c, eps);
  return cudaGetLastError();
}

cudaError_t bn_var_to_inv_std(const float* var, float* inv_std, int64_t c, float eps, cudaStream_t stream) {
  if (c <= 0) return cudaSuccess;
  var_to_inv_std_kernel<<<blocks_for(c), kThreads, 0, stream>>>(var, inv_std, c, eps);
  return cudaGetLastError();
}

cudaError_t bn_eval_backward(const float* dy, const float* x, const float* w, const float* mean, const float* var, float* dx, float* dw, float* db,
                             int64_t n, int64_t c, int64_t spatial, float eps, cudaStream_t stream) {
  if (c <= 0) return cudaSuccess;
  bn_eval_params_kernel<<<row_blocks(c), kThreads, 0, stream>>>(dy, x, mean, var, dw, db, n, c, spatial, eps);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return e;
  const int64_t total = n * c * spatial;
  if (total <= 0) return cudaSuccess;
  bn_eval_dx_kernel<<<blocks_for(total), kThreads, 0, stream>>>(dy, w, var, dx, total, c, spatial, eps);
  return cudaGetLastError();
}

}  // namespace nutshell::cuda::dnn
