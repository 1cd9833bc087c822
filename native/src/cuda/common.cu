// The fetch kernel and the reporter of device-side errors (Note [device-side errors] in
// common.cuh), and the cached multiprocessor counts.
#include <memory>
#include <mutex>
#include <vector>

#include "common.cuh"

namespace nutshell::cuda {

int sm_count(int device) {
  static std::mutex mutex;
  static std::vector<int> counts;
  std::lock_guard<std::mutex> lock(mutex);
  if (device >= static_cast<int>(counts.size())) counts.resize(static_cast<size_t>(device) + 1, 0);
  int& c = counts[static_cast<size_t>(device)];
  if (c == 0) {
    int v = 0;
    NS_CUDA_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMultiProcessorCount, device));
    c = std::max(v, 1);
  }
  return c;
}

namespace {

// Copies the first offending position (from the device slot) and the value there into the host
// slot, resets the device slot for the next op, and raises the host slot's `done` flag last: the
// system fence orders the plain stores to mapped host memory before it.
__global__ void fetch_value_kernel(ErrorSlot* dev, ErrorSlot* host, const void* values, int kind) {
  const unsigned long long pos = dev->first;
  host->first = pos;
  if (pos != kNoError) {
    switch (kind) {
      case kFetchU8: {
        const uint8_t v = static_cast<const uint8_t*>(values)[pos];
        host->ivalue = v;
        host->fvalue = v;
        break;
      }
      case kFetchI32: {
        const int32_t v = static_cast<const int32_t*>(values)[pos];
        host->ivalue = v;
        host->fvalue = v;
        break;
      }
      case kFetchI64: {
        const int64_t v = static_cast<const int64_t*>(values)[pos];
        host->ivalue = v;
        host->fvalue = static_cast<double>(v);
        break;
      }
      default: {
        const float v = static_cast<const float*>(values)[pos];
        host->ivalue = 0;
        host->fvalue = v;
        break;
      }
    }
  }
  dev->first = kNoError;
  __threadfence_system();
  *static_cast<volatile unsigned long long*>(&host->done) = 1;
}

}  // namespace

ErrorReporter::ErrorReporter(DeviceContext& ctx, const core::OpCall& call)
    : ctx_(ctx), call_(call), device_slot_(ctx.errors->device_slot()) {
  host_slot_ = DeviceErrors::take_host_slot();
}

ErrorReporter::~ErrorReporter() {
  if (handed_off_) return;
  // A launch threw: no fetch will read or reset the device slot, and no kernel has the host slot.
  ctx_.errors->mark_dirty();
  DeviceErrors::give_back_host_slot(host_slot_);
}

void ErrorReporter::enqueue_fetch(const void* values, int kind) {
  fetch_value_kernel<<<1, 1, 0, ctx_.stream>>>(device_slot_, host_slot_.device, values, kind);
  NS_LAUNCH_CHECK();
}

void ErrorReporter::enqueue_check(ErrorFormatter format) {
  PendingCheck check{host_slot_, {}, core::op_name(call_.op), std::move(format)};
  for (const auto& o : call_.outputs) check.outputs.push_back(o.storage);
  ctx_.errors->add(std::move(check));
  handed_off_ = true;
}

}  // namespace nutshell::cuda
