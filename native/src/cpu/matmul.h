#pragma once
// Batched matrix products on oneDNN's matmul primitive (matmul.cc): the matmul and linear ops,
// and our kernels that are products underneath (Note [1x1 convolution as matmul]).
#include <string>

#include "../core/op_call.h"
#include "onednn.h"

namespace nutshell::cpu {

// C[b] = op(A[b])·op(B[b]) (+ bias per column) (then relu) over merged batch dims; A and B dense,
// transposed operands read through strides.
struct MatmulProblem {
  onednn::dims batch, a_batch, b_batch;  // merged batch dims of C, A and B (1 where broadcast)
  onednn::dims a_stride, b_stride;       // element strides of those batch dims in A and B
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;  // A stored [k, m], B stored [n, k]
  bool bias = false;
  bool relu = false;
};

// Collapses the broadcast batch shapes of A and B (dense, each with an m·k / k·n block below).
void set_batches(MatmulProblem& p, const core::Shape& a_batch, const core::Shape& b_batch);

// c = the product, all f32, c dense [batch…, m, n]. Returns false without running it when
// `reference_ok` is false and oneDNN offers only its reference code for these operands.
bool run_matmul(const MatmulProblem& p, const float* a, const float* b, const float* bias, float* c, bool reference_ok = true);

}  // namespace nutshell::cpu
