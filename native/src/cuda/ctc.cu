// The CTC loss and its gradient on the GPU (Note [ctc kernels] in
// packages/tensor/src/ops/table/ctc.ts): one block per sequence, its threads over the extended
// states (blank, l1, blank, …, blank), one __syncthreads per time step; α and β in log space,
// kept in workspaces of floats (each sequence's planes [T, L] packed) and combined in double. A
// label out of range (or the blank) is reported (Note [device-side errors]) and read as an
// impossible state.
#include <cmath>
#include <string>

#include "../core/ctc_layout.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;

__device__ __forceinline__ double log_add(double a, double b) {
  if (a == -INFINITY) return b;
  if (b == -INFINITY) return a;
  const double m = a > b ? a : b;
  return m + ::log1p(::exp(-::fabs(a - b)));  // global: the op kernels exp and log1p live in this namespace
}

using CtcArgs = core::CtcLayout;

// Where each sequence's labels start (core::ctc_offsets), and where its planes of α and β start:
// packed one after another, T rows of its own states each — concatenated targets may hold many
// labels in all while each sequence has few, and N × T × (2·all + 1) planes would be huge.
__global__ void ctc_offsets_kernel(CtcArgs a, int64_t* offsets, int64_t* plane_starts) {
  core::ctc_offsets(a.target_lengths, a.N, a.S, a.concatenated, offsets);
  int64_t at = 0;
  for (int64_t n = 0; n < a.N; ++n) {
    plane_starts[n] = at;
    at += a.T * a.states(n);
  }
}

// α of sequence blockIdx.x for every step into its plane [T, L] of alpha; −log p into nll (+∞: no path).
// A bad input length is reported at position n, a bad target length at N + n, a bad label at
// 2N + its index in targets: positions in the values the check reads (check_values below).
__global__ void ctc_alpha_kernel(CtcArgs a, const int64_t* __restrict__ plane_starts, float* __restrict__ alpha, float* __restrict__ nll, ErrorSlot* slot) {
  const int64_t n = blockIdx.x;
  const int64_t Tn = a.steps(n), L = a.states(n);
  float* al = alpha + plane_starts[n];
  if (threadIdx.x == 0 && !a.valid_steps(n)) report_position(slot, n);
  if (threadIdx.x == 0 && !a.valid_labels(n)) report_position(slot, a.N + n);
  for (int64_t k = threadIdx.x; k < a.labels(n); k += blockDim.x) {
    if (!a.valid_label(a.label(n, k))) report_position(slot, 2 * a.N + a.offsets[n] + k);
  }
  if (Tn == 0) {
    if (threadIdx.x == 0) nll[n] = L == 1 ? 0.f : INFINITY;
    return;
  }
  for (int64_t s = threadIdx.x; s < L; s += blockDim.x) al[s] = s < 2 ? static_cast<float>(a.emit(0, n, s)) : -INFINITY;
  __syncthreads();
  for (int64_t t = 1; t < Tn; ++t) {
    const float* prev = al + (t - 1) * L;
    float* cur = al + t * L;
    for (int64_t s = threadIdx.x; s < L; s += blockDim.x) {
      double v = prev[s];
      if (s >= 1) v = log_add(v, prev[s - 1]);
      if (a.skips(n, s)) v = log_add(v, prev[s - 2]);
      cur[s] = v == -INFINITY ? -INFINITY : static_cast<float>(v + a.emit(t, n, s));
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    const float* last = al + (Tn - 1) * L;
    const double ll = L > 1 ? log_add(last[L - 1], last[L - 2]) : last[0];
    nll[n] = ll == -INFINITY ? INFINITY : static_cast<float>(-ll);
  }
}

// β of sequence blockIdx.x, then −g·exp(log Σ_{s: ext(s) = k} αβ − lp + nll) for each step and class.
__global__ void ctc_grad_kernel(CtcArgs a, const int64_t* __restrict__ plane_starts, const float* __restrict__ alpha, const float* __restrict__ nll, const float* __restrict__ g,
                                float* __restrict__ beta, float* __restrict__ out) {
  const int64_t n = blockIdx.x;
  const int64_t Tn = a.steps(n), L = a.states(n);
  const double loss = nll[n];
  if (Tn == 0 || !(loss < INFINITY) || g[n] == 0.f) return;  // no path (+∞) or no gradient: zeros
  const float* al = alpha + plane_starts[n];
  float* be = beta + plane_starts[n];
  for (int64_t t = Tn - 1; t >= 0; --t) {
    const float* next = be + (t + 1) * L;
    float* cur = be + t * L;
    for (int64_t s = threadIdx.x; s < L; s += blockDim.x) {
      double v;
      if (t == Tn - 1) {
        v = s >= L - 2 ? 0.0 : -INFINITY;  // β ends in the last label or the last blank
      } else {
        v = next[s];
        if (s + 1 < L) v = log_add(v, next[s + 1]);
        if (s + 2 < L && a.skips(n, s + 2)) v = log_add(v, next[s + 2]);
      }
      cur[s] = v == -INFINITY ? -INFINITY : static_cast<float>(v + a.emit(t, n, s));
    }
    __syncthreads();
  }
  const double gn = g[n];
  for (int64_t i = threadIdx.x; i < Tn * a.C; i += blockDim.x) {
    const int64_t t = i / a.C, k = i % a.C;
    double acc = -INFINITY;
    for (int64_t s = k == a.blank ? 0 : 1; s < L; s += 2) {  // blanks are the even states, labels the odd
      if (a.ext(n, s) != k) continue;
      const float x = al[t * L + s], y = be[t * L + s];
      if (x == -INFINITY || y == -INFINITY) continue;
      acc = log_add(acc, static_cast<double>(x) + y);
    }
    const int64_t at = (t * a.N + n) * a.C + k;
    if (acc != -INFINITY) out[at] = static_cast<float>(-gn * ::exp(acc - a.lp[at] + loss));
  }
}

// The layout of an op's inputs, with the label offsets computed on the device into `offsets`.
CtcArgs args_of(const OpCall& call, int first, int64_t blank, DeviceContext& ctx, const Workspace& offsets) {
  const auto& lp = call.in(first);
  const auto& targets = call.in(first + 1);
  const bool concatenated = targets.rank() == 1;
  const int64_t S = concatenated ? targets.dim(0) : targets.dim(1);
  CtcArgs a{lp.data<float>(), targets.data<int64_t>(), call.in(first + 2).data<int64_t>(), call.in(first + 3).data<int64_t>(), offsets.as<int64_t>(),
            lp.dim(0), lp.dim(1), lp.dim(2), S, blank, concatenated};
  if (a.N > 0) {
    ctc_offsets_kernel<<<1, 1, 0, ctx.stream>>>(a, offsets.as<int64_t>(), offsets.as<int64_t>() + a.N);
    NS_LAUNCH_CHECK();
  }
  return a;
}

// Floats the planes of α (or β) need at most: N × T × (2S + 1) padded; concatenated, the states
// of all sequences together are at most 2·(all labels) + N.
size_t plane_floats(const CtcArgs& a) {
  const int64_t states = a.concatenated ? 2 * a.S + a.N : a.N * (2 * a.S + 1);
  return static_cast<size_t>(std::max<int64_t>(a.T, 1) * states);
}

// What the check reads at a reported position: inputLengths, targetLengths, then targets.
class CheckValues {
 public:
  CheckValues(DeviceContext& ctx, const CtcArgs& a, int64_t labels)
      : values_(ctx, static_cast<size_t>(2 * a.N + labels) * sizeof(int64_t)) {
    int64_t* v = values_.as<int64_t>();
    const size_t row = static_cast<size_t>(a.N) * sizeof(int64_t);
    NS_CUDA_CHECK(cudaMemcpyAsync(v, a.input_lengths, row, cudaMemcpyDeviceToDevice, ctx.stream));
    NS_CUDA_CHECK(cudaMemcpyAsync(v + a.N, a.target_lengths, row, cudaMemcpyDeviceToDevice, ctx.stream));
    if (labels > 0) NS_CUDA_CHECK(cudaMemcpyAsync(v + 2 * a.N, a.targets, static_cast<size_t>(labels) * sizeof(int64_t), cudaMemcpyDeviceToDevice, ctx.stream));
  }
  const int64_t* data() const { return values_.as<int64_t>(); }

 private:
  Workspace values_;
};

// The cpu kernel's messages (cpu/ctc.cc), from a reported position.
ErrorFormatter check_message(const CtcArgs& a) {
  const int64_t N = a.N, T = a.T, S = a.S, C = a.C, blank = a.blank;
  const bool concatenated = a.concatenated;
  return [N, T, S, C, blank, concatenated](int64_t pos, long long v, double) {
    if (pos < N) return "inputLengths[" + std::to_string(pos) + "] expected an integer from 0 to " + std::to_string(T) + " (the steps of logProbs), got " + std::to_string(v);
    if (pos < 2 * N) {
      return "targetLengths[" + std::to_string(pos - N) + "] expected " +
             (concatenated ? "at most the labels left in the 1-D targets (" + std::to_string(S) + " in all)" : "an integer from 0 to " + std::to_string(S) + " (the width of targets)") +
             ", got " + std::to_string(v);
    }
    const int64_t q = pos - 2 * N;
    const std::string where = concatenated ? "at position " + std::to_string(q) : "at [" + std::to_string(q / S) + ", " + std::to_string(q % S) + "]";
    return "target " + std::to_string(v) + " " + where + " is " + (v == blank ? std::string("the blank") : "out of range for " + std::to_string(C) + " classes");
  };
}

// Threads per block: the states of the longest target, rounded up to a warp, at most kThreads.
unsigned threads_for(int64_t states) { return static_cast<unsigned>(std::min<int64_t>(kThreads, ceil_div(states, 32) * 32)); }

}  // namespace

void ctcLoss(OpCall& call) {
  auto attrs = core::CtcLossAttrs::decode(call.reader());
  DeviceContext& ctx = context_of(call);
  const int64_t N = call.in(0).dim(1);
  if (N == 0) return;
  Workspace offsets(ctx, static_cast<size_t>(2 * N) * sizeof(int64_t));
  const CtcArgs a = args_of(call, 0, attrs.blank, ctx, offsets);
  const int64_t* plane_starts = offsets.as<int64_t>() + N;
  Workspace alpha(ctx, plane_floats(a) * sizeof(float));
  const CheckValues values(ctx, a, call.in(1).numel());
  ErrorReporter errors(ctx, call);
  ctc_alpha_kernel<<<static_cast<unsigned>(a.N), threads_for(2 * a.S + 1), 0, ctx.stream>>>(a, plane_starts, alpha.as<float>(), call.out(0).data<float>(), errors.slot());
  NS_LAUNCH_CHECK();
  errors.finish(values.data(), check_message(a));
}

// inputs: grad [N], then the forward's → gradient [T, N, C] with respect to logProbs.
void ctcLossBackward(OpCall& call) {
  auto attrs = core::CtcLossBackwardAttrs::decode(call.reader());
  DeviceContext& ctx = context_of(call);
  const auto& out = call.out(0);
  if (out.numel() > 0) NS_CUDA_CHECK(cudaMemsetAsync(out.raw(), 0, static_cast<size_t>(out.numel()) * sizeof(float), ctx.stream));
  const int64_t N = call.in(1).dim(1), T = call.in(1).dim(0);
  if (N == 0 || T == 0) return;
  Workspace offsets(ctx, static_cast<size_t>(2 * N) * sizeof(int64_t));
  const CtcArgs a = args_of(call, 1, attrs.blank, ctx, offsets);
  const int64_t* plane_starts = offsets.as<int64_t>() + N;
  const size_t plane = plane_floats(a) * sizeof(float);
  Workspace alpha(ctx, plane), beta(ctx, plane), nll(ctx, static_cast<size_t>(a.N) * sizeof(float));
  const CheckValues values(ctx, a, call.in(2).numel());
  ErrorReporter errors(ctx, call);
  const unsigned threads = threads_for(2 * a.S + 1);
  ctc_alpha_kernel<<<static_cast<unsigned>(a.N), threads, 0, ctx.stream>>>(a, plane_starts, alpha.as<float>(), nll.as<float>(), errors.slot());
  NS_LAUNCH_CHECK();
  ctc_grad_kernel<<<static_cast<unsigned>(a.N), std::max(threads, 128u), 0, ctx.stream>>>(a, plane_starts, alpha.as<float>(), nll.as<float>(), call.in(0).data<float>(),
                                                                                        beta.as<float>(), out.data<float>());
  NS_LAUNCH_CHECK();
  errors.finish(values.data(), check_message(a));
}

}  // namespace nutshell::cuda
