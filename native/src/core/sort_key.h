#pragma once
// Note [sort keys]: both backends sort unsigned keys whose integer order is PyTorch's sort order,
// then break ties by position, so the result is stable and the same on cpu and cuda bit for bit:
//   float:  NaN (any payload, any sign) → the largest key, above +inf; -0 → +0; otherwise the
//           IEEE bits with the sign bit flipped for positives and all bits flipped for negatives.
//   signed integers: the sign bit flipped (two's complement order becomes unsigned order).
//   uint8: itself.
// Descending order is the same keys inverted (~key): ties still compare equal, so they keep their
// input order, as PyTorch's stable descending sort does.
#include <cstdint>
#include <cstring>

#include "host_device.h"

namespace nutshell::core::sort_key {

template <typename T>
struct KeyOf;
template <>
struct KeyOf<float> {
  using type = uint32_t;
};
template <>
struct KeyOf<int32_t> {
  using type = uint32_t;
};
template <>
struct KeyOf<int64_t> {
  using type = uint64_t;
};
template <>
struct KeyOf<uint8_t> {
  using type = uint8_t;
};
template <typename T>
using Key = typename KeyOf<T>::type;

NS_HOST_DEVICE uint32_t ordered(float v) {
  if (v != v) return 0xFFFFFFFFu;
  if (v == 0.0f) v = 0.0f;  // -0 sorts as +0
  uint32_t bits;
  memcpy(&bits, &v, sizeof bits);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
NS_HOST_DEVICE uint32_t ordered(int32_t v) { return static_cast<uint32_t>(v) ^ 0x80000000u; }
NS_HOST_DEVICE uint64_t ordered(int64_t v) { return static_cast<uint64_t>(v) ^ 0x8000000000000000ull; }
NS_HOST_DEVICE uint8_t ordered(uint8_t v) { return v; }

template <typename T>
NS_HOST_DEVICE Key<T> key(T v, bool descending) {
  const Key<T> k = ordered(v);
  return descending ? static_cast<Key<T>>(~k) : k;
}

}  // namespace nutshell::core::sort_key
