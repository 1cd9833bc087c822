// Activations on cuda: cuDNN's activation forward/backward where it has the function (relu,
// sigmoid, tanh; NaN propagated, as PyTorch's relu keeps it), our kernels for the rest
// (activation_kernels.cu: elu forward, with expm1 near 0; leaky relu, gelu, softplus; elu's
// backward, which cuDNN computes from the forward's output while our op receives its input).
// Same semantics as cpu/activation.cc: the backward ops take (grad, input), or (grad, output)
// for sigmoid and tanh.
#include "../gen/cuda_kernels.gen.h"
#include "activation_kernels.cuh"
#include "check.h"
#include "context.h"
#include "cudnn_layer.h"

namespace nutshell::cuda {

namespace {

using core::OpCall;

const float* in(const OpCall& call, size_t i) { return call.in(i).data<float>(); }
float* out(const OpCall& call) { return call.out(0).data<float>(); }
int64_t count(const OpCall& call) { return call.out(0).numel(); }

void cudnn_forward(OpCall& call, dnn::Activation a) {
  if (count(call) == 0) return;
  DeviceContext& ctx = context_of(call);
  dnn::activation_forward(ctx.cudnn, a, in(call, 0), out(call), count(call));
}

// inputs (grad, data): data is the forward's output (sigmoid, tanh) or input (relu).
void cudnn_backward(OpCall& call, dnn::Activation a) {
  if (count(call) == 0) return;
  DeviceContext& ctx = context_of(call);
  dnn::activation_backward(ctx.cudnn, a, in(call, 1), in(call, 0), out(call), count(call));
}

}  // namespace

void relu(OpCall& call) { cudnn_forward(call, dnn::Activation::relu); }

// relu(x) > 0 exactly where x > 0, so the input serves as cuDNN's y.
void reluBackward(OpCall& call) { cudnn_backward(call, dnn::Activation::relu); }

void sigmoid(OpCall& call) { cudnn_forward(call, dnn::Activation::sigmoid); }
void sigmoidBackward(OpCall& call) { cudnn_backward(call, dnn::Activation::sigmoid); }
void tanh(OpCall& call) { cudnn_forward(call, dnn::Activation::tanh); }
void tanhBackward(OpCall& call) { cudnn_backward(call, dnn::Activation::tanh); }

void elu(OpCall& call) {
  auto a = core::EluAttrs::decode(call.reader());
  NS_CUDA_CHECK(dnn::elu_forward(in(call, 0), out(call), count(call), static_cast<float>(a.alpha), context_of(call).stream));
}

void eluBackward(OpCall& call) {
  auto a = core::EluBackwardAttrs::decode(call.reader());
  NS_CUDA_CHECK(dnn::elu_backward(in(call, 0), in(call, 1), out(call), count(call), static_cast<float>(a.alpha), context_of(call).stream));
}

void leakyRelu(OpCall& call) {
  auto a = core::LeakyReluAttrs::decode(call.reader());
  NS_CUDA_CHECK(dnn::leaky_relu_forward(in(call, 0), out(call), count(call), static_cast<float>(a.negativeSlope), context_of(call).stream));
}

void leakyReluBackward(OpCall& call) {
  auto a = core::LeakyReluBackwardAttrs::decode(call.reader());
  NS_CUDA_CHECK(
      dnn::leaky_relu_backward(in(call, 0), in(call, 1), out(call), count(call), static_cast<float>(a.negativeSlope), context_of(call).stream));
}

void gelu(OpCall& call) {
  auto a = core::GeluAttrs::decode(call.reader());
  NS_CUDA_CHECK(dnn::gelu_forward(in(call, 0), out(call), count(call), a.approximate == core::GeluAttrs::Approximate::tanh, context_of(call).stream));
}

void geluBackward(OpCall& call) {
  auto a = core::GeluBackwardAttrs::decode(call.reader());
  NS_CUDA_CHECK(dnn::gelu_backward(in(call, 0), in(call, 1), out(call), count(call), a.approximate == core::GeluBackwardAttrs::Approximate::tanh,
                                   context_of(call).stream));
}

void softplus(OpCall& call) {
  auto a = core::SoftplusAttrs::decode(call.reader());
  NS_CUDA_CHECK(dnn::softplus_forward(in(call, 0), out(call), count(call), static_cast<float>(a.beta), static_cast<float>(a.threshold),
                                      context_of(call).stream));
}

void softplusBackward(OpCall& call) {
  auto a = core::SoftplusBackwardAttrs::decode(call.reader());
  NS_CUDA_CHECK(dnn::softplus_backward(in(call, 0), in(call, 1), out(call), count(call), static_cast<float>(a.beta), static_cast<float>(a.threshold),
                                       context_of(call).stream));
}

}  // namespace nutshell::cuda
