#pragma once
// The interface both backends implement. The binding holds one Backend per device type: cpu is
// built in; cuda, when compiled, lives in its own shared library that is opened on first use.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "op_call.h"
#include "storage.h"

namespace nutshell::core {

struct BackendInfo {
  bool available = false;
  std::string reason;                        // why not available
  int device_count = 0;
  std::map<std::string, std::string> facts;  // versions, ISA, threads, device names …
};

struct MemoryReport {
  int64_t live_tensors = 0;
  int64_t live_bytes = 0;
  int64_t peak_bytes = 0;
  int64_t reserved_bytes = 0;
};

inline MemoryReport report_of(const MemoryStats& s) {
  MemoryReport r;
  r.live_tensors = s.live_storages.load();
  r.live_bytes = s.live_bytes.load();
  r.peak_bytes = s.peak_bytes.load();
  r.reserved_bytes = s.reserved_bytes.load();
  return r;
}

class Backend {
 public:
  virtual ~Backend() = default;
  virtual DeviceType type() const = 0;
  virtual BackendInfo info() = 0;
  virtual StoragePtr allocate(int index, size_t nbytes) = 0;
  // Copies host bytes into a storage that no queued work touches yet (a fresh allocation).
  virtual void write(const Storage& dst, const void* src, size_t nbytes) = 0;
  // Waits until every op queued before the call has run, then copies the storage out.
  // Runs off the JS thread (a libuv worker), so it may block.
  virtual void read(const StoragePtr& src, void* dst, size_t nbytes) = 0;
  // Runs `task` off the JS thread after everything queued before it on this device's stream and
  // returns true; false when the backend has no host-side stream to run it on (cuda: its reads
  // wait on the thread pool). Note [reads as stream tasks] in binding/addon.cc.
  virtual bool enqueue_host_task(std::function<void()>) { return false; }
  // Copies like read() and returns true when that needs no waiting (nothing queued that could
  // write src); false, touching nothing, otherwise. Lets an asynchronous read of a value already
  // computed skip the thread hop (Note [reads of finished values] in binding/addon.cc).
  virtual bool read_if_ready(const StoragePtr&, void*, size_t) { return false; }
  // Queues (or, when cheap and nothing is pending, runs at once) one op on the device's stream.
  virtual void launch(Kernel kernel, OpCall&& call) = 0;
  virtual void synchronize(int index) = 0;
  virtual MemoryReport memory(int index) = 0;
  // Starts the peak over from what is live now (torch.cuda.reset_peak_memory_stats).
  virtual void reset_peak_memory(int index) = 0;
  virtual void empty_cache() {}
  virtual void set_num_threads(int) {}
  // Backend-specific settings and queries that are not ops (cuDNN algorithm lists, determinism,
  // workspace limits …): a name and JSON arguments in, JSON out. One entry point keeps the
  // binding small; unknown names are an error naming the backend.
  virtual std::string control(const std::string& name, const std::string& args_json) {
    NS_THROW(value, std::string(type() == DeviceType::cpu ? "cpu" : "cuda") + " backend has no control '" + name + "'");
  }
};

// Kernels by device type and op; an absent entry means "this backend has no such kernel".
class Registry {
 public:
  void add(DeviceType device, OpId op, Kernel kernel) { table_[static_cast<int>(device)][static_cast<int>(op)] = kernel; }
  Kernel find(DeviceType device, OpId op) const { return table_[static_cast<int>(device)][static_cast<int>(op)]; }

 private:
  Kernel table_[kDeviceTypeCount][kOpCount] = {};
};

}  // namespace nutshell::core
