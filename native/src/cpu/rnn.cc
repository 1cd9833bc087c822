// Fused recurrent layers through oneDNN's RNN primitives: LSTM (lstm_forward/backward), PyTorch's
// GRU (oneDNN's linear-before-reset GRU, lbr_gru_forward/backward) and the Elman RNN
// (vanilla_rnn_forward/backward with eltwise_tanh or eltwise_relu). One op runs one layer, both
// directions at once when bidirectional (bidirectional_concat); see Note [rnn layer ops] in
// packages/tensor/src/ops/table/rnn.ts for the op interface and the state rows it reads.
//
// Note [rnn weight layouts]: PyTorch keeps weight_ih as [G·H, C] (gate-major rows, one tensor per
// direction), oneDNN wants {layers, dirs, C, G, H} "ldigo" for forward and "ldgoi" for backward,
// padded to its preferred leading dimension (format_tag::any), and gives weight gradients back as
// ldigo. We copy every call (a transpose of the weights, cheap next to T steps of GEMMs) with a
// gate permutation: LSTM gates are i,f,g,o in both; PyTorch's GRU gates are r,z,n and oneDNN's
// u,r,o (u = z, o = n). Biases are summed (b_ih + b_hh) except for the GRU's n gate, which
// linear-before-reset keeps apart: oneDNN's 4 GRU biases are [b_z, b_r, b_in, b_hn].
// Bias gradients go back to both b_ih and b_hh (they enter the sum equally).
//
// Note [rnn workspace]: forward_training writes a workspace (gates, states) that backward reads;
// its size is known only to the primitive descriptor, so TS asks for it once per shape through
// rnnWorkspaceSize and passes it to the forward op as workspaceBytes, which sizes the hidden
// workspace output. With workspaceBytes 0 the forward runs forward_inference (faster, nothing kept)
// and backward recomputes the forward first. oneDNN's backward ACCUMULATES into the weight
// gradients: their buffers are zeroed before it runs.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "../core/rnn_layer.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "onednn.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::TensorRef;
using dnnl::memory;
using onednn::dims;
using onednn::dt;
using onednn::tag;
using Args = std::unordered_map<int, memory>;

using Cell = core::RnnCell;
using Layer = core::RnnLayer;
constexpr auto layer_of = core::rnn_layer_of;

// The primitive cache key of a layer's shapes.
std::string layer_key(const Layer& L, bool training) {
  return "rnn:" + std::to_string(static_cast<int>(L.cell)) + ":" + onednn::key_of({L.T, L.N, L.C, L.H, L.D}) + (L.batch_first ? "bf:" : "tf:") +
         (training ? "train" : "infer");
}

// oneDNN gate g reads PyTorch gate gate_perm(cell)[g] (see Note [rnn weight layouts]).
const int64_t* gate_perm(Cell cell) {
  static const int64_t identity[4] = {0, 1, 2, 3};
  static const int64_t gru[3] = {1, 0, 2};
  return cell == Cell::gru ? gru : identity;
}

// ---- descriptors and primitives ----

memory::desc layer_md(const Layer& L, int64_t channels) {
  return memory::desc({L.T, L.N, channels}, dt::f32, L.batch_first ? tag::ntc : tag::tnc);
}
memory::desc state_md(const Layer& L) { return memory::desc({1, L.D, L.N, L.H}, dt::f32, tag::ldnc); }
memory::desc bias_md(const Layer& L) { return memory::desc({1, L.D, L.bias_gates(), L.H}, dt::f32, tag::ldgo); }
memory::desc weights_any(const Layer& L, int64_t rows) { return memory::desc({1, L.D, rows, L.gates(), L.H}, dt::f32, tag::any); }

dnnl::rnn_direction direction(const Layer& L) {
  return L.D == 2 ? dnnl::rnn_direction::bidirectional_concat : dnnl::rnn_direction::unidirectional_left2right;
}

// The forward primitive (training or inference) and, for training, the backward one built from
// it: the workspace layout is a property of that pair.
// Scratchpads are ours (scratchpad_mode::user): oneDNN 2.6's default "library" scratchpad lives in
// the creating thread's TLS, and a cached primitive created on the JS thread (inline op) and run on
// the stream's worker, or the reverse, then crashes.
struct Prims {
  dnnl::primitive fwd, bwd;
  memory::desc fwd_weights_layer, fwd_weights_iter, workspace, fwd_scratchpad;
  memory::desc bwd_weights_layer, bwd_weights_iter, diff_weights_layer, diff_weights_iter, bwd_scratchpad;
};

template <typename FwdPD, typename BwdPD, typename Fwd, typename Bwd>
std::shared_ptr<Prims> finish(const FwdPD& fpd, const BwdPD* bpd) {
  auto p = std::make_shared<Prims>();
  p->fwd = Fwd(fpd);
  p->fwd_weights_layer = fpd.weights_layer_desc();
  p->fwd_weights_iter = fpd.weights_iter_desc();
  p->workspace = fpd.workspace_desc();
  p->fwd_scratchpad = fpd.scratchpad_desc();
  if (bpd) {
    p->bwd = Bwd(*bpd);
    p->bwd_weights_layer = bpd->weights_layer_desc();
    p->bwd_weights_iter = bpd->weights_iter_desc();
    p->diff_weights_layer = bpd->diff_weights_layer_desc();
    p->diff_weights_iter = bpd->diff_weights_iter_desc();
    p->bwd_scratchpad = bpd->scratchpad_desc();
  }
  return p;
}

std::shared_ptr<Prims> make_prims(const Layer& L, bool training) {
  auto& eng = onednn::engine();
  const auto prop = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  const auto dir = direction(L);
  const auto src = layer_md(L, L.C), dst = layer_md(L, L.D * L.H), st = state_md(L), b = bias_md(L);
  const auto wl = weights_any(L, L.C), wi = weights_any(L, L.H);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  switch (L.cell) {
    case Cell::lstm: {
      dnnl::lstm_forward::primitive_desc fpd({prop, dir, src, st, st, wl, wi, b, dst, st, st}, attr, eng);
      if (!training) return finish<decltype(fpd), dnnl::lstm_backward::primitive_desc, dnnl::lstm_forward, dnnl::lstm_backward>(fpd, nullptr);
      dnnl::lstm_backward::primitive_desc bpd(
          {dnnl::prop_kind::backward, dir, src, st, st, wl, wi, b, dst, st, st, src, st, st, wl, wi, b, dst, st, st}, attr, eng, fpd);
      return finish<decltype(fpd), decltype(bpd), dnnl::lstm_forward, dnnl::lstm_backward>(fpd, &bpd);
    }
    case Cell::gru: {
      dnnl::lbr_gru_forward::primitive_desc fpd({prop, dir, src, st, wl, wi, b, dst, st}, attr, eng);
      if (!training) return finish<decltype(fpd), dnnl::lbr_gru_backward::primitive_desc, dnnl::lbr_gru_forward, dnnl::lbr_gru_backward>(fpd, nullptr);
      dnnl::lbr_gru_backward::primitive_desc bpd({dnnl::prop_kind::backward, dir, src, st, wl, wi, b, dst, st, src, st, wl, wi, b, dst, st}, attr, eng, fpd);
      return finish<decltype(fpd), decltype(bpd), dnnl::lbr_gru_forward, dnnl::lbr_gru_backward>(fpd, &bpd);
    }
    case Cell::rnn_tanh:
    case Cell::rnn_relu: {
      const auto act = L.cell == Cell::rnn_tanh ? dnnl::algorithm::eltwise_tanh : dnnl::algorithm::eltwise_relu;
      dnnl::vanilla_rnn_forward::primitive_desc fpd({prop, act, dir, src, st, wl, wi, b, dst, st}, attr, eng);
      if (!training) return finish<decltype(fpd), dnnl::vanilla_rnn_backward::primitive_desc, dnnl::vanilla_rnn_forward, dnnl::vanilla_rnn_backward>(fpd, nullptr);
      dnnl::vanilla_rnn_backward::primitive_desc bpd(
          {dnnl::prop_kind::backward, act, dir, src, st, wl, wi, b, dst, st, src, st, wl, wi, b, dst, st}, attr, eng, fpd);
      return finish<decltype(fpd), decltype(bpd), dnnl::vanilla_rnn_forward, dnnl::vanilla_rnn_backward>(fpd, &bpd);
    }
  }
  NS_THROW(value, "unknown recurrent cell");
}

std::shared_ptr<Prims> prims_for(const Layer& L, bool training) {
  return onednn::cached<Prims>(layer_key(L, training), [&] { return make_prims(L, training); });
}

// ---- layout conversions (Note [rnn weight layouts]) ----

bool is_plain(const memory::desc& md) {
  return md.data.format_kind == dnnl_blocked && md.data.format_desc.blocking.inner_nblks == 0;
}

// Strides of a plain {1, D, rows, G, H} weights description.
struct WStrides {
  int64_t dir, row, gate, out;
};
WStrides weight_strides(const memory::desc& md) {
  const auto* s = md.data.format_desc.blocking.strides;
  return {s[1], s[2], s[3], s[4]};
}

constexpr int64_t kTile = 32;

// Copies between PyTorch's [G·H, rows] weight of direction d (`torch`) and oneDNN (diff) weights
// with strides `s` (`dnnl`), towards oneDNN when `to_dnnl`, else back: a tiled transpose with the
// gate permutation.
template <bool to_dnnl>
void copy_weight(std::conditional_t<to_dnnl, const float*, float*> torch, const Layer& L, int64_t rows, int64_t d, const WStrides& s,
                 std::conditional_t<to_dnnl, float*, const float*> dnnl) {
  const int64_t GH = L.gates() * L.H;
  const int64_t* perm = gate_perm(L.cell);
  const int64_t tiles_r = (GH + kTile - 1) / kTile, tiles_c = (rows + kTile - 1) / kTile;
  NS_PARALLEL_IF(GH * rows >= kParallelGrain, "omp parallel for collapse(2) schedule(static)",
    for (int64_t tr = 0; tr < tiles_r; ++tr) {
      for (int64_t tc = 0; tc < tiles_c; ++tc) {
        const int64_t r_end = std::min(GH, (tr + 1) * kTile), c_end = std::min(rows, (tc + 1) * kTile);
        for (int64_t r = tr * kTile; r < r_end; ++r) {
          const int64_t g = r / L.H, o = r % L.H;
          auto row = torch + (perm[g] * L.H + o) * rows;
          auto col = dnnl + d * s.dir + g * s.gate + o * s.out;
          for (int64_t c = tc * kTile; c < c_end; ++c) {
            if constexpr (to_dnnl) col[c * s.row] = row[c];
            else row[c] = col[c * s.row];
          }
        }
      }
    }
  );
}

// Weight slot k (0 w_ih, 1 w_hh, 2 b_ih, 3 b_hh) of direction d.
const TensorRef& weight_in(const OpCall& call, const Layer& L, int64_t d, int k) { return call.in(L.weight_base() + 4 * d + k); }

// Builds the weights memory `md` wants from the PyTorch weights (slot 0: layer, 1: iter).
memory pack_weights(const OpCall& call, const Layer& L, int slot, const memory::desc& md) {
  const int64_t rows = slot == 0 ? L.C : L.H;
  memory plain_mem;
  memory::desc plain = md;
  if (!is_plain(md)) plain = memory::desc({1, L.D, rows, L.gates(), L.H}, dt::f32, tag::ldigo);
  memory out(plain, onednn::engine());
  const WStrides s = weight_strides(plain);
  for (int64_t d = 0; d < L.D; ++d) copy_weight<true>(weight_in(call, L, d, slot).data<float>(), L, rows, d, s, static_cast<float*>(out.get_data_handle()));
  return is_plain(md) ? out : onednn::to_layout(out, md);
}

memory pack_bias(const OpCall& call, const Layer& L) {
  memory out(bias_md(L), onednn::engine());
  float* b = static_cast<float*>(out.get_data_handle());
  const int64_t H = L.H, Gb = L.bias_gates();
  std::fill(b, b + L.D * Gb * H, 0.0f);
  if (!L.has_bias) return out;
  const int64_t* perm = gate_perm(L.cell);
  for (int64_t d = 0; d < L.D; ++d) {
    const float* bih = weight_in(call, L, d, 2).data<float>();
    const float* bhh = weight_in(call, L, d, 3).data<float>();
    float* bd = b + d * Gb * H;
    for (int64_t g = 0; g < L.gates(); ++g) {
      const int64_t pg = perm[g];
      // Linear-before-reset keeps the GRU's hidden n bias apart (it is scaled by r): slot 3.
      const bool apart = L.cell == Cell::gru && pg == 2;
      for (int64_t o = 0; o < H; ++o) bd[g * H + o] = bih[pg * H + o] + (apart ? 0.0f : bhh[pg * H + o]);
    }
    if (L.cell == Cell::gru) std::memcpy(bd + 3 * H, bhh + 2 * H, sizeof(float) * H);
  }
  return out;
}

// oneDNN's bias gradient [D, Gb, H] → PyTorch's grad_bias_ih / grad_bias_hh per direction.
void unpack_bias_grad(const float* db, const Layer& L, OpCall& call, size_t out_base) {
  const int64_t H = L.H, Gb = L.bias_gates();
  const int64_t* perm = gate_perm(L.cell);
  for (int64_t d = 0; d < L.D; ++d) {
    float* gih = call.out(out_base + 4 * d + 2).data<float>();
    float* ghh = call.out(out_base + 4 * d + 3).data<float>();
    const float* dbd = db + d * Gb * H;
    for (int64_t g = 0; g < L.gates(); ++g) {
      const int64_t pg = perm[g];
      const bool apart = L.cell == Cell::gru && pg == 2;
      for (int64_t o = 0; o < H; ++o) {
        gih[pg * H + o] = dbd[g * H + o];
        ghh[pg * H + o] = apart ? dbd[3 * H + o] : dbd[g * H + o];
      }
    }
  }
}

memory wrap_at(const memory::desc& md, float* p) { return memory(md, onednn::engine(), p); }

// Per-thread buffers that only grow, for what the primitives need only during one call: the
// scratchpad (tens of MB for a training LSTM; a fresh allocation per call would page-fault all of it
// every step) and the workspace of a recomputed forward. A thread runs one kernel at a time (the
// stream's worker, or the JS thread for inline ops), so a buffer per thread and purpose is safe.
enum class Buffer { scratchpad, recompute_workspace, kCount };
memory thread_buffer(Buffer which, const memory::desc& md) {
  struct Slot {
    void* data = nullptr;
    size_t bytes = 0;
    ~Slot() { std::free(data); }
  };
  thread_local Slot slots[static_cast<int>(Buffer::kCount)];
  Slot& s = slots[static_cast<int>(which)];
  const size_t need = md.get_size();
  if (need > s.bytes) {
    const size_t bytes = (need + 4095) / 4096 * 4096;
    void* p = std::aligned_alloc(4096, bytes);
    if (!p) NS_THROW(backend, "cpu: out of memory allocating a " + std::to_string(bytes) + "-byte RNN buffer");
    std::free(s.data);
    s.data = p;
    s.bytes = bytes;
  }
  return memory(md, onednn::engine(), s.data);
}

// Copies the state rows of `from` that are not this layer's into `to` (both [S, N, H]).
void copy_other_rows(const TensorRef& from, const TensorRef& to, const Layer& L) {
  const float* src = from.data<float>();
  float* dst = to.data<float>();
  const int64_t off = L.state_offset(), len = L.state_size(), total = from.numel();
  if (off > 0) std::memcpy(dst, src, sizeof(float) * off);
  if (off + len < total) std::memcpy(dst + off + len, src + off + len, sizeof(float) * (total - off - len));
}

Cell cell_of_rnn(core::RnnAttrs::Nonlinearity n) { return n == core::RnnAttrs::Nonlinearity::relu ? Cell::rnn_relu : Cell::rnn_tanh; }

// ---- forward ----

// Inputs: input, hx, (cx,) 8 weight slots. Outputs: output, hy, (cy,) workspace.
void forward(OpCall& call, const Layer& L, int64_t workspace_bytes) {
  const size_t n_state = L.has_c() ? 2 : 1;
  const auto& x = call.in(0);
  const auto& y = call.out(0);
  for (size_t k = 0; k < n_state; ++k) copy_other_rows(call.in(1 + k), call.out(1 + k), L);
  if (L.N == 0) return;  // nothing to run: every output is empty
  const bool training = workspace_bytes > 0;
  auto p = prims_for(L, training);
  Args args;
  args[DNNL_ARG_SRC_LAYER] = wrap_at(layer_md(L, L.C), x.data<float>());
  args[DNNL_ARG_DST_LAYER] = wrap_at(layer_md(L, L.D * L.H), y.data<float>());
  args[DNNL_ARG_SRC_ITER] = wrap_at(state_md(L), call.in(1).data<float>() + L.state_offset());
  args[DNNL_ARG_DST_ITER] = wrap_at(state_md(L), call.out(1).data<float>() + L.state_offset());
  if (L.has_c()) {
    args[DNNL_ARG_SRC_ITER_C] = wrap_at(state_md(L), call.in(2).data<float>() + L.state_offset());
    args[DNNL_ARG_DST_ITER_C] = wrap_at(state_md(L), call.out(2).data<float>() + L.state_offset());
  }
  args[DNNL_ARG_WEIGHTS_LAYER] = pack_weights(call, L, 0, p->fwd_weights_layer);
  args[DNNL_ARG_WEIGHTS_ITER] = pack_weights(call, L, 1, p->fwd_weights_iter);
  args[DNNL_ARG_BIAS] = pack_bias(call, L);
  if (training) {
    const auto& ws = call.out(1 + n_state);
    const auto need = static_cast<int64_t>(p->workspace.get_size());
    NS_CHECK(ws.numel() >= need, value,
             "workspaceBytes is " + std::to_string(ws.numel()) + " but oneDNN needs " + std::to_string(need) + " (ask rnnWorkspaceSize)");
    args[DNNL_ARG_WORKSPACE] = memory(p->workspace, onednn::engine(), ws.raw());
  }
  args[DNNL_ARG_SCRATCHPAD] = thread_buffer(Buffer::scratchpad, p->fwd_scratchpad);
  p->fwd.execute(onednn::stream(), args);
  onednn::stream().wait();
}

// ---- backward ----

// Inputs: the forward's inputs (input, hx, (cx,) 8 weight slots), its outputs (output, hy, (cy,)
// workspace) and their gradients (gradOutput, gradHy (, gradCy)). Outputs: the gradients of the
// forward's inputs, in their order.
void backward(OpCall& call, const Layer& L) {
  const size_t n_state = L.has_c() ? 2 : 1;
  const size_t base = L.weight_base();           // first weight input; also first weight gradient
  const size_t outs = base + 8;                  // forward outputs start here: output, hy, (cy,) ws
  const size_t ws_in = outs + 1 + n_state;
  const size_t grads = ws_in + 1;                // gradOutput, gradHy, (gradCy)
  // States: gradients of other layers' rows pass straight through (Note [rnn state threading]).
  for (size_t k = 0; k < n_state; ++k) copy_other_rows(call.in(grads + 1 + k), call.out(1 + k), L);
  // Gradients of absent weights (no biases, one direction) are empty; the others are written below.
  if (L.N == 0) {
    for (size_t k = base; k < base + 8; ++k) {
      auto& g = call.out(k);
      std::fill(g.data<float>(), g.data<float>() + g.numel(), 0.0f);
    }
    return;
  }
  auto p = prims_for(L, /*training=*/true);
  auto& eng = onednn::engine();
  auto& strm = onednn::stream();

  Args args;
  args[DNNL_ARG_SRC_LAYER] = wrap_at(layer_md(L, L.C), call.in(0).data<float>());
  args[DNNL_ARG_SRC_ITER] = wrap_at(state_md(L), call.in(1).data<float>() + L.state_offset());
  if (L.has_c()) args[DNNL_ARG_SRC_ITER_C] = wrap_at(state_md(L), call.in(2).data<float>() + L.state_offset());
  args[DNNL_ARG_BIAS] = pack_bias(call, L);

  const auto& ws_t = call.in(ws_in);
  const auto need = static_cast<int64_t>(p->workspace.get_size());
  if (ws_t.numel() == 0) {
    // No workspace was kept (the forward ran for inference): recompute it (Note [rnn workspace]).
    Args fargs = args;
    fargs[DNNL_ARG_WEIGHTS_LAYER] = pack_weights(call, L, 0, p->fwd_weights_layer);
    fargs[DNNL_ARG_WEIGHTS_ITER] = pack_weights(call, L, 1, p->fwd_weights_iter);
    fargs[DNNL_ARG_DST_LAYER] = memory(layer_md(L, L.D * L.H), eng);
    fargs[DNNL_ARG_DST_ITER] = memory(state_md(L), eng);
    if (L.has_c()) fargs[DNNL_ARG_DST_ITER_C] = memory(state_md(L), eng);
    fargs[DNNL_ARG_WORKSPACE] = thread_buffer(Buffer::recompute_workspace, p->workspace);
    fargs[DNNL_ARG_SCRATCHPAD] = thread_buffer(Buffer::scratchpad, p->fwd_scratchpad);
    p->fwd.execute(strm, fargs);
    args[DNNL_ARG_WORKSPACE] = fargs[DNNL_ARG_WORKSPACE];
    args[DNNL_ARG_DST_LAYER] = fargs[DNNL_ARG_DST_LAYER];
    args[DNNL_ARG_DST_ITER] = fargs[DNNL_ARG_DST_ITER];
    if (L.has_c()) args[DNNL_ARG_DST_ITER_C] = fargs[DNNL_ARG_DST_ITER_C];
  } else {
    NS_CHECK(ws_t.numel() >= need, value,
             "workspace holds " + std::to_string(ws_t.numel()) + " bytes but oneDNN needs " + std::to_string(need) +
                 " (pass the forward's workspace, or an empty one to recompute)");
    args[DNNL_ARG_WORKSPACE] = memory(p->workspace, eng, ws_t.raw());
    args[DNNL_ARG_DST_LAYER] = wrap_at(layer_md(L, L.D * L.H), call.in(outs).data<float>());
    args[DNNL_ARG_DST_ITER] = wrap_at(state_md(L), call.in(outs + 1).data<float>() + L.state_offset());
    if (L.has_c()) args[DNNL_ARG_DST_ITER_C] = wrap_at(state_md(L), call.in(outs + 2).data<float>() + L.state_offset());
  }

  args[DNNL_ARG_WEIGHTS_LAYER] = pack_weights(call, L, 0, p->bwd_weights_layer);
  args[DNNL_ARG_WEIGHTS_ITER] = pack_weights(call, L, 1, p->bwd_weights_iter);
  args[DNNL_ARG_DIFF_DST_LAYER] = wrap_at(layer_md(L, L.D * L.H), call.in(grads).data<float>());
  args[DNNL_ARG_DIFF_DST_ITER] = wrap_at(state_md(L), call.in(grads + 1).data<float>() + L.state_offset());
  if (L.has_c()) args[DNNL_ARG_DIFF_DST_ITER_C] = wrap_at(state_md(L), call.in(grads + 2).data<float>() + L.state_offset());
  args[DNNL_ARG_DIFF_SRC_LAYER] = wrap_at(layer_md(L, L.C), call.out(0).data<float>());
  args[DNNL_ARG_DIFF_SRC_ITER] = wrap_at(state_md(L), call.out(1).data<float>() + L.state_offset());
  if (L.has_c()) args[DNNL_ARG_DIFF_SRC_ITER_C] = wrap_at(state_md(L), call.out(2).data<float>() + L.state_offset());

  // oneDNN accumulates into these: start from zero.
  auto zeroed = [&](const memory::desc& md) {
    memory m(md, eng);
    std::memset(m.get_data_handle(), 0, md.get_size());
    return m;
  };
  memory dwl = zeroed(p->diff_weights_layer), dwi = zeroed(p->diff_weights_iter), db = zeroed(bias_md(L));
  args[DNNL_ARG_DIFF_WEIGHTS_LAYER] = dwl;
  args[DNNL_ARG_DIFF_WEIGHTS_ITER] = dwi;
  args[DNNL_ARG_DIFF_BIAS] = db;
  args[DNNL_ARG_SCRATCHPAD] = thread_buffer(Buffer::scratchpad, p->bwd_scratchpad);
  p->bwd.execute(strm, args);
  strm.wait();

  auto unpack = [&](const memory& m, int slot, int64_t rows) {
    memory plain = m;
    if (!is_plain(m.get_desc())) {
      plain = memory(memory::desc({1, L.D, rows, L.gates(), L.H}, dt::f32, tag::ldigo), eng);
      onednn::reorder_into(m, plain);
    }
    const WStrides s = weight_strides(plain.get_desc());
    for (int64_t d = 0; d < L.D; ++d)
      copy_weight<false>(call.out(base + 4 * d + slot).data<float>(), L, rows, d, s, static_cast<const float*>(plain.get_data_handle()));
  };
  unpack(dwl, 0, L.C);
  unpack(dwi, 1, L.H);
  if (L.has_bias) unpack_bias_grad(static_cast<const float*>(db.get_data_handle()), L, call, base);
}

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
  forward(call, layer_of(call, cell_of_rnn(a.nonlinearity), a.layer, a.bidirectional, a.batchFirst, a.hasBiases), a.workspaceBytes);
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
  backward(call, layer_of(call, a.nonlinearity == core::RnnBackwardAttrs::Nonlinearity::relu ? Cell::rnn_relu : Cell::rnn_tanh, a.layer,
                          a.bidirectional, a.batchFirst, a.hasBiases));
}

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
  *call.out(0).data<int64_t>() = L.N == 0 ? 0 : static_cast<int64_t>(prims_for(L, /*training=*/true)->workspace.get_size());
}

}  // namespace nutshell::cpu
