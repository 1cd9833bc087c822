#pragma once
// Element types, numbered as the TS side numbers them (packages/tensor/src/dtype.ts).
#include <cstddef>
#include <cstdint>
#include <string>

#include "error.h"

namespace nutshell::core {

enum class DType : int32_t { float32 = 0, int32 = 1, int64 = 2, uint8 = 3, boolean = 4 };
constexpr int kDTypeCount = 5;

inline size_t dtype_size(DType t) {
  switch (t) {
    case DType::float32: return 4;
    case DType::int32: return 4;
    case DType::int64: return 8;
    case DType::uint8: return 1;
    case DType::boolean: return 1;
  }
  return 0;
}

inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::float32: return "float32";
    case DType::int32: return "int32";
    case DType::int64: return "int64";
    case DType::uint8: return "uint8";
    case DType::boolean: return "bool";
  }
  return "?";
}

inline DType dtype_from_int(int64_t v) {
  NS_CHECK(v >= 0 && v < kDTypeCount, dtype, "unknown dtype id " + std::to_string(v));
  return static_cast<DType>(v);
}

// Calls fn with a value of the C++ type for `t`: fn(float{}), fn(int32_t{}) ...; bool is stored as uint8.
template <typename Fn>
decltype(auto) dispatch_dtype(DType t, Fn&& fn) {
  switch (t) {
    case DType::float32: return fn(float{});
    case DType::int32: return fn(int32_t{});
    case DType::int64: return fn(int64_t{});
    case DType::uint8: return fn(uint8_t{});
    case DType::boolean: return fn(uint8_t{});
  }
  NS_THROW(dtype, "unknown dtype");
}

}  // namespace nutshell::core
