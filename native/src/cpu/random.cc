// Random numbers and dropout from the Philox stream (Note [philox] in core/philox.h). oneDNN has
// no RNG, so these are loops: each op cuts its elements into chunks, and each chunk (in parallel)
// fills a small buffer with its draws — 16 Philox blocks at a time, with AVX2 where the CPU has it
// and otherwise in a form the compiler vectorises — then transforms them. Since a value depends
// only on (seed, draw index), results are the same for every thread count and chunking.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "../core/gamma_sampling.h"
#include "../core/philox.h"
#include "../gen/cpu_kernels.gen.h"
#include "broadcast.h"
#include "vmath.h"

namespace nutshell::cpu {

namespace {

namespace philox = core::philox;
using core::DType;
using core::OpCall;

constexpr int64_t kChunk = 4096;  // elements per chunk: its draws stay in L1
constexpr int kLanes = 16;        // Philox blocks computed side by side

// Blocks first … first + count − 1 of `seed`'s stream, 4 draws each, into out[0 … 4·count).
// Same arithmetic as philox::block, written over lanes so that the compiler vectorises it.
void philox_blocks_portable(uint64_t seed, uint64_t first, int64_t count, uint32_t* out) {
  const uint32_t key0 = static_cast<uint32_t>(seed), key1 = static_cast<uint32_t>(seed >> 32);
  int64_t b = 0;
  for (; b + kLanes <= count; b += kLanes) {
    uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      const uint64_t index = first + static_cast<uint64_t>(b + l);
      c0[l] = static_cast<uint32_t>(index);
      c1[l] = static_cast<uint32_t>(index >> 32);
      c2[l] = 0;
      c3[l] = 0;
    }
    uint32_t k0 = key0, k1 = key1;
    for (int r = 0; r < philox::kRounds; ++r) {
#pragma omp simd
      for (int l = 0; l < kLanes; ++l) {
        const uint64_t p0 = static_cast<uint64_t>(philox::kM0) * c0[l];
        const uint64_t p1 = static_cast<uint64_t>(philox::kM1) * c2[l];
        const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
        const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
        c1[l] = static_cast<uint32_t>(p1);
        c3[l] = static_cast<uint32_t>(p0);
        c0[l] = n0;
        c2[l] = n2;
      }
      k0 += philox::kW0;
      k1 += philox::kW1;
    }
    uint32_t* o = out + 4 * b;
    for (int l = 0; l < kLanes; ++l) {
      o[4 * l + 0] = c0[l];
      o[4 * l + 1] = c1[l];
      o[4 * l + 2] = c2[l];
      o[4 * l + 3] = c3[l];
    }
  }
  for (; b < count; ++b) {
    philox::Block blk = philox::block(seed, first + static_cast<uint64_t>(b));
    std::memcpy(out + 4 * b, blk.v, sizeof(blk.v));
  }
}

#if defined(__x86_64__)
// The same with AVX2 (chosen at run time; the build targets x86-64-v2): two groups of 8 blocks
// in flight hide the multiplies' latency. mulhilo of 8 lanes = even and odd lanes' 64-bit
// products (vpmuludq), blended. About 2× the portable loop.
__attribute__((target("avx2"))) inline void mulhilo8(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Stores 8 blocks held as words c0…c3 (lane l = block l) in block order.
__attribute__((target("avx2"))) inline void store8(__m256i c0, __m256i c1, __m256i c2, __m256i c3, uint32_t* out) {
  const __m256i t0 = _mm256_unpacklo_epi32(c0, c1), t1 = _mm256_unpackhi_epi32(c0, c1);
  const __m256i t2 = _mm256_unpacklo_epi32(c2, c3), t3 = _mm256_unpackhi_epi32(c2, c3);
  const __m256i b04 = _mm256_unpacklo_epi64(t0, t2), b15 = _mm256_unpackhi_epi64(t0, t2);
  const __m256i b26 = _mm256_unpacklo_epi64(t1, t3), b37 = _mm256_unpackhi_epi64(t1, t3);
  auto* o = reinterpret_cast<__m256i*>(out);
  _mm256_storeu_si256(o + 0, _mm256_permute2x128_si256(b04, b15, 0x20));
  _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(b26, b37, 0x20));
  _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(b04, b15, 0x31));
  _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(b26, b37, 0x31));
}

__attribute__((target("avx2"))) void philox_blocks_avx2(uint64_t seed, uint64_t first, int64_t count, uint32_t* out) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(philox::kM0)), m1 = _mm256_set1_epi32(static_cast<int>(philox::kM1));
  int64_t b = 0;
  for (; b + 16 <= count; b += 16) {
    alignas(32) uint32_t lo[16], hi[16];
    for (int l = 0; l < 16; ++l) {
      const uint64_t index = first + static_cast<uint64_t>(b + l);
      lo[l] = static_cast<uint32_t>(index);
      hi[l] = static_cast<uint32_t>(index >> 32);
    }
    __m256i a0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo)), a1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi));
    __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo + 8)), b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi + 8));
    __m256i a2 = _mm256_setzero_si256(), a3 = a2, b2 = a2, b3 = a2;
    uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
    for (int r = 0; r < philox::kRounds; ++r) {
      const __m256i kk0 = _mm256_set1_epi32(static_cast<int>(k0)), kk1 = _mm256_set1_epi32(static_cast<int>(k1));
      __m256i ah0, al0, ah1, al1, bh0, bl0, bh1, bl1;
      mulhilo8(a0, m0, ah0, al0);
      mulhilo8(a2, m1, ah1, al1);
      mulhilo8(b0, m0, bh0, bl0);
      mulhilo8(b2, m1, bh1, bl1);
      a0 = _mm256_xor_si256(_mm256_xor_si256(ah1, a1), kk0);
      a2 = _mm256_xor_si256(_mm256_xor_si256(ah0, a3), kk1);
      a1 = al1;
      a3 = al0;
      b0 = _mm256_xor_si256(_mm256_xor_si256(bh1, b1), kk0);
      b2 = _mm256_xor_si256(_mm256_xor_si256(bh0, b3), kk1);
      b1 = bl1;
      b3 = bl0;
      k0 += philox::kW0;
      k1 += philox::kW1;
    }
    store8(a0, a1, a2, a3, out + 4 * b);
    store8(b0, b1, b2, b3, out + 4 * b + 32);
  }
  philox_blocks_portable(seed, first + static_cast<uint64_t>(b), count - b, out + 4 * b);
}

const bool kHasAvx2 = [] {
  __builtin_cpu_init();  // we may run before libgcc's own constructor
  return __builtin_cpu_supports("avx2") != 0;
}();
#endif

void philox_blocks(uint64_t seed, uint64_t first, int64_t count, uint32_t* out) {
#if defined(__x86_64__)
  if (kHasAvx2) return philox_blocks_avx2(seed, first, count, out);
#endif
  philox_blocks_portable(seed, first, count, out);
}

// Draws first … first + count − 1 into out, whatever the alignment of first.
void fill_draws(uint64_t seed, uint64_t first, int64_t count, uint32_t* out) {
  if (count <= 0) return;
  const uint64_t end = first + static_cast<uint64_t>(count);
  uint64_t d = first;
  if (d & 3) {  // head: the rest of a partial block
    philox::Block blk = philox::block(seed, d >> 2);
    for (; d < end && (d & 3); ++d) *out++ = blk.v[d & 3];
  }
  const int64_t full = static_cast<int64_t>((end - d) >> 2);
  philox_blocks(seed, d >> 2, full, out);
  out += 4 * full;
  d += 4 * static_cast<uint64_t>(full);
  if (d < end) {  // tail
    philox::Block blk = philox::block(seed, d >> 2);
    for (; d < end; ++d) *out++ = blk.v[d & 3];
  }
}

// Runs fn(begin, end) over [0, n) in chunks of kChunk, in parallel when n is large.
template <typename Fn>
void for_chunks(int64_t n, Fn&& fn) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for schedule(static)",
    for (int64_t c = 0; c < chunks; ++c) fn(c * kChunk, std::min(n, (c + 1) * kChunk));
  );
}

uint64_t seed_of(int64_t seed) {
  NS_CHECK(seed >= 0, value, std::string("seed expected a non-negative integer, got ") + std::to_string(seed));
  return static_cast<uint64_t>(seed);
}

uint64_t offset_of(int64_t offset) {
  NS_CHECK(offset >= 0, value, "offset expected a non-negative integer, got " + std::to_string(offset));
  return static_cast<uint64_t>(offset);
}

}  // namespace

void rand(OpCall& call) {
  auto a = core::RandAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  float* out = call.out(0).data<float>();
  const float low = static_cast<float>(a.low), span = static_cast<float>(a.high - a.low);
  for_chunks(call.out(0).numel(), [&](int64_t begin, int64_t end) {
    uint32_t draws[kChunk];
    fill_draws(seed, offset + begin, end - begin, draws);
    float* o = out + begin;
#pragma omp simd
    for (int64_t i = 0; i < end - begin; ++i) o[i] = philox::uniform(draws[i]) * span + low;
  });
}

void randn(OpCall& call) {
  auto a = core::RandnAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  float* out = call.out(0).data<float>();
  const float mean = static_cast<float>(a.mean), stddev = static_cast<float>(a.std);
  const int64_t n = call.out(0).numel();
  // Elements 2k and 2k+1 share the draws offset + 2k, offset + 2k + 1 (kChunk is even): the
  // Box–Muller pair of philox::normal_pair, its log, cos and sin taken a vector at a time
  // (vmath.h, within 2 ulp of libm's: libm per element made randn 4x PyTorch's time).
  for_chunks(n, [&](int64_t begin, int64_t end) {
    uint32_t draws[kChunk + 1];
    alignas(64) float radius[kChunk / 2], angle[kChunk / 2], cosine[kChunk / 2], sine[kChunk / 2];
    const int64_t pairs = (end - begin + 1) / 2;
    fill_draws(seed, offset + begin, 2 * pairs, draws);
#pragma omp simd
    for (int64_t p = 0; p < pairs; ++p) {
      radius[p] = philox::open_unit(draws[2 * p]);
      angle[p] = philox::kTwoPi * philox::uniform(draws[2 * p + 1]);
    }
    vmath::log(radius, radius, pairs);
#pragma omp simd
    for (int64_t p = 0; p < pairs; ++p) radius[p] = std::sqrt(-2.0f * radius[p]);
    vmath::cos(angle, cosine, pairs);
    vmath::sin(angle, sine, pairs);
    float* o = out + begin;
    const int64_t len = end - begin;
    for (int64_t p = 0; p < pairs; ++p) {
      o[2 * p] = radius[p] * cosine[p] * stddev + mean;
      if (2 * p + 1 < len) o[2 * p + 1] = radius[p] * sine[p] * stddev + mean;
    }
  });
}

void randint(OpCall& call) {
  auto a = core::RandintAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  NS_CHECK(a.low < a.high, value, "expected low < high, got low=" + std::to_string(a.low) + ", high=" + std::to_string(a.high));
  const auto& out = call.out(0);
  const uint64_t range = static_cast<uint64_t>(a.high) - static_cast<uint64_t>(a.low);
  const bool wide = range > (uint64_t{1} << 32);  // two draws per element
  const int64_t low = a.low;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* po = out.data<T>();
    for_chunks(out.numel(), [&](int64_t begin, int64_t end) {
      uint32_t draws[2 * kChunk];
      const int64_t len = end - begin;
      T* o = po + begin;
      if (wide) {
        fill_draws(seed, offset + 2 * static_cast<uint64_t>(begin), 2 * len, draws);
        for (int64_t i = 0; i < len; ++i) o[i] = static_cast<T>(low + static_cast<int64_t>(philox::below64(draws[2 * i], draws[2 * i + 1], range)));
      } else {
        fill_draws(seed, offset + begin, len, draws);
#pragma omp simd
        for (int64_t i = 0; i < len; ++i) o[i] = static_cast<T>(low + static_cast<int64_t>(philox::below32(draws[i], range)));
      }
    });
  });
}

void bernoulli(OpCall& call) {
  auto a = core::BernoulliAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  const auto& p = call.in(0);
  const float* pp = p.data<float>();
  const int64_t n = p.numel();
  for (int64_t i = 0; i < n; ++i) {
    if (!(pp[i] >= 0.0f && pp[i] <= 1.0f)) {
      NS_THROW(value, "p expected probabilities in [0, 1], got " + std::to_string(pp[i]) + " at element " + std::to_string(i));
    }
  }
  float* out = call.out(0).data<float>();
  for_chunks(n, [&](int64_t begin, int64_t end) {
    uint32_t draws[kChunk];
    fill_draws(seed, offset + begin, end - begin, draws);
    for (int64_t i = 0; i < end - begin; ++i) {
      out[begin + i] = philox::bernoulli(draws[i], philox::bernoulli_threshold(pp[begin + i])) ? 1.0f : 0.0f;
    }
  });
}

// y = x · mask / (1 − p), mask ~ Bernoulli(1 − p) (bool, kept for backward). p = 1 gives x · 0,
// like PyTorch (NaN and ±inf become NaN).
void dropout(OpCall& call) {
  auto a = core::DropoutAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), offset = offset_of(a.offset);
  NS_CHECK(a.p >= 0.0 && a.p <= 1.0, value, "p expected a probability in [0, 1], got " + std::to_string(a.p));
  const float* x = call.in(0).data<float>();
  float* y = call.out(0).data<float>();
  uint8_t* mask = call.out(1).data<uint8_t>();
  const double keep = 1.0 - a.p;
  const float scale = a.p < 1.0 ? 1.0f / static_cast<float>(keep) : 0.0f;
  const uint32_t threshold = philox::bernoulli_threshold(keep);
  for_chunks(call.in(0).numel(), [&](int64_t begin, int64_t end) {
    uint32_t draws[kChunk];
    const int64_t len = end - begin;
    fill_draws(seed, offset + begin, len, draws);
    const float* xs = x + begin;
    float* ys = y + begin;
    uint8_t* ms = mask + begin;
#pragma omp simd
    for (int64_t i = 0; i < len; ++i) {
      const bool m = philox::bernoulli(draws[i], threshold);
      ms[i] = m;
      ys[i] = xs[i] * (m ? scale : 0.0f);
    }
  });
}

// grad · mask · scale, in PyTorch's order (native_dropout_backward).
void dropoutBackward(OpCall& call) {
  auto a = core::DropoutBackwardAttrs::decode(call.reader());
  const float* g = call.in(0).data<float>();
  const uint8_t* mask = call.in(1).data<uint8_t>();
  float* out = call.out(0).data<float>();
  const float scale = static_cast<float>(a.scale);
  const int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= kParallelGrain, "omp parallel for simd schedule(static)",
    for (int64_t i = 0; i < n; ++i) out[i] = g[i] * static_cast<float>(mask[i]) * scale;
  );
}

// Gamma(α, 1), Poisson(λ) and Binomial(n, p) draws by rejection (Note [rejection sampling]):
// element i owns block offset/4 + i. Costs vary per element, so the parallel loop hands out small
// dynamic chunks.
namespace {

bool positive_finite(float x) { return x > 0.0f && x <= std::numeric_limits<float>::max(); }
bool non_negative_finite(float x) { return x >= 0.0f && x <= std::numeric_limits<float>::max(); }
bool whole_count(float x) { return non_negative_finite(x) && std::floor(x) == x; }
bool probability(float x) { return x >= 0.0f && x <= 1.0f; }

void check_each(const float* values, int64_t n, const char* what, bool (*valid)(float)) {
  for (int64_t i = 0; i < n; ++i) {
    if (!valid(values[i])) NS_THROW(value, std::string(what) + ", got " + std::to_string(values[i]) + " at element " + std::to_string(i));
  }
}

template <float (*Sample)(uint64_t, uint64_t, float)>
void rejection_draws(const OpCall& call, int64_t seed_attr, int64_t offset_attr, const char* what, bool (*valid)(float)) {
  const uint64_t seed = seed_of(seed_attr), first_block = offset_of(offset_attr) >> 2;
  const float* param = call.in(0).data<float>();
  const int64_t n = call.in(0).numel();
  check_each(param, n, what, valid);
  float* out = call.out(0).data<float>();
  NS_PARALLEL_IF(n >= 256, "omp parallel for schedule(dynamic, 64)",
    for (int64_t i = 0; i < n; ++i) out[i] = Sample(seed, first_block + static_cast<uint64_t>(i), param[i]);
  );
}

}  // namespace

void standardGamma(OpCall& call) {
  auto a = core::StandardGammaAttrs::decode(call.reader());
  rejection_draws<core::rejection::standard_gamma>(call, a.seed, a.offset, "concentration expected finite values > 0", positive_finite);
}

void poisson(OpCall& call) {
  auto a = core::PoissonAttrs::decode(call.reader());
  rejection_draws<core::rejection::poisson>(call, a.seed, a.offset, "rate expected finite values >= 0", non_negative_finite);
}

// Binomial(count, prob), elementwise over inputs of one shape (binomial() broadcasts them).
void binomial(OpCall& call) {
  auto a = core::BinomialAttrs::decode(call.reader());
  const uint64_t seed = seed_of(a.seed), first_block = offset_of(a.offset) >> 2;
  const float* count = call.in(0).data<float>();
  const float* prob = call.in(1).data<float>();
  const int64_t n = call.in(0).numel();
  check_each(count, n, "count expected whole numbers >= 0", whole_count);
  check_each(prob, n, "prob expected values in [0, 1]", probability);
  float* out = call.out(0).data<float>();
  NS_PARALLEL_IF(n >= 256, "omp parallel for schedule(dynamic, 64)",
    for (int64_t i = 0; i < n; ++i) out[i] = core::rejection::binomial(seed, first_block + static_cast<uint64_t>(i), count[i], prob[i]);
  );
}

// d draw / d concentration (Note [gamma reparameterisation]), times the incoming gradient.
void standardGammaGrad(OpCall& call) {
  const float* grad = call.in(0).data<float>();
  const float* alpha = call.in(1).data<float>();
  const float* draw = call.in(2).data<float>();
  float* out = call.out(0).data<float>();
  const int64_t n = call.out(0).numel();
  NS_PARALLEL_IF(n >= 256, "omp parallel for schedule(dynamic, 64)",
    for (int64_t i = 0; i < n; ++i) out[i] = grad[i] * static_cast<float>(core::gamma_fn::standard_gamma_grad(alpha[i], draw[i]));
  );
}

}  // namespace nutshell::cpu
