// cuDNN's v8 RNN API for the cuda emulator (Note [cuda emulation] in ns_emu.h), as far as the
// cuda backend's rnn.cc uses it: one layer (uni- or bidirectional), LSTM, GRU and Elman cells,
// double or no bias, unpacked seq-major or batch-major data with every sequence at full length.
// The cell formulas are cuDNN's documented ones (PyTorch's too); the weight space is laid out as
// cuDNN documents it: per pseudo-layer (direction), the matrices of linear layers 0…2G−1, each a
// row-major [H, rows] block, then their biases. The training forward keeps every step's gates
// and states in the reserve space; backward data leaves the gate gradients in the workspace for
// backward weights, which is why cuDNN wants them called in that order with the same buffers.
#include <cudnn.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "descriptors.h"
#include "streams.h"

extern "C" void ns_emu_unsupported(const char* name);

namespace {

struct Rnn {
  cudnnRNNMode_t mode = CUDNN_LSTM;
  bool bias = true;
  int D = 1, C = 0, H = 0;
  bool ok = false;  // a configuration the emulator runs
  int gates() const { return mode == CUDNN_LSTM ? 4 : mode == CUDNN_GRU ? 3 : 1; }
  int64_t matrices_floats(int d) const { return int64_t{gates()} * H * (C + H); }
  int64_t layer_floats() const { return matrices_floats(0) + (bias ? 2 * int64_t{gates()} * H : 0); }
};
struct Data {
  cudnnRNNDataLayout_t layout = CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED;
  int T = 0, N = 0, V = 0;
  bool full = true;  // every sequence of length T
  // Element (t, n, v) of a [T, N, V] or [N, T, V] buffer.
  int64_t at(int t, int n, int v) const {
    return layout == CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED ? (int64_t{n} * T + t) * V + v : (int64_t{t} * N + n) * V + v;
  }
};

Rnn& rnn_of(cudnnRNNDescriptor_t d) { return *reinterpret_cast<Rnn*>(d); }
Data& data_of(cudnnRNNDataDescriptor_t d) { return *reinterpret_cast<Data*>(d); }

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// Where everything lives: weights (matrix of linear id `id` for direction d, bias likewise), the
// reserve (per direction and step: activated gates, GRU's R_n·h + b_Rn, the new c and h) and the
// workspace (per direction and step: gradients of the input-side and recurrent-side gate sums).
struct Layout {
  const Rnn& r;
  int T, N;
  int G() const { return r.gates(); }
  int64_t matrix(int d, int id) const {
    const int64_t before = id < G() ? int64_t{id} * r.H * r.C : int64_t{G()} * r.H * r.C + int64_t{id - G()} * r.H * r.H;
    return d * r.layer_floats() + before;
  }
  int64_t bias(int d, int id) const { return d * r.layer_floats() + r.matrices_floats(d) + int64_t{id} * r.H; }
  int64_t step_floats() const { return int64_t{N} * (G() * r.H + 3 * r.H); }
  int64_t reserve_floats() const { return int64_t{r.D} * T * step_floats(); }
  int64_t work_floats() const { return int64_t{r.D} * T * N * 2 * G() * r.H; }
  // Reserve: [d][t][n] {gates G·H, rn H, c H, h H}.
  int64_t gates_at(int d, int t, int n) const { return (int64_t{d} * T + t) * step_floats() + int64_t{n} * (G() * r.H + 3 * r.H); }
  int64_t rn_at(int d, int t, int n) const { return gates_at(d, t, n) + G() * r.H; }
  int64_t c_at(int d, int t, int n) const { return rn_at(d, t, n) + r.H; }
  int64_t h_at(int d, int t, int n) const { return c_at(d, t, n) + r.H; }
  // Workspace: [d][t][n] {input-side G·H, recurrent-side G·H}.
  int64_t dgx_at(int d, int t, int n) const { return ((int64_t{d} * T + t) * N + n) * 2 * G() * r.H; }
  int64_t dgh_at(int d, int t, int n) const { return dgx_at(d, t, n) + G() * r.H; }
};

// Step s of direction d reads input position t.
int position(int d, int s, int T) { return d == 0 ? s : T - 1 - s; }

bool runnable(const Rnn& r, const Data& x) { return r.ok && x.full && x.V == r.C; }

// Bytes of one hidden or cell state [D, N, H], and of an input or output sequence.
size_t state_bytes(const Rnn& r, const Data& x) { return ns_emu::words(int64_t{r.D} * x.N * r.H); }
size_t sequence_bytes(const Data& d) { return ns_emu::words(int64_t{d.T} * d.N * d.V); }

// cuDNN reads devSeqLengths when the call runs on the stream: it must hold every length then.
bool sequences_at_full_length(const char* call, const int32_t* dev_seq_lengths, const Data& x) {
  for (int n = 0; n < x.N; n++)
    if (dev_seq_lengths[n] != x.T) {
      ns_emu::library_fault(std::string(call) + ": devSeqLengths[" + std::to_string(n) + "] is " + std::to_string(dev_seq_lengths[n]) +
                            " when the call runs; the data descriptor says " + std::to_string(x.T));
      return false;
    }
  return true;
}

cudnnStatus_t unsupported(const char* what) {
  ns_emu_unsupported(what);
  return CUDNN_STATUS_NOT_SUPPORTED;
}

}  // namespace

extern "C" {

cudnnStatus_t cudnnCreateRNNDescriptor(cudnnRNNDescriptor_t* d) { return ns_emu::create<Rnn>(d); }
cudnnStatus_t cudnnDestroyRNNDescriptor(cudnnRNNDescriptor_t d) { return ns_emu::destroy<Rnn>(d); }
cudnnStatus_t cudnnCreateRNNDataDescriptor(cudnnRNNDataDescriptor_t* d) { return ns_emu::create<Data>(d); }
cudnnStatus_t cudnnDestroyRNNDataDescriptor(cudnnRNNDataDescriptor_t d) { return ns_emu::destroy<Data>(d); }

cudnnStatus_t cudnnSetRNNDescriptor_v8(cudnnRNNDescriptor_t d, cudnnRNNAlgo_t algo, cudnnRNNMode_t mode, cudnnRNNBiasMode_t bias, cudnnDirectionMode_t dir,
                                       cudnnRNNInputMode_t input, cudnnDataType_t type, cudnnDataType_t math_prec, cudnnMathType_t, int32_t C, int32_t H,
                                       int32_t proj, int32_t layers, cudnnDropoutDescriptor_t, uint32_t aux) {
  if (C <= 0 || H <= 0 || layers <= 0 || type != CUDNN_DATA_FLOAT || math_prec != CUDNN_DATA_FLOAT) return CUDNN_STATUS_BAD_PARAM;
  Rnn& r = rnn_of(d);
  r.mode = mode;
  r.bias = bias != CUDNN_RNN_NO_BIAS;
  r.D = dir == CUDNN_BIDIRECTIONAL ? 2 : 1;
  r.C = C;
  r.H = H;
  // What rnn.cc asks for; anything else is refused rather than computed wrongly.
  r.ok = algo == CUDNN_RNN_ALGO_STANDARD && input == CUDNN_LINEAR_INPUT && proj == H && layers == 1 &&
         (bias == CUDNN_RNN_DOUBLE_BIAS || bias == CUDNN_RNN_NO_BIAS) && (aux & CUDNN_RNN_PADDED_IO_ENABLED);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnSetRNNDataDescriptor(cudnnRNNDataDescriptor_t d, cudnnDataType_t type, cudnnRNNDataLayout_t layout, int T, int N, int V,
                                        const int lengths[], void*) {
  if (type != CUDNN_DATA_FLOAT || T <= 0 || N <= 0 || V <= 0) return CUDNN_STATUS_BAD_PARAM;
  if (layout == CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED) return unsupported("cudnnSetRNNDataDescriptor (packed layout)");
  Data& x = data_of(d);
  x = Data{layout, T, N, V, true};
  for (int n = 0; n < N; n++) x.full = x.full && lengths[n] == T;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetRNNWeightSpaceSize(cudnnHandle_t, cudnnRNNDescriptor_t d, size_t* bytes) {
  const Rnn& r = rnn_of(d);
  *bytes = sizeof(float) * static_cast<size_t>(r.D * r.layer_floats());
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetRNNTempSpaceSizes(cudnnHandle_t, cudnnRNNDescriptor_t d, cudnnForwardMode_t mode, cudnnRNNDataDescriptor_t xd, size_t* work,
                                        size_t* reserve) {
  const Rnn& r = rnn_of(d);
  const Data& x = data_of(xd);
  if (!runnable(r, x)) return unsupported("cudnnGetRNNTempSpaceSizes (this configuration)");
  const Layout L{r, x.T, x.N};
  const bool training = mode == CUDNN_FWD_MODE_TRAINING;
  *work = sizeof(float) * static_cast<size_t>(training ? L.work_floats() : 0);
  if (reserve) *reserve = sizeof(float) * static_cast<size_t>(training ? L.reserve_floats() : 0);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetRNNWeightParams(cudnnHandle_t, cudnnRNNDescriptor_t d, int32_t pseudo_layer, size_t bytes, const void* space, int32_t id,
                                      cudnnTensorDescriptor_t m_desc, void** m_addr, cudnnTensorDescriptor_t b_desc, void** b_addr) {
  const Rnn& r = rnn_of(d);
  if (pseudo_layer < 0 || pseudo_layer >= r.D || id < 0 || id >= 2 * r.gates() || bytes < sizeof(float) * static_cast<size_t>(r.D * r.layer_floats()))
    return CUDNN_STATUS_BAD_PARAM;
  const Layout L{r, 1, 1};
  float* base = static_cast<float*>(const_cast<void*>(space));
  auto set = [](cudnnTensorDescriptor_t desc, int a, int b, int c) {
    auto& t = *reinterpret_cast<ns_emu::TensorDesc*>(desc);
    t = ns_emu::TensorDesc{};
    t.nd = 3;
    t.dims[0] = a, t.dims[1] = b, t.dims[2] = c;
  };
  *m_addr = base + L.matrix(pseudo_layer, id);
  set(m_desc, 1, r.H, id < r.gates() ? r.C : r.H);
  if (r.bias) {
    *b_addr = base + L.bias(pseudo_layer, id);
    set(b_desc, 1, r.H, 1);
  } else {
    *b_addr = nullptr;
  }
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnRNNForward(cudnnHandle_t h, cudnnRNNDescriptor_t rd, cudnnForwardMode_t mode, const int32_t dev_seq_lengths[], cudnnRNNDataDescriptor_t xd, const void* xv,
                              cudnnRNNDataDescriptor_t yd, void* yv, cudnnTensorDescriptor_t, const void* hxv, void* hyv, cudnnTensorDescriptor_t,
                              const void* cxv, void* cyv, size_t weight_bytes, const void* wv, size_t work_bytes, void* work, size_t reserve_bytes,
                              void* reserve) {
  const Rnn r = rnn_of(rd);
  const Data x = data_of(xd);
  const Data yl = data_of(yd);
  if (!runnable(r, x)) return unsupported("cudnnRNNForward (this configuration)");
  const Layout L{r, x.T, x.N};
  const bool training = mode == CUDNN_FWD_MODE_TRAINING;
  if (yl.V != r.D * r.H || yl.T != x.T || yl.N != x.N || weight_bytes < sizeof(float) * static_cast<size_t>(r.D * r.layer_floats()) ||
      (training && (reserve_bytes < sizeof(float) * static_cast<size_t>(L.reserve_floats()) || !reserve)))
    return CUDNN_STATUS_BAD_PARAM;
  const size_t state = state_bytes(r, x);
  if (!ns_emu::device_spans("cudnnRNNForward", {{"devSeqLengths", dev_seq_lengths, ns_emu::words(x.N)}, {"x", xv, sequence_bytes(x)},
                                                {"y", yv, sequence_bytes(yl)}, {"hx", hxv, hxv ? state : 0}, {"hy", hyv, hyv ? state : 0},
                                                {"cx", cxv, cxv ? state : 0}, {"cy", cyv, cyv ? state : 0}, {"weights", wv, weight_bytes},
                                                {"workspace", work, work ? work_bytes : 0}, {"reserve", reserve, training ? reserve_bytes : 0}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnRNNForward", [=] {
    const Layout L{r, x.T, x.N};  // of the captured copy: the call's frame is gone when this runs
    if (!sequences_at_full_length("cudnnRNNForward", dev_seq_lengths, x)) return;
    const float* X = static_cast<const float*>(xv);
    float* Y = static_cast<float*>(yv);
    const float* W = static_cast<const float*>(wv);
    const float* hx = static_cast<const float*>(hxv);
    const float* cx = static_cast<const float*>(cxv);
    float* R = static_cast<float*>(reserve);
    const int G = r.gates(), H = r.H, C = r.C, T = x.T, N = x.N;
    std::vector<float> h(static_cast<size_t>(N) * H), c(static_cast<size_t>(N) * H), pre(static_cast<size_t>(G) * H), rec(static_cast<size_t>(G) * H);
    for (int d = 0; d < r.D; d++) {
      for (int n = 0; n < N; n++)
        for (int j = 0; j < H; j++) {
          h[n * H + j] = hx ? hx[(int64_t{d} * N + n) * H + j] : 0.0f;
          c[n * H + j] = cx ? cx[(int64_t{d} * N + n) * H + j] : 0.0f;
        }
      for (int s = 0; s < T; s++) {
        const int t = position(d, s, T);
        for (int n = 0; n < N; n++) {
          // pre = W·x + b_W, rec = R·h + b_R, per gate row.
          for (int g = 0; g < G; g++)
            for (int j = 0; j < H; j++) {
              double a = r.bias ? W[L.bias(d, g) + j] : 0.0, b = r.bias ? W[L.bias(d, G + g) + j] : 0.0;
              const float* wi = W + L.matrix(d, g) + int64_t{j} * C;
              const float* wh = W + L.matrix(d, G + g) + int64_t{j} * H;
              for (int k = 0; k < C; k++) a += static_cast<double>(wi[k]) * X[x.at(t, n, k)];
              for (int k = 0; k < H; k++) b += static_cast<double>(wh[k]) * h[n * H + k];
              pre[g * H + j] = static_cast<float>(a);
              rec[g * H + j] = static_cast<float>(b);
            }
          float* gates = training ? R + L.gates_at(d, s, n) : nullptr;
          for (int j = 0; j < H; j++) {
            float hn = 0, cn = 0, rn = 0;
            if (r.mode == CUDNN_LSTM) {
              const float i = sigmoid(pre[j] + rec[j]), f = sigmoid(pre[H + j] + rec[H + j]), gg = std::tanh(pre[2 * H + j] + rec[2 * H + j]),
                          o = sigmoid(pre[3 * H + j] + rec[3 * H + j]);
              cn = f * c[n * H + j] + i * gg;
              hn = o * std::tanh(cn);
              if (gates) gates[j] = i, gates[H + j] = f, gates[2 * H + j] = gg, gates[3 * H + j] = o;
            } else if (r.mode == CUDNN_GRU) {
              const float rr = sigmoid(pre[j] + rec[j]), z = sigmoid(pre[H + j] + rec[H + j]);
              rn = rec[2 * H + j];
              const float nn = std::tanh(pre[2 * H + j] + rr * rn);
              hn = (1 - z) * nn + z * h[n * H + j];
              if (gates) gates[j] = rr, gates[H + j] = z, gates[2 * H + j] = nn;
            } else {
              const float v = pre[j] + rec[j];
              hn = r.mode == CUDNN_RNN_TANH ? std::tanh(v) : (v > 0 ? v : 0.0f);
              if (gates) gates[j] = hn;
            }
            if (training) {
              R[L.rn_at(d, s, n) + j] = rn;
              R[L.c_at(d, s, n) + j] = cn;
              R[L.h_at(d, s, n) + j] = hn;
            }
            Y[yl.at(t, n, d * H + j)] = hn;
            c[n * H + j] = cn;
          }
          for (int j = 0; j < H; j++) h[n * H + j] = Y[yl.at(t, n, d * H + j)];
        }
      }
      for (int n = 0; n < N; n++)
        for (int j = 0; j < H; j++) {
          if (hyv) static_cast<float*>(hyv)[(int64_t{d} * N + n) * H + j] = h[n * H + j];
          if (cyv && r.mode == CUDNN_LSTM) static_cast<float*>(cyv)[(int64_t{d} * N + n) * H + j] = c[n * H + j];
        }
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnRNNBackwardData_v8(cudnnHandle_t h, cudnnRNNDescriptor_t rd, const int32_t dev_seq_lengths[], cudnnRNNDataDescriptor_t yd, const void*, const void* dyv,
                                      cudnnRNNDataDescriptor_t xd, void* dxv, cudnnTensorDescriptor_t, const void* hxv, const void* dhyv, void* dhxv,
                                      cudnnTensorDescriptor_t, const void* cxv, const void* dcyv, void* dcxv, size_t weight_bytes, const void* wv, size_t work_bytes,
                                      void* work, size_t reserve_bytes, void* reserve) {
  const Rnn r = rnn_of(rd);
  const Data x = data_of(xd);
  const Data yl = data_of(yd);
  if (!runnable(r, x)) return unsupported("cudnnRNNBackwardData_v8 (this configuration)");
  const Layout L{r, x.T, x.N};
  if (work_bytes < sizeof(float) * static_cast<size_t>(L.work_floats()) || reserve_bytes < sizeof(float) * static_cast<size_t>(L.reserve_floats()) ||
      !work || !reserve)
    return CUDNN_STATUS_BAD_PARAM;
  const size_t state = state_bytes(r, x);
  if (!ns_emu::device_spans("cudnnRNNBackwardData_v8",
                            {{"devSeqLengths", dev_seq_lengths, ns_emu::words(x.N)}, {"dy", dyv, sequence_bytes(yl)},
                             {"dx", dxv, sequence_bytes(x)}, {"hx", hxv, hxv ? state : 0}, {"dhy", dhyv, dhyv ? state : 0},
                             {"dhx", dhxv, dhxv ? state : 0}, {"cx", cxv, cxv ? state : 0}, {"dcy", dcyv, dcyv ? state : 0}, {"dcx", dcxv, dcxv ? state : 0},
                             {"weights", wv, weight_bytes}, {"workspace", work, work_bytes}, {"reserve", reserve, reserve_bytes}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnRNNBackwardData_v8", [=] {
    const Layout L{r, x.T, x.N};  // of the captured copy: the call's frame is gone when this runs
    if (!sequences_at_full_length("cudnnRNNBackwardData_v8", dev_seq_lengths, x)) return;
    const float* dY = static_cast<const float*>(dyv);
    const float* W = static_cast<const float*>(wv);
    const float* hx = static_cast<const float*>(hxv);
    const float* cx = static_cast<const float*>(cxv);
    const float* Rs = static_cast<const float*>(reserve);
    float* Wk = static_cast<float*>(work);
    float* dX = static_cast<float*>(dxv);
    const int G = r.gates(), H = r.H, C = r.C, T = x.T, N = x.N;
    for (int t = 0; t < T; t++)
      for (int n = 0; n < N; n++)
        for (int k = 0; k < C; k++) dX[x.at(t, n, k)] = 0.0f;
    std::vector<double> dh(static_cast<size_t>(N) * H), dc(static_cast<size_t>(N) * H);
    for (int d = 0; d < r.D; d++) {
      for (int n = 0; n < N; n++)
        for (int j = 0; j < H; j++) {
          dh[n * H + j] = dhyv ? static_cast<const float*>(dhyv)[(int64_t{d} * N + n) * H + j] : 0.0;
          dc[n * H + j] = dcyv && r.mode == CUDNN_LSTM ? static_cast<const float*>(dcyv)[(int64_t{d} * N + n) * H + j] : 0.0;
        }
      for (int s = T - 1; s >= 0; s--) {
        const int t = position(d, s, T);
        for (int n = 0; n < N; n++) {
          auto h_prev = [&](int j) { return s > 0 ? Rs[L.h_at(d, s - 1, n) + j] : (hx ? hx[(int64_t{d} * N + n) * H + j] : 0.0f); };
          auto c_prev = [&](int j) { return s > 0 ? Rs[L.c_at(d, s - 1, n) + j] : (cx ? cx[(int64_t{d} * N + n) * H + j] : 0.0f); };
          const float* gates = Rs + L.gates_at(d, s, n);
          float* dgx = Wk + L.dgx_at(d, s, n);
          float* dgh = Wk + L.dgh_at(d, s, n);
          std::vector<double> dh_prev(static_cast<size_t>(H), 0.0);
          for (int j = 0; j < H; j++) {
            const double g_h = dh[n * H + j] + dY[yl.at(t, n, d * H + j)];
            if (r.mode == CUDNN_LSTM) {
              const double i = gates[j], f = gates[H + j], gg = gates[2 * H + j], o = gates[3 * H + j];
              const double cn = Rs[L.c_at(d, s, n) + j], tc = std::tanh(cn);
              const double g_c = dc[n * H + j] + g_h * o * (1 - tc * tc);
              const double di = g_c * gg * i * (1 - i), df = g_c * c_prev(j) * f * (1 - f), dg = g_c * i * (1 - gg * gg), dout = g_h * tc * o * (1 - o);
              dgx[j] = dgh[j] = static_cast<float>(di);
              dgx[H + j] = dgh[H + j] = static_cast<float>(df);
              dgx[2 * H + j] = dgh[2 * H + j] = static_cast<float>(dg);
              dgx[3 * H + j] = dgh[3 * H + j] = static_cast<float>(dout);
              dc[n * H + j] = g_c * f;
            } else if (r.mode == CUDNN_GRU) {
              const double rr = gates[j], z = gates[H + j], nn = gates[2 * H + j], rn = Rs[L.rn_at(d, s, n) + j];
              const double dn = g_h * (1 - z) * (1 - nn * nn);
              const double dz = g_h * (h_prev(j) - nn) * z * (1 - z);
              const double dr = dn * rn * rr * (1 - rr);
              dgx[j] = dgh[j] = static_cast<float>(dr);
              dgx[H + j] = dgh[H + j] = static_cast<float>(dz);
              dgx[2 * H + j] = static_cast<float>(dn);
              dgh[2 * H + j] = static_cast<float>(dn * rr);
              dh_prev[j] += g_h * z;
            } else {
              const double hn = gates[j];
              const double dv = r.mode == CUDNN_RNN_TANH ? g_h * (1 - hn * hn) : (hn > 0 ? g_h : 0.0);
              dgx[j] = dgh[j] = static_cast<float>(dv);
            }
          }
          // dx += Σ_g W_gᵀ·dgx_g; dh_prev += Σ_g R_gᵀ·dgh_g.
          for (int g = 0; g < G; g++)
            for (int j = 0; j < H; j++) {
              const float* wi = W + L.matrix(d, g) + int64_t{j} * C;
              const float* wh = W + L.matrix(d, G + g) + int64_t{j} * H;
              for (int k = 0; k < C; k++) dX[x.at(t, n, k)] += static_cast<float>(wi[k] * static_cast<double>(dgx[g * H + j]));
              for (int k = 0; k < H; k++) dh_prev[k] += wh[k] * static_cast<double>(dgh[g * H + j]);
            }
          for (int j = 0; j < H; j++) dh[n * H + j] = dh_prev[j];
        }
      }
      for (int n = 0; n < N; n++)
        for (int j = 0; j < H; j++) {
          if (dhxv) static_cast<float*>(dhxv)[(int64_t{d} * N + n) * H + j] = static_cast<float>(dh[n * H + j]);
          if (dcxv && r.mode == CUDNN_LSTM) static_cast<float*>(dcxv)[(int64_t{d} * N + n) * H + j] = static_cast<float>(dc[n * H + j]);
        }
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnRNNBackwardWeights_v8(cudnnHandle_t h, cudnnRNNDescriptor_t rd, cudnnWgradMode_t add, const int32_t dev_seq_lengths[],
                                         cudnnRNNDataDescriptor_t xd, const void* xv, cudnnTensorDescriptor_t, const void* hxv, cudnnRNNDataDescriptor_t,
                                         const void*, size_t weight_bytes, void* dwv, size_t work_bytes, void* work, size_t reserve_bytes, void* reserve) {
  const Rnn r = rnn_of(rd);
  const Data x = data_of(xd);
  if (!runnable(r, x)) return unsupported("cudnnRNNBackwardWeights_v8 (this configuration)");
  if (add != CUDNN_WGRAD_MODE_ADD) return unsupported("cudnnRNNBackwardWeights_v8 (set mode)");
  const Layout L{r, x.T, x.N};
  if (work_bytes < sizeof(float) * static_cast<size_t>(L.work_floats()) || reserve_bytes < sizeof(float) * static_cast<size_t>(L.reserve_floats()))
    return CUDNN_STATUS_BAD_PARAM;
  if (!ns_emu::device_spans("cudnnRNNBackwardWeights_v8",
                            {{"devSeqLengths", dev_seq_lengths, ns_emu::words(x.N)}, {"x", xv, sequence_bytes(x)},
                             {"hx", hxv, hxv ? state_bytes(r, x) : 0}, {"dweights", dwv, weight_bytes}, {"workspace", work, work_bytes},
                             {"reserve", reserve, reserve_bytes}}))
    return CUDNN_STATUS_EXECUTION_FAILED;
  ns_emu::library_work(ns_emu::stream_of(h), "cudnnRNNBackwardWeights_v8", [=] {
    const Layout L{r, x.T, x.N};  // of the captured copy: the call's frame is gone when this runs
    if (!sequences_at_full_length("cudnnRNNBackwardWeights_v8", dev_seq_lengths, x)) return;
    const float* X = static_cast<const float*>(xv);
    const float* hx = static_cast<const float*>(hxv);
    const float* Rs = static_cast<const float*>(reserve);
    const float* Wk = static_cast<const float*>(work);
    float* dW = static_cast<float*>(dwv);
    const int G = r.gates(), H = r.H, C = r.C, T = x.T, N = x.N;
    for (int d = 0; d < r.D; d++)
      for (int s = 0; s < T; s++) {
        const int t = position(d, s, T);
        for (int n = 0; n < N; n++) {
          const float* dgx = Wk + L.dgx_at(d, s, n);
          const float* dgh = Wk + L.dgh_at(d, s, n);
          for (int g = 0; g < G; g++)
            for (int j = 0; j < H; j++) {
              float* wi = dW + L.matrix(d, g) + int64_t{j} * C;
              float* wh = dW + L.matrix(d, G + g) + int64_t{j} * H;
              for (int k = 0; k < C; k++) wi[k] += dgx[g * H + j] * X[x.at(t, n, k)];
              for (int k = 0; k < H; k++) {
                const float hp = s > 0 ? Rs[L.h_at(d, s - 1, n) + k] : (hx ? hx[(int64_t{d} * N + n) * H + k] : 0.0f);
                wh[k] += dgh[g * H + j] * hp;
              }
              if (r.bias) {
                dW[L.bias(d, g) + j] += dgx[g * H + j];
                dW[L.bias(d, G + g) + j] += dgh[g * H + j];
              }
            }
        }
      }
  });
  return CUDNN_STATUS_SUCCESS;
}

}  // extern "C"
