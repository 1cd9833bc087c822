#pragma once
// One recurrent layer's problem as both backends see it: the cell, the sizes from the op's input
// shapes, which rows of the [S, N, H] state tensors are this layer's, and where the weight slots
// start among the inputs (see Note [rnn layer ops] in packages/tensor/src/ops/table/rnn.ts).
#include <cstddef>
#include <cstdint>
#include <string>

#include "op_call.h"

namespace nutshell::core {

enum class RnnCell { lstm, gru, rnn_tanh, rnn_relu };

struct RnnLayer {
  RnnCell cell = RnnCell::lstm;
  int64_t T = 0, N = 0, C = 0, H = 0, D = 1;  // steps, batch, input features, hidden, directions
  int64_t layer = 0;                          // which D rows of the [S, N, H] states are ours
  bool batch_first = false;
  bool has_bias = true;

  int64_t gates() const { return cell == RnnCell::lstm ? 4 : cell == RnnCell::gru ? 3 : 1; }
  // oneDNN's linear-before-reset GRU keeps the hidden n bias apart: one bias gate more.
  int64_t bias_gates() const { return cell == RnnCell::gru ? 4 : gates(); }
  bool has_c() const { return cell == RnnCell::lstm; }
  // Inputs before the 8 weight slots: input, hx (, cx).
  size_t weight_base() const { return has_c() ? 3 : 2; }
  // Offset (elements) of our rows in an [S, N, H] state tensor, and their count.
  int64_t state_offset() const { return layer * D * N * H; }
  int64_t state_size() const { return D * N * H; }
};

// The layer an op call describes. The TS declaration checked every shape; these checks keep
// memory safe whoever calls.
inline RnnLayer rnn_layer_of(const OpCall& call, RnnCell cell, int64_t layer, bool bidirectional, bool batch_first, bool has_bias) {
  RnnLayer L;
  L.cell = cell;
  const TensorRef& x = call.in(0);
  NS_CHECK(x.rank() == 3, shape, "input expected 3 dimensions, got " + shape_str(x.shape));
  L.T = batch_first ? x.shape[1] : x.shape[0];
  L.N = batch_first ? x.shape[0] : x.shape[1];
  L.C = x.shape[2];
  L.D = bidirectional ? 2 : 1;
  L.layer = layer;
  L.batch_first = batch_first;
  L.has_bias = has_bias;
  const TensorRef& w_hh = call.in(L.weight_base() + 1);
  NS_CHECK(w_hh.rank() == 2, shape, "weightHh expected 2 dimensions, got " + shape_str(w_hh.shape));
  L.H = w_hh.shape[1];
  NS_CHECK(L.T > 0 && L.C > 0 && L.H > 0 && w_hh.shape[0] == L.gates() * L.H, shape,
           "weightHh expected " + std::to_string(L.gates() * L.H) + " rows, got " + shape_str(w_hh.shape));
  const TensorRef& hx = call.in(1);
  NS_CHECK(layer >= 0 && hx.rank() == 3 && hx.shape[0] >= (layer + 1) * L.D && hx.shape[1] == L.N && hx.shape[2] == L.H, shape,
           "hx " + shape_str(hx.shape) + " does not hold layer " + std::to_string(layer) + "'s states");
  const int64_t GH = L.gates() * L.H;
  for (int64_t d = 0; d < L.D; ++d) {
    const size_t w = L.weight_base() + 4 * static_cast<size_t>(d);
    NS_CHECK(call.in(w).numel() == GH * L.C && call.in(w + 1).numel() == GH * L.H, shape, "weights do not match input and hidden sizes");
    NS_CHECK(!has_bias || (call.in(w + 2).numel() == GH && call.in(w + 3).numel() == GH), shape, "biases do not match the hidden size");
  }
  if (L.has_c()) NS_CHECK(call.in(2).shape == hx.shape, shape, "cx expected the shape of hx");
  return L;
}

}  // namespace nutshell::core
