#pragma once
// scatterReduce's arithmetic, compiled by both backends so that they give the same bits (Note
// [scatter reduce] in cpu/index.cc): each reduction's identity, one step of it (integers wrap, in
// their unsigned type as PyTorch's two's complement does; NaN wins amax/amin), and mean's
// division, rounding down for integers as PyTorch's.
#include <limits>
#include <type_traits>

#include "../gen/ops.gen.h"
#include "host_device.h"
#include "wrap.h"

namespace nutshell::core {

template <ScatterReduceAttrs::Reduce R, typename T>
NS_HOST_DEVICE T reduce_identity() {
  using Reduce = ScatterReduceAttrs::Reduce;
  if constexpr (R == Reduce::sum || R == Reduce::mean) return T(0);
  else if constexpr (R == Reduce::prod) return T(1);
  else if constexpr (R == Reduce::amax) return std::is_floating_point_v<T> ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
  else return std::is_floating_point_v<T> ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
}

template <ScatterReduceAttrs::Reduce R, typename T>
NS_HOST_DEVICE T reduce_combine(T acc, T v) {
  using Reduce = ScatterReduceAttrs::Reduce;
  using W = typename WrapType<T>::type;
  if constexpr (R == Reduce::sum || R == Reduce::mean) return static_cast<T>(static_cast<W>(acc) + static_cast<W>(v));
  else if constexpr (R == Reduce::prod) return static_cast<T>(static_cast<W>(acc) * static_cast<W>(v));
  else if constexpr (std::is_floating_point_v<T>) {
    // NaN wins. Written to compile without branches on the cpu (maxss/minss return their second
    // operand when either is NaN, then a blend keeps a NaN acc): the winner is data-dependent,
    // and branches mispredicted made amax 3x slower than sum.
    const T m = R == Reduce::amax ? (acc > v ? acc : v) : (acc < v ? acc : v);
    return acc != acc ? acc : m;
  } else if constexpr (R == Reduce::amax) return v > acc ? v : acc;
  else return v < acc ? v : acc;
}

// sum / count (count > 0), rounding down for integers as PyTorch's div(…, rounding_mode='floor').
template <typename T>
NS_HOST_DEVICE T mean_of(T sum, T count) {
  if constexpr (std::is_floating_point_v<T>) return sum / count;
  else {
    T q = static_cast<T>(sum / count);
    if constexpr (std::is_signed_v<T>) {
      if (sum % count != 0 && ((sum < 0) != (count < 0))) q = static_cast<T>(q - 1);
    }
    return q;
  }
}

}  // namespace nutshell::core
