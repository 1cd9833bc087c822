// softmax and logSoftmax over one dim, forward and backward, through cuDNN's softmax
// (CUDNN_SOFTMAX_ACCURATE / CUDNN_SOFTMAX_LOG, channel mode): the tensor is seen as
// [outer, size, inner] (the softmax dim in the middle) and described to cuDNN as
// [outer, size, inner, 1] with the softmax dim as its channels, so any dim runs without a copy.
#include <string>

#include "../gen/cuda_kernels.gen.h"
#include "check.h"
#include "context.h"
#include "cudnn_layer.h"

namespace nutshell::cuda {

namespace {

using core::OpCall;

struct Layout {
  int64_t outer = 1, size = 1, inner = 1;
};

Layout softmax_layout(const core::Shape& shape, int64_t dim) {
  const int rank = static_cast<int>(shape.size());
  Layout l;
  if (rank == 0) return l;  // a scalar: one class
  const int64_t d = dim < 0 ? dim + rank : dim;
  NS_CHECK(d >= 0 && d < rank, shape, "dim " + std::to_string(dim) + " is out of range for rank " + std::to_string(rank));
  for (int k = 0; k < rank; ++k) (k < d ? l.outer : k > d ? l.inner : l.size) *= shape[k];
  return l;
}

void forward(OpCall& call, int64_t dim, bool log) {
  if (call.in(0).numel() == 0) return;
  const Layout l = softmax_layout(call.in(0).shape, dim);
  dnn::softmax_forward(context_of(call).cudnn, log, call.in(0).data<float>(), call.out(0).data<float>(), l.outer, l.size, l.inner);
}

// inputs: grad (of the output), output.
void backward(OpCall& call, int64_t dim, bool log) {
  if (call.in(0).numel() == 0) return;
  const Layout l = softmax_layout(call.in(0).shape, dim);
  dnn::softmax_backward(context_of(call).cudnn, log, call.in(1).data<float>(), call.in(0).data<float>(), call.out(0).data<float>(), l.outer, l.size,
                        l.inner);
}

}  // namespace

void softmax(OpCall& call) { forward(call, core::SoftmaxAttrs::decode(call.reader()).dim, false); }
void softmaxBackward(OpCall& call) { backward(call, core::SoftmaxBackwardAttrs::decode(call.reader()).dim, false); }
void logSoftmax(OpCall& call) { forward(call, core::LogSoftmaxAttrs::decode(call.reader()).dim, true); }
void logSoftmaxBackward(OpCall& call) { backward(call, core::LogSoftmaxBackwardAttrs::decode(call.reader()).dim, true); }

}  // namespace nutshell::cuda
