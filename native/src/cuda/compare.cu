// Comparisons and binary logical ops with broadcasting: any input dtype (one for both inputs), a
// bool output stored as uint8 0/1 (cpu/elementwise.cc's `predicate`).
#include "../gen/cuda_kernels.gen.h"
#include "elementwise.cuh"

namespace nutshell::cuda {

namespace {

using core::OpCall;

template <typename P>
struct PredicateF {
  template <typename T>
  __device__ uint8_t operator()(T x, T y) const { return P::test(x, y) ? 1 : 0; }
};

struct Eq {
  template <typename T>
  static __device__ bool test(T x, T y) { return x == y; }
};
struct Ne {
  template <typename T>
  static __device__ bool test(T x, T y) { return x != y; }
};
struct Lt {
  template <typename T>
  static __device__ bool test(T x, T y) { return x < y; }
};
struct Le {
  template <typename T>
  static __device__ bool test(T x, T y) { return x <= y; }
};
struct Gt {
  template <typename T>
  static __device__ bool test(T x, T y) { return x > y; }
};
struct Ge {
  template <typename T>
  static __device__ bool test(T x, T y) { return x >= y; }
};
// NaN counts as nonzero (it is != 0).
struct And {
  template <typename T>
  static __device__ bool test(T x, T y) { return x != T(0) && y != T(0); }
};
struct Or {
  template <typename T>
  static __device__ bool test(T x, T y) { return x != T(0) || y != T(0); }
};

template <typename P>
void predicate(const OpCall& call) {
  const auto& a = call.in(0);
  const auto& b = call.in(1);
  const auto& out = call.out(0);
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    launch_map2(stream, out.shape, out.data<uint8_t>(), a.shape, a.data<T>(), b.shape, b.data<T>(), PredicateF<P>{});
  });
}

}  // namespace

void eq(OpCall& call) { predicate<Eq>(call); }
void ne(OpCall& call) { predicate<Ne>(call); }
void lt(OpCall& call) { predicate<Lt>(call); }
void le(OpCall& call) { predicate<Le>(call); }
void gt(OpCall& call) { predicate<Gt>(call); }
void ge(OpCall& call) { predicate<Ge>(call); }
void logicalAnd(OpCall& call) { predicate<And>(call); }
void logicalOr(OpCall& call) { predicate<Or>(call); }

}  // namespace nutshell::cuda
