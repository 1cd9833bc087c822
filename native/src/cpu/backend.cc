#include "backend.h"

#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "onednn.h"
#include "stream.h"

namespace nutshell::cpu {

namespace {

class HostAllocator final : public core::Allocator {
 public:
  void* allocate(size_t nbytes) override {
    // 64-byte alignment suits AVX-512 loads and oneDNN's preferences.
    size_t rounded = ((nbytes == 0 ? 1 : nbytes) + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded);
    if (!p) NS_THROW(backend, "cpu: out of memory allocating " + std::to_string(nbytes) + " bytes");
    return p;
  }
  void deallocate(void* ptr, size_t) override { std::free(ptr); }
};

// Note [inline tiny ops]: a thread hop costs microseconds, more than a tiny op itself. When the
// stream is idle and an op touches few elements, it runs on the calling thread; order is kept
// because nothing is queued ahead of it.
constexpr int64_t kInlineElementBudget = 1 << 14;

class CpuBackend final : public core::Backend {
 public:
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

  core::StoragePtr allocate(int, size_t nbytes) override {
    return std::make_shared<core::Storage>(core::Device{core::DeviceType::cpu, 0}, nbytes, &allocator_);
  }

  void write(const core::Storage& dst, const void* src, size_t nbytes) override {
    if (nbytes) std::memcpy(dst.data(), src, nbytes);
  }

  void read(const core::StoragePtr& src, void* dst, size_t nbytes) override {
    stream_.wait();
    if (auto err = src->error()) NS_THROW(backend, *err);
    if (nbytes) std::memcpy(dst, src->data(), nbytes);
  }

  void launch(core::Kernel kernel, core::OpCall&& call) override {
    int64_t touched = 0;
    for (const auto& t : call.inputs) touched += t.numel();
    for (const auto& t : call.outputs) touched += t.numel();
    if (touched <= kInlineElementBudget) {
      bool ran = stream_.run_now_if_idle([&] { core::run_op(kernel, call, /*rethrow=*/true); });
      if (ran) return;
    }
    auto shared = std::make_shared<core::OpCall>(std::move(call));
    stream_.submit([kernel, shared] { core::run_op(kernel, *shared, /*rethrow=*/false); });
  }

  void synchronize(int) override { stream_.wait(); }

  core::MemoryReport memory(int) override {
    core::MemoryReport r;
    auto& s = allocator_.stats();
    r.live_tensors = s.live_storages.load();
    r.live_bytes = s.live_bytes.load();
    r.peak_bytes = s.peak_bytes.load();
    r.reserved_bytes = r.live_bytes;
    return r;
  }

  void set_num_threads(int n) override { stream_.set_num_threads(n); }

 private:
  HostAllocator allocator_;
  Stream stream_;
};

}  // namespace

std::unique_ptr<core::Backend> make_backend() { return std::make_unique<CpuBackend>(); }

}  // namespace nutshell::cpu
