#pragma once
// The host side of errors only the device can see (Note [device-side errors] in common.cuh): one
// device slot per GPU that kernels report into, pinned host slots the fetch kernel copies it to,
// and the queue of checks waiting for their host slot to be filled.
#include <cuda_runtime.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../core/storage.h"

namespace nutshell::cuda {

struct ErrorSlot {
  unsigned long long first;  // smallest offending position; kNoError when none
  long long ivalue;          // the offending value, as an integer and as a double
  double fvalue;
  unsigned long long done;   // host slots: set last by the fetch kernel (after a system fence)
};
constexpr unsigned long long kNoError = ULLONG_MAX;

// A pinned host slot and its address on the device.
struct HostSlot {
  ErrorSlot* host;
  ErrorSlot* device;
};

// Formats the message (without the op's name) from the offending position and value.
using ErrorFormatter = std::function<std::string(int64_t pos, long long ivalue, double fvalue)>;

// One op's check: its filled-in host slot decides whether its outputs get marked.
struct PendingCheck {
  HostSlot slot;
  std::vector<std::weak_ptr<core::Storage>> outputs;  // weak: a disposed output is not kept alive
  std::string op;
  ErrorFormatter format;
};

class DeviceErrors {
 public:
  explicit DeviceErrors(cudaStream_t stream) : stream_(stream) {}
  ~DeviceErrors();
  DeviceErrors(const DeviceErrors&) = delete;
  DeviceErrors& operator=(const DeviceErrors&) = delete;

  // The device slot, "no error" for work enqueued from now on (a reset is enqueued first when a
  // failed op may have left a report in it).
  ErrorSlot* device_slot();
  // A failed op's kernels may have reported without the fetch that resets the slot.
  void mark_dirty();
  // A pinned host slot set to "not done".
  static HostSlot take_host_slot();
  static void give_back_host_slot(HostSlot slot);
  // After the op's fetch kernel was enqueued.
  void add(PendingCheck check);
  // Marks the outputs of every check whose fetch has run, in order; never waits. Called before
  // each launch (so a marked input is refused) and after reads and synchronisations.
  void resolve_ready();

 private:
  cudaStream_t stream_;
  std::mutex mutex_;
  ErrorSlot* device_ = nullptr;  // cudaMalloc'd once, outside the caching allocator's accounting
  bool dirty_ = true;
  std::deque<PendingCheck> pending_;
  std::atomic<size_t> pending_count_{0};
};

}  // namespace nutshell::cuda
