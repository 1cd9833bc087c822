#pragma once
// Note [packed matmul]: C = A·B for a B used many times in a row (an RNN layer's W_hh, once per
// step). oneDNN's sgemm packs B into its kernel's layout on every call; here B is reordered once
// into the layout oneDNN's matmul primitive asks for (blocked, for its brgemm kernels) and every
// product reads it from there. One step of the bench LSTM (32×256 by 256×1024, one core) took
// 175 µs through sgemm and 147 µs this way; with half the columns (two threads), where B fits
// the core's L2, the two are even.
#include <cstdint>
#include <memory>

#include "thread_scratch.h"

namespace nutshell::cpu {

class PackedMatmul {
 public:
  // The calling thread's product for these sizes and row strides (a oneDNN primitive stays on the
  // thread that made it: Note [per-thread primitives] in onednn.h). A [m, k], C [m, n]. B is
  // packed into the calling thread's scratch buffer `packed_in` (Note [thread scratch]): products
  // are cached per shape (a batch-first RNN's row stride is T·C, one per sequence length), and a
  // packed copy kept in each would pile up weights. Hold the returned pointer while using it: the
  // cache may drop its own reference to make room.
  static std::shared_ptr<PackedMatmul> on_this_thread(Scratch packed_in, int64_t m, int64_t k, int64_t n, int64_t lda, int64_t ldc);
  // Packs B [k, n]: element (i, j) at b[i·stride_k + j·stride_n] (so a transposed B is packed as
  // it lies). Before run(), whenever the weights may have changed or another product of the same
  // scratch buffer ran since (an RNN layer: once per direction of each call).
  void pack(const float* b, int64_t stride_k, int64_t stride_n);
  // c = a·B.
  void run(const float* a, float* c);

  struct State;
  explicit PackedMatmul(std::shared_ptr<State> state) : state_(std::move(state)) {}

 private:
  std::shared_ptr<State> state_;
};

}  // namespace nutshell::cpu
