#pragma once
// Normalisation kernels cuDNN has no legacy call for: layer norm forward and backward (a block
// per row, warp-shuffle reductions), the parameter gradients of layer norm (a two-stage column
// reduction in a fixed order: deterministic), batch norm's evaluation-mode backward (cuDNN's
// backward is training-mode only), and the variance <-> 1/sqrt(var + eps) conversions between
// the batch-norm op's hidden outputs and cuDNN's saved statistics.
#include <cuda_runtime.h>

#include <cstdint>

namespace nutshell::cuda::dnn {

// x, y [rows, d]; w, b [d] or null (ones / zeros); mean, var [rows] (biased variance).
cudaError_t layer_norm_forward(const float* x, const float* w, const float* b, float* y, float* mean, float* var, int64_t rows, int64_t d,
                               float eps, cudaStream_t stream);
// dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·w, x̂ = (x − mean)·rstd, with the given statistics.
cudaError_t layer_norm_backward_input(const float* dy, const float* x, const float* w, const float* mean, const float* var, float* dx, int64_t rows,
                                      int64_t d, float eps, cudaStream_t stream);
// dw = Σ_rows dy·x̂, db = Σ_rows dy. `partial` holds layer_norm_partial_floats(rows, d) floats.
int64_t layer_norm_partial_floats(int64_t rows, int64_t d);
cudaError_t layer_norm_backward_params(const float* dy, const float* x, const float* mean, const float* var, float* dw, float* db, float* partial,
                                       int64_t rows, int64_t d, float eps, cudaStream_t stream);

// var = 1/inv_std² − eps and its inverse, over c channels.
cudaError_t bn_inv_std_to_var(const float* inv_std, float* var, int64_t c, float eps, cudaStream_t stream);
cudaError_t bn_var_to_inv_std(const float* var, float* inv_std, int64_t c, float eps, cudaStream_t stream);
// Evaluation-mode batch-norm backward over x [n, c, spatial] with fixed statistics:
// dx = dy·w·rstd, dw = Σ dy·(x − mean)·rstd, db = Σ dy (w null: ones).
cudaError_t bn_eval_backward(const float* dy, const float* x, const float* w, const float* mean, const float* var, float* dx, float* dw, float* db,
                             int64_t n, int64_t c, int64_t spatial, float eps, cudaStream_t stream);

}  // namespace nutshell::cuda::dnn
