#pragma once
// Element type conversion on the device (cast, copyInto): cpu/elementwise.cc's rules.
#include <cuda_runtime.h>

#include <cstdint>

#include "../core/dtype.h"

namespace nutshell::cuda {

// dst[i] = src[i] converted from `from` to `to` for n dense elements: nonzero → true for bool,
// float → uint8 through int32 (so that it wraps as x86 does, not saturates), static_cast
// otherwise. Same dtypes copy bytes.
void convert(cudaStream_t stream, core::DType from, const void* src, core::DType to, void* dst, int64_t n);

}  // namespace nutshell::cuda
