// Fused optimiser updates (PyTorch's single-tensor algorithms, step for step, as cpu/optim.cc):
// one pass over memory writes the parameter and its state in place (the outputs alias the
// inputs; a state the update does not use was passed as the gradient and is never written).
// Scalars derived from the step count are computed on the host in double, as on cpu.
//
// Note [multi-tensor launch]: a step op and its foreach form (Note [foreach steps] in
// ops/table/optim.ts) run the same kernel over a list of parameters: up to kListCapacity of them
// go to the kernel by value (their pointers, sizes and first blocks; well under the 4 KiB of
// kernel arguments), each block updating kChunk elements of one parameter, so a whole model's
// step is one launch where PyTorch's foreach takes several. A single step is a list of one.
#include <cmath>

#include "../core/optim_update.h"
#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

constexpr int kListCapacity = 32;
constexpr int64_t kChunk = 4096;  // elements per block: 16 per thread
constexpr unsigned kMaxGridBlocks = 0x7fffffff;

// K pointers per parameter: the parameter, its gradient, then its state tensors.
template <int K>
struct ParamList {
  float* ptr[kListCapacity][K];
  int64_t numel[kListCapacity];
  unsigned first_block[kListCapacity + 1];
  int count;
};

template <int K, typename Update>
__global__ void multi_tensor_kernel(ParamList<K> list, Update update) {
  int t = 0;
  while (t + 1 < list.count && blockIdx.x >= list.first_block[t + 1]) ++t;
  float* q[K];
  for (int k = 0; k < K; ++k) q[k] = list.ptr[t][k];
  const int64_t begin = static_cast<int64_t>(blockIdx.x - list.first_block[t]) * kChunk;
  const int64_t end = begin + kChunk < list.numel[t] ? begin + kChunk : list.numel[t];
  for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) update(q, i);
}

// Runs `update` over every parameter of a call with `k` inputs and `m` outputs per parameter:
// the parameter and its states are the outputs (written in place), the gradient input 1.
template <int K, typename Update>
void launch_steps(const core::OpCall& call, size_t k, size_t m, const Update& update) {
  static_assert(K >= 2, "a parameter and its gradient at least");
  cudaStream_t stream = context_of(call).stream;
  ParamList<K> list{};
  unsigned blocks = 0;
  auto flush = [&] {
    if (list.count == 0) return;
    list.first_block[list.count] = blocks;
    multi_tensor_kernel<K, Update><<<blocks, kThreads, 0, stream>>>(list, update);
    NS_LAUNCH_CHECK();
    list.count = 0;
    blocks = 0;
  };
  for (size_t q = 0; q * k < call.inputs.size(); ++q) {
    const int64_t n = call.out(q * m).numel();
    if (n == 0) continue;
    const auto need = static_cast<unsigned>(ceil_div(n, kChunk));
    if (list.count == kListCapacity || need > kMaxGridBlocks - blocks) flush();
    const int c = list.count++;
    list.first_block[c] = blocks;
    list.numel[c] = n;
    list.ptr[c][0] = call.out(q * m).data<float>();
    list.ptr[c][1] = call.in(q * k + 1).data<float>();
    for (int s = 2; s < K; ++s) list.ptr[c][s] = call.out(q * m + static_cast<size_t>(s) - 1).data<float>();
    blocks += need;
  }
  flush();
}

struct SgdUpdate {
  float lr, wd, mom, one_minus_damp, sign;  // 1 − dampening rounded once, as PyTorch's alpha
  bool use_buf, nesterov, first_step;
  __device__ void operator()(float* const* q, int64_t i) const {
    float* p = q[0];
    const float* g = q[1];
    float* buf = q[2];
    float d = sign * g[i] + wd * p[i];
    if (use_buf) {
      const float b = first_step ? d : mom * buf[i] + one_minus_damp * d;
      buf[i] = b;
      d = nesterov ? d + mom * b : b;
    }
    p[i] -= lr * d;
  }
};

struct AdamUpdate {
  core::optim::AdamScalars s;
  __device__ void operator()(float* const* q, int64_t i) const {
    core::optim::adam_update(s, q[0][i], q[1][i], q[2][i], q[3][i], s.amsgrad ? q[4] + i : nullptr);
  }
};

struct AdamaxUpdate {
  core::optim::AdamaxScalars s;
  __device__ void operator()(float* const* q, int64_t i) const { core::optim::adamax_update(s, q[0][i], q[1][i], q[2][i], q[3][i]); }
};

struct AdadeltaUpdate {
  core::optim::AdadeltaScalars s;
  __device__ void operator()(float* const* q, int64_t i) const { core::optim::adadelta_update(s, q[0][i], q[1][i], q[2][i], q[3][i]); }
};

struct RmspropUpdate {
  float alpha, one_minus_alpha, eps, lr, wd, mom, sign;
  bool centered, use_buf;
  __device__ void operator()(float* const* q, int64_t i) const {
    float* p = q[0];
    const float* g = q[1];
    float *sq = q[2], *gavg = q[3], *buf = q[4];
    const float d = sign * g[i] + wd * p[i];
    const float s = alpha * sq[i] + one_minus_alpha * d * d;
    sq[i] = s;
    float avg;
    if (centered) {
      const float ga = alpha * gavg[i] + one_minus_alpha * d;
      gavg[i] = ga;
      avg = sqrtf(s - ga * ga) + eps;
    } else {
      avg = sqrtf(s) + eps;
    }
    if (use_buf) {
      const float b = mom * buf[i] + d / avg;
      buf[i] = b;
      p[i] -= lr * b;
    } else {
      p[i] -= lr * d / avg;
    }
  }
};

struct AdagradUpdate {
  float clr, wd, eps, sign;
  __device__ void operator()(float* const* q, int64_t i) const {
    float* p = q[0];
    const float* g = q[1];
    float* sum = q[2];
    const float d = sign * g[i] + wd * p[i];
    const float s = sum[i] + d * d;
    sum[i] = s;
    p[i] -= clr * d / (sqrtf(s) + eps);
  }
};

// The foreach ops share their single op's attributes (same declaration, same layout).
void sgd_steps(const core::OpCall& call) {
  auto a = core::SgdStepAttrs::decode(call.reader());
  const SgdUpdate update{static_cast<float>(a.lr), static_cast<float>(a.weightDecay), static_cast<float>(a.momentum), static_cast<float>(1.0 - a.dampening),
                         a.maximize ? -1.f : 1.f, a.momentum != 0, a.nesterov, a.firstStep};
  launch_steps<3>(call, 3, 2, update);
}

void adam_steps(const core::OpCall& call) {
  launch_steps<5>(call, 5, 4, AdamUpdate{core::optim::adam_scalars(core::AdamStepAttrs::decode(call.reader()))});
}

void adamax_steps(const core::OpCall& call) {
  launch_steps<4>(call, 4, 3, AdamaxUpdate{core::optim::adamax_scalars(core::AdamaxStepAttrs::decode(call.reader()))});
}

void adadelta_steps(const core::OpCall& call) {
  launch_steps<4>(call, 4, 3, AdadeltaUpdate{core::optim::adadelta_scalars(core::AdadeltaStepAttrs::decode(call.reader()))});
}

void rmsprop_steps(const core::OpCall& call) {
  auto a = core::RmspropStepAttrs::decode(call.reader());
  const RmspropUpdate update{static_cast<float>(a.alpha),       static_cast<float>(1.0 - a.alpha), static_cast<float>(a.eps), static_cast<float>(a.lr),
                             static_cast<float>(a.weightDecay), static_cast<float>(a.momentum), a.maximize ? -1.f : 1.f,
                             a.centered,                        a.momentum != 0};
  launch_steps<5>(call, 5, 4, update);
}

void adagrad_steps(const core::OpCall& call) {
  auto a = core::AdagradStepAttrs::decode(call.reader());
  const AdagradUpdate update{static_cast<float>(a.lr / (1.0 + static_cast<double>(a.step - 1) * a.lrDecay)), static_cast<float>(a.weightDecay),
                             static_cast<float>(a.eps), a.maximize ? -1.f : 1.f};
  launch_steps<3>(call, 3, 2, update);
}

}  // namespace

void sgdStep(core::OpCall& call) { sgd_steps(call); }
void sgdStepForeach(core::OpCall& call) { sgd_steps(call); }
void adamStep(core::OpCall& call) { adam_steps(call); }
void adamStepForeach(core::OpCall& call) { adam_steps(call); }
void rmspropStep(core::OpCall& call) { rmsprop_steps(call); }
void rmspropStepForeach(core::OpCall& call) { rmsprop_steps(call); }
void adagradStep(core::OpCall& call) { adagrad_steps(call); }
void adagradStepForeach(core::OpCall& call) { adagrad_steps(call); }
void adamaxStep(core::OpCall& call) { adamax_steps(call); }
void adamaxStepForeach(core::OpCall& call) { adamax_steps(call); }
void adadeltaStep(core::OpCall& call) { adadelta_steps(call); }
void adadeltaStepForeach(core::OpCall& call) { adadelta_steps(call); }

}  // namespace nutshell::cuda
