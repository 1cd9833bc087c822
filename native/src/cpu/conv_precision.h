#pragma once
// Note [cpu conv precision]: for conv2d's algo 'auto' and 'heuristic' oneDNN picks among its
// implementations, and on AVX-512 it picks Winograd (F(4×4, 3×3)) for many 3×3 stride-1
// convolutions: a ResNet 3×3 layer ([32,64,56,56]) runs 32 ms forward where the direct kernel
// takes 69, at a relative error of 1–2e-6 against 2–4e-7. PyTorch's cpu convolutions are always
// direct, and in a deep model that difference can flip a ReLU (a user trial's normalizing flow
// saw a weight gradient 8e-3 away from PyTorch's). setCpuConvPrecision('highest') makes 'auto'
// and 'heuristic' direct, as PyTorch; 'high' (the default) keeps oneDNN's choice. Our own kernels
// (narrow, batch-lane, pointwise) compute directly and run under either. Process-wide, like
// PyTorch's backend flags; the change is queued on the stream, so it applies to convolutions
// called after it, whatever is still queued.
namespace nutshell::cpu {

void set_conv_highest_precision(bool on);
bool conv_highest_precision();

}  // namespace nutshell::cpu
