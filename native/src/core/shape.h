#pragma once
// Shapes are row-major and contiguous (NCHW for images): every tensor's storage holds its
// elements densely in that order. Views that would need strides (permute, transpose, slices) are
// materialised by a copy kernel on the TS side's request, so kernels only ever see dense data.
#include <cstdint>
#include <string>
#include <vector>

namespace nutshell::core {

using Shape = std::vector<int64_t>;

inline int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

inline Shape contiguous_strides(const Shape& s) {
  Shape strides(s.size(), 1);
  for (int i = static_cast<int>(s.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * s[i + 1];
  return strides;
}

inline std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace nutshell::core
