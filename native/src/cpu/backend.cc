#include "backend.h"

#include <omp.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <map>
#include <mutex>
#include <new>
#include <vector>

#include "conv_precision.h"
#include "onednn.h"
#include "stream.h"
#include "thread_scratch.h"

namespace nutshell::cpu {

namespace {

// Note [host caching allocator]: fresh pages cost a page fault per 4 KiB (≈1,000 faults for a
// 4 MB tensor, more than the op that fills it), so freed blocks are kept in size classes
// (powers of two and their halfway points) and reused. What the cache holds is capped, and
// emptyCache() returns it to the system. A block not reused within kIdleNs goes back to the
// system too: a training step reuses its blocks every step, while a one-off peak (an eval pass
// in one scope, a long decode) left ~1 GB cached for the rest of a run in a user trial, where
// PyTorch's malloc had returned it. Idle blocks are looked for on allocations and frees, at most
// every quarter of kIdleNs.
class HostAllocator final : public core::Allocator {
 public:
  ~HostAllocator() override { empty_cache(); }

  static size_t size_class(size_t nbytes) {
    size_t n = nbytes < 64 ? 64 : nbytes;
    size_t p = size_t{1} << (63 - __builtin_clzll(n));  // largest power of two <= n
    if (n == p) return p;
    size_t mid = p + p / 2;
    return n <= mid ? mid : 2 * p;
  }

  void* allocate(size_t nbytes) override {
    size_t cls = size_class(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      release_idle(now_ns());
      auto it = free_.find(cls);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back().ptr;
        it->second.pop_back();
        cached_ -= cls;
        return p;
      }
    }
    void* p = std::aligned_alloc(64, (cls + 63) / 64 * 64);
    if (!p) {
      empty_cache();
      p = std::aligned_alloc(64, (cls + 63) / 64 * 64);
    }
    if (!p) NS_THROW(backend, "cpu: out of memory allocating " + std::to_string(nbytes) + " bytes");
    stats().reserved_bytes.fetch_add(static_cast<int64_t>(cls));
    return p;
  }

  void deallocate(void* ptr, size_t nbytes) override {
    size_t cls = size_class(nbytes);
    const int64_t now = now_ns();
    std::lock_guard<std::mutex> lock(mutex_);
    release_idle(now);
    if (cached_ + cls > kCacheLimit) {
      std::free(ptr);
      stats().reserved_bytes.fetch_sub(static_cast<int64_t>(cls));
      return;
    }
    free_[cls].push_back({ptr, now});
    cached_ += cls;
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [cls, blocks] : free_) {
      for (const Block& b : blocks) std::free(b.ptr);
      stats().reserved_bytes.fetch_sub(static_cast<int64_t>(cls * blocks.size()));
      blocks.clear();
    }
    cached_ = 0;
#ifdef __GLIBC__
    // Freed blocks below glibc's mmap threshold stay in its heaps, counted in RSS: 20,000 freed
    // tensors of 237 KB left 4.45 GB resident after emptyCache() in a user trial (AN); trimming
    // gives them back, as emptyCache promises.
    malloc_trim(0);
#endif
  }

  // How long a freed block may wait for reuse (tests shorten it through control()).
  void set_idle_ns(int64_t ns) { idle_ns_.store(ns); }

 private:
  struct Block {
    void* ptr;
    int64_t freed_ns;
  };
  static int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  // Under mutex_. Each class's blocks are in the order they were freed, oldest first.
  void release_idle(int64_t now) {
    const int64_t idle = idle_ns_.load();
    if (now - last_scan_ns_ < idle / 4) return;
    last_scan_ns_ = now;
    for (auto& [cls, blocks] : free_) {
      size_t old = 0;
      while (old < blocks.size() && now - blocks[old].freed_ns > idle) std::free(blocks[old++].ptr);
      if (!old) continue;
      blocks.erase(blocks.begin(), blocks.begin() + static_cast<std::ptrdiff_t>(old));
      cached_ -= cls * old;
      stats().reserved_bytes.fetch_sub(static_cast<int64_t>(cls * old));
    }
  }

  static constexpr size_t kCacheLimit = size_t{1} << 30;
  static constexpr int64_t kIdleNs = 5'000'000'000;
  std::mutex mutex_;
  std::map<size_t, std::vector<Block>> free_;
  size_t cached_ = 0;
  std::atomic<int64_t> idle_ns_{kIdleNs};
  int64_t last_scan_ns_ = 0;
};

// Note [inline tiny ops]: a thread hop costs microseconds, more than a tiny op itself. When the
// stream is idle and an op touches few elements, it runs on the calling thread; order is kept
// because nothing is queued ahead of it. Not an op with an input an earlier queued op failed to
// make: inline it would throw at the call, queued it passes the error on to the read — and which
// of the two happened depended on whether that op had finished yet ("add: multinomial: …" thrown
// at an add, or not, run to run). Queued, the error always surfaces at the read.
constexpr int64_t kInlineElementBudget = 1 << 14;

bool has_marked_input(const core::OpCall& call) {
  for (const auto& t : call.inputs) {
    if (t.storage->error()) return true;
  }
  return false;
}

// Note [threads per op]: with OMP_WAIT_POLICY=PASSIVE (our default, see native/js/addon.ts) idle
// OpenMP threads sleep, and waking them costs tens of microseconds per op — more than a second
// core saves on a short op (a LeNet step at batch 64 ran 20 % slower on two threads than on one),
// while long ops (an LSTM layer, a ResNet convolution) still gain nearly 2x. So under passive
// waiting an op runs on the worker alone unless its work is large: convolutions and matrix
// products by their multiply-adds, recurrent layers always, everything else by the elements it
// touches. The rule depends on shapes only, so results are the same run after run (a timing-based
// choice would change reduction orders from one run to the next). When threads spin (ACTIVE, or
// a GOMP_SPINCOUNT of the user's) waking is cheap and every op gets them all.
bool passive_waiting() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const bool passive = policy && (std::strcmp(policy, "PASSIVE") == 0 || std::strcmp(policy, "passive") == 0);
  return passive && !std::getenv("GOMP_SPINCOUNT");
}

constexpr double kParallelMultiplyAdds = 64e6;    // ~1 ms on one core
// A plain GEMM splits into independent blocks with no reorders around it, so it gains from a
// second thread at a quarter of that: LeNet inference at batch 1000 (fc1: 48M multiply-adds) went
// from 116 to 102 ms on two threads.
constexpr double kParallelGemmMultiplyAdds = 16e6;
constexpr int64_t kParallelElements = int64_t{1} << 20;

bool recurrent(core::OpId op) {
  using core::OpId;
  return op == OpId::lstm || op == OpId::lstmBackward || op == OpId::gru || op == OpId::gruBackward || op == OpId::rnn || op == OpId::rnnBackward;
}

// Multiply-adds of the ops whose cost is theirs rather than their elements' (convolutions and
// matrix products); 0 for the rest.
double multiply_adds(const core::OpCall& call) {
  using core::OpId;
  // Multiply-adds per output element times outputs: a weight's elements per output channel.
  auto per_channel = [](const core::TensorRef& w) { return w.rank() > 0 && w.dim(0) > 0 ? static_cast<double>(w.numel()) / w.dim(0) : 0.0; };
  switch (call.op) {
    case OpId::conv2d:  // output elements × (C/g·kH·kW)
      return static_cast<double>(call.out(0).numel()) * per_channel(call.in(1));
    case OpId::conv2dBackwardData:  // gradOutput elements × (C/g·kH·kW)
      return static_cast<double>(call.in(0).numel()) * per_channel(call.in(1));
    case OpId::conv2dBackwardWeights:
      return static_cast<double>(call.in(0).numel()) * per_channel(call.out(0));
    case OpId::matmul:
    case OpId::linear:
      return call.in(0).rank() > 0 ? static_cast<double>(call.out(0).numel()) * call.in(0).dim(-1) : 0.0;
    default:
      return 0.0;
  }
}

bool worth_all_threads(const core::OpCall& call, int64_t touched) {
  if (recurrent(call.op)) return true;
  const double macs = multiply_adds(call);
  if (call.op == core::OpId::matmul || call.op == core::OpId::linear) return macs >= kParallelGemmMultiplyAdds;
  return macs > 0 ? macs >= kParallelMultiplyAdds : touched >= kParallelElements;
}

// Note [inline tiny ops] counts elements; a recurrent layer's cost grows with its steps and a
// product's with its multiply-adds, not with what it touches (a batch-1 GRU over 48 steps, 7k
// elements, held the JS thread 140 µs per layer in a user trial's server). Those run inline only
// below this many multiply-adds (about 10 µs), recurrent layers never.
constexpr double kInlineMultiplyAdds = 1 << 18;

bool light_enough_to_inline(const core::OpCall& call) { return !recurrent(call.op) && multiply_adds(call) <= kInlineMultiplyAdds; }

// One process-wide host allocator serves every environment's backend: a storage made in any
// thread gives its bytes back to the same cache, the allocator outlives every storage (it is
// never destroyed: queued work may outlive module teardown), and memory('cpu') reports the
// process.
HostAllocator& host_allocator() {
  static HostAllocator* allocator = new HostAllocator();
  return *allocator;
}

class CpuBackend final : public core::Backend {
 public:
  explicit CpuBackend(std::function<bool()> stop_waiting) { stream_.set_stop_waiting(std::move(stop_waiting)); }
  core::DeviceType type() const override { return core::DeviceType::cpu; }

  core::BackendInfo info() override {
    core::BackendInfo info;
    info.available = true;
    info.device_count = 1;
    info.facts["onednn"] = onednn::version();
    info.facts["isa"] = onednn::isa_name();
    info.facts["threads"] = std::to_string(stream_.num_threads());
    info.facts["cores"] = std::to_string(omp_get_num_procs());
    return info;
  }

  // Note [deferred host memory] (core/storage.h)
  core::StoragePtr allocate(int, size_t nbytes) override {
    return std::make_shared<core::Storage>(core::Device{core::DeviceType::cpu, 0}, nbytes, &allocator_, /*deferred=*/true);
  }

  void write(const core::Storage& dst, const void* src, size_t nbytes) override {
    if (nbytes) std::memcpy(dst.data(), src, nbytes);
  }

  void read(const core::StoragePtr& src, void* dst, size_t nbytes) override {
    stream_.wait();
    if (auto err = src->error()) err->raise();
    if (nbytes) std::memcpy(dst, src->data(), nbytes);
  }

  bool enqueue_host_task(std::function<void()> task) override {
    stream_.submit(std::move(task), /*parallel=*/false);
    return true;
  }

  bool read_if_ready(const core::StoragePtr& src, void* dst, size_t nbytes) override {
    if (!stream_.idle()) return false;
    if (auto err = src->error()) err->raise();
    if (nbytes) std::memcpy(dst, src->data(), nbytes);
    return true;
  }

  void launch(core::Kernel kernel, core::OpCall&& call) override {
    int64_t touched = 0;
    for (const auto& t : call.inputs) touched += t.numel();
    for (const auto& t : call.outputs) touched += t.numel();
    if (touched <= kInlineElementBudget && light_enough_to_inline(call) && !has_marked_input(call)) {
      bool ran = stream_.run_now_if_idle([&] { core::run_op(kernel, call, /*rethrow=*/true, &profile_); });
      if (ran) return;
    }
    auto shared = std::make_shared<core::OpCall>(std::move(call));
    const bool parallel = !passive_ || worth_all_threads(*shared, touched);
    const int64_t waited_ns = stream_.submit(
        [this, kernel, shared] {
          core::run_op(kernel, *shared, /*rethrow=*/false, &profile_);
          trim_thread_scratch();  // Note [thread scratch]
        },
        parallel);
    if (waited_ns > 0 && profile_.enabled()) profile_.add_wait(shared->op, waited_ns);
  }

  void synchronize(int) override { stream_.wait(); }

  core::MemoryReport memory(int) override { return core::report_of(allocator_.stats()); }

  void reset_peak_memory(int) override {
    auto& s = allocator_.stats();
    s.peak_bytes.store(s.live_bytes.load());
  }

  void set_num_threads(int n) override { stream_.set_num_threads(n); }
  void empty_cache() override { allocator_.empty_cache(); }

  // profileStart / profileStop / profileRead / profileReset: per-op kernel time (core/op_profile.h).
  std::string control(const std::string& name, const std::string& args) override {
    if (name == "profileStart") profile_.set_enabled(true);
    else if (name == "profileStop") profile_.set_enabled(false);
    else if (name == "profileReset") profile_.reset();
    else if (name == "cacheIdleMs") {
      // {"ms": N}: how long a freed block is kept for reuse (Note [host caching allocator]).
      const auto at = args.find(':');
      NS_CHECK(at != std::string::npos, value, "cacheIdleMs expects {\"ms\": N}");
      const double ms = std::strtod(args.c_str() + at + 1, nullptr);
      NS_CHECK(ms > 0 && ms <= 1e9, value, "cacheIdleMs expects a number of milliseconds from 0 to 1e9");
      allocator_.set_idle_ns(static_cast<int64_t>(ms * 1e6));
      return "{}";
    }
    else if (name == "numThreads") return "{\"threads\":" + std::to_string(stream_.num_threads()) + "}";
    else if (name == "convPrecision") {
      // {"highest": true|false} sets it (queued: Note [cpu conv precision]); {} reads what was asked last.
      if (args.find("\"highest\"") != std::string::npos) {
        const bool on = args.find("true") != std::string::npos;
        conv_precision_asked_ = on;
        stream_.submit([on] { set_conv_highest_precision(on); }, false);
      }
      return std::string("{\"highest\":") + (conv_precision_asked_.load() ? "true" : "false") + "}";
    }
    else if (name == "stopStream") {
      stream_.stop(/*release_dropped=*/false);  // Note [streams at exit] in stream.cc
      return "{}";
    }
    else if (name != "profileRead") NS_THROW(value, "cpu backend has no control '" + name + "' (controls: profileStart, profileStop, profileRead, profileReset, cacheIdleMs, numThreads, convPrecision, stopStream)");
    return profile_.json();
  }

 private:
  HostAllocator& allocator_ = host_allocator();
  const bool passive_ = passive_waiting();  // Note [threads per op]
  inline static std::atomic<bool> conv_precision_asked_{false};  // process-wide, as the setting itself
  core::OpProfile profile_;  // before stream_: queued tasks use it until the worker has joined
  Stream stream_;
};

}  // namespace

std::unique_ptr<core::Backend> make_backend(std::function<bool()> stop_waiting) {
  return std::make_unique<CpuBackend>(std::move(stop_waiting));
}

}  // namespace nutshell::cpu
