#pragma once
// The strided copy every shape op is made of (and reductions use to bring reduced dims together).
#include <cuda_runtime.h>

#include <cstddef>

#include "../core/shape.h"

namespace nutshell::cuda {

// Note [strided copy]: dst[Σ i_d·dst_strides[d]] = src[Σ i_d·src_strides[d]] over `shape`, in
// elements of `esize` bytes (1, 2, 4 or 8; copies never look at values). Size-1 dims are dropped
// and dims contiguous in both merged (Note [broadcast plan]); a transpose-like copy (dst's inner
// dim strided in src while another dim is unit-stride there) goes through 32×32 tiles in shared
// memory so that both the reads and the writes are coalesced. Enqueued on `stream`.
void strided_copy(cudaStream_t stream, size_t esize, const void* src, void* dst, const core::Shape& shape, const core::Shape& src_strides,
                  const core::Shape& dst_strides);

}  // namespace nutshell::cuda
