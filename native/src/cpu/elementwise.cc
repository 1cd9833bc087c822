// Elementwise kernels: binary arithmetic and comparisons with broadcasting, where, casts, fills
// and expand. Plain loops (oneDNN's binary primitive has no int64 and no broadcasting of both
// sides); the compiler vectorises the dense fast paths.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "../core/division.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"

namespace nutshell::cpu {

namespace {

using core::DType;
using core::OpCall;
using core::Shape;

// out[i] = f(a[i], b[i]) over the broadcast of inputs 0 and 1 (both of type T) into output 0
// (of type O). Dense fast paths: equal shapes, and one side a single element.
template <typename T, typename O, typename F>
void binary_typed(const OpCall& call, F f) {
  const auto& a = call.in(0);
  const auto& b = call.in(1);
  const auto& out = call.out(0);
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  O* po = out.data<O>();
  int64_t n = out.numel();
  if (n == 0) return;
  if (a.shape == out.shape && b.shape == out.shape) {
    NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
      for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    );
    return;
  }
  if (a.shape == out.shape && b.numel() == 1) {
    const T s = pb[0];
    NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
      for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], s);
    );
    return;
  }
  if (b.shape == out.shape && a.numel() == 1) {
    const T s = pa[0];
    NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
      for (int64_t i = 0; i < n; ++i) po[i] = f(s, pb[i]);
    );
    return;
  }
  std::array<Shape, 2> strides{broadcast_strides(a.shape, out.shape), broadcast_strides(b.shape, out.shape)};
  for_each_row<2>(out.shape, strides, [&](int64_t len, int64_t o, const std::array<int64_t, 2>& off, const std::array<int64_t, 2>& st) {
    for (int64_t i = 0; i < len; ++i) po[o + i] = f(pa[off[0] + i * st[0]], pb[off[1] + i * st[1]]);
  });
}

// Same input and output dtype (arithmetic): f's result is cast back to T, so uint8 wraps.
template <typename F>
void binary(const OpCall& call, F f) {
  core::dispatch_dtype(call.out(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    binary_typed<T, T>(call, [&](T x, T y) { return static_cast<T>(f(x, y)); });
  });
}

// Comparisons and logical ops: any input dtype, bool output (stored as uint8 0/1).
template <typename F>
void predicate(const OpCall& call, F f) {
  core::dispatch_dtype(call.in(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    binary_typed<T, uint8_t>(call, [&](T x, T y) { return static_cast<uint8_t>(f(x, y) ? 1 : 0); });
  });
}

template <typename T>
constexpr bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) return x != x;
  else return false;
}

// PyTorch's integer power: negative exponents give 0 except for bases 1 and -1 (no error for a
// tensor exponent). Computed in the unsigned type so overflow wraps instead of being undefined.
template <typename T>
T int_pow(T base, T exp) {
  if constexpr (std::is_signed_v<T>) {
    if (exp < 0) {
      if (base == 1) return 1;
      if (base == -1) return (exp & 1) ? T(-1) : T(1);
      return 0;
    }
  }
  using U = std::make_unsigned_t<T>;
  U result = 1, b = static_cast<U>(base);
  for (auto e = exp; e != 0; e /= 2) {
    if (e & 1) result = static_cast<U>(result * b);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

}  // namespace

void add(OpCall& call) {
  binary(call, [](auto x, auto y) { return x + y; });
}

void sub(OpCall& call) {
  binary(call, [](auto x, auto y) { return x - y; });
}

void mul(OpCall& call) {
  binary(call, [](auto x, auto y) { return x * y; });
}

// True division: every input dtype divides in float32 (as PyTorch does for integer tensors).
void div(OpCall& call) {
  core::dispatch_dtype(call.in(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    binary_typed<T, float>(call, [](T x, T y) { return static_cast<float>(x) / static_cast<float>(y); });
  });
}

void pow(OpCall& call) {
  core::dispatch_dtype(call.out(0).dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      binary_typed<T, T>(call, [](T x, T y) { return std::pow(x, y); });
    } else {
      binary_typed<T, T>(call, [](T x, T y) { return int_pow<T>(x, y); });
    }
  });
}

namespace {

// Note [division rules]: an integer divisor of 0 is refused before anything is written.
void check_integer_divisor(const core::TensorRef& b) {
  core::dispatch_dtype(b.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_floating_point_v<T>) {
      const T* d = b.data<T>();
      for (int64_t i = 0, n = b.numel(); i < n; ++i) {
        if (d[i] == 0) NS_THROW(value, "integer division by zero");
      }
    }
  });
}

}  // namespace

void remainder(OpCall& call) {
  check_integer_divisor(call.in(1));
  binary(call, [](auto x, auto y) { return core::division::remainder(x, y); });
}

void fmod(OpCall& call) {
  check_integer_divisor(call.in(1));
  binary(call, [](auto x, auto y) { return core::division::fmod(x, y); });
}

void floorDivide(OpCall& call) {
  check_integer_divisor(call.in(1));
  binary(call, [](auto x, auto y) { return core::division::floor_divide(x, y); });
}

void atan2(OpCall& call) {
  binary(call, [](auto y, auto x) {
    if constexpr (std::is_floating_point_v<decltype(y)>) return std::atan2(y, x);
    else return y;  // the declaration admits float32 only
  });
}

// NaN in either input gives NaN (PyTorch's maximum/minimum, unlike fmax/fmin).
void maximum(OpCall& call) {
  binary(call, [](auto x, auto y) { return is_nan(x) ? x : (is_nan(y) ? y : (x > y ? x : y)); });
}

void minimum(OpCall& call) {
  binary(call, [](auto x, auto y) { return is_nan(x) ? x : (is_nan(y) ? y : (x < y ? x : y)); });
}

void eq(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x == y; });
}

void ne(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x != y; });
}

void lt(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x < y; });
}

void le(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x <= y; });
}

void gt(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x > y; });
}

void ge(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x >= y; });
}

void logicalAnd(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x != 0 && y != 0; });
}

void logicalOr(OpCall& call) {
  predicate(call, [](auto x, auto y) { return x != 0 || y != 0; });
}

// out = condition ? input : other, all three broadcast to the output's shape. Both values are
// loaded before the select: the compiler then vectorises it as a blend instead of a branch that
// a random condition mispredicts half the time (20x slower).
void where(OpCall& call) {
  const auto& c = call.in(0);
  const auto& a = call.in(1);
  const auto& b = call.in(2);
  const auto& out = call.out(0);
  int64_t n = out.numel();
  if (n == 0) return;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    const uint8_t* pc = c.data<uint8_t>();
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    if (c.shape == out.shape && a.shape == out.shape && b.shape == out.shape) {
      NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
        for (int64_t i = 0; i < n; ++i) {
          const T x = pa[i], y = pb[i];
          po[i] = pc[i] != 0 ? x : y;
        }
      );
      return;
    }
    if (c.shape == out.shape && a.shape == out.shape && b.numel() == 1) {
      const T s = pb[0];
      NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
        for (int64_t i = 0; i < n; ++i) {
          const T x = pa[i];
          po[i] = pc[i] != 0 ? x : s;
        }
      );
      return;
    }
    if (c.shape == out.shape && b.shape == out.shape && a.numel() == 1) {
      const T s = pa[0];
      NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
        for (int64_t i = 0; i < n; ++i) {
          const T y = pb[i];
          po[i] = pc[i] != 0 ? s : y;
        }
      );
      return;
    }
    std::array<Shape, 3> strides{broadcast_strides(c.shape, out.shape), broadcast_strides(a.shape, out.shape),
                                 broadcast_strides(b.shape, out.shape)};
    for_each_row<3>(out.shape, strides, [&](int64_t len, int64_t o, const std::array<int64_t, 3>& off, const std::array<int64_t, 3>& st) {
      for (int64_t i = 0; i < len; ++i) {
        const T x = pa[off[1] + i * st[1]], y = pb[off[2] + i * st[2]];
        po[o + i] = pc[off[0] + i * st[0]] != 0 ? x : y;
      }
    });
  });
}

void cast(OpCall& call) {
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  int64_t n = in.numel();
  bool to_bool = out.dtype == DType::boolean;
  core::dispatch_dtype(in.dtype, [&](auto in_tag) {
    using I = decltype(in_tag);
    core::dispatch_dtype(out.dtype, [&](auto out_tag) {
      using O = decltype(out_tag);
      const I* src = in.data<I>();
      O* dst = out.data<O>();
      if (to_bool) {
        for (int64_t i = 0; i < n; ++i) dst[i] = src[i] != I(0) ? 1 : 0;
      } else {
        NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
          for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<O>(src[i]);
        );
      }
    });
  });
}

void fill(OpCall& call) {
  const auto& out = call.out(0);
  double value = core::FillAttrs::decode(call.reader()).value;
  int64_t n = out.numel();
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    T v = out.dtype == DType::boolean ? T(value != 0.0) : static_cast<T>(value);
    T* p = out.data<T>();
    std::fill(p, p + n, v);
  });
}

void expand(OpCall& call) {
  const auto& in = call.in(0);
  const auto& out = call.out(0);
  core::dispatch_dtype(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* src = in.data<T>();
    T* dst = out.data<T>();
    std::array<Shape, 1> strides{broadcast_strides(in.shape, out.shape)};
    // Note [expanding the last dim]: x.unsqueeze(-1).expand([..., r]) (interpolate's whole-factor
    // nearest repeats each element r times, Note [nearest by whole factors]) made rows of r
    // elements, each paying the rank's divisions for its offsets: 2× nearest of a [4,16,16,32,32]
    // volume took 61 ms. Rows of the dim before it, each element written r times: 10.8 ms.
    const size_t rank = out.shape.size();
    if (rank >= 2 && strides[0][rank - 1] == 0 && out.shape[rank - 1] > 1) {
      const int64_t r = out.shape[rank - 1];
      const Shape outer(out.shape.begin(), out.shape.end() - 1);
      std::array<Shape, 1> outer_strides{Shape(strides[0].begin(), strides[0].end() - 1)};
      for_each_row<1>(outer, outer_strides, [&](int64_t len, int64_t o, const std::array<int64_t, 1>& off, const std::array<int64_t, 1>& st) {
        for (int64_t j = 0; j < len; ++j) std::fill_n(dst + (o + j) * r, r, src[off[0] + j * st[0]]);
      });
      return;
    }
    for_each_row<1>(out.shape, strides, [&](int64_t len, int64_t o, const std::array<int64_t, 1>& off, const std::array<int64_t, 1>& st) {
      if (st[0] == 1) std::memcpy(dst + o, src + off[0], sizeof(T) * len);
      else for (int64_t i = 0; i < len; ++i) dst[o + i] = src[off[0] + i * st[0]];
    });
  });
}

}  // namespace nutshell::cpu
