#pragma once
// Note [2x2 max pooling]: oneDNN 2.6 pools dense NCHW through a transposition inside its kernel:
// a LeNet max-pool at batch 64 ([64,6,28,28], 1.2 MB, in L2) took 176 µs forward and 214 µs
// backward, several times what moving those bytes costs, and the two pools were 15 % of a LeNet
// training step. The most common pooling — 2×2 windows, stride 2, no padding, even height and
// width — runs here instead: per output row, L outputs at once from the two input rows
// (deinterleaved into the window's four corners, picked in window order with PyTorch's rule that
// NaN wins), writing the same workspace as oneDNN (the corner's index 0–3, u8); backward writes
// each 2×2 block of the input gradient whole from that index, so it needs no zeroing pass. Rows
// shorter than a vector let the vector run on into the next row, which is written after it, so
// the only short row that needs care is each thread's last.
#include <cstdint>

namespace nutshell::cpu {

// Whether `input` [N,C,H,W] pooled by these options is a case for this kernel.
bool max_pool_2x2_fits(int64_t h, int64_t w, int64_t oh, int64_t ow, const int64_t kernel[2], const int64_t stride[2],
                       const int64_t padding[2], const int64_t dilation[2]);

// planes = N·C planes of h × w; y and ws are planes of h/2 × w/2.
void max_pool_2x2_forward(const float* x, float* y, uint8_t* ws, int64_t planes, int64_t h, int64_t w);

// dx from gy and ws; returns the first output position whose workspace index is not 0–3 (the
// caller refuses the call), or −1.
int64_t max_pool_2x2_backward(const float* gy, const uint8_t* ws, float* dx, int64_t planes, int64_t h, int64_t w);

}  // namespace nutshell::cpu
