#pragma once
// Note [philox]: every random op draws from one counter-based generator, Philox4x32-10 (Salmon et
// al., "Parallel random numbers: as easy as 1, 2, 3", SC'11; the Random123 reference). Its state
// on the TS side is (seed, offset); an op that needs n 32-bit draws receives both as attributes
// and uses draws offset, offset+1, … offset+n-1, where draw d is word d % 4 of
//     philox4x32_10(counter = {lo32(d / 4), hi32(d / 4), 0, 0}, key = {lo32(seed), hi32(seed)}).
// A value therefore depends only on (seed, draw index): not on the thread count, the chunking or
// the backend. Both backends include this header (CUDA kernels through __host__ __device__), so
// uniform draws, integers and masks are bit-identical on cpu and cuda; normals go through
// logf/sinf/cosf, whose last bit may differ between libm and CUDA's math library.
//
// The conversions below are the single definition of each distribution:
//   uniform:  (x >> 8) · 2⁻²⁴ ∈ [0, 1 − 2⁻²⁴]          (24 bits: every value exact in float)
//   normal:   Box–Muller on a pair of draws (a, b):  r = sqrt(−2 ln((a + 1) · 2⁻³²)), θ = 2π·uniform(b)
//             z0 = r cos θ, z1 = r sin θ                 (a + 1 > 0: no log(0); tails to ≈6.66σ)
//   integer in [0, range): range ≤ 2³²: (x · range) >> 32 (one draw); else mulhi64 of two draws
//   keep with probability q: (x >> 8) < ceil(q · 2²⁴)
#include <cmath>
#include <cstdint>

#include "host_device.h"

namespace nutshell::core::philox {

constexpr uint32_t kM0 = 0xD2511F53u;  // round multipliers
constexpr uint32_t kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u;  // Weyl key increments (golden ratio, sqrt(3) − 1)
constexpr uint32_t kW1 = 0xBB67AE85u;
constexpr int kRounds = 10;

struct Block {
  uint32_t v[4];
};

NS_HOST_DEVICE uint32_t mulhi32(uint32_t a, uint32_t b) {
#if defined(__CUDA_ARCH__)
  return __umulhi(a, b);
#else
  return static_cast<uint32_t>((static_cast<uint64_t>(a) * b) >> 32);
#endif
}

// Philox4x32 with 10 rounds: round r uses the key bumped r times (Random123's schedule).
NS_HOST_DEVICE Block philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
  for (int r = 0; r < kRounds; ++r) {
    uint32_t hi0 = mulhi32(kM0, c0), lo0 = kM0 * c0;
    uint32_t hi1 = mulhi32(kM1, c2), lo1 = kM1 * c2;
    uint32_t n0 = hi1 ^ c1 ^ k0;
    uint32_t n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += kW0;
    k1 += kW1;
  }
  return Block{{c0, c1, c2, c3}};
}

// The four draws 4·index … 4·index + 3 of `seed`'s stream.
NS_HOST_DEVICE Block block(uint64_t seed, uint64_t index) {
  return philox4x32_10(static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), 0u, 0u,
                       static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Draw d of `seed`'s stream (a whole block is computed: prefer `block` in loops).
NS_HOST_DEVICE uint32_t draw(uint64_t seed, uint64_t d) { return block(seed, d >> 2).v[d & 3]; }

// The top 24 bits as an integer, and as a float in [0, 1).
NS_HOST_DEVICE uint32_t bits24(uint32_t x) { return x >> 8; }
NS_HOST_DEVICE float uniform(uint32_t x) { return static_cast<float>(x >> 8) * 5.9604644775390625e-8f; }

// Box–Muller on two draws; see the Note for the exact formula.
constexpr float kTwoPi = 6.2831853071795865f;
// A uniform in (0, 1] from one draw: Box–Muller's radius takes its log.
NS_HOST_DEVICE float open_unit(uint32_t a) { return (static_cast<float>(a) + 1.0f) * 2.3283064365386963e-10f; }

NS_HOST_DEVICE void normal_pair(uint32_t a, uint32_t b, float& z0, float& z1) {
  const float u1 = open_unit(a);  // (0, 1]
  const float r = sqrtf(-2.0f * logf(u1));
  const float theta = kTwoPi * uniform(b);
  z0 = r * cosf(theta);
  z1 = r * sinf(theta);
}

// An integer in [0, range) from one draw (range ≤ 2³²) or from two (lo, hi) for larger ranges.
NS_HOST_DEVICE uint64_t below32(uint32_t x, uint64_t range) { return (static_cast<uint64_t>(x) * range) >> 32; }
NS_HOST_DEVICE uint64_t below64(uint32_t lo, uint32_t hi, uint64_t range) {
  const uint64_t x = (static_cast<uint64_t>(hi) << 32) | lo;
#if defined(__CUDA_ARCH__)
  return __umul64hi(x, range);
#else
  return static_cast<uint64_t>((static_cast<unsigned __int128>(x) * range) >> 64);
#endif
}

// Bernoulli(keep), keep ∈ [0, 1]: a draw succeeds when its top 24 bits are below
// ceil(keep · 2²⁴) (computed exactly in double), i.e. with probability ceil(keep · 2²⁴) / 2²⁴.
NS_HOST_DEVICE uint32_t bernoulli_threshold(double keep) { return static_cast<uint32_t>(ceil(keep * 16777216.0)); }
NS_HOST_DEVICE bool bernoulli(uint32_t x, uint32_t threshold) { return (x >> 8) < threshold; }

}  // namespace nutshell::core::philox
