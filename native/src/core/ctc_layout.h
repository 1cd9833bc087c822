#pragma once
// What both backends' CTC kernels read the same way (Note [ctc kernels] in
// packages/tensor/src/ops/table/ctc.ts): logProbs [T, N, C]; targets padded [N, S] or
// concatenated 1-D [S] (all the sequences' labels one after another, PyTorch's other form);
// lengths [N] int64; and the extended states blank, l1, blank, l2, …, blank. offsets[n] is where
// sequence n's labels start in targets (n·S padded; the sum of the earlier lengths concatenated).
// Lengths out of range are refused by the kernels; the accessors clamp them so that nothing is
// read out of bounds while a refusal is on its way.
#include <cmath>
#include <cstdint>

#include "host_device.h"

namespace nutshell::core {

struct CtcLayout {
  const float* lp;
  const int64_t* targets;
  const int64_t* input_lengths;
  const int64_t* target_lengths;
  const int64_t* offsets;
  int64_t T, N, C, S, blank;
  bool concatenated;

  // The labels sequence n may have: the padded width, or what the 1-D targets hold from its start.
  NS_HOST_DEVICE int64_t room(int64_t n) const { return concatenated ? S - offsets[n] : S; }
  NS_HOST_DEVICE bool valid_steps(int64_t n) const { return input_lengths[n] >= 0 && input_lengths[n] <= T; }
  NS_HOST_DEVICE bool valid_labels(int64_t n) const { return target_lengths[n] >= 0 && target_lengths[n] <= room(n); }
  NS_HOST_DEVICE int64_t steps(int64_t n) const {
    const int64_t v = input_lengths[n];
    return v < 0 ? 0 : v > T ? T : v;
  }
  NS_HOST_DEVICE int64_t labels(int64_t n) const {
    const int64_t v = target_lengths[n], r = room(n);
    return v < 0 ? 0 : v > r ? r : v;
  }
  NS_HOST_DEVICE int64_t states(int64_t n) const { return 2 * labels(n) + 1; }
  // Whether label v may be read as a class: in range and not the blank (the kernels refuse others).
  NS_HOST_DEVICE bool valid_label(int64_t v) const { return v >= 0 && v < C && v != blank; }
  NS_HOST_DEVICE int64_t label(int64_t n, int64_t k) const { return targets[offsets[n] + k]; }
  // The class of state s, or −1 for a label that is not valid, which no path may use.
  NS_HOST_DEVICE int64_t ext(int64_t n, int64_t s) const {
    if (s % 2 == 0) return blank;
    const int64_t v = label(n, s / 2);
    return valid_label(v) ? v : -1;
  }
  // State s may be entered from s − 2: a label unlike the label two states back.
  NS_HOST_DEVICE bool skips(int64_t n, int64_t s) const { return s >= 2 && s % 2 == 1 && ext(n, s) != ext(n, s - 2); }
  // logProbs of state s at step t (−∞ for an invalid label).
  NS_HOST_DEVICE float emit(int64_t t, int64_t n, int64_t s) const {
    const int64_t k = ext(n, s);
    return k < 0 ? -INFINITY : lp[(t * N + n) * C + k];
  }
};

// Where each sequence's labels start: n·S padded; concatenated, the sum of the earlier lengths
// (each clamped to what is left, so a bad length cannot send a later one out of bounds).
NS_HOST_DEVICE void ctc_offsets(const int64_t* target_lengths, int64_t N, int64_t S, bool concatenated, int64_t* offsets) {
  int64_t at = 0;
  for (int64_t n = 0; n < N; ++n) {
    offsets[n] = concatenated ? at : n * S;
    if (concatenated) {
      const int64_t v = target_lengths[n];
      at += v < 0 ? 0 : v > S - at ? S - at : v;
    }
  }
}

}  // namespace nutshell::core
