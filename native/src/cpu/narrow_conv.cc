// The narrow-input convolution of Note [narrow-input convolution] (narrow_conv.h).
#include "narrow_conv.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "broadcast.h"
#include "onednn.h"
#include "vec.h"

namespace nutshell::cpu {

namespace {

constexpr int64_t kMinRow = 16;  // output columns: two AVX2 vectors, one AVX-512 vector
constexpr int64_t kMaxInputChannels = 4;

// The kernel is compiled twice, for the register file it runs in: L lanes per vector (vec.h)
// and up to B output channels per block, so B × 2 accumulators and the inputs fit the registers
// (AVX-512: 16 lanes, 32 registers, B = 8; AVX2: 8 lanes, 16 registers, B = 4). Vectors wider
// than the registers would spill every accumulator: measured 40x slower than oneDNN on AVX2.

struct Plane {
  const NarrowConv& g;
  int64_t padded_h, padded_w;
  const float* x;     // this sample's zero-padded input, C planes of padded_h × padded_w
  const float* w;     // this block's weights, [C][kH][kW][ob]
  const float* bias;  // this block's bias (or null)
  bool relu;          // max(·, 0) on the way out
  float* y;           // this block's first output plane
};

// One output row of OB channels: NV vectors starting at columns col[0..NV). Two vectors may
// overlap (the row's last one is placed to end at the row's end), which rewrites equal values.
template <int L, int OB, int NV>
inline __attribute__((always_inline)) void row_block(const Plane& p, int64_t row, const int64_t (&col)[2]) {
  using Vec = typename Lanes<L>::Vec;
  using UnalignedVec = typename Lanes<L>::UnalignedVec;
  const NarrowConv& g = p.g;
  Vec acc[NV][OB];
  for (int o = 0; o < OB; ++o) {
    Vec b = Vec{} + (p.bias ? p.bias[o] : 0.0f);
    for (int v = 0; v < NV; ++v) acc[v][o] = b;
  }
  for (int64_t c = 0; c < g.c; ++c) {
    for (int64_t i = 0; i < g.kh; ++i) {
      const float* in = p.x + (c * p.padded_h + row + i) * p.padded_w;
      const float* wr = p.w + (c * g.kh + i) * g.kw * OB;
      for (int64_t j = 0; j < g.kw; ++j) {
        Vec xs[NV];
        for (int v = 0; v < NV; ++v) xs[v] = *reinterpret_cast<const UnalignedVec*>(in + col[v] + j);
        for (int o = 0; o < OB; ++o) {
          const float s = wr[j * OB + o];
          for (int v = 0; v < NV; ++v) acc[v][o] += xs[v] * s;
        }
      }
    }
  }
  const int64_t plane = g.oh * g.ow;
  if (p.relu) {
    for (int o = 0; o < OB; ++o) {
      for (int v = 0; v < NV; ++v) acc[v][o] = acc[v][o] < 0.0f ? Vec{} : acc[v][o];  // NaN stays NaN, as in relu
    }
  }
  for (int o = 0; o < OB; ++o) {
    for (int v = 0; v < NV; ++v) *reinterpret_cast<UnalignedVec*>(p.y + o * plane + row * g.ow + col[v]) = acc[v][o];
  }
}

template <int L, int OB>
inline __attribute__((always_inline)) void plane_block(const Plane& p) {
  const int64_t ow = p.g.ow;
  for (int64_t row = 0; row < p.g.oh; ++row) {
    int64_t c0 = 0;
    for (; c0 + 2 * L <= ow; c0 += 2 * L) row_block<L, OB, 2>(p, row, {c0, c0 + L});
    if (ow - c0 > L) {
      row_block<L, OB, 2>(p, row, {c0, ow - L});
    } else if (c0 < ow) {
      row_block<L, OB, 1>(p, row, {ow - L, ow - L});  // ow >= kMinRow >= L (narrow_conv_fits)
    }
  }
}

NS_TARGET_AVX512 void plane_avx512(int ob, const Plane& p) {
  switch (ob) {
    case 1: return plane_block<16, 1>(p);
    case 2: return plane_block<16, 2>(p);
    case 3: return plane_block<16, 3>(p);
    case 4: return plane_block<16, 4>(p);
    case 5: return plane_block<16, 5>(p);
    case 6: return plane_block<16, 6>(p);
    case 7: return plane_block<16, 7>(p);
    default: return plane_block<16, 8>(p);
  }
}

NS_TARGET_AVX2 void plane_avx2(int ob, const Plane& p) {
  switch (ob) {
    case 1: return plane_block<8, 1>(p);
    case 2: return plane_block<8, 2>(p);
    case 3: return plane_block<8, 3>(p);
    default: return plane_block<8, 4>(p);
  }
}

// Grow-only per-thread buffers for the padded copies: a fresh megabyte from the allocator comes
// back as new pages, and faulting them in cost as much as the weight gradient's arithmetic.
float* reuse_buffer(int slot, size_t floats) {
  thread_local std::vector<float> buffers[2];
  std::vector<float>& b = buffers[slot];
  if (b.size() < floats) b.resize(floats);
  return b.data();
}

// ---- weight gradient ----

// dW for output channels [o0, o0 + OB) and one (c, kernel row i): Σ over samples, rows and
// columns of gy[o][r][s] · x[c][r + i][s + j], each of the OB × kW sums kept as a vector of
// partial sums along the row (s in chunks of L), then summed across lanes. gy's rows are copied
// zero-extended to whole vectors, so the last chunk adds zeros instead of needing a scalar tail.
struct GradTask {
  const NarrowConv& g;
  int64_t padded_h, padded_w;  // x planes: oH + kH − 1 rows of row + kW − 1 columns
  int64_t row;                 // gy rows: oW rounded up to whole vectors
  const float* xp;             // all samples, zero-padded: [N][C][padded_h][padded_w]
  const float* gy;             // zero-extended rows: [N][O][oH][row]
  float* dw;                   // [O][C][kH][kW]
};

// KW is a template argument so that the OB × KW accumulators are registers, not an array.
template <int L, int OB, int KW>
inline __attribute__((always_inline)) void grad_block(const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  using Vec = typename Lanes<L>::Vec;
  using UnalignedVec = typename Lanes<L>::UnalignedVec;
  const NarrowConv& g = t.g;
  Vec acc[OB][KW];
  for (int o = 0; o < OB; ++o) {
    for (int j = 0; j < KW; ++j) acc[o][j] = Vec{};
  }
  const int64_t plane = g.oh * t.row;
  for (int64_t n = 0; n < g.n; ++n) {
    const float* gy_n = t.gy + (n * g.o + o0) * plane;
    const float* x_c = t.xp + (n * g.c + c) * t.padded_h * t.padded_w;
    for (int64_t r = 0; r < g.oh; ++r) {
      const float* xr = x_c + (r + i) * t.padded_w;
      const float* gr = gy_n + r * t.row;
      for (int64_t s0 = 0; s0 < t.row; s0 += L) {
        Vec gv[OB];
        for (int o = 0; o < OB; ++o) gv[o] = *reinterpret_cast<const UnalignedVec*>(gr + o * plane + s0);
        for (int j = 0; j < KW; ++j) {
          Vec xv = *reinterpret_cast<const UnalignedVec*>(xr + s0 + j);
          // In a register: GCC would otherwise fold the (unaligned, line-splitting) load into
          // each of the OB multiply-adds and load it OB times, which made the loop load-bound.
          asm("" : "+v"(xv));
          for (int o = 0; o < OB; ++o) acc[o][j] += gv[o] * xv;
        }
      }
    }
  }
  for (int o = 0; o < OB; ++o) {
    float* out = t.dw + (((o0 + o) * g.c + c) * g.kh + i) * KW;
    for (int j = 0; j < KW; ++j) {
      float sum = 0.0f;
      for (int l = 0; l < L; ++l) sum += acc[o][j][l];
      out[j] = sum;
    }
  }
}

constexpr int64_t kMaxGradKw = 7;

template <int L, int OB>
inline __attribute__((always_inline)) void grad_kw(const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  switch (t.g.kw) {
    case 1: return grad_block<L, OB, 1>(t, o0, c, i);
    case 2: return grad_block<L, OB, 2>(t, o0, c, i);
    case 3: return grad_block<L, OB, 3>(t, o0, c, i);
    case 4: return grad_block<L, OB, 4>(t, o0, c, i);
    case 5: return grad_block<L, OB, 5>(t, o0, c, i);
    case 6: return grad_block<L, OB, 6>(t, o0, c, i);
    default: return grad_block<L, OB, 7>(t, o0, c, i);  // kw <= kMaxGradKw (narrow_conv_grad_fits)
  }
}

NS_TARGET_AVX512 void grad_avx512(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  switch (ob) {
    case 1: return grad_kw<16, 1>(t, o0, c, i);
    case 2: return grad_kw<16, 2>(t, o0, c, i);
    case 3: return grad_kw<16, 3>(t, o0, c, i);
    default: return grad_kw<16, 4>(t, o0, c, i);
  }
}

NS_TARGET_AVX2 void grad_avx2(int ob, const GradTask& t, int64_t o0, int64_t c, int64_t i) {
  switch (ob) {
    case 1: return grad_kw<8, 1>(t, o0, c, i);
    default: return grad_kw<8, 2>(t, o0, c, i);
  }
}

}  // namespace

bool narrow_conv_fits(int64_t narrow_channels, int64_t groups, const int64_t stride[2], const int64_t dilation[2], int64_t image_width) {
  return onednn::vector_bits() > 0 && groups == 1 && narrow_channels >= 1 && narrow_channels <= kMaxInputChannels && stride[0] == 1 &&
         stride[1] == 1 && dilation[0] == 1 && dilation[1] == 1 && image_width >= kMinRow;
}

void narrow_conv_forward(const NarrowConv& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const int64_t taps = g.c * g.kh * g.kw;
  const bool wide = onednn::vector_bits() == 512;
  // Output channels in blocks of at most 8 (AVX-512) or 4 (AVX2), sizes differing by at most one.
  const int64_t max_block = wide ? 8 : 4;
  const int64_t blocks = (g.o + max_block - 1) / max_block;
  auto block_start = [&](int64_t b) { return b * g.o / blocks; };
  // Weights repacked per block as [C][kH][kW][ob], so one tap's channel weights sit together.
  std::vector<float> packed(static_cast<size_t>(g.o * taps));
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t o0 = block_start(b), ob = block_start(b + 1) - o0;
    float* dst = packed.data() + o0 * taps;
    for (int64_t t = 0; t < taps; ++t) {
      for (int64_t o = 0; o < ob; ++o) dst[t * ob + o] = w[(o0 + o) * taps + t];
    }
  }
  const int64_t padded_h = g.oh + g.kh - 1, padded_w = g.ow + g.kw - 1;
  const int64_t padded = g.c * padded_h * padded_w;
  const int64_t tasks = g.n * blocks;
  const int threads = tasks > 1 ? omp_get_max_threads() : 1;
  // Per-thread padded copies of one sample, allocated here: nothing inside the region throws.
  std::vector<float> scratch(static_cast<size_t>(padded * threads));
  std::vector<int64_t> holds(static_cast<size_t>(threads), -1);  // the sample in each thread's scratch
  NS_PARALLEL_IF(threads > 1, "omp parallel for schedule(static) num_threads(threads)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t n = task / blocks, b = task % blocks;
    const int t = omp_get_thread_num();
    float* xp = scratch.data() + padded * t;
    // Blocks of one sample are consecutive tasks, so a thread pads each of its samples once.
    if (holds[t] != n) {
      holds[t] = n;
      std::memset(xp, 0, static_cast<size_t>(padded) * sizeof(float));
      for (int64_t c = 0; c < g.c; ++c) {
        for (int64_t r = 0; r < g.h; ++r) {
          std::memcpy(xp + (c * padded_h + r + g.pad_top) * padded_w + g.pad_left, x + ((n * g.c + c) * g.h + r) * g.w,
                      static_cast<size_t>(g.w) * sizeof(float));
        }
      }
    }
    const int64_t o0 = block_start(b), ob = block_start(b + 1) - o0;
    Plane p{g, padded_h, padded_w, xp, packed.data() + o0 * taps, bias ? bias + o0 : nullptr, relu, y + (n * g.o + o0) * g.oh * g.ow};
    if (wide) {
      plane_avx512(static_cast<int>(ob), p);
    } else {
      plane_avx2(static_cast<int>(ob), p);
    }
  });
}

bool narrow_conv_grad_fits(int64_t in_channels, int64_t groups, const int64_t stride[2], const int64_t dilation[2], int64_t out_width,
                           int64_t kernel_width) {
  return narrow_conv_fits(in_channels, groups, stride, dilation, out_width) && kernel_width <= kMaxGradKw;
}

void narrow_conv_weight_grad(const NarrowConv& g, const float* x, const float* gy, float* dw) {
  const bool wide = onednn::vector_bits() == 512;
  const int64_t lanes = wide ? 16 : 8;
  const int64_t row = (g.ow + lanes - 1) / lanes * lanes;
  const int64_t padded_h = g.oh + g.kh - 1, padded_w = row + g.kw - 1;
  const int64_t padded = padded_h * padded_w;
  // Every sample zero-padded (and gy's rows zero-extended) once up front; the tasks below each
  // read all of them.
  float* xp = reuse_buffer(0, static_cast<size_t>(g.n * g.c * padded));
  float* gyp = reuse_buffer(1, static_cast<size_t>(g.n * g.o * g.oh * row));
  const int64_t planes = g.n * g.c, gy_rows = g.n * g.o * g.oh;
  NS_PARALLEL_IF(planes * padded >= kParallelGrain, "omp parallel for schedule(static)",
  for (int64_t q = 0; q < planes; ++q) {
    float* dst = xp + q * padded;
    std::memset(dst, 0, static_cast<size_t>(padded) * sizeof(float));
    for (int64_t r = 0; r < g.h; ++r) {
      std::memcpy(dst + (r + g.pad_top) * padded_w + g.pad_left, x + (q * g.h + r) * g.w, static_cast<size_t>(g.w) * sizeof(float));
    }
  });
  NS_PARALLEL_IF(gy_rows * row >= kParallelGrain, "omp parallel for schedule(static)",
  for (int64_t q = 0; q < gy_rows; ++q) {
    float* dst = gyp + q * row;
    std::memcpy(dst, gy + q * g.ow, static_cast<size_t>(g.ow) * sizeof(float));
    std::memset(dst + g.ow, 0, static_cast<size_t>(row - g.ow) * sizeof(float));
  });
  const int64_t max_block = wide ? 4 : 2;
  const int64_t blocks = (g.o + max_block - 1) / max_block;
  auto block_start = [&](int64_t b) { return b * g.o / blocks; };
  GradTask t{g, padded_h, padded_w, row, xp, gyp, dw};
  // One task per (channel block, input channel, kernel row): each writes its own dW entries.
  const int64_t tasks = blocks * g.c * g.kh;
  const int threads = tasks > 1 ? omp_get_max_threads() : 1;
  NS_PARALLEL_IF(threads > 1, "omp parallel for schedule(dynamic) num_threads(threads)",
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t b = task / (g.c * g.kh), c = task / g.kh % g.c, i = task % g.kh;
    const int64_t o0 = block_start(b), ob = block_start(b + 1) - o0;
    if (wide) {
      grad_avx512(static_cast<int>(ob), t, o0, c, i);
    } else {
      grad_avx2(static_cast<int>(ob), t, o0, c, i);
    }
  });
}

}  // namespace nutshell::cpu
