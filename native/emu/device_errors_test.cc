// The queue of device-side error checks (src/cuda/device_errors.h, Note [device-side errors] in
// src/cuda/common.cuh) where the emulator cannot show it: on the emulator a kernel has run by the
// time its launch returns, so every check is ready at once. Here the fetch kernel's part (filling
// the host slot, raising `done`) is played by hand, so the checks are seen waiting, resolved in
// order and never waited for. Run by scripts/cuda-emu-test after the selftest; prints one line per
// check and "N passed, N failed"; exit 1 on a failure.
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "device_errors.h"

namespace {

using namespace nutshell;

int passed = 0, failed = 0;

void check(bool ok, const std::string& what) {
  (ok ? passed : failed)++;
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
}

class HeapAllocator final : public core::Allocator {
 public:
  void* allocate(size_t nbytes) override { return ::operator new(nbytes); }
  void deallocate(void* ptr, size_t) override { ::operator delete(ptr); }
};

HeapAllocator heap;

core::StoragePtr storage() { return std::make_shared<core::Storage>(core::Device{core::DeviceType::cpu, 0}, 16, &heap); }

// What the fetch kernel does once the stream reaches it.
void fetch(cuda::ErrorSlot* host, unsigned long long first, long long value) {
  host->first = first;
  host->ivalue = value;
  host->fvalue = static_cast<double>(value);
  __atomic_store_n(&host->done, 1ull, __ATOMIC_RELEASE);
}

cuda::PendingCheck pending(cuda::HostSlot slot, const std::string& op, const std::vector<core::StoragePtr>& outputs) {
  cuda::PendingCheck p{slot, {}, op, [](int64_t pos, long long v, double) {
                         return "target " + std::to_string(v) + " at position " + std::to_string(pos) + " is out of range";
                       }};
  for (const auto& o : outputs) p.outputs.push_back(o);
  return p;
}

std::string error_of(const core::StoragePtr& s) {
  auto e = s->error();
  return e ? e->message : "";
}

unsigned long long device_first(cuda::ErrorSlot* dev) {
  cuda::ErrorSlot s{};
  cudaMemcpy(&s, dev, sizeof s, cudaMemcpyDeviceToHost);
  return s.first;
}

}  // namespace

int main() {
  cudaStream_t stream = nullptr;
  cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);  // as the backend makes its streams
  try {
    cuda::DeviceErrors errors(stream);
    cuda::ErrorSlot* dev = errors.device_slot();
    cudaStreamSynchronize(stream);
    check(device_first(dev) == cuda::kNoError, "the device slot starts as \"no error\"");

    const cuda::HostSlot a = cuda::DeviceErrors::take_host_slot();
    check(a.host->done == 0 && a.host->first == cuda::kNoError && a.device != nullptr, "a host slot is taken as \"not done\", with its device address");
    auto out_a = storage();
    errors.add(pending(a, "crossEntropy", {out_a}));
    errors.resolve_ready();
    check(error_of(out_a).empty(), "a check whose fetch has not run stays pending; its output is not marked");

    const cuda::HostSlot b = cuda::DeviceErrors::take_host_slot();
    auto out_b = storage();
    errors.add(pending(b, "gather", {out_b}));
    fetch(b.host, 2, 7);  // cannot happen on one stream, but the queue must not skip ahead
    errors.resolve_ready();
    check(error_of(out_b).empty(), "checks resolve in order: a later one waits for an earlier one");

    fetch(a.host, cuda::kNoError, 0);
    errors.resolve_ready();
    check(error_of(out_a).empty(), "a fetch that found nothing marks nothing");
    check(error_of(out_b) == "gather: target 7 at position 2 is out of range", "a fetch that found an error marks the output with \"op: message\"");

    const cuda::HostSlot c = cuda::DeviceErrors::take_host_slot();
    check(c.host == a.host || c.host == b.host, "resolved checks give their host slots back");
    auto kept = storage();
    {
      auto dropped = storage();
      errors.add(pending(c, "nllLoss", {dropped, kept}));
    }
    fetch(c.host, 0, -3);
    errors.resolve_ready();
    check(error_of(kept) == "nllLoss: target -3 at position 0 is out of range", "an output disposed before its check is skipped; the others are marked");

    cudaMemset(dev, 0, sizeof(cuda::ErrorSlot));  // a failed op left a report in the device slot
    errors.mark_dirty();
    check(errors.device_slot() == dev, "the device slot is one per GPU");
    cudaStreamSynchronize(stream);
    check(device_first(dev) == cuda::kNoError, "a dirty device slot is reset before the next op uses it");
  } catch (const std::exception& e) {
    check(false, std::string("threw: ") + e.what());
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
