#pragma once
// What the multinomial op checks (Note [weights checked on the device] in the op table's
// multinomial.ts), written once for both backends: the first offence in flat order, where a bad
// weight (negative, infinite, NaN) is its own position and a row with fewer positive weights than
// needed is the position of its last category. The message is made from that position and the
// weight there, which tells the two apart (a row's last weight is only bad if that is the offence).
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include "host_device.h"

namespace nutshell::core {

NS_HOST_DEVICE bool bad_weight(float w) { return !(w >= 0.0f) || w == INFINITY; }

inline std::string multinomial_message(int64_t pos, int64_t categories, int64_t needed, double weight) {
  const int64_t row = categories > 0 ? pos / categories : 0, col = categories > 0 ? pos % categories : 0;
  std::ostringstream s;
  if (!(weight >= 0.0) || std::isinf(weight)) {
    s << "weights expected finite non-negative numbers, got ";
    if (std::isnan(weight)) s << "nan";
    else if (std::isinf(weight)) s << (weight > 0 ? "inf" : "-inf");
    else s << static_cast<float>(weight);
    s << " at row " << row << ", category " << col;
  } else if (needed == 1) {
    s << "row " << row << " of the weights sums to 0 (no category can be drawn)";
  } else {
    s << "row " << row << " has fewer than " << needed << " categories of positive weight, too few to draw " << needed << " without replacement";
  }
  return s.str();
}

}  // namespace nutshell::core
