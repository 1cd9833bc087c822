#pragma once
// Op attributes travel from JS as one Float64Array, in the order the op declares them; lists are
// prefixed by their length. The generated `<Op>Attrs::decode` reads them back with this reader.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "error.h"

namespace nutshell::core {

class AttrReader {
 public:
  explicit AttrReader(const std::vector<double>& values) : values_(values) {}
  double real() { return next(); }
  int64_t integer() {
    double v = next();
    NS_CHECK(std::isfinite(v) && v == std::floor(v), value, "attribute expected an integer, got " + std::to_string(v));
    return static_cast<int64_t>(v);
  }
  bool boolean() { return next() != 0.0; }
  // An enum attribute's index, checked against the number of names it has.
  int64_t enumeration(int64_t count) {
    int64_t v = integer();
    NS_CHECK(v >= 0 && v < count, value, "attribute enum index " + std::to_string(v) + " out of range");
    return v;
  }
  std::vector<int64_t> integers() {
    int64_t n = integer();
    NS_CHECK(n >= 0 && static_cast<size_t>(n) <= values_.size() - pos_, value, "attribute list length out of range");
    std::vector<int64_t> out(static_cast<size_t>(n));
    for (auto& v : out) v = integer();
    return out;
  }
  std::vector<double> reals() {
    int64_t n = integer();
    NS_CHECK(n >= 0 && static_cast<size_t>(n) <= values_.size() - pos_, value, "attribute list length out of range");
    std::vector<double> out(static_cast<size_t>(n));
    for (auto& v : out) v = next();
    return out;
  }

 private:
  double next() {
    NS_CHECK(pos_ < values_.size(), value, "too few attributes");
    return values_[pos_++];
  }
  const std::vector<double>& values_;
  size_t pos_ = 0;
};

}  // namespace nutshell::core
