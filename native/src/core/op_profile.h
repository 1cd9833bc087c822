#pragma once
// Per-op kernel time, switched on by the `profile` controls (tensor's `profile()`). Each backend
// owns one (no globals in core: the cuda library has its own copy of this code). Counting costs
// two relaxed atomic adds and a clock read per op, and nothing at all while switched off.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "../gen/ops.gen.h"

namespace nutshell::core {

class OpProfile {
 public:
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  void set_enabled(bool on) { enabled_.store(on, std::memory_order_relaxed); }
  void add(OpId op, int64_t ns) {
    calls_[static_cast<size_t>(op)].fetch_add(1, std::memory_order_relaxed);
    ns_[static_cast<size_t>(op)].fetch_add(ns, std::memory_order_relaxed);
  }
  // Time the calling thread waited for queue space before it could enqueue op (Note [queue bound]).
  void add_wait(OpId op, int64_t ns) { wait_ns_[static_cast<size_t>(op)].fetch_add(ns, std::memory_order_relaxed); }
  void reset() {
    for (auto& c : calls_) c.store(0, std::memory_order_relaxed);
    for (auto& n : ns_) n.store(0, std::memory_order_relaxed);
    for (auto& n : wait_ns_) n.store(0, std::memory_order_relaxed);
  }
  // {"ops":[{"op":"conv2d","calls":3,"ns":123456,"waitNs":0},…]}, ops that ran at least once.
  std::string json() const {
    std::string out = "{\"ops\":[";
    bool first = true;
    for (int i = 0; i < kOpCount; ++i) {
      int64_t calls = calls_[static_cast<size_t>(i)].load(std::memory_order_relaxed);
      if (calls == 0) continue;
      if (!first) out += ',';
      first = false;
      out += "{\"op\":\"" + std::string(op_name(static_cast<OpId>(i))) + "\",\"calls\":" + std::to_string(calls) +
             ",\"ns\":" + std::to_string(ns_[static_cast<size_t>(i)].load(std::memory_order_relaxed)) +
             ",\"waitNs\":" + std::to_string(wait_ns_[static_cast<size_t>(i)].load(std::memory_order_relaxed)) + "}";
    }
    return out + "]}";
  }

 private:
  std::atomic<bool> enabled_{false};
  std::array<std::atomic<int64_t>, kOpCount> calls_{};
  std::array<std::atomic<int64_t>, kOpCount> ns_{};
  std::array<std::atomic<int64_t>, kOpCount> wait_ns_{};
};

// Times `body` into `profile` when it is on.
template <typename F>
void profiled(OpProfile* profile, OpId op, F&& body) {
  if (!profile || !profile->enabled()) return body();
  auto start = std::chrono::steady_clock::now();
  body();
  profile->add(op, std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace nutshell::core
