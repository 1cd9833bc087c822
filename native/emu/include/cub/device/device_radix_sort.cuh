#pragma once
// cub's radix sort for the cuda emulator (Note [cuda emulation] in ../../ns_emu.h): a stable sort
// of (key, value) pairs by key, as cub's is, run as a one-thread kernel on the stream (in order
// with the kernels that wrote the keys). The temporary-storage protocol is cub's: a first call
// with no storage asks for its size.
#include <cuda_runtime.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace cub {

struct DeviceRadixSort {
  template <typename K, typename V>
  static cudaError_t SortPairs(void* temp, size_t& temp_bytes, const K* keys_in, K* keys_out, const V* values_in, V* values_out, int n,
                               int /*begin_bit*/ = 0, int /*end_bit*/ = sizeof(K) * 8, cudaStream_t stream = nullptr) {
    if (!temp) {
      temp_bytes = 1;
      return cudaSuccess;
    }
    ::ns_emu::launch(::ns_emu::Cfg(1, 1, 0, stream), "cub::DeviceRadixSort::SortPairs", [=] {
      std::vector<int> order(static_cast<size_t>(n));
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keys_in[a] < keys_in[b]; });
      std::vector<K> k(static_cast<size_t>(n));
      std::vector<V> v(static_cast<size_t>(n));
      for (int i = 0; i < n; i++) {
        k[i] = keys_in[order[i]];
        v[i] = values_in[order[i]];
      }
      std::copy(k.begin(), k.end(), keys_out);
      std::copy(v.begin(), v.end(), values_out);
    });
    return cudaPeekAtLastError();
  }
};

}  // namespace cub
