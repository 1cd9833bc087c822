#pragma once
// GCC vector types of L float lanes, for kernels compiled once per register width (functions
// with __attribute__((target("avx512f"))) use L = 16, target("avx2,fma") L = 8): the arithmetic
// is written once, with operators, and the compiler emits that instruction set's code.
#include <cstdint>

// The two instruction sets these kernels are built for, as oneDNN names them: avx512_core (F,
// CD, BW, DQ, VL: without DQ, GCC turns a vector comparison's mask into scalar code) and AVX2.
#define NS_TARGET_AVX512 __attribute__((target("avx512f,avx512cd,avx512bw,avx512dq,avx512vl")))
#define NS_TARGET_AVX2 __attribute__((target("avx2,fma")))

namespace nutshell::cpu {

template <int L>
struct Lanes {
  typedef float Vec __attribute__((vector_size(L * sizeof(float))));
  typedef float UnalignedVec __attribute__((vector_size(L * sizeof(float)), aligned(sizeof(float))));
  typedef int32_t Ints __attribute__((vector_size(L * sizeof(int32_t))));
  typedef uint8_t Bytes __attribute__((vector_size(L), aligned(1)));
};

}  // namespace nutshell::cpu
