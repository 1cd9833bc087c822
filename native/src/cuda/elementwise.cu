// Elementwise kernels of two or three tensors with broadcasting: add, sub, mul, div, pow,
// maximum, minimum, where; and fill and expand. Same semantics as cpu/elementwise.cc: inputs of
// one dtype, uint8 wraps, div gives float32, integer pow follows PyTorch, NaN wins in
// maximum/minimum.
#include <cmath>

#include "../core/division.h"
#include "../gen/cuda_kernels.gen.h"
#include "elementwise.cuh"

namespace nutshell::cuda {

namespace {

using core::DType;
using core::OpCall;

struct AddF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return Wrap<T>::add(x, y); }
};
struct SubF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return Wrap<T>::sub(x, y); }
};
struct MulF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return Wrap<T>::mul(x, y); }
};
// True division in float32 (as PyTorch does for integer tensors).
struct DivF {
  template <typename T>
  __device__ float operator()(T x, T y) const { return static_cast<float>(x) / static_cast<float>(y); }
};
struct PowF {
  template <typename T>
  __device__ T operator()(T x, T y) const {
    if constexpr (std::is_floating_point_v<T>) return powf(x, y);
    else return int_pow<T>(x, y);
  }
};
// NaN in either input gives NaN (PyTorch's maximum/minimum, unlike fmax/fmin).
struct MaximumF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return is_nan_value(x) ? x : (is_nan_value(y) ? y : (x > y ? x : y)); }
};
struct MinimumF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return is_nan_value(x) ? x : (is_nan_value(y) ? y : (x < y ? x : y)); }
};

// Note [division rules] (core/division.h): an integer divisor of 0 gives 0 here.
struct RemainderF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return core::division::remainder(x, y); }
};
struct FmodF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return core::division::fmod(x, y); }
};
struct FloorDivideF {
  template <typename T>
  __device__ T operator()(T x, T y) const { return core::division::floor_divide(x, y); }
};
struct Atan2F {
  template <typename T>
  __device__ T operator()(T y, T x) const {
    if constexpr (std::is_floating_point_v<T>) return atan2f(y, x);
    else return y;  // the declaration admits float32 only
  }
};

// Same input and output dtype: inputs 0 and 1 into output 0.
template <typename F>
void same_type_binary(const OpCall& call, F f) {
  const auto& a = call.in(0);
  const auto& b = call.in(1);
  const auto& out = call.out(0);
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    launch_map2(stream, out.shape, out.data<T>(), a.shape, a.data<T>(), b.shape, b.data<T>(), f);
  });
}

struct SelectF {
  template <typename T>
  __device__ T operator()(uint8_t c, T x, T y) const { return c != 0 ? x : y; }
};

template <typename T>
__global__ void fill_kernel(int64_t n, T* __restrict__ out, T value) {
  NS_GRID_LOOP(i, n) out[i] = value;
}

}  // namespace

void add(OpCall& call) { same_type_binary(call, AddF{}); }
void sub(OpCall& call) { same_type_binary(call, SubF{}); }
void mul(OpCall& call) { same_type_binary(call, MulF{}); }
void pow(OpCall& call) { same_type_binary(call, PowF{}); }
void maximum(OpCall& call) { same_type_binary(call, MaximumF{}); }
void remainder(OpCall& call) { same_type_binary(call, RemainderF{}); }
void fmod(OpCall& call) { same_type_binary(call, FmodF{}); }
void floorDivide(OpCall& call) { same_type_binary(call, FloorDivideF{}); }
void atan2(OpCall& call) { same_type_binary(call, Atan2F{}); }
void minimum(OpCall& call) { same_type_binary(call, MinimumF{}); }

void div(OpCall& call) {
  const auto& a = call.in(0);
  const auto& b = call.in(1);
  const auto& out = call.out(0);
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    launch_map2(stream, out.shape, out.data<float>(), a.shape, a.data<T>(), b.shape, b.data<T>(), DivF{});
  });
}

// out = condition ? input : other, all three broadcast to the output's shape.
void where(OpCall& call) {
  const auto& c = call.in(0);
  const auto& a = call.in(1);
  const auto& b = call.in(2);
  const auto& out = call.out(0);
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    launch_map3(stream, out.shape, out.data<T>(), c.shape, c.data<uint8_t>(), a.shape, a.data<T>(), b.shape, b.data<T>(), SelectF{});
  });
}

// The value is converted on the host exactly as cpu/elementwise.cc converts it.
void fill(OpCall& call) {
  const auto& out = call.out(0);
  const double value = core::FillAttrs::decode(call.reader()).value;
  const int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T v = out.dtype == DType::boolean ? T(value != 0.0) : static_cast<T>(value);
    fill_kernel<<<blocks_for(n), kThreads, 0, stream>>>(n, out.data<T>(), v);
    NS_LAUNCH_CHECK();
  });
}

namespace {
struct Identity {
  template <typename T>
  __device__ T operator()(T x) const { return x; }
};
}  // namespace

// A broadcasting copy: elements move by size, whatever their type.
void expand(OpCall& call) {
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  const int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = context_of(call).stream;
  auto p = plan_broadcast<1>(out.shape, {&in.shape});
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* src = static_cast<const T*>(in.raw());
    T* dst = static_cast<T*>(out.raw());
    if (fits32(n)) map1_strided<uint32_t><<<blocks_for(n), kThreads, 0, stream>>>(n, p, dst, src, Identity{});
    else map1_strided<int64_t><<<blocks_for(n), kThreads, 0, stream>>>(n, p, dst, src, Identity{});
    NS_LAUNCH_CHECK();
  };
  switch (core::dtype_size(in.dtype)) {
    case 1: run(uint8_t{}); break;
    case 4: run(uint32_t{}); break;
    case 8: run(uint64_t{}); break;
    default: NS_THROW(dtype, "expand: unsupported element size");
  }
}

}  // namespace nutshell::cuda
