#pragma once
// Note [thread scratch]: temporaries an op needs only while it runs (oneDNN reorder targets, our
// convolutions' transposed and padded copies, an RNN layer's gate buffers) live in per-thread,
// grow-only buffers: a fresh allocation per call comes back as new pages, and first-touching them
// costs a fault per 4 KiB, ~15 ms for 25 MB, more than many of the ops themselves. Ops run on the
// stream's worker (or inline on the JS thread when tiny), one at a time, so a thread's buffers are
// never shared by two ops; an op's OpenMP team uses the buffers of the thread that started it.
// After each op the buffers over 64 MiB are freed (trim_thread_scratch): the sizes a training
// loop uses every step stay, while a one-off giant batch does not pin gigabytes for the life of
// the thread (a 94 MB input to a 5 → 3 channel convolution grew RSS by 690 MB through oneDNN's
// blocked copies, all of it kept).
#include <cstddef>
#include <cstdint>

namespace nutshell::cpu {

// Which buffer: each user names its own, so the buffers one op holds at once never collide.
enum class Scratch {
  reorder_first, reorder_second, reorder_third,  // onednn.h: an op's reordered operands and result
  conv_first, conv_second, conv_third,           // narrow_conv.cc, batch_lane_conv.cc, pointwise_conv.cc
  conv_flipped_weights,                          // conv.cc: the input gradient's correlation weights
  conv_reordered_weights,                        // conv.cc: weights in the layout oneDNN's primitive asks for
  conv_primitive_scratchpad,                     // conv.cc: the working memory of oneDNN's convolution (Note [conv scratchpads])
  rnn_gx, rnn_gh, rnn_w_ih, rnn_w_hh, rnn_workspace, rnn_recompute_outputs, rnn_dgx, rnn_dgh, rnn_dh, rnn_dc, rnn_zeros, rnn_ones,
  rnn_packed_w_ih, rnn_packed_w_hh,              // packed_matmul.h: the weights an RNN layer's products read
  count
};

// At least `bytes` of the calling thread's buffer `which`, 64-byte aligned; its contents are
// whatever its last user left.
void* thread_scratch(Scratch which, size_t bytes);
inline float* thread_scratch_floats(Scratch which, int64_t floats) {
  return static_cast<float*>(thread_scratch(which, static_cast<size_t>(floats) * sizeof(float)));
}

// Frees the calling thread's buffers over 64 MiB; the cpu backend calls it after each op.
void trim_thread_scratch();

}  // namespace nutshell::cpu
