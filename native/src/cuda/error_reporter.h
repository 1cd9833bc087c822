#pragma once
// What an op with a device-side check uses on the host (Note [device-side errors] in common.cuh):
// kernels report into slot(), finish() queues the fetch and the check. Host-only, so host files
// (pool.cc) can use it as well as .cu files.
#include <cstdint>
#include <type_traits>

#include "../core/op_call.h"
#include "context.h"
#include "device_errors.h"

namespace nutshell::cuda {

class ErrorReporter {
 public:
  // Takes the GPU's device slot (clean for this op) and a host slot, for one op on ctx's stream.
  ErrorReporter(DeviceContext& ctx, const core::OpCall& call);
  ~ErrorReporter();  // a launch threw before finish(): the slots are given up
  ErrorReporter(const ErrorReporter&) = delete;
  ErrorReporter& operator=(const ErrorReporter&) = delete;

  // The device slot kernels report to (report_position).
  ErrorSlot* slot() const { return device_slot_; }
  // After the op's kernels: copies the first offending position and values[position] to the host
  // slot and queues the op's check. `values` is the array the positions index (targets, indices,
  // inputs).
  template <typename T>
  void finish(const T* values, ErrorFormatter format);

 private:
  void enqueue_fetch(const void* values, int kind);
  void enqueue_check(ErrorFormatter format);
  DeviceContext& ctx_;
  const core::OpCall& call_;
  ErrorSlot* device_slot_ = nullptr;
  HostSlot host_slot_{};
  bool handed_off_ = false;
};

// Element kinds the fetch kernel understands.
enum FetchKind { kFetchI32 = 0, kFetchI64 = 1, kFetchF32 = 2, kFetchU8 = 3 };
template <typename T>
constexpr int fetch_kind() {
  if constexpr (std::is_same_v<T, uint8_t>) return kFetchU8;
  else if constexpr (std::is_same_v<T, int32_t>) return kFetchI32;
  else if constexpr (std::is_same_v<T, int64_t>) return kFetchI64;
  else return kFetchF32;
}

template <typename T>
void ErrorReporter::finish(const T* values, ErrorFormatter format) {
  static_assert(std::is_same_v<T, uint8_t> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t> || std::is_same_v<T, float>,
                "fetch: unsupported type");
  enqueue_fetch(values, fetch_kind<T>());
  enqueue_check(std::move(format));
}

}  // namespace nutshell::cuda
