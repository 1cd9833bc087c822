// The multinomial op: the weights' check (core/multinomial_check.h); the draw itself is composed.
#include "../core/multinomial_check.h"

#include "../gen/cpu_kernels.gen.h"

namespace nutshell::cpu {

using core::OpCall;

void multinomial(OpCall& call) {
  auto a = core::MultinomialAttrs::decode(call.reader());
  const auto& w = call.in(0);
  const int64_t rows = w.dim(0), n = w.dim(1);
  const float* p = w.data<float>();
  call.out(0).data<int64_t>()[0] = 0;
  if (rows == 0 || n == 0) return;  // refused before it gets here (no category); as cuda does
  for (int64_t r = 0; r < rows; ++r) {
    int64_t positive = 0;
    for (int64_t k = 0; k < n; ++k) {
      const float v = p[r * n + k];
      if (core::bad_weight(v)) NS_THROW(value, core::multinomial_message(r * n + k, n, a.needed, v));
      positive += v > 0.0f;
    }
    if (positive < a.needed) NS_THROW(value, core::multinomial_message(r * n + n - 1, n, a.needed, p[r * n + n - 1]));
  }
}

}  // namespace nutshell::cpu
