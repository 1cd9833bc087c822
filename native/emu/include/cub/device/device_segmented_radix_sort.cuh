#pragma once
// cub's segmented radix sort for the cuda emulator (Note [cuda emulation] in ../../ns_emu.h):
// each segment [begin[i], end[i]) of (key, value) pairs sorted stably by key, as cub's radix sort
// is; elements outside every segment are left alone. Run as a one-thread kernel on the stream (in
// order with the kernels that wrote the keys). The temporary-storage protocol is cub's: a first
// call with no storage asks for its size.
#include <cuda_runtime.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace cub {

struct DeviceSegmentedRadixSort {
  template <typename K, typename V, typename BeginIt, typename EndIt>
  static cudaError_t SortPairs(void* temp, size_t& temp_bytes, const K* keys_in, K* keys_out, const V* values_in, V* values_out, int /*num_items*/,
                               int num_segments, BeginIt begin, EndIt end, int /*begin_bit*/ = 0, int /*end_bit*/ = sizeof(K) * 8,
                               cudaStream_t stream = nullptr) {
    if (!temp) {
      temp_bytes = 1;
      return cudaSuccess;
    }
    ::ns_emu::launch(::ns_emu::Cfg(1, 1, 0, stream), "cub::DeviceSegmentedRadixSort::SortPairs", [=] {
      std::vector<int> order;
      for (int s = 0; s < num_segments; s++) {
        const int lo = begin[s], hi = end[s];
        if (hi <= lo) continue;
        order.resize(static_cast<size_t>(hi - lo));
        std::iota(order.begin(), order.end(), lo);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keys_in[a] < keys_in[b]; });
        std::vector<K> k(order.size());
        std::vector<V> v(order.size());
        for (size_t i = 0; i < order.size(); i++) {
          k[i] = keys_in[order[i]];
          v[i] = values_in[order[i]];
        }
        std::copy(k.begin(), k.end(), keys_out + lo);
        std::copy(v.begin(), v.end(), values_out + lo);
      }
    });
    return cudaPeekAtLastError();
  }
};

}  // namespace cub
