// Fused recurrent layers on cuda through cuDNN's v8 RNN API (cudnnRNNForward,
// cudnnRNNBackwardData_v8, cudnnRNNBackwardWeights_v8): LSTM, GRU and the Elman RNN (tanh or
// relu), one layer per op, both directions at once when bidirectional. The op interface is the
// cpu one (Note [rnn layer ops] and Note [rnn state threading] in
// packages/tensor/src/ops/table/rnn.ts): input, states, 8 PyTorch weight slots; the op reads
// and writes the D state rows of its layer and passes the others through.
//
// Note [cudnn rnn weights]: cuDNN keeps all weights of a network in one opaque "weight space"
// and tells where each matrix and bias lives (cudnnGetRNNWeightParams, per pseudo-layer =
// direction, per linear-layer id). Its gate order is PyTorch's: LSTM ids 0-3 are W_i, W_f, W_c,
// W_o (PyTorch's i, f, g, o) and 4-7 the recurrent R_*; GRU ids 0-2 are W_r, W_z, W_h (PyTorch's
// r, z, n) with the same linear-before-reset formula (h' = tanh(W_h x + b_Wh + r·(R_h h + b_Rh)));
// RNN id 0 is W, 1 is R. Each gate's matrix is a dense row-major [H, rows] block, exactly a slice
// of PyTorch's [G·H, rows] weight, and bias id g is b_ih's gate g (ids G… are b_hh). So packing
// is one device-to-device copy per matrix and bias (neighbouring ones merged), gradients unpack
// the same way, and no gate permutation is needed. The offsets are asked once per shape.
//
// Note [cudnn rnn reserve]: cuDNN's training forward fills a "reserve space" that backward
// reads; its size is known only to cuDNN, so rnnWorkspaceSize on cuda reports it (the same
// mechanism as cpu's oneDNN workspace, Note [rnn workspace]) and the forward op's hidden
// workspace output holds it. cudnnRNNBackwardData_v8 writes into the reserve space, and tensors
// are immutable here, so backward works on a copy. A workspace smaller than cuDNN's reserve
// (0: an inference forward) means none was kept: the forward runs in inference mode and backward
// recomputes a training forward first, always correct (the cpu rule).
//
// Descriptors use CUDNN_FMA_MATH (strict float32) and padded I/O with unpacked layouts (seq-major
// [T, N, C], or batch-major [N, T, C] for batchFirst), every sequence of full length T.
#include <cudnn.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../core/rnn_layer.h"
#include "../gen/cuda_kernels.gen.h"
#include "check.h"
#include "context.h"
#include "cudnn_layer.h"
#include "dnn_kernels.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;
using core::TensorRef;

using Cell = core::RnnCell;
using Layer = core::RnnLayer;
constexpr auto layer_of = core::rnn_layer_of;

// ---- the per-shape plan ----

struct Slot {
  size_t offset = 0;  // bytes into the weight space
  int64_t floats = 0;
};

class Plan {
 public:
  Plan(DeviceContext& ctx, const Layer& L) : ctx_(ctx), L_(L) {
    try {
      build();
    } catch (...) {
      release();  // the destructor does not run for a constructor that throws
      throw;
    }
  }

  ~Plan() { release(); }
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

 private:
  void build() {
    DeviceContext& ctx = ctx_;
    const Layer& L = L_;
    NS_CUDNN_CHECK(cudnnCreateDropoutDescriptor(&dropout_));
    NS_CUDNN_CHECK(cudnnCreateRNNDescriptor(&rnn_));
    NS_CUDNN_CHECK(cudnnCreateRNNDataDescriptor(&x_desc_));
    NS_CUDNN_CHECK(cudnnCreateRNNDataDescriptor(&y_desc_));
    // No dropout (one layer: cuDNN applies dropout between layers only); no RNG states needed.
    NS_CUDNN_CHECK(cudnnSetDropoutDescriptor(dropout_, ctx.cudnn, 0.0f, nullptr, 0, 0));
    cudnnRNNMode_t mode = CUDNN_LSTM;
    switch (L.cell) {
      case Cell::lstm: mode = CUDNN_LSTM; break;
      case Cell::gru: mode = CUDNN_GRU; break;
      case Cell::rnn_tanh: mode = CUDNN_RNN_TANH; break;
      case Cell::rnn_relu: mode = CUDNN_RNN_RELU; break;
    }
    const int C = dnn::to_int(L.C, "input features"), H = dnn::to_int(L.H, "hidden size");
    const int T = dnn::to_int(L.T, "sequence length"), N = dnn::to_int(L.N, "batch size");
    dnn::to_int(L.T * L.N * L.D * L.H * L.gates(), "an RNN's gate activations");
    NS_CUDNN_CHECK(cudnnSetRNNDescriptor_v8(rnn_, CUDNN_RNN_ALGO_STANDARD, mode, L.has_bias ? CUDNN_RNN_DOUBLE_BIAS : CUDNN_RNN_NO_BIAS,
                                            L.D == 2 ? CUDNN_BIDIRECTIONAL : CUDNN_UNIDIRECTIONAL, CUDNN_LINEAR_INPUT, CUDNN_DATA_FLOAT,
                                            CUDNN_DATA_FLOAT, CUDNN_FMA_MATH, C, H, /*projSize=*/H, /*numLayers=*/1, dropout_,
                                            CUDNN_RNN_PADDED_IO_ENABLED));
    const std::vector<int> lengths(static_cast<size_t>(N), T);
    const cudnnRNNDataLayout_t layout = L.batch_first ? CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED : CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED;
    NS_CUDNN_CHECK(cudnnSetRNNDataDescriptor(x_desc_, CUDNN_DATA_FLOAT, layout, T, N, C, lengths.data(), nullptr));
    NS_CUDNN_CHECK(cudnnSetRNNDataDescriptor(y_desc_, CUDNN_DATA_FLOAT, layout, T, N, dnn::to_int(L.D * L.H, "output features"), lengths.data(),
                                             nullptr));
    h_desc_.set_nd({L.D, L.N, L.H});
    NS_CUDNN_CHECK(cudnnGetRNNWeightSpaceSize(ctx.cudnn, rnn_, &weight_bytes_));
    size_t unused = 0;
    NS_CUDNN_CHECK(cudnnGetRNNTempSpaceSizes(ctx.cudnn, rnn_, CUDNN_FWD_MODE_INFERENCE, x_desc_, &work_infer_, &unused));
    NS_CUDNN_CHECK(cudnnGetRNNTempSpaceSizes(ctx.cudnn, rnn_, CUDNN_FWD_MODE_TRAINING, x_desc_, &work_train_, &reserve_));
    // Every sequence has length T; cuDNN reads the lengths from device memory too.
    seq_lengths_ = dnn::Scratch(ctx, static_cast<size_t>(N) * sizeof(int32_t));
    NS_CUDA_CHECK(dnn::fill_i32(seq_lengths_.as<int32_t>(), N, T, ctx.stream));
    locate_weights();
  }

  void release() {
    if (y_desc_) cudnnDestroyRNNDataDescriptor(y_desc_);
    if (x_desc_) cudnnDestroyRNNDataDescriptor(x_desc_);
    if (rnn_) cudnnDestroyRNNDescriptor(rnn_);
    if (dropout_) cudnnDestroyDropoutDescriptor(dropout_);
    y_desc_ = x_desc_ = nullptr;
    rnn_ = nullptr;
    dropout_ = nullptr;
  }

 public:
  size_t weight_bytes() const { return weight_bytes_; }
  size_t reserve_bytes() const { return reserve_; }

  // PyTorch's weights (the op's 8 slots) -> a fresh weight space (Note [cudnn rnn weights]).
  dnn::Scratch pack(const OpCall& call) const {
    dnn::Scratch w(ctx_, weight_bytes_);
    NS_CUDA_CHECK(cudaMemsetAsync(w.data(), 0, weight_bytes_, ctx_.stream));
    copy_all(call, /*to_space=*/true, static_cast<char*>(w.data()), nullptr);
    return w;
  }

  // A weight-space gradient -> the op's 8 gradient outputs (same slots as the inputs).
  void unpack(const char* dw, OpCall& call) const { copy_all(call, /*to_space=*/false, const_cast<char*>(dw), &call); }

  // Forward into y / hy / cy (hy, cy may be null); reserve null: inference.
  void forward(const float* x, float* y, const float* hx, float* hy, const float* cx, float* cy, const void* weights, void* reserve) const {
    const bool training = reserve != nullptr;
    dnn::Scratch work(ctx_, training ? work_train_ : work_infer_);
    NS_CUDNN_CHECK(cudnnRNNForward(ctx_.cudnn, rnn_, training ? CUDNN_FWD_MODE_TRAINING : CUDNN_FWD_MODE_INFERENCE, seq_lengths_.as<int32_t>(),
                                   x_desc_, x, y_desc_, y, h_desc_.get(), hx, hy, h_desc_.get(), cx, cy, weight_bytes_, weights, work.size(),
                                   work.data(), training ? reserve_ : 0, reserve));
  }

  // Backward data then weights (cuDNN's required order: the second reads what the first leaves
  // in the reserve and the workspace). dw: a zeroed weight-space gradient (cuDNN adds to it).
  void backward(const float* x, const float* y, const float* dy, float* dx, const float* hx, const float* dhy, float* dhx, const float* cx,
                const float* dcy, float* dcx, const void* weights, void* dw, void* reserve) const {
    dnn::Scratch work(ctx_, work_train_);
    NS_CUDNN_CHECK(cudnnRNNBackwardData_v8(ctx_.cudnn, rnn_, seq_lengths_.as<int32_t>(), y_desc_, y, dy, x_desc_, dx, h_desc_.get(), hx, dhy, dhx,
                                           h_desc_.get(), cx, dcy, dcx, weight_bytes_, weights, work.size(), work.data(), reserve_, reserve));
    NS_CUDNN_CHECK(cudnnRNNBackwardWeights_v8(ctx_.cudnn, rnn_, CUDNN_WGRAD_MODE_ADD, seq_lengths_.as<int32_t>(), x_desc_, x, h_desc_.get(), hx, y_desc_,
                                              y, weight_bytes_, dw, work.size(), work.data(), reserve_, reserve));
  }

 private:
  int64_t linear_ids() const { return 2 * L_.gates(); }

  static int64_t numel_of(cudnnTensorDescriptor_t desc) {
    cudnnDataType_t type;
    int nb = 0, dims[8] = {0}, strides[8] = {0};
    NS_CUDNN_CHECK(cudnnGetTensorNdDescriptor(desc, 8, &type, &nb, dims, strides));
    int64_t n = 1;
    for (int i = 0; i < nb; ++i) n *= dims[i];
    return n;
  }

  // Offsets of every matrix and bias, from a weight space of the right size.
  void locate_weights() {
    dnn::Scratch probe(ctx_, weight_bytes_);
    dnn::TensorDesc m_desc, b_desc;
    const char* base = static_cast<const char*>(probe.data());
    const int64_t G = L_.gates();
    matrices_.assign(static_cast<size_t>(L_.D * linear_ids()), Slot{});
    biases_.assign(static_cast<size_t>(L_.D * linear_ids()), Slot{});
    for (int64_t d = 0; d < L_.D; ++d) {
      for (int64_t id = 0; id < linear_ids(); ++id) {
        void* m_addr = nullptr;
        void* b_addr = nullptr;
        NS_CUDNN_CHECK(cudnnGetRNNWeightParams(ctx_.cudnn, rnn_, static_cast<int32_t>(d), weight_bytes_, probe.data(), static_cast<int32_t>(id),
                                               m_desc.get(), &m_addr, b_desc.get(), &b_addr));
        const int64_t rows = id < G ? L_.C : L_.H;
        Slot& m = matrices_[static_cast<size_t>(d * linear_ids() + id)];
        NS_CHECK(m_addr != nullptr, backend, "cuDNN reported no weight matrix for linear layer " + std::to_string(id));
        m.offset = static_cast<size_t>(static_cast<const char*>(m_addr) - base);
        m.floats = numel_of(m_desc.get());
        NS_CHECK(m.floats == L_.H * rows && m.offset + static_cast<size_t>(m.floats) * sizeof(float) <= weight_bytes_, backend,
                 "cuDNN's weight matrix " + std::to_string(id) + " holds " + std::to_string(m.floats) + " values where PyTorch's gate block has " +
                     std::to_string(L_.H * rows));
        if (L_.has_bias) {
          Slot& b = biases_[static_cast<size_t>(d * linear_ids() + id)];
          NS_CHECK(b_addr != nullptr, backend, "cuDNN reported no bias for linear layer " + std::to_string(id));
          b.offset = static_cast<size_t>(static_cast<const char*>(b_addr) - base);
          b.floats = numel_of(b_desc.get());
          NS_CHECK(b.floats == L_.H && b.offset + static_cast<size_t>(b.floats) * sizeof(float) <= weight_bytes_, backend,
                   "cuDNN's bias " + std::to_string(id) + " holds " + std::to_string(b.floats) + " values where PyTorch's gate has " +
                       std::to_string(L_.H));
        }
      }
    }
  }

  // One copy between the weight space (at `space` + offset) and a PyTorch tensor slice.
  struct Copy {
    char* space;
    char* tensor;
    size_t bytes;
  };

  // All matrix and bias copies, adjacent ones merged, in the direction asked.
  void copy_all(const OpCall& call, bool to_space, char* space, OpCall* grads) const {
    const int64_t G = L_.gates(), H = L_.H;
    std::vector<Copy> copies;
    auto add = [&](const Slot& slot, const TensorRef& t, int64_t first_float) {
      char* tensor = static_cast<char*>(t.raw()) + first_float * static_cast<int64_t>(sizeof(float));
      const size_t bytes = static_cast<size_t>(slot.floats) * sizeof(float);
      Copy c{space + slot.offset, tensor, bytes};
      if (!copies.empty() && copies.back().space + copies.back().bytes == c.space && copies.back().tensor + copies.back().bytes == c.tensor)
        copies.back().bytes += bytes;
      else
        copies.push_back(c);
    };
    // Inputs for packing; the gradient outputs (same order and shapes) for unpacking.
    auto slot_tensor = [&](int64_t d, int k) -> const TensorRef& {
      const size_t i = L_.weight_base() + static_cast<size_t>(4 * d + k);
      return grads ? grads->out(i) : call.in(i);
    };
    for (int64_t d = 0; d < L_.D; ++d) {
      for (int64_t g = 0; g < G; ++g) add(matrices_[static_cast<size_t>(d * linear_ids() + g)], slot_tensor(d, 0), g * H * L_.C);
      for (int64_t g = 0; g < G; ++g) add(matrices_[static_cast<size_t>(d * linear_ids() + G + g)], slot_tensor(d, 1), g * H * H);
      if (!L_.has_bias) continue;
      for (int64_t g = 0; g < G; ++g) add(biases_[static_cast<size_t>(d * linear_ids() + g)], slot_tensor(d, 2), g * H);
      for (int64_t g = 0; g < G; ++g) add(biases_[static_cast<size_t>(d * linear_ids() + G + g)], slot_tensor(d, 3), g * H);
    }
    for (const Copy& c : copies) {
      NS_CUDA_CHECK(to_space ? cudaMemcpyAsync(c.space, c.tensor, c.bytes, cudaMemcpyDeviceToDevice, ctx_.stream)
                             : cudaMemcpyAsync(c.tensor, c.space, c.bytes, cudaMemcpyDeviceToDevice, ctx_.stream));
    }
  }

  DeviceContext& ctx_;
  Layer L_;
  cudnnDropoutDescriptor_t dropout_ = nullptr;
  cudnnRNNDescriptor_t rnn_ = nullptr;
  cudnnRNNDataDescriptor_t x_desc_ = nullptr, y_desc_ = nullptr;
  dnn::TensorDesc h_desc_;
  size_t weight_bytes_ = 0, work_infer_ = 0, work_train_ = 0, reserve_ = 0;
  dnn::Scratch seq_lengths_;
  std::vector<Slot> matrices_, biases_;  // [direction][linear-layer id]
};

// Plans live as long as the process (like cuDNN's handles): a leaked map, so nothing is
// destroyed after the CUDA runtime at exit.
std::shared_ptr<const Plan> plan_for(DeviceContext& ctx, const Layer& L) {
  static std::mutex mutex;
  static auto* plans = new std::map<std::string, std::shared_ptr<const Plan>>();
  const std::string key = std::to_string(ctx.index) + ":" + std::to_string(static_cast<int>(L.cell)) + ":" + std::to_string(L.T) + "," +
                          std::to_string(L.N) + "," + std::to_string(L.C) + "," + std::to_string(L.H) + "," + std::to_string(L.D) +
                          (L.batch_first ? ":bf" : ":tf") + (L.has_bias ? ":b" : ":nb");
  std::lock_guard<std::mutex> lock(mutex);
  auto it = plans->find(key);
  if (it != plans->end()) return it->second;
  auto plan = std::make_shared<const Plan>(ctx, L);
  (*plans)[key] = plan;
  return plan;
}

void copy_tensor(const TensorRef& from, const TensorRef& to, cudaStream_t stream) {
  if (to.numel())
    NS_CUDA_CHECK(cudaMemcpyAsync(to.raw(), from.raw(), static_cast<size_t>(to.numel()) * sizeof(float), cudaMemcpyDeviceToDevice, stream));
}

const float* at(const TensorRef& t, int64_t offset) { return t.data<float>() + offset; }
float* at_mut(const TensorRef& t, int64_t offset) { return t.data<float>() + offset; }

// Inputs: input, hx, (cx,) 8 weight slots. Outputs: output, hy, (cy,) workspace.
void forward(OpCall& call, const Layer& L, int64_t workspace_bytes) {
  DeviceContext& ctx = context_of(call);
  const size_t n_state = L.has_c() ? 2 : 1;
  // Other layers' state rows pass through; this layer's rows are overwritten below.
  for (size_t k = 0; k < n_state; ++k) copy_tensor(call.in(1 + k), call.out(1 + k), ctx.stream);
  if (L.N == 0) return;  // nothing to run: every output is empty
  auto plan = plan_for(ctx, L);
  const TensorRef& ws = call.out(1 + n_state);
  // Note [cudnn rnn reserve]: keep the reserve only where the workspace can hold it.
  const bool training = workspace_bytes > 0 && plan->reserve_bytes() > 0 && ws.numel() >= static_cast<int64_t>(plan->reserve_bytes());
  dnn::Scratch weights = plan->pack(call);
  const int64_t off = L.state_offset();
  plan->forward(call.in(0).data<float>(), call.out(0).data<float>(), at(call.in(1), off), at_mut(call.out(1), off),
                L.has_c() ? at(call.in(2), off) : nullptr, L.has_c() ? at_mut(call.out(2), off) : nullptr, weights.data(),
                training ? ws.raw() : nullptr);
}

// Inputs: the forward's inputs (input, hx, (cx,) 8 weight slots), its outputs (output, hy, (cy,)
// workspace) and their gradients (gradOutput, gradHy (, gradCy)). Outputs: the gradients of the
// forward's inputs, in their order.
void backward(OpCall& call, const Layer& L) {
  DeviceContext& ctx = context_of(call);
  const size_t n_state = L.has_c() ? 2 : 1;
  const size_t base = L.weight_base();
  const size_t outs = base + 8;
  const size_t ws_in = outs + 1 + n_state;
  const size_t grads = ws_in + 1;
  // Gradients of other layers' state rows pass straight through (Note [rnn state threading]).
  for (size_t k = 0; k < n_state; ++k) copy_tensor(call.in(grads + 1 + k), call.out(1 + k), ctx.stream);
  if (L.N == 0) {
    for (size_t k = base; k < base + 8; ++k) {
      const TensorRef& g = call.out(k);
      if (g.numel()) NS_CUDA_CHECK(cudaMemsetAsync(g.raw(), 0, static_cast<size_t>(g.numel()) * sizeof(float), ctx.stream));
    }
    return;
  }
  auto plan = plan_for(ctx, L);
  dnn::Scratch weights = plan->pack(call);
  const int64_t off = L.state_offset();
  const float* hx = at(call.in(1), off);
  const float* cx = L.has_c() ? at(call.in(2), off) : nullptr;

  // The reserve: a copy of the forward's (cuDNN writes into it), or a recomputed one.
  const TensorRef& ws = call.in(ws_in);
  const size_t reserve_bytes = plan->reserve_bytes();
  dnn::Scratch reserve(ctx, reserve_bytes);
  dnn::Scratch y_again;
  const float* y = call.in(outs).data<float>();
  if (reserve_bytes > 0 && ws.numel() >= static_cast<int64_t>(reserve_bytes)) {
    NS_CUDA_CHECK(cudaMemcpyAsync(reserve.data(), ws.raw(), reserve_bytes, cudaMemcpyDeviceToDevice, ctx.stream));
  } else {
    y_again = dnn::Scratch(ctx, static_cast<size_t>(L.T * L.N * L.D * L.H) * sizeof(float));
    plan->forward(call.in(0).data<float>(), y_again.as<float>(), hx, nullptr, cx, nullptr, weights.data(), reserve.data());
    y = y_again.as<float>();
  }

  dnn::Scratch dw(ctx, plan->weight_bytes());
  NS_CUDA_CHECK(cudaMemsetAsync(dw.data(), 0, plan->weight_bytes(), ctx.stream));  // cuDNN adds into it
  plan->backward(call.in(0).data<float>(), y, call.in(grads).data<float>(), call.out(0).data<float>(), hx, at(call.in(grads + 1), off),
                 at_mut(call.out(1), off), cx, L.has_c() ? at(call.in(grads + 2), off) : nullptr, L.has_c() ? at_mut(call.out(2), off) : nullptr,
                 weights.data(), dw.data(), reserve.data());
  plan->unpack(static_cast<const char*>(dw.data()), call);
}

Cell rnn_cell(bool relu) { return relu ? Cell::rnn_relu : Cell::rnn_tanh; }

}  // namespace

void lstm(OpCall& call) {
  auto a = core::LstmAttrs::decode(call.reader());
  forward(call, layer_of(call, Cell::lstm, a.layer, a.bidirectional, a.batchFirst, a.hasBiases), a.workspaceBytes);
}

void gru(OpCall& call) {
  auto a = core::GruAttrs::decode(call.reader());
  forward(call, layer_of(call, Cell::gru, a.layer, a.bidirectional, a.batchFirst, a.hasBiases), a.workspaceBytes);
}

void rnn(OpCall& call) {
  auto a = core::RnnAttrs::decode(call.reader());
  forward(call, layer_of(call, rnn_cell(a.nonlinearity == core::RnnAttrs::Nonlinearity::relu), a.layer, a.bidirectional, a.batchFirst, a.hasBiases),
          a.workspaceBytes);
}

void lstmBackward(OpCall& call) {
  auto a = core::LstmBackwardAttrs::decode(call.reader());
  backward(call, layer_of(call, Cell::lstm, a.layer, a.bidirectional, a.batchFirst, a.hasBiases));
}

void gruBackward(OpCall& call) {
  auto a = core::GruBackwardAttrs::decode(call.reader());
  backward(call, layer_of(call, Cell::gru, a.layer, a.bidirectional, a.batchFirst, a.hasBiases));
}

void rnnBackward(OpCall& call) {
  auto a = core::RnnBackwardAttrs::decode(call.reader());
  backward(call, layer_of(call, rnn_cell(a.nonlinearity == core::RnnBackwardAttrs::Nonlinearity::relu), a.layer, a.bidirectional, a.batchFirst,
                          a.hasBiases));
}

// The reserve-space bytes of one training layer (Note [cudnn rnn reserve]); with biases, as the
// functional API's layers have them unless told otherwise (a layer whose reserve differs
// recomputes in backward, never fails).
void rnnWorkspaceSize(OpCall& call) {
  auto a = core::RnnWorkspaceSizeAttrs::decode(call.reader());
  using M = core::RnnWorkspaceSizeAttrs::Mode;
  Layer L;
  L.cell = a.mode == M::lstm ? Cell::lstm : a.mode == M::gru ? Cell::gru : a.mode == M::rnnRelu ? Cell::rnn_relu : Cell::rnn_tanh;
  L.T = a.seqLength;
  L.N = a.batch;
  L.C = a.inputSize;
  L.H = a.hiddenSize;
  L.D = a.bidirectional ? 2 : 1;
  L.batch_first = a.batchFirst;
  NS_CHECK(L.T > 0 && L.N >= 0 && L.C > 0 && L.H > 0, value, "sizes must be positive (batch may be 0)");
  DeviceContext& ctx = context_of(call);
  const int64_t bytes = L.N == 0 ? 0 : static_cast<int64_t>(plan_for(ctx, L)->reserve_bytes());
  NS_CUDA_CHECK(dnn::fill_i64(call.out(0).data<int64_t>(), 1, bytes, ctx.stream));  // stream-ordered, no host buffer to outlive
}

}  // namespace nutshell::cuda
