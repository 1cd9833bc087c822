#pragma once
// NumPy broadcasting on the device: one indexer for every elementwise kernel of N operands.
//
// Note [broadcast plan]: each operand gets strides aligned to the output's rank (0 along
// broadcast dims); then size-1 dims are dropped and neighbouring dims merged wherever every
// operand steps through them as one (stride[d-1] == stride[d]·size[d], broadcast dims included),
// so most calls reduce to one or two dims. The plan travels by value as a kernel parameter (at
// most kMaxDims dims, the binding's rank limit). Kernels use 32-bit index arithmetic when the
// output has fewer than 2^31 elements (operands never have more elements than the output), 64-bit
// otherwise; dense calls (every operand has the output's shape) skip the indexer and use vector
// loads.
#include <array>
#include <cstdint>

#include "../core/shape.h"
#include "common.cuh"

namespace nutshell::cuda {

constexpr int kMaxDims = 16;

template <int N>
struct BroadcastPlan {
  int rank = 0;
  int64_t size[kMaxDims] = {};
  int64_t stride[N][kMaxDims] = {};
};

// Strides of `in` when read as if broadcast to `out` (right-aligned, 0 where `in` has size 1).
inline core::Shape broadcast_strides(const core::Shape& in, const core::Shape& out) {
  core::Shape strides(out.size(), 0);
  core::Shape dense = core::contiguous_strides(in);
  size_t lead = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) strides[lead + i] = in[i] == 1 ? 0 : dense[i];
  return strides;
}

// Plan for operands with the given (already output-aligned) strides over `out`.
template <int N>
BroadcastPlan<N> plan_strided(const core::Shape& out, const std::array<core::Shape, N>& strides) {
  BroadcastPlan<N> p;
  NS_CHECK(out.size() <= static_cast<size_t>(kMaxDims), shape, "rank " + std::to_string(out.size()) + " exceeds " + std::to_string(kMaxDims));
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 1) continue;
    if (p.rank > 0) {
      bool merge = true;
      for (int k = 0; k < N; ++k) merge = merge && p.stride[k][p.rank - 1] == strides[k][d] * out[d];
      if (merge) {
        p.size[p.rank - 1] *= out[d];
        for (int k = 0; k < N; ++k) p.stride[k][p.rank - 1] = strides[k][d];
        continue;
      }
    }
    p.size[p.rank] = out[d];
    for (int k = 0; k < N; ++k) p.stride[k][p.rank] = strides[k][d];
    ++p.rank;
  }
  return p;
}

// Plan for operands of the given shapes broadcast to `out`.
template <int N>
BroadcastPlan<N> plan_broadcast(const core::Shape& out, const std::array<const core::Shape*, N>& shapes) {
  std::array<core::Shape, N> strides;
  for (int k = 0; k < N; ++k) strides[k] = broadcast_strides(*shapes[k], out);
  return plan_strided<N>(out, strides);
}

// Offsets of output element `i` in each operand (Idx: uint32_t or int64_t arithmetic).
template <typename Idx, int N>
__device__ __forceinline__ void broadcast_offsets(const BroadcastPlan<N>& p, Idx i, Idx (&off)[N]) {
#pragma unroll
  for (int k = 0; k < N; ++k) off[k] = 0;
  for (int d = p.rank - 1; d >= 0; --d) {
    const Idx size = static_cast<Idx>(p.size[d]);
    const Idx c = i % size;
    i /= size;
#pragma unroll
    for (int k = 0; k < N; ++k) off[k] += c * static_cast<Idx>(p.stride[k][d]);
  }
}

// ---- kernels: out[i] = f(a[i], …) for one, two or three operands ----

constexpr int kVec = 4;

template <typename O, typename A, typename F>
__global__ void map1_dense(int64_t n, O* __restrict__ out, const A* __restrict__ a, F f) {
  const int64_t nv = n / kVec;
  NS_GRID_LOOP(i, nv) {
    const Vec<kVec, A> va = reinterpret_cast<const Vec<kVec, A>*>(a)[i];
    Vec<kVec, O> vo;
#pragma unroll
    for (int k = 0; k < kVec; ++k) vo.v[k] = f(va.v[k]);
    reinterpret_cast<Vec<kVec, O>*>(out)[i] = vo;
  }
  const int64_t t = nv * kVec + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t < n) out[t] = f(a[t]);
}

template <typename O, typename A, typename B, typename F>
__global__ void map2_dense(int64_t n, O* __restrict__ out, const A* __restrict__ a, const B* __restrict__ b, F f) {
  const int64_t nv = n / kVec;
  NS_GRID_LOOP(i, nv) {
    const Vec<kVec, A> va = reinterpret_cast<const Vec<kVec, A>*>(a)[i];
    const Vec<kVec, B> vb = reinterpret_cast<const Vec<kVec, B>*>(b)[i];
    Vec<kVec, O> vo;
#pragma unroll
    for (int k = 0; k < kVec; ++k) vo.v[k] = f(va.v[k], vb.v[k]);
    reinterpret_cast<Vec<kVec, O>*>(out)[i] = vo;
  }
  const int64_t t = nv * kVec + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t < n) out[t] = f(a[t], b[t]);
}

template <typename O, typename A, typename B, typename C, typename F>
__global__ void map3_dense(int64_t n, O* __restrict__ out, const A* __restrict__ a, const B* __restrict__ b, const C* __restrict__ c, F f) {
  const int64_t nv = n / kVec;
  NS_GRID_LOOP(i, nv) {
    const Vec<kVec, A> va = reinterpret_cast<const Vec<kVec, A>*>(a)[i];
    const Vec<kVec, B> vb = reinterpret_cast<const Vec<kVec, B>*>(b)[i];
    const Vec<kVec, C> vc = reinterpret_cast<const Vec<kVec, C>*>(c)[i];
    Vec<kVec, O> vo;
#pragma unroll
    for (int k = 0; k < kVec; ++k) vo.v[k] = f(va.v[k], vb.v[k], vc.v[k]);
    reinterpret_cast<Vec<kVec, O>*>(out)[i] = vo;
  }
  const int64_t t = nv * kVec + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t < n) out[t] = f(a[t], b[t], c[t]);
}

template <typename Idx, typename O, typename A, typename F>
__global__ void map1_strided(int64_t n, BroadcastPlan<1> p, O* __restrict__ out, const A* __restrict__ a, F f) {
  NS_GRID_LOOP(i, n) {
    Idx off[1];
    broadcast_offsets<Idx, 1>(p, static_cast<Idx>(i), off);
    out[i] = f(a[off[0]]);
  }
}

template <typename Idx, typename O, typename A, typename B, typename F>
__global__ void map2_strided(int64_t n, BroadcastPlan<2> p, O* __restrict__ out, const A* __restrict__ a, const B* __restrict__ b, F f) {
  NS_GRID_LOOP(i, n) {
    Idx off[2];
    broadcast_offsets<Idx, 2>(p, static_cast<Idx>(i), off);
    out[i] = f(a[off[0]], b[off[1]]);
  }
}

template <typename Idx, typename O, typename A, typename B, typename C, typename F>
__global__ void map3_strided(int64_t n, BroadcastPlan<3> p, O* __restrict__ out, const A* __restrict__ a, const B* __restrict__ b,
                             const C* __restrict__ c, F f) {
  NS_GRID_LOOP(i, n) {
    Idx off[3];
    broadcast_offsets<Idx, 3>(p, static_cast<Idx>(i), off);
    out[i] = f(a[off[0]], b[off[1]], c[off[2]]);
  }
}

// ---- host launchers (all dense buffers; shapes broadcast to `out_shape`) ----

inline bool same_shape(const core::Shape& a, const core::Shape& b) { return a == b; }
inline bool fits32(int64_t n) { return n < (int64_t{1} << 31); }

// out = f(a) elementwise over dense buffers of n elements.
template <typename O, typename A, typename F>
void launch_map1(cudaStream_t stream, int64_t n, O* out, const A* a, F f) {
  if (n <= 0) return;
  map1_dense<<<blocks_for(ceil_div(n, kVec)), kThreads, 0, stream>>>(n, out, a, f);
  NS_LAUNCH_CHECK();
}

// out[i] = f(a[…], b[…]) with a and b broadcast to out_shape.
template <typename O, typename A, typename B, typename F>
void launch_map2(cudaStream_t stream, const core::Shape& out_shape, O* out, const core::Shape& a_shape, const A* a,
                 const core::Shape& b_shape, const B* b, F f) {
  const int64_t n = core::numel(out_shape);
  if (n <= 0) return;
  if (same_shape(a_shape, out_shape) && same_shape(b_shape, out_shape)) {
    map2_dense<<<blocks_for(ceil_div(n, kVec)), kThreads, 0, stream>>>(n, out, a, b, f);
  } else {
    auto p = plan_broadcast<2>(out_shape, {&a_shape, &b_shape});
    if (fits32(n)) map2_strided<uint32_t><<<blocks_for(n), kThreads, 0, stream>>>(n, p, out, a, b, f);
    else map2_strided<int64_t><<<blocks_for(n), kThreads, 0, stream>>>(n, p, out, a, b, f);
  }
  NS_LAUNCH_CHECK();
}

template <typename O, typename A, typename B, typename C, typename F>
void launch_map3(cudaStream_t stream, const core::Shape& out_shape, O* out, const core::Shape& a_shape, const A* a,
                 const core::Shape& b_shape, const B* b, const core::Shape& c_shape, const C* c, F f) {
  const int64_t n = core::numel(out_shape);
  if (n <= 0) return;
  if (same_shape(a_shape, out_shape) && same_shape(b_shape, out_shape) && same_shape(c_shape, out_shape)) {
    map3_dense<<<blocks_for(ceil_div(n, kVec)), kThreads, 0, stream>>>(n, out, a, b, c, f);
  } else {
    auto p = plan_broadcast<3>(out_shape, {&a_shape, &b_shape, &c_shape});
    if (fits32(n)) map3_strided<uint32_t><<<blocks_for(n), kThreads, 0, stream>>>(n, p, out, a, b, c, f);
    else map3_strided<int64_t><<<blocks_for(n), kThreads, 0, stream>>>(n, p, out, a, b, c, f);
  }
  NS_LAUNCH_CHECK();
}

}  // namespace nutshell::cuda
