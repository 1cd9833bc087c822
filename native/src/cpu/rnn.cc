// Fused recurrent layers on the cpu: LSTM, GRU (PyTorch's formulation: the reset gate scales the
// hidden projection of the n gate) and the Elman RNN (tanh or relu). One op runs one layer, both
// directions when bidirectional; see Note [rnn layer ops] in packages/tensor/src/ops/table/rnn.ts
// for the op interface and the state rows it reads.
//
// Note [rnn on sgemm]: oneDNN 2.6 (the version Debian ships) runs its RNN primitives on a
// reference path: measured on the char-LSTM bench shape (T 50, N 32, 128 → 256), forward+backward
// took 45.6 ms at 1 thread and 36 ms at 2 against PyTorch's 42.7 and 22. So the layer is written
// here on oneDNN's GEMMs, the way PyTorch's cpu LSTM is: each step projects its input (x_t·W_ihᵀ,
// Note [rnn input projection]), multiplies the previous hidden state by W_hhᵀ and runs the cell's
// pointwise math; backward walks the steps in reverse for the gate gradients and finishes with
// three big sgemms (dW_ih = dGᵀ·X, dW_hh = dGᵀ·H_prev, dX = dG·W_ih). Weights stay in PyTorch's
// [G·H, in] layout with PyTorch's gate order (LSTM i,f,g,o; GRU r,z,n); the forward's two
// products pack this thread's W_ihᵀ and W_hhᵀ once per call for oneDNN's matmul (Note [packed
// matmul]: 2–3% of the bench LSTM's forward on one core, for W_hh).
//
// Note [rnn threads]: T steps of one small GEMM each are too short for a parallel region per
// GEMM (a passive OpenMP team wakes with a syscall per region). One region runs the whole layer,
// split one of two ways. By batch rows, when every thread gets at least 8 and the weights are
// small (the bench LSTM: 16 rows each of 32): the sequences are independent, so each thread runs
// its rows through all units and every step with no meeting at all, its input projection and
// step products on packed weights (Note [packed matmul]); the threads meet only in backward,
// before the weight gradients (which sum over all rows) and after dX (before the next direction
// reuses the gradient buffers). On the bench LSTM at 2 threads that took the forward from 8.1 to
// 7.4 ms and forward+backward from 21.8 to 20.8 (fastest runs): a barrier per step had cost
// 1.2–1.8 ms of waiting on a shared machine, where either core is often a few tens of µs late.
// (Measured on 2 cores; with many, every core streaming all the weights each step leans on the
// shared L3, which the 2 MiB limit keeps modest.) Otherwise (small batches, large layers whose
// weights should stay split across cores) by hidden units: thread k owns units [j0, j1) and
// computes every gate's columns for them (the rows of W_ih and W_hh for those units copied once
// per call into a per-thread block, so one product per step serves all gates; on one thread that
// block is the weight itself), then the cell for those units; the threads meet once per step at
// a spin barrier (Note [spin barrier]) because the next step reads all of h. Backward is
// partitioned the same way (dh_prev = dG·W_hh by rows or by columns) and dX by rows. The
// partition depends only on the shapes and the thread count, so results repeat bit for bit.
//
// Note [rnn workspace]: the training forward keeps, per direction, planes of R = T·N rows in the
// input's row order (time- or batch-major): the activated gates [R, G·H], per-cell extras [R, H]
// (LSTM: tanh(c_t) and c_{t−1}; GRU: W_hn·h + b_hn, which the reset gate scaled) and h_{t−1}
// [R, H]. rnnWorkspaceSize reports their bytes. With workspaceBytes 0 (inference) the forward keeps
// two steps of planes in a per-thread buffer, which stays in cache, and a backward given no
// workspace recomputes the full planes first.
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "../core/rnn_layer.h"
#include "../gen/cpu_kernels.gen.h"
#include "onednn.h"
#include "packed_matmul.h"
#include "spin_barrier.h"
#include "thread_scratch.h"
#include "vmath.h"
#include "wide_loops.h"

namespace nutshell::cpu {

namespace {

using core::OpCall;
using core::TensorRef;
using Cell = core::RnnCell;
using Layer = core::RnnLayer;
constexpr auto layer_of = core::rnn_layer_of;

// ---- sizes and row order ----

// Extra [·, H] planes a cell keeps beside the gates and h_{t−1} (Note [rnn workspace]).
int64_t extra_planes(Cell cell) { return cell == Cell::lstm ? 2 : cell == Cell::gru ? 1 : 0; }

// Floats of one direction's planes of `rows` rows.
int64_t plane_floats(const Layer& L, int64_t rows) { return rows * (L.gates() * L.H + (extra_planes(L.cell) + 1) * L.H); }

int64_t workspace_bytes(const Layer& L) { return L.D * plane_floats(L, L.T * L.N) * static_cast<int64_t>(sizeof(float)); }

// Rows of step t are base(t) + n·stride, n < N: the input's own order, so the input, the output
// and every per-row buffer share one row index.
struct Rows {
  int64_t T, N;
  bool batch_first;
  int64_t base(int64_t t) const { return batch_first ? t : t * N; }
  int64_t stride() const { return batch_first ? T : 1; }
  int64_t count() const { return T * N; }
};

// The planes of one direction. Training keeps a row per input row (backward reads them all);
// inference keeps two steps' worth (compact), the step at work and the next one's h_{t−1} and
// c_{t−1}: 2·N rows that stay in cache instead of T·N written out to memory.
struct Planes {
  float* gates;  // [rows, G·H], activated
  float* extra;  // extra_planes × [rows, H]
  float* hprev;  // [rows, H]
  int64_t plane_rows;
  Rows rows;
  bool compact;
  Planes(float* base, const Layer& L, bool compact_) : rows{L.T, L.N, L.batch_first}, compact(compact_) {
    plane_rows = compact ? 2 * L.N : L.T * L.N;
    gates = base;
    extra = gates + plane_rows * L.gates() * L.H;
    hprev = extra + extra_planes(L.cell) * plane_rows * L.H;
  }
  float* extra_plane(int64_t k, const Layer& L) const { return extra + k * plane_rows * L.H; }
  // First row of step t, the i-th the direction processes, and the row stride between batch rows.
  int64_t base(int64_t i, int64_t t) const { return compact ? (i % 2) * rows.N : rows.base(t); }
  int64_t stride() const { return compact ? 1 : rows.stride(); }
};

// ---- the GEMM ----

// C = op(A)·op(B) + beta·C, row-major, on oneDNN's sgemm. Inside the layer's parallel region oneDNN
// runs it on the calling thread.
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float beta,
          float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  const dnnl_status_t status = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  if (status != dnnl_success)
    NS_THROW(backend, "oneDNN sgemm failed (status " + std::to_string(static_cast<int>(status)) + ") for " + std::to_string(m) + "x" +
                          std::to_string(n) + "x" + std::to_string(k));
}

// ---- the partition (Note [rnn threads]) ----

struct Partition {
  int threads = 1;
  bool by_batch = false;  // each thread owns batch rows and all units (Note [rnn threads])
  int64_t units = 0;      // hidden units per thread (the last may own fewer)
  int64_t rows = 0;       // by_batch: batch rows per thread (the last may own fewer)
  int64_t H = 0, G = 0, N = 0;
  int64_t j0(int k) const { return by_batch ? 0 : std::min(H, k * units); }
  int64_t count(int k) const { return by_batch ? H : std::min(H, (k + 1) * units) - j0(k); }
  // First column of thread k's block in a permuted [·, G·H] buffer: its G gate blocks of count(k).
  int64_t col0(int k) const { return G * j0(k); }
  int64_t n0(int k) const { return by_batch ? std::min(N, k * rows) : 0; }
  int64_t n1(int k) const { return by_batch ? std::min(N, (k + 1) * rows) : N; }
};

// Per step, multiply-adds below which one thread is faster than a barrier per step. 2²¹ (≈ 60 µs
// of one core's work): at 2¹⁹ a bidirectional LSTM of 128 units on batches of 8–15 rows (packed
// sequences grouped by length land there) split its units and ran 2–4× slower at 2 threads than
// at 1 on a loaded machine, where a barrier waits 100 µs or more for a descheduled thread (user
// trial AE); the split saves at most half of a step that small on an idle one.
constexpr int64_t kThreadedStepMacs = int64_t{1} << 21;
// Splitting the batch: at least this many rows per thread (the step GEMM's M), and weights small
// enough that every thread packing all of W_ih and W_hh and streaming them each step costs less
// than meeting at a barrier (the bench LSTM's are 1.5 MiB; beyond, the unit split keeps a slice
// per core).
constexpr int64_t kMinRowsPerThread = 8;
constexpr int64_t kBatchSplitWeightBytes = int64_t{2} << 20;

Partition partition_for(const Layer& L) {
  Partition p;
  p.H = L.H;
  p.G = L.gates();
  p.N = L.N;
  const int64_t step_macs = L.N * p.G * L.H * L.H;
  const int threads = step_macs >= kThreadedStepMacs ? omp_get_max_threads() : 1;
  if (threads > 1 && L.N >= kMinRowsPerThread * threads && p.G * L.H * (L.H + L.C) * int64_t{sizeof(float)} <= kBatchSplitWeightBytes) {
    p.by_batch = true;
    p.units = L.H;
    p.rows = (L.N + threads - 1) / threads;
    p.threads = static_cast<int>((L.N + p.rows - 1) / p.rows);
    return p;
  }
  // At least 16 units (one AVX-512 vector) per thread.
  const int by_units = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, (L.H + 15) / 16)));
  p.units = (L.H + by_units - 1) / by_units;
  p.threads = static_cast<int>((L.H + p.units - 1) / p.units);
  return p;
}

// Copies thread k's rows of a PyTorch [G·H, width] weight (gate g, units j0..j1) into its block of
// the permuted copy, so one GEMM per step computes all of its gates.
void permute_rows(const float* w, int64_t width, const Partition& p, int k, float* permuted) {
  const int64_t j0 = p.j0(k), u = p.count(k);
  for (int64_t g = 0; g < p.G; ++g)
    std::memcpy(permuted + (p.col0(k) + g * u) * width, w + (g * p.H + j0) * width, sizeof(float) * u * width);
}

// The weights in the permuted layout: thread k's rows copied into `buffer`, or, where the
// permutation is the identity (one thread, or every thread owning all units), the weight itself.
const float* permuted(const float* w, int64_t width, const Partition& p, int k, float* buffer) {
  if (p.threads == 1 || p.by_batch) return w;
  permute_rows(w, width, p, k, buffer);
  return buffer;
}

// The calling thread's OpenMP limit at 1 while it lives (Note [one-thread layers]), restored after.
class OneThreadLimit {
 public:
  OneThreadLimit() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneThreadLimit() { omp_set_num_threads(saved_); }
  OneThreadLimit(const OneThreadLimit&) = delete;
  OneThreadLimit& operator=(const OneThreadLimit&) = delete;

 private:
  int saved_;
};

// Runs body(k, partition, barrier) on the layer's threads, one OpenMP region; the first error wins
// and is rethrown on the calling thread. Should OpenMP grant fewer threads than asked (a nested
// or limited runtime), the layer runs on one thread instead of waiting at a barrier for threads
// that do not exist.
template <typename Body>
void run_team(const Layer& L, Body&& body) {
  auto run = [&](const Partition& p, int k, SpinBarrier& barrier, std::exception_ptr& error, std::mutex& error_mutex) {
    try {
      body(k, p, barrier);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      barrier.abort();
    }
  };
  const Partition p = partition_for(L);
  std::exception_ptr error;
  std::mutex error_mutex;
  bool granted = true;
  if (p.threads > 1) {
    SpinBarrier barrier(p.threads);
#pragma omp parallel num_threads(p.threads)
    {
      if (omp_get_num_threads() != p.threads) {
#pragma omp atomic write
        granted = false;
      } else {
        run(p, omp_get_thread_num(), barrier, error, error_mutex);
      }
    }
  }
  if (p.threads == 1 || !granted) {
    // Note [one-thread layers]: a layer too small to split runs on the calling thread, and its
    // per-step products must stay there too: under the caller's limit (2 here) each step's oneDNN
    // product opened a region of its own, waking a passive thread per step (user trial AN: a
    // bidirectional GRU 32→64 over 20 steps, 121 µs a call at 1 thread, 1.1 ms at 2).
    OneThreadLimit limit;
    Partition one = p;
    one.threads = 1;
    one.by_batch = false;
    one.units = L.H;
    SpinBarrier barrier(1);
    run(one, 0, barrier, error, error_mutex);
  }
  if (error) std::rethrow_exception(error);
}

// ---- forward cells: one row, thread k's u units ----

// The other cells' loops are plain C++ that GCC vectorises (NS_WIDE_LOOPS, wide_loops.h).

// Pointers of one row for thread k: gx/gh in the permuted block (gate g at g·u), the rest natural.
struct CellRow {
  const float *gx, *gh, *b_ih, *b_hh;  // biases at unit j0 of gate 0 (gate g at g·H)
  const float* hprev;                  // h_{t−1}, at j0
  float* gates;                        // activated gates, at j0 (gate g at g·H)
  float* extra[2];                     // extra planes at j0 (LSTM: tanh(c_t), c_{t−1}; GRU: W_hn·h + b_hn)
  float* h;                            // h_t (the output row) at j0
  float* h_next;                       // h_t for the next step's h_{t−1}, or the final state
  const float* c_prev;                 // LSTM
  float* c_next;                       // LSTM
  int64_t u, H;
};

// The LSTM cell runs five transcendentals per unit, the most work of the forward outside its
// GEMMs: one pass over vectors of units keeps the four gates in registers from the pre-activation
// sums to h, where separate loops per function made five passes over the row. With vmath's
// cheaper e^(−a), the bench LSTM's cells went from 1.8 to 1.3 ms of a 14 ms forward on one core.
// Compiled per vector width like vmath's functions.
template <typename V>
NS_VMATH_INLINE void lstm_cell_vectors(const CellRow& r) {
  using vmath::load_first, vmath::store_first;
  constexpr int64_t W = vmath::lanes<V>::n;
  const int64_t u = r.u, H = r.H;
  for (int64_t j = 0; j < u; j += W) {
    const int64_t m = std::min(W, u - j);
    V a[4];
    for (int64_t g = 0; g < 4; ++g) {
      V x, h, b_ih, b_hh;
      load_first(x, r.gx + g * u + j, m);
      load_first(h, r.gh + g * u + j, m);
      load_first(b_ih, r.b_ih + g * H + j, m);
      load_first(b_hh, r.b_hh + g * H + j, m);
      a[g] = x + h + b_ih + b_hh;
    }
    vmath::sigmoid_inplace(a[0]);  // i
    vmath::sigmoid_inplace(a[1]);  // f
    vmath::tanh_inplace(a[2]);     // g
    vmath::sigmoid_inplace(a[3]);  // o
    for (int64_t g = 0; g < 4; ++g) store_first(r.gates + g * H + j, a[g], m);
    // c_prev is the c_{t−1} plane's row itself (the previous step wrote it there).
    V c;
    load_first(c, r.c_prev + j, m);
    c = a[1] * c + a[0] * a[2];
    store_first(r.c_next + j, c, m);
    vmath::tanh_inplace(c);
    store_first(r.extra[0] + j, c, m);
    const V h = a[3] * c;
    store_first(r.h + j, h, m);
    store_first(r.h_next + j, h, m);
  }
}

using vmath::f4, vmath::f8, vmath::f16;
NS_VMATH_WIDTHS(lstm_cell_vectors, void, (const CellRow& r), (r))

void lstm_cell(const CellRow& r) {
  const int width = vmath::impl::width();
  if (width == 16) lstm_cell_vectors_16(r);
  else if (width == 8) lstm_cell_vectors_8(r);
  else lstm_cell_vectors_4(r);
}

NS_WIDE_LOOPS void gru_cell(const CellRow& r) {
  const int64_t u = r.u, H = r.H;
  const float *gx = r.gx, *gh = r.gh, *b_ih = r.b_ih, *b_hh = r.b_hh, *hprev = r.hprev;
  float *rg = r.gates, *z = r.gates + H, *n = r.gates + 2 * H, *gh_n = r.extra[0];
#pragma GCC ivdep
  for (int64_t j = 0; j < u; ++j) {
    rg[j] = gx[j] + gh[j] + b_ih[j] + b_hh[j];
    z[j] = gx[u + j] + gh[u + j] + b_ih[H + j] + b_hh[H + j];
    gh_n[j] = gh[2 * u + j] + b_hh[2 * H + j];
  }
  vmath::sigmoid(rg, rg, u);
  vmath::sigmoid(z, z, u);
#pragma GCC ivdep
  for (int64_t j = 0; j < u; ++j) n[j] = gx[2 * u + j] + b_ih[2 * H + j] + rg[j] * gh_n[j];
  vmath::tanh(n, n, u);
  float *h = r.h, *h_next = r.h_next;
#pragma GCC ivdep
  for (int64_t j = 0; j < u; ++j) {
    const float v = (1.0f - z[j]) * n[j] + z[j] * hprev[j];
    h[j] = v;
    h_next[j] = v;
  }
}

NS_WIDE_LOOPS void elman_cell(const CellRow& r, bool relu) {
  const int64_t u = r.u;
  const float *gx = r.gx, *gh = r.gh, *b_ih = r.b_ih, *b_hh = r.b_hh;
  float* a = r.gates;
#pragma GCC ivdep
  for (int64_t j = 0; j < u; ++j) a[j] = gx[j] + gh[j] + b_ih[j] + b_hh[j];
  if (relu) {
  #pragma GCC ivdep
    for (int64_t j = 0; j < u; ++j) a[j] = a[j] > 0.0f ? a[j] : (a[j] != a[j] ? a[j] : 0.0f);
  } else {
    vmath::tanh(a, a, u);
  }
  float *h = r.h, *h_next = r.h_next;
#pragma GCC ivdep
  for (int64_t j = 0; j < u; ++j) {
    h[j] = a[j];
    h_next[j] = a[j];
  }
}

void cell_forward(Cell cell, const CellRow& r) {
  switch (cell) {
    case Cell::lstm: return lstm_cell(r);
    case Cell::gru: return gru_cell(r);
    case Cell::rnn_tanh: return elman_cell(r, false);
    case Cell::rnn_relu: return elman_cell(r, true);
  }
}

// ---- the layer's buffers ----

// From the calling thread's scratch (Note [thread scratch]), shared by the layer's team.
struct Buffers {
  float *gx = nullptr, *gh = nullptr;    // permuted gate pre-activations of one step [N, G·H]: input part, hidden part
  float *w_ih = nullptr, *w_hh = nullptr;  // permuted weight copies of the direction at work
  float *dgx = nullptr, *dgh = nullptr;  // permuted gate gradients [R, G·H] (dgh is dgx but for the GRU)
  float *dh = nullptr, *dc = nullptr;    // [N, H] recurrent gradients
  float* zeros = nullptr;                // [G·H], the biases of a layer without them
  float* ones = nullptr;                 // [R], for column sums
};

// Note [rnn input projection]: x_t·W_ihᵀ is one product per step, on W_ihᵀ packed once per call
// (Note [packed matmul]), written to a one-step buffer that the cells read from cache. Projecting
// the whole sequence up front left a T·N·G·H buffer to stream back from memory, one step at a time
// (the cells' loads of it were a third of the forward's non-GEMM time). Chunks of ~128 rows
// through sgemm (which repacks W_ih on every call) did as well on the bench LSTM — alone the
// packed step is faster (113 against 102 GFLOP/s), in the layer its packed W_ih shares the core's
// L2 with W_hh's — but a thread that owns batch rows has no contiguous chunk to give sgemm
// (Note [rnn threads]), so one packed step serves both splits.

Buffers buffers_for(const Layer& L, bool backward) {
  const int64_t GH = L.gates() * L.H, R = L.T * L.N;
  Buffers b;
  b.w_ih = thread_scratch_floats(Scratch::rnn_w_ih, GH * L.C);
  b.w_hh = thread_scratch_floats(Scratch::rnn_w_hh, GH * L.H);
  b.zeros = thread_scratch_floats(Scratch::rnn_zeros, GH);
  std::fill(b.zeros, b.zeros + GH, 0.0f);
  if (!backward) {
    b.gx = thread_scratch_floats(Scratch::rnn_gx, L.N * GH);
    b.gh = thread_scratch_floats(Scratch::rnn_gh, L.N * GH);
  } else {
    b.dgx = thread_scratch_floats(Scratch::rnn_dgx, R * GH);
    b.dgh = L.cell == Cell::gru ? thread_scratch_floats(Scratch::rnn_dgh, R * GH) : b.dgx;
    b.dh = thread_scratch_floats(Scratch::rnn_dh, L.N * L.H);
    b.dc = thread_scratch_floats(Scratch::rnn_dc, L.N * L.H);
    b.ones = thread_scratch_floats(Scratch::rnn_ones, R);
    std::fill(b.ones, b.ones + R, 1.0f);
  }
  return b;
}

// PyTorch's weights of direction d (biases: zeros when the layer has none).
struct Weights {
  const float *w_ih, *w_hh, *b_ih, *b_hh;
};

Weights weights_of(const OpCall& call, const Layer& L, int64_t d, const float* zeros) {
  const size_t w = L.weight_base() + 4 * static_cast<size_t>(d);
  return {call.in(w).data<float>(), call.in(w + 1).data<float>(), L.has_bias ? call.in(w + 2).data<float>() : zeros,
          L.has_bias ? call.in(w + 3).data<float>() : zeros};
}

// ---- forward ----

// What a forward reads and writes: the input, the output and this layer's state rows.
struct ForwardIo {
  const float* x;                  // [R, C]
  float* y;                        // [R, D·H]
  const float *hx, *cx;            // [D, N, H]
  float *hy, *cy;                  // [D, N, H]
  float* workspace;                // D plane sets (Note [rnn workspace])
  bool compact = false;            // inference: two steps of planes per direction
  std::vector<Weights> weights;    // per direction
};

// Direction d on thread k (Note [rnn threads]); false when the team aborted.
bool forward_direction(const Layer& L, const Partition& p, int k, SpinBarrier& barrier, int64_t d, const ForwardIo& io, const Buffers& b) {
  const Rows rows{L.T, L.N, L.batch_first};
  const int64_t H = L.H, GH = L.gates() * H, DH = L.D * H, N = L.N, s = rows.stride();
  const int64_t j0 = p.j0(k), u = p.count(k), col0 = p.col0(k), n0 = p.n0(k), n1 = p.n1(k), nb = n1 - n0;
  const Planes planes(io.workspace + d * plane_floats(L, io.compact ? 2 * L.N : rows.count()), L, io.compact);
  const int64_t ps = planes.stride();
  const Weights& W = io.weights[d];
  const bool lstm = L.cell == Cell::lstm, reverse = d == 1, active = u > 0 && nb > 0;
  // Threads that own batch rows read only their own rows of h: no meeting per step.
  auto meet = [&] { return p.by_batch || barrier.wait(); };
  float* c_plane = lstm ? planes.extra_plane(1, L) : nullptr;
  std::shared_ptr<PackedMatmul> step;   // h_{t−1}·W_hhᵀ for this thread's rows and gate columns (Note [packed matmul])
  std::shared_ptr<PackedMatmul> input;  // x_t·W_ihᵀ likewise (Note [rnn input projection])
  if (active) {
    const float* w_ih = permuted(W.w_ih, L.C, p, k, b.w_ih);
    const float* w_hh = permuted(W.w_hh, H, p, k, b.w_hh);
    // The permuted rows read across: W_ihᵀ and W_hhᵀ.
    input = PackedMatmul::on_this_thread(Scratch::rnn_packed_w_ih, nb, L.C, L.gates() * u, s * L.C, GH);
    input->pack(w_ih + col0 * L.C, 1, L.C);
    step = PackedMatmul::on_this_thread(Scratch::rnn_packed_w_hh, nb, H, L.gates() * u, ps * H, GH);
    step->pack(w_hh + col0 * H, 1, H);
    const int64_t first = planes.base(0, reverse ? L.T - 1 : 0);
    for (int64_t n = n0; n < n1; ++n) {
      std::memcpy(planes.hprev + (first + n * ps) * H + j0, io.hx + (d * N + n) * H + j0, sizeof(float) * u);
      if (lstm) std::memcpy(c_plane + (first + n * ps) * H + j0, io.cx + (d * N + n) * H + j0, sizeof(float) * u);
    }
  }
  if (!meet()) return false;  // h_{−1} complete
  for (int64_t i = 0; i < L.T; ++i) {
    const int64_t t = reverse ? L.T - 1 - i : i, next = reverse ? t - 1 : t + 1;
    const bool has_next = i + 1 < L.T;
    if (active) {
      const int64_t pb = planes.base(i, t), pb_next = planes.base(i + 1, next);
      input->run(io.x + (rows.base(t) + n0 * s) * L.C, b.gx + n0 * GH + col0);
      step->run(planes.hprev + (pb + n0 * ps) * H, b.gh + n0 * GH + col0);
      for (int64_t n = n0; n < n1; ++n) {
        // r: the row in the input and output; q, qn: this and the next step's plane rows.
        const int64_t r = rows.base(t) + n * s, q = pb + n * ps, qn = pb_next + n * ps;
        CellRow c;
        c.gx = b.gx + n * GH + col0;
        c.gh = b.gh + n * GH + col0;
        c.b_ih = W.b_ih + j0;
        c.b_hh = W.b_hh + j0;
        c.hprev = planes.hprev + q * H + j0;
        c.gates = planes.gates + q * GH + j0;
        for (int64_t e = 0; e < extra_planes(L.cell); ++e) c.extra[e] = planes.extra_plane(e, L) + q * H + j0;
        c.h = io.y + r * DH + d * H + j0;
        c.h_next = has_next ? planes.hprev + qn * H + j0 : io.hy + (d * N + n) * H + j0;
        if (lstm) {
          c.c_prev = c_plane + q * H + j0;
          c.c_next = has_next ? c_plane + qn * H + j0 : io.cy + (d * N + n) * H + j0;
        }
        c.u = u;
        c.H = H;
        cell_forward(L.cell, c);
      }
    }
    if (!meet()) return false;  // h_t complete
  }
  return true;
}

void run_forward(const Layer& L, const ForwardIo& io, const Buffers& b) {
  run_team(L, [&](int k, const Partition& p, SpinBarrier& barrier) {
    for (int64_t d = 0; d < L.D; ++d)
      if (!forward_direction(L, p, k, barrier, d, io, b)) return;
  });
}

// ---- backward cells: one row, thread k's u units ----

struct GradRow {
  const float* dy;      // gradOutput at j0
  float* dh;            // in: dh from later steps; out (GRU): the direct term dh·z
  float* dc;            // LSTM: in dc_t, out dc_{t−1}
  const float* gates;   // activated, natural, at j0
  const float* extra[2];
  const float* hprev;
  float *dgx, *dgh;     // permuted block rows (gate g at g·u)
  int64_t u, H;
};

// The pointers of a row never overlap: ivdep lets GCC vectorise without runtime alias checks
// (with a dozen streams it otherwise falls back to scalar code; GCC 12 also refuses these loops
// when the pointers are __restrict-qualified, "no vectype for stmt").
NS_WIDE_LOOPS void lstm_cell_backward(const GradRow& r) {
  const int64_t u = r.u, H = r.H;
  const float *i = r.gates, *f = r.gates + H, *g = r.gates + 2 * H, *o = r.gates + 3 * H;
  const float *tanh_c = r.extra[0], *c_prev = r.extra[1], *dy = r.dy, *dh_in = r.dh;
  float *dc_io = r.dc, *di = r.dgx, *df = r.dgx + u, *dg = r.dgx + 2 * u, *d_o = r.dgx + 3 * u;
#pragma GCC ivdep
  for (int64_t j = 0; j < u; ++j) {
    const float dh = dy[j] + dh_in[j], tc = tanh_c[j];
    const float dc = dc_io[j] + dh * o[j] * (1.0f - tc * tc);
    di[j] = dc * g[j] * i[j] * (1.0f - i[j]);
    df[j] = dc * c_prev[j] * f[j] * (1.0f - f[j]);
    dg[j] = dc * i[j] * (1.0f - g[j] * g[j]);
    d_o[j] = dh * tc * o[j] * (1.0f - o[j]);
    dc_io[j] = dc * f[j];
  }
}

NS_WIDE_LOOPS void gru_cell_backward(const GradRow& r) {
  const int64_t u = r.u, H = r.H;
  const float *rg = r.gates, *z = r.gates + H, *n = r.gates + 2 * H, *gh_n = r.extra[0];
  const float *dy = r.dy, *hprev = r.hprev;
  float *dh_io = r.dh, *dgx = r.dgx, *dgh = r.dgh;
#pragma GCC ivdep
  for (int64_t j = 0; j < u; ++j) {
    const float dh = dy[j] + dh_io[j];
    const float dn = dh * (1.0f - z[j]) * (1.0f - n[j] * n[j]);
    const float dz = dh * (hprev[j] - n[j]) * z[j] * (1.0f - z[j]);
    const float dr = dn * gh_n[j] * rg[j] * (1.0f - rg[j]);
    dgx[j] = dr;
    dgh[j] = dr;
    dgx[u + j] = dz;
    dgh[u + j] = dz;
    dgx[2 * u + j] = dn;
    dgh[2 * u + j] = dn * rg[j];
    dh_io[j] = dh * z[j];
  }
}

NS_WIDE_LOOPS void elman_cell_backward(const GradRow& r, bool relu) {
  const float *h = r.gates, *dy = r.dy, *dh_in = r.dh;
  float* d = r.dgx;
#pragma GCC ivdep
  for (int64_t j = 0; j < r.u; ++j) {
    const float dh = dy[j] + dh_in[j];
    d[j] = relu ? (h[j] > 0.0f ? dh : 0.0f) : dh * (1.0f - h[j] * h[j]);
  }
}

void cell_backward(Cell cell, const GradRow& r) {
  switch (cell) {
    case Cell::lstm: return lstm_cell_backward(r);
    case Cell::gru: return gru_cell_backward(r);
    case Cell::rnn_tanh: return elman_cell_backward(r, false);
    case Cell::rnn_relu: return elman_cell_backward(r, true);
  }
}

// ---- backward ----

struct BackwardIo {
  const float* x;                    // [R, C]
  const float* workspace;
  const float* dy;                   // [R, D·H]
  const float *dhy, *dcy;            // [D, N, H]
  float* dx;                         // [R, C]
  float *dhx, *dcx;                  // [D, N, H]
  std::vector<Weights> weights;      // per direction
  std::vector<float*> dw;            // per direction: dW_ih, dW_hh, db_ih, db_hh (biases null when absent)
};

bool backward_direction(const Layer& L, const Partition& p, int k, SpinBarrier& barrier, int64_t d, const BackwardIo& io, const Buffers& b) {
  const Rows rows{L.T, L.N, L.batch_first};
  const int64_t H = L.H, G = L.gates(), GH = G * H, DH = L.D * H, N = L.N, R = rows.count(), s = rows.stride();
  const int64_t j0 = p.j0(k), u = p.count(k), col0 = p.col0(k), n0 = p.n0(k), n1 = p.n1(k), nb = n1 - n0;
  const Planes planes(const_cast<float*>(io.workspace) + d * plane_floats(L, R), L, /*compact=*/false);
  const Weights& W = io.weights[d];
  const bool lstm = L.cell == Cell::lstm, gru = L.cell == Cell::gru, reverse = d == 1, active = u > 0 && nb > 0;
  // Recurrent gradient of h_{t−1}: dG_t·W_hh, plus (GRU) the direct term the cell left in dh.
  const float beta = gru ? 1.0f : 0.0f;
  // Permuted (Note [rnn threads]); every thread reads all rows, after the first barrier.
  const float* w_ih = permuted(W.w_ih, L.C, p, k, b.w_ih);
  const float* w_hh = permuted(W.w_hh, H, p, k, b.w_hh);
  auto recurrent = [&](int64_t step) {  // this thread's block of dh from dG of `step`
    gemm(false, false, nb, u, GH, b.dgh + (rows.base(step) + n0 * s) * GH, s * GH, w_hh + j0, H, beta, b.dh + n0 * H + j0, H);
  };
  if (active) {
    for (int64_t n = n0; n < n1; ++n) {
      std::memcpy(b.dh + n * H + j0, io.dhy + (d * N + n) * H + j0, sizeof(float) * u);
      if (lstm) std::memcpy(b.dc + n * H + j0, io.dcy + (d * N + n) * H + j0, sizeof(float) * u);
    }
  }
  int64_t later = -1;  // the step processed before this one (the next in forward order)
  for (int64_t i = 0; i < L.T; ++i) {
    const int64_t t = reverse ? i : L.T - 1 - i;
    if (i > 0) {
      // dG of `later` and the permuted W_hh complete (a thread owning batch rows reads its own).
      if (!p.by_batch && !barrier.wait()) return false;
      if (active) recurrent(later);
    }
    if (active) {
      for (int64_t n = n0; n < n1; ++n) {
        const int64_t r = rows.base(t) + n * s;
        GradRow g;
        g.dy = io.dy + r * DH + d * H + j0;
        g.dh = b.dh + n * H + j0;
        g.dc = b.dc + n * H + j0;
        g.gates = planes.gates + r * GH + j0;
        for (int64_t e = 0; e < extra_planes(L.cell); ++e) g.extra[e] = planes.extra_plane(e, L) + r * H + j0;
        g.hprev = planes.hprev + r * H + j0;
        g.dgx = b.dgx + r * GH + col0;
        g.dgh = b.dgh + r * GH + col0;
        g.u = u;
        g.H = H;
        cell_backward(L.cell, g);
      }
    }
    later = t;
  }
  // Every dG complete: before the last step's recurrent product when that reads other threads'
  // columns, else before the weight gradients, which read all rows.
  if (!p.by_batch && !barrier.wait()) return false;
  if (active) {
    recurrent(later);
    for (int64_t n = n0; n < n1; ++n) {
      std::memcpy(io.dhx + (d * N + n) * H + j0, b.dh + n * H + j0, sizeof(float) * u);
      if (lstm) std::memcpy(io.dcx + (d * N + n) * H + j0, b.dc + n * H + j0, sizeof(float) * u);
    }
  }
  if (p.by_batch && !barrier.wait()) return false;
  // Weight gradients over all rows, in PyTorch's layout: `count` rows of dW from the dG columns at
  // `col` (permuted) into rows from `row`.
  float *dw_ih = io.dw[4 * d], *dw_hh = io.dw[4 * d + 1], *db_ih = io.dw[4 * d + 2], *db_hh = io.dw[4 * d + 3];
  auto weight_gradients = [&](int64_t col, int64_t row, int64_t count) {
    if (count <= 0) return;
    gemm(true, false, count, L.C, R, b.dgx + col, GH, io.x, L.C, 0.0f, dw_ih + row * L.C, L.C);
    gemm(true, false, count, H, R, b.dgh + col, GH, planes.hprev, H, 0.0f, dw_hh + row * H, H);
    // Bias gradients: the column sums, as dGᵀ·1 on the same GEMM; the two biases enter every
    // gate alike, so they are equal but for the GRU's n gate.
    if (!db_ih) return;
    gemm(true, false, count, 1, R, b.dgx + col, GH, b.ones, 1, 0.0f, db_ih + row, 1);
    if (b.dgh == b.dgx) std::memcpy(db_hh + row, db_ih + row, sizeof(float) * count);
    else gemm(true, false, count, 1, R, b.dgh + col, GH, b.ones, 1, 0.0f, db_hh + row, 1);
  };
  if (p.by_batch) {
    // dG is in PyTorch's gate order: an even share of its rows.
    const int64_t g0 = GH * k / p.threads, g1 = GH * (k + 1) / p.threads;
    weight_gradients(g0, g0, g1 - g0);
  } else if (u > 0) {
    for (int64_t g = 0; g < G; ++g) weight_gradients(col0 + g * u, g * H + j0, u);  // this thread's units, gate by gate
  }
  // dX = Σ_d dG_x·W_ih, by rows.
  const int64_t per = (R + p.threads - 1) / p.threads, r0 = std::min(R, k * per), r1 = std::min(R, r0 + per);
  gemm(false, false, r1 - r0, L.C, GH, b.dgx + r0 * GH, GH, w_ih, L.C, d == 0 ? 0.0f : 1.0f, io.dx + r0 * L.C, L.C);
  return barrier.wait();  // before the next direction reuses the buffers
}

// ---- the ops ----

// Copies the state rows of `from` that are not this layer's into `to` (both [S, N, H]).
void copy_other_rows(const TensorRef& from, const TensorRef& to, const Layer& L) {
  const float* src = from.data<float>();
  float* dst = to.data<float>();
  const int64_t off = L.state_offset(), len = L.state_size(), total = from.numel();
  if (off > 0) std::memcpy(dst, src, sizeof(float) * off);
  if (off + len < total) std::memcpy(dst + off + len, src + off + len, sizeof(float) * (total - off - len));
}

const float* state_rows(const TensorRef& t, const Layer& L) { return t.data<float>() + L.state_offset(); }
float* state_rows_out(const TensorRef& t, const Layer& L) { return t.data<float>() + L.state_offset(); }

// Inputs: input, hx, (cx,) 8 weight slots. Outputs: output, hy, (cy,) workspace.
void forward(OpCall& call, const Layer& L, int64_t workspace_bytes_asked) {
  const size_t n_state = L.has_c() ? 2 : 1;
  for (size_t k = 0; k < n_state; ++k) copy_other_rows(call.in(1 + k), call.out(1 + k), L);
  if (L.N == 0) return;  // nothing to run: every output is empty
  const int64_t need = workspace_bytes(L);
  float* workspace;
  if (workspace_bytes_asked > 0) {
    const auto& ws = call.out(1 + n_state);
    NS_CHECK(ws.numel() >= need, value,
             "workspaceBytes is " + std::to_string(ws.numel()) + " but the layer needs " + std::to_string(need) + " (ask rnnWorkspaceSize)");
    workspace = static_cast<float*>(ws.raw());
  } else {
    workspace = thread_scratch_floats(Scratch::rnn_workspace, L.D * plane_floats(L, 2 * L.N));
  }
  const Buffers b = buffers_for(L, /*backward=*/false);
  ForwardIo io;
  io.compact = workspace_bytes_asked == 0;
  io.x = call.in(0).data<float>();
  io.y = call.out(0).data<float>();
  io.hx = state_rows(call.in(1), L);
  io.hy = state_rows_out(call.out(1), L);
  io.cx = L.has_c() ? state_rows(call.in(2), L) : nullptr;
  io.cy = L.has_c() ? state_rows_out(call.out(2), L) : nullptr;
  io.workspace = workspace;
  for (int64_t d = 0; d < L.D; ++d) io.weights.push_back(weights_of(call, L, d, b.zeros));
  run_forward(L, io, b);
}

// Inputs: the forward's inputs (input, hx, (cx,) 8 weight slots), its outputs (output, hy, (cy,)
// workspace) and their gradients (gradOutput, gradHy (, gradCy)). Outputs: the gradients of the
// forward's inputs, in their order.
void backward(OpCall& call, const Layer& L) {
  const size_t n_state = L.has_c() ? 2 : 1;
  const size_t base = L.weight_base();  // first weight input; also first weight gradient
  const size_t outs = base + 8;         // forward outputs start here: output, hy, (cy,) ws
  const size_t ws_in = outs + 1 + n_state;
  const size_t grads = ws_in + 1;       // gradOutput, gradHy, (gradCy)
  // States: gradients of other layers' rows pass straight through (Note [rnn state threading]).
  for (size_t k = 0; k < n_state; ++k) copy_other_rows(call.in(grads + 1 + k), call.out(1 + k), L);
  if (L.N == 0) {
    for (size_t k = base; k < base + 8; ++k) {
      auto& g = call.out(k);
      std::fill(g.data<float>(), g.data<float>() + g.numel(), 0.0f);
    }
    return;
  }
  const int64_t need = workspace_bytes(L);
  const auto& ws_t = call.in(ws_in);
  const float* workspace;
  if (ws_t.numel() == 0) {
    // No workspace was kept (the forward ran for inference): recompute it (Note [rnn workspace]),
    // its outputs into scratch.
    const int64_t R = L.T * L.N, states = L.D * L.N * L.H;
    float* ws = thread_scratch_floats(Scratch::rnn_workspace, need / static_cast<int64_t>(sizeof(float)));
    float* outputs = thread_scratch_floats(Scratch::rnn_recompute_outputs, R * L.D * L.H + 2 * states);
    const Buffers fb = buffers_for(L, /*backward=*/false);
    ForwardIo io;
    io.x = call.in(0).data<float>();
    io.y = outputs;
    io.hx = state_rows(call.in(1), L);
    io.hy = outputs + R * L.D * L.H;
    io.cx = L.has_c() ? state_rows(call.in(2), L) : nullptr;
    io.cy = io.hy + states;
    io.workspace = ws;
    for (int64_t d = 0; d < L.D; ++d) io.weights.push_back(weights_of(call, L, d, fb.zeros));
    run_forward(L, io, fb);
    workspace = ws;
  } else {
    NS_CHECK(ws_t.numel() >= need, value,
             "workspace holds " + std::to_string(ws_t.numel()) + " bytes but the layer needs " + std::to_string(need) +
                 " (pass the forward's workspace, or an empty one to recompute)");
    workspace = static_cast<const float*>(ws_t.raw());
  }
  const Buffers b = buffers_for(L, /*backward=*/true);
  BackwardIo io;
  io.x = call.in(0).data<float>();
  io.workspace = workspace;
  io.dy = call.in(grads).data<float>();
  io.dhy = state_rows(call.in(grads + 1), L);
  io.dcy = L.has_c() ? state_rows(call.in(grads + 2), L) : nullptr;
  io.dx = call.out(0).data<float>();
  io.dhx = state_rows_out(call.out(1), L);
  io.dcx = L.has_c() ? state_rows_out(call.out(2), L) : nullptr;
  for (int64_t d = 0; d < L.D; ++d) {
    io.weights.push_back(weights_of(call, L, d, b.zeros));
    const size_t g = base + 4 * static_cast<size_t>(d);
    io.dw.push_back(call.out(g).data<float>());
    io.dw.push_back(call.out(g + 1).data<float>());
    io.dw.push_back(L.has_bias ? call.out(g + 2).data<float>() : nullptr);
    io.dw.push_back(L.has_bias ? call.out(g + 3).data<float>() : nullptr);
  }
  run_team(L, [&](int k, const Partition& p, SpinBarrier& barrier) {
    for (int64_t d = 0; d < L.D; ++d)
      if (!backward_direction(L, p, k, barrier, d, io, b)) return;
  });
}

Cell cell_of_rnn(core::RnnAttrs::Nonlinearity n) { return n == core::RnnAttrs::Nonlinearity::relu ? Cell::rnn_relu : Cell::rnn_tanh; }

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
  *call.out(0).data<int64_t>() = workspace_bytes(L);
}

}  // namespace nutshell::cpu
