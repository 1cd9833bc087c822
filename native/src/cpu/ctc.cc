// The CTC loss and its gradient (Note [ctc kernels] in packages/tensor/src/ops/table/ctc.ts):
// one sequence per thread, the α and β recursions in log space, the extended labels (blank, l1,
// blank, …, blank) read through ext(). Each state adds up to three predecessors as one max and
// one log of a sum of exps (PyTorch's form, in float as PyTorch computes for float inputs); the
// gradient sums α·β per class in linear space scaled by the step's largest term, one exp per
// state. Inputs: logProbs [T, N, C], targets [N, S] int64, inputLengths and targetLengths [N]
// int64 (clamped to [0, T] and [0, S]).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../core/ctc_layout.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// log(e^a + e^b + e^c), −∞ when all three are.
inline float log_sum3(float a, float b, float c) {
  const float m = std::max(a, std::max(b, c));
  if (m == kNegInf) return kNegInf;
  return m + std::log(std::exp(a - m) + std::exp(b - m) + std::exp(c - m));
}

struct Ctc : core::CtcLayout {
  std::vector<int64_t> starts;

  Ctc(const OpCall& call, int first, int64_t blank_) {
    const auto& targets_ref = call.in(first + 1);
    lp = call.in(first).data<float>();
    targets = targets_ref.data<int64_t>();
    input_lengths = call.in(first + 2).data<int64_t>();
    target_lengths = call.in(first + 3).data<int64_t>();
    T = call.in(first).dim(0);
    N = call.in(first).dim(1);
    C = call.in(first).dim(2);
    concatenated = targets_ref.rank() == 1;
    S = concatenated ? targets_ref.dim(0) : targets_ref.dim(1);
    blank = blank_;
    starts.resize(static_cast<size_t>(N));
    core::ctc_offsets(target_lengths, N, S, concatenated, starts.data());
    offsets = starts.data();
  }

  // Lengths and labels are read as indices: one out of range is refused before any use.
  void check() const {
    for (int64_t n = 0; n < N; ++n) {
      NS_CHECK(valid_steps(n), value,
               "inputLengths[" + std::to_string(n) + "] expected an integer from 0 to " + std::to_string(T) + " (the steps of logProbs), got " +
                   std::to_string(input_lengths[n]));
      NS_CHECK(valid_labels(n), value,
               "targetLengths[" + std::to_string(n) + "] expected " +
                   (concatenated ? "at most the labels left in the 1-D targets (" + std::to_string(S) + " in all)"
                                 : "an integer from 0 to " + std::to_string(S) + " (the width of targets)") +
                   ", got " + std::to_string(target_lengths[n]));
      for (int64_t k = 0; k < labels(n); ++k) {
        const int64_t v = label(n, k);
        const std::string where = concatenated ? "at position " + std::to_string(offsets[n] + k) : "at [" + std::to_string(n) + ", " + std::to_string(k) + "]";
        NS_CHECK(valid_label(v), value,
                 "target " + std::to_string(v) + " " + where + " is " + (v == blank ? "the blank" : "out of range for " + std::to_string(C) + " classes"));
      }
    }
  }

  // α for every step of sequence n into alpha [Tn, L] (row-major); returns −log p (+∞ when no path).
  double forward(int64_t n, std::vector<float>& alpha) const {
    const int64_t Tn = steps(n), L = states(n);
    alpha.assign(static_cast<size_t>(std::max<int64_t>(Tn, 1) * L), kNegInf);
    if (Tn == 0) return L == 1 ? 0.0 : std::numeric_limits<double>::infinity();
    alpha[0] = emit(0, n, 0);
    if (L > 1) alpha[1] = emit(0, n, 1);
    for (int64_t t = 1; t < Tn; ++t) {
      const float* prev = &alpha[static_cast<size_t>((t - 1) * L)];
      float* cur = &alpha[static_cast<size_t>(t * L)];
      for (int64_t s = 0; s < L; ++s) {
        const float v = log_sum3(prev[s], s >= 1 ? prev[s - 1] : kNegInf, skips(n, s) ? prev[s - 2] : kNegInf);
        cur[s] = v == kNegInf ? kNegInf : v + emit(t, n, s);
      }
    }
    const float* last = &alpha[static_cast<size_t>((Tn - 1) * L)];
    const float ll = log_sum3(last[L - 1], L > 1 ? last[L - 2] : kNegInf, kNegInf);
    return ll == kNegInf ? std::numeric_limits<double>::infinity() : -static_cast<double>(ll);
  }
};

}  // namespace

void ctcLoss(OpCall& call) {
  auto a = core::CtcLossAttrs::decode(call.reader());
  const Ctc ctc(call, 0, a.blank);
  ctc.check();
  float* out = call.out(0).data<float>();
  NS_PARALLEL_IF(ctc.N * ctc.T * (2 * ctc.S + 1) >= kParallelGrain, "omp parallel for schedule(dynamic)",
    for (int64_t n = 0; n < ctc.N; ++n) {
      std::vector<float> alpha;
      out[n] = static_cast<float>(ctc.forward(n, alpha));
    }
  );
}

// inputs: grad [N], then the forward's → gradient [T, N, C] of Σ grad·nll with respect to logProbs.
void ctcLossBackward(OpCall& call) {
  auto a = core::CtcLossBackwardAttrs::decode(call.reader());
  const float* g = call.in(0).data<float>();
  const Ctc ctc(call, 1, a.blank);
  ctc.check();
  float* out = call.out(0).data<float>();
  if (call.out(0).numel()) std::memset(out, 0, static_cast<size_t>(call.out(0).numel()) * sizeof(float));
  const int64_t N = ctc.N, C = ctc.C;
  NS_PARALLEL_IF(ctc.N * ctc.T * (2 * ctc.S + 1) >= kParallelGrain, "omp parallel for schedule(dynamic)",
    for (int64_t n = 0; n < N; ++n) {
      std::vector<float> alpha;
      const double nll = ctc.forward(n, alpha);
      if (!std::isfinite(nll) || g[n] == 0.f) continue;  // no path: no gradient (zeroInfinity's, and +∞'s)
      const int64_t Tn = ctc.steps(n), L = ctc.states(n);
      std::vector<float> next(static_cast<size_t>(L), kNegInf), cur(static_cast<size_t>(L)), ab(static_cast<size_t>(L));
      std::vector<double> by_class(static_cast<size_t>(C));
      for (int64_t t = Tn - 1; t >= 0; --t) {
        for (int64_t s = 0; s < L; ++s) {
          // β ends in the last label or the last blank.
          const float b = t == Tn - 1 ? (s >= L - 2 ? 0.f : kNegInf)
                                      : log_sum3(next[s], s + 1 < L ? next[s + 1] : kNegInf, s + 2 < L && ctc.skips(n, s + 2) ? next[s + 2] : kNegInf);
          cur[s] = b == kNegInf ? kNegInf : b + ctc.emit(t, n, s);
        }
        // −∂(−log p)/∂lp_t(k) = Σ_{s: ext(s) = k} α_t(s)β_t(s) / (y_t(k) p): summed per class in
        // linear space, scaled by the step's largest α·β.
        const float* al = &alpha[static_cast<size_t>(t * L)];
        float top = kNegInf;
        for (int64_t s = 0; s < L; ++s) top = std::max(top, ab[static_cast<size_t>(s)] = al[s] + cur[s]);
        if (top == kNegInf) {
          std::swap(next, cur);
          continue;
        }
        std::fill(by_class.begin(), by_class.end(), 0.0);
        for (int64_t s = 0; s < L; ++s) by_class[static_cast<size_t>(ctc.ext(n, s))] += std::exp(ab[static_cast<size_t>(s)] - top);
        float* row = out + (t * N + n) * C;
        const float* lp_row = ctc.lp + (t * N + n) * C;
        const double scale = -static_cast<double>(g[n]);
        for (int64_t k = 0; k < C; ++k) {
          const double v = by_class[static_cast<size_t>(k)];
          if (v > 0) row[k] = static_cast<float>(scale * v * std::exp(static_cast<double>(top) - lp_row[k] + nll));
        }
        std::swap(next, cur);
      }
    }
  );
}

}  // namespace nutshell::cpu
