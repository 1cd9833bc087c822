#pragma once
// Wrapping arithmetic for every element type: integers in their unsigned type (signed overflow is
// undefined in C++; wrapping is PyTorch's two's complement), floats as they are. Both backends'
// kernels compute in WrapType<T>::type and cast back.
#include <type_traits>

namespace nutshell::core {

template <typename T, bool = std::is_integral_v<T>>
struct WrapType {
  using type = T;
};
template <typename T>
struct WrapType<T, true> {
  using type = std::make_unsigned_t<T>;
};

}  // namespace nutshell::core
