#pragma once
// Shapes are row-major and contiguous (NCHW for images): every tensor's storage holds its
// elements densely in that order. Views that would need strides (permute, transpose, slices) are
// materialised by a copy kernel on the TS side's request, so kernels only ever see dense data.
#include <cstdint>
#include <string>
#include <vector>

#include "error.h"

namespace nutshell::core {

using Shape = std::vector<int64_t>;

inline int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

inline Shape contiguous_strides(const Shape& s) {
  Shape strides(s.size(), 1);
  for (int i = static_cast<int>(s.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * s[i + 1];
  return strides;
}

inline std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

// A possibly negative dim, checked against a rank (a scalar counts as rank 1, as in PyTorch).
inline int64_t norm_dim(int64_t dim, int64_t rank) {
  int64_t r = rank < 1 ? 1 : rank;
  NS_CHECK(dim >= -r && dim < r, shape, "dim " + std::to_string(dim) + " out of range for rank " + std::to_string(rank));
  return dim < 0 ? dim + r : dim;
}

// `shape` viewed as [outer, shape[dim], inner]: how the index and reduction kernels walk a dim.
struct Blocks {
  int64_t outer = 1, n = 1, inner = 1;
};
inline Blocks blocks_of(const Shape& shape, int64_t dim) {
  Blocks b;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < dim) b.outer *= shape[d];
    else if (d > dim) b.inner *= shape[d];
  }
  b.n = shape.empty() ? 1 : shape[dim];
  return b;
}

// Note [reduction runs]: the dims of `shape` as runs of one kind (kept or reduced), size-1 dims
// dropped and neighbours of one kind merged, each with its size and its innermost stride; no
// dims means all. Both backends plan their reductions from these. A scalar has no runs: reduced
// over dim 0 or -1 it is itself.
struct ReduceRun {
  int64_t size;
  bool reduced;
  int64_t stride;
};
inline std::vector<ReduceRun> reduce_runs(const Shape& shape, const std::vector<int64_t>& dims) {
  const int rank = static_cast<int>(shape.size());
  std::vector<ReduceRun> runs;
  if (rank == 0) return runs;
  std::vector<bool> reduced(static_cast<size_t>(rank), dims.empty());
  for (int64_t d : dims) {
    int64_t k = d < 0 ? d + rank : d;
    NS_CHECK(k >= 0 && k < rank, shape, "dim " + std::to_string(d) + " is out of range for rank " + std::to_string(rank));
    reduced[static_cast<size_t>(k)] = true;
  }
  const Shape strides = contiguous_strides(shape);
  for (int d = 0; d < rank; ++d) {
    if (shape[d] == 1) continue;
    const bool r = reduced[static_cast<size_t>(d)];
    if (!runs.empty() && runs.back().reduced == r) {
      runs.back().size *= shape[d];
      runs.back().stride = strides[d];
    } else {
      runs.push_back({shape[d], r, strides[d]});
    }
  }
  return runs;
}

// When the reduced runs form at most one block, the input as [outer, red, inner]; false otherwise.
inline bool as_one_block(const std::vector<ReduceRun>& runs, int64_t& outer, int64_t& red, int64_t& inner) {
  int reduced_runs = 0;
  for (const auto& r : runs) reduced_runs += r.reduced;
  if (reduced_runs > 1) return false;
  outer = red = inner = 1;
  bool seen = false;
  for (const auto& r : runs) {
    if (r.reduced) {
      red = r.size;
      seen = true;
    } else {
      (seen ? inner : outer) *= r.size;
    }
  }
  return true;
}

// The message for an index value outside [0, bound) — the same on every backend. It leaves out
// the op's name, which the binding and core::run_op add.
inline std::string index_out_of_range(const std::string& arg, int64_t value, int64_t dim, int64_t bound) {
  return arg + " value " + std::to_string(value) + " is out of range for dimension " + std::to_string(dim) + " with size " +
         std::to_string(bound) + " (expected 0 to " + std::to_string(bound - 1) + ")";
}

}  // namespace nutshell::core
