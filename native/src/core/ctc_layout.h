#pragma once
// What both backends' CTC kernels read the same way (Note [ctc kernels] in
// packages/tensor/src/ops/table/ctc.ts): logProbs [T, N, C], targets [N, S] int64, lengths [N]
// int64 clamped to [0, T] and [0, S], and the extended states blank, l1, blank, l2, …, blank.
#include <cmath>
#include <cstdint>

#include "host_device.h"

namespace nutshell::core {

struct CtcLayout {
  const float* lp;
  const int64_t* targets;
  const int64_t* input_lengths;
  const int64_t* target_lengths;
  int64_t T, N, C, S, blank;

  NS_HOST_DEVICE int64_t steps(int64_t n) const {
    const int64_t v = input_lengths[n];
    return v < 0 ? 0 : v > T ? T : v;
  }
  NS_HOST_DEVICE int64_t labels(int64_t n) const {
    const int64_t v = target_lengths[n];
    return v < 0 ? 0 : v > S ? S : v;
  }
  NS_HOST_DEVICE int64_t states(int64_t n) const { return 2 * labels(n) + 1; }
  // Whether label v may be read as a class: in range and not the blank (the kernels refuse others).
  NS_HOST_DEVICE bool valid_label(int64_t v) const { return v >= 0 && v < C && v != blank; }
  // The class of state s, or −1 for a label that is not valid, which no path may use.
  NS_HOST_DEVICE int64_t ext(int64_t n, int64_t s) const {
    if (s % 2 == 0) return blank;
    const int64_t v = targets[n * S + s / 2];
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

}  // namespace nutshell::core
