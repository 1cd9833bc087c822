#pragma once
// Note [pooling loops]: oneDNN 2.6 pools dense NCDHW through a transposition inside its kernel
// (as it does NCHW, Note [2x2 max pooling]): on [2,16,32,64,64] a 2×2×2 max pool took 22.9 ms
// forward where PyTorch takes 9.1, and its average 6.8 ms against 2.7. 3-d pooling runs these
// loops instead: each output row (one depth and height index of a plane) is built window row by
// window row, every window column a strided pass over the row's outputs, so the inner loop is
// the same column of every window, contiguous where the stride is one. They keep PyTorch's rules
// exactly, which oneDNN's windows do not: a window's maximum starts at −∞ with its first element
// inside the input, the first maximum wins ties and every NaN takes over (the last NaN wins), and
// the average's divisor is PyTorch's (the window clipped to the padded input, or to the input).
// The workspace is Note [max pool workspace]'s: the window index (t·kH + u)·kW + v of the pick.
// Backward passes scatter within a plane, one thread per plane run (deterministic). 2-d pooling
// stays on oneDNN (and the 2×2 kernel): there its windows were 1.5–10× faster than these loops
// (3×3 stride-2 max on [32,64,112,112]: 22 vs 33 ms; a 7×7 average of [32,1024,7,7]: 0.5 vs 5.9).
#include <cstdint>

#include "window_taps.h"

namespace nutshell::cpu {

// A pooling over (depth, height, width) of `planes` dense planes; a 2-d pooling has depth 1.
// Padding is symmetric (PyTorch's).
struct PoolBox : WindowBox {
  int64_t planes = 0;
};

// ws: uint8 (ws_u8) or int32 window indices, one per output.
void max_pool_forward_loops(const float* x, float* y, void* ws, bool ws_u8, const PoolBox& b);

// dx from gy through ws; returns the first output position whose index names no input position
// of its window (dx is then incomplete and the caller refuses the call), or −1.
int64_t max_pool_backward_loops(const float* gy, const void* ws, bool ws_u8, float* dx, const PoolBox& b);

void avg_pool_forward_loops(const float* x, float* y, const PoolBox& b, bool count_include_pad);
void avg_pool_backward_loops(const float* gy, float* dx, const PoolBox& b, bool count_include_pad);

}  // namespace nutshell::cpu
