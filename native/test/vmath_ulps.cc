// Exhaustive accuracy of cpu/vmath.h's erf, erfc, lgamma and digamma (Note [vectorised special
// functions]): every float32 (or every step-th), at one vector width, against the same functions
// in double (std::erf, std::erfc, core/gamma_functions.h's log_gamma and digamma) rounded to
// float. Prints the largest error in float ulps for positive and for negative arguments, and
// counts special values (±∞, NaN) that differ. Not part of the build or of `npm test` (all 2^32
// floats take minutes); from native/:
//
//   g++ -O2 -std=gnu++17 -fopenmp -march=x86-64-v2 -fno-math-errno -Wno-psabi -Isrc test/vmath_ulps.cc -o /tmp/vmath_ulps
//   /tmp/vmath_ulps lgamma 16            # every float, the 16-lane build (needs AVX-512)
//   /tmp/vmath_ulps erfc 8 0 0xffffffff 7  # every 7th bit pattern, the 8-lane build
#include <omp.h>

#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/vmath.h"

using namespace nutshell;
using Fn = void (*)(const float*, float*, int64_t);

namespace {

double reference(const std::string& name, double x) {
  if (name == "erf") return std::erf(x);
  if (name == "erfc") return std::erfc(x);
  if (name == "lgamma") return core::gamma_fn::log_gamma(x);
  return core::gamma_fn::digamma(x);
}

// The spacing of floats at r rounded to float (2^−149 for subnormals).
double ulp_at(double r) {
  const double a = std::fabs(static_cast<double>(static_cast<float>(r)));
  if (!(a >= FLT_MIN)) return std::ldexp(1.0, -149);
  int e;
  std::frexp(a, &e);
  return std::ldexp(1.0, e - 24);
}

struct Worst {
  double ulps[2] = {0, 0};  // positive, negative arguments
  float at[2] = {0, 0};
  long special_mismatches = 0;
  float special_at = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s erf|erfc|lgamma|digamma 4|8|16 [first_bits last_bits step]\n", argv[0]);
    return 2;
  }
  const std::string name = argv[1];
  const int width = std::atoi(argv[2]);
  const uint64_t first = argc > 3 ? std::strtoull(argv[3], nullptr, 0) : 0;
  const uint64_t last = argc > 4 ? std::strtoull(argv[4], nullptr, 0) : 0xffffffffu;
  const uint64_t step = argc > 5 ? std::strtoull(argv[5], nullptr, 0) : 1;
  namespace impl = cpu::vmath::impl;
  const int w = width == 16 ? 2 : width == 8 ? 1 : 0;
  const Fn table[4][3] = {{impl::erf_n_4, impl::erf_n_8, impl::erf_n_16},
                          {impl::erfc_n_4, impl::erfc_n_8, impl::erfc_n_16},
                          {impl::lgamma_n_4, impl::lgamma_n_8, impl::lgamma_n_16},
                          {impl::digamma_n_4, impl::digamma_n_8, impl::digamma_n_16}};
  const int f = name == "erf" ? 0 : name == "erfc" ? 1 : name == "lgamma" ? 2 : name == "digamma" ? 3 : -1;
  if (f < 0 || (width != 4 && width != 8 && width != 16)) return 2;
  const Fn fn = table[f][w];

  constexpr int64_t kChunk = 1 << 16;
  const uint64_t count = (last - first) / step + 1;
  const int64_t chunks = static_cast<int64_t>((count + kChunk - 1) / kChunk);
  std::vector<Worst> per_thread(static_cast<size_t>(omp_get_max_threads()));
#pragma omp parallel
  {
    std::vector<float> xs(kChunk), ys(kChunk);
    Worst& mine = per_thread[static_cast<size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 16)
    for (int64_t c = 0; c < chunks; ++c) {
      int64_t n = 0;
      for (uint64_t i = static_cast<uint64_t>(c) * kChunk; i < count && n < kChunk; ++i, ++n) {
        const uint32_t bits = static_cast<uint32_t>(first + i * step);
        std::memcpy(&xs[static_cast<size_t>(n)], &bits, 4);
      }
      fn(xs.data(), ys.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        const float x = xs[static_cast<size_t>(i)], y = ys[static_cast<size_t>(i)];
        const double r = reference(name, x);
        const float rf = static_cast<float>(r);
        if (!std::isfinite(rf) || !std::isfinite(y)) {
          const bool same = (std::isnan(rf) && std::isnan(y)) || rf == y;
          if (!same && mine.special_mismatches++ == 0) mine.special_at = x;
          continue;
        }
        const double e = std::fabs(static_cast<double>(y) - r) / ulp_at(r);
        const int side = std::signbit(x) ? 1 : 0;
        if (e > mine.ulps[side]) {
          mine.ulps[side] = e;
          mine.at[side] = x;
        }
      }
    }
  }
  Worst all;
  for (const Worst& t : per_thread) {
    for (int s = 0; s < 2; ++s) {
      if (t.ulps[s] > all.ulps[s]) {
        all.ulps[s] = t.ulps[s];
        all.at[s] = t.at[s];
      }
    }
    if (t.special_mismatches && !all.special_mismatches) all.special_at = t.special_at;
    all.special_mismatches += t.special_mismatches;
  }
  std::printf("%s, %d lanes, %llu floats: %.3f ulp at most for x >= 0 (at %.9g), %.3f for x < 0 (at %.9g); %ld special values differ%s\n",
              name.c_str(), width, static_cast<unsigned long long>(count), all.ulps[0], all.at[0], all.ulps[1], all.at[1],
              all.special_mismatches, all.special_mismatches ? (" (first at " + std::to_string(all.special_at) + ")").c_str() : "");
  return 0;
}
