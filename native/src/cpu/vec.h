#pragma once
// GCC vector types of L float lanes, for kernels written once as templates and compiled once per
// instruction set in cpu/isa/ (files *_avx512.cc use L = 16, *_avx2.cc L = 8; CMake gives each
// its ISA's flags): the arithmetic is written with operators and the compiler emits that
// instruction set's code.
#include <cstdint>

namespace nutshell::cpu {

template <int L>
struct Lanes {
  typedef float Vec __attribute__((vector_size(L * sizeof(float))));
  typedef float UnalignedVec __attribute__((vector_size(L * sizeof(float)), aligned(sizeof(float))));
  typedef int32_t Ints __attribute__((vector_size(L * sizeof(int32_t))));
  typedef uint8_t Bytes __attribute__((vector_size(L), aligned(1)));
};

}  // namespace nutshell::cpu
