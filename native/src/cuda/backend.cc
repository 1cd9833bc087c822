// The cuda backend: one DeviceContext per GPU, the caching allocator, host↔device copies, and
// the entry point the addon looks up after opening this library (binding/cuda_loader.cc).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../core/backend.h"
#include "../core/op_profile.h"
#include "allocator.h"
#include "check.h"
#include "context.h"
#include "conv_algos.h"

namespace nutshell::cuda {

void register_kernels(core::Registry& registry);  // generated: gen/cuda_kernels.gen.cc

const char* cublas_status_name(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
  }
  return "CUBLAS_STATUS_UNKNOWN";
}

std::string cudnn_status_text(cudnnStatus_t s) {
  std::string text = cudnnGetErrorString(s);
  char detail[512] = {};
  cudnnGetLastErrorString(detail, sizeof detail);
  if (detail[0]) text += std::string(" — cuDNN: ") + detail;
  return text;
}

namespace {

// Note [pinned staging]: a device-to-host copy into pageable memory (a JS ArrayBuffer) is staged
// by the driver through its own small pinned buffer, synchronously. Reads instead copy into a
// pinned buffer of ours in chunks and memcpy each chunk out while the next one is in flight (two
// halves, each with an event). Waiting is on events created with cudaEventBlockingSync, so the
// reading thread (a libuv worker for `await t.data()`) sleeps instead of spinning a core. One
// buffer per device, reused by every read (a mutex serialises concurrent reads of one device);
// if pinned memory cannot be had, reads fall back to the pageable copy.
class ReadStaging {
 public:
  static constexpr size_t kChunk = size_t{4} << 20;  // bytes per half

  ReadStaging() = default;
  ~ReadStaging() {
    for (cudaEvent_t e : events_)
      if (e) cudaEventDestroy(e);
    if (buffer_) cudaFreeHost(buffer_);
  }

  // Copies nbytes of src (on `stream`) into dst once every op queued before it has run.
  void read(cudaStream_t stream, const void* src, void* dst, size_t nbytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    ensure_events();
    if (nbytes == 0 || !ensure_buffer()) {
      if (nbytes) NS_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToHost, stream));
      NS_CUDA_CHECK(cudaEventRecord(events_[0], stream));
      NS_CUDA_CHECK(cudaEventSynchronize(events_[0]));
      return;
    }
    const size_t chunks = (nbytes + kChunk - 1) / kChunk;
    auto half = [&](size_t k) { return static_cast<char*>(buffer_) + (k % 2) * kChunk; };
    auto length = [&](size_t k) { return std::min(kChunk, nbytes - k * kChunk); };
    auto issue = [&](size_t k) {
      NS_CUDA_CHECK(cudaMemcpyAsync(half(k), static_cast<const char*>(src) + k * kChunk, length(k), cudaMemcpyDeviceToHost, stream));
      NS_CUDA_CHECK(cudaEventRecord(events_[k % 2], stream));
    };
    issue(0);
    if (chunks > 1) issue(1);
    for (size_t k = 0; k < chunks; ++k) {
      NS_CUDA_CHECK(cudaEventSynchronize(events_[k % 2]));
      std::memcpy(static_cast<char*>(dst) + k * kChunk, half(k), length(k));
      if (k + 2 < chunks) issue(k + 2);  // this half has been emptied: refill it
    }
  }

 private:
  void ensure_events() {
    for (cudaEvent_t& e : events_) {
      if (!e) NS_CUDA_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming | cudaEventBlockingSync));
    }
  }
  bool ensure_buffer() {
    if (!buffer_ && !pinned_failed_) {
      if (cudaHostAlloc(&buffer_, 2 * kChunk, cudaHostAllocPortable) != cudaSuccess) {
        (void)cudaGetLastError();
        buffer_ = nullptr;
        pinned_failed_ = true;
      }
    }
    return buffer_ != nullptr;
  }

  std::mutex mutex_;
  void* buffer_ = nullptr;
  bool pinned_failed_ = false;
  cudaEvent_t events_[2] = {nullptr, nullptr};
};

// Note [cuda op profile]: while a profile runs (tensor's `profile()`), each op's work on its
// device's stream is bracketed by two timing events; profileRead turns the pairs whose stop has
// been reached into kernel time per op: the stream's time between them, which is the op's kernels
// plus any gap the host left inside the op (what a user can act on). Nothing waits: profile()
// reads a tensor of each device first, off the JS thread, so every pair has finished by then.
// Events are pooled per device and cost two records per op, only while profiling.
class OpTimings {
 public:
  ~OpTimings() {
    for (auto& p : pending_) release(p.pair);
    for (auto& e : free_) {
      cudaEventDestroy(e.start);
      cudaEventDestroy(e.stop);
    }
  }

  // Records the start of an op on `stream`.
  void begin(cudaStream_t stream) {
    open_ = take();
    NS_CUDA_CHECK(cudaEventRecord(open_.start, stream));
  }
  // Records its end; a launch that threw gives the pair back uncounted.
  void end(core::OpId op, cudaStream_t stream, bool launched) {
    if (!launched) {
      release(open_);
      return;
    }
    NS_CUDA_CHECK(cudaEventRecord(open_.stop, stream));
    pending_.push_back({op, open_});
  }
  // Adds every finished pair to `profile`; unfinished ones wait for the next read.
  void collect(core::OpProfile& profile) {
    size_t kept = 0;
    for (auto& p : pending_) {
      float ms = 0;
      if (cudaEventQuery(p.pair.stop) != cudaSuccess || cudaEventElapsedTime(&ms, p.pair.start, p.pair.stop) != cudaSuccess) {
        (void)cudaGetLastError();
        pending_[kept++] = p;
        continue;
      }
      profile.add(p.op, static_cast<int64_t>(static_cast<double>(ms) * 1e6));
      release(p.pair);
    }
    pending_.resize(kept);
  }
  void clear() {
    for (auto& p : pending_) release(p.pair);
    pending_.clear();
  }

 private:
  struct Pair {
    cudaEvent_t start, stop;
  };
  struct Pending {
    core::OpId op;
    Pair pair;
  };
  Pair take() {
    if (!free_.empty()) {
      Pair p = free_.back();
      free_.pop_back();
      return p;
    }
    Pair p{};
    NS_CUDA_CHECK(cudaEventCreate(&p.start));
    const cudaError_t e = cudaEventCreate(&p.stop);
    if (e != cudaSuccess) cudaEventDestroy(p.start);
    NS_CUDA_CHECK(e);
    return p;
  }
  void release(Pair p) { free_.push_back(p); }

  Pair open_{};
  std::vector<Pending> pending_;
  std::vector<Pair> free_;
};

std::string version_string(int v, int major_div, int minor_div) {
  return std::to_string(v / major_div) + "." + std::to_string((v % major_div) / minor_div) + "." + std::to_string(v % minor_div);
}

class CudaBackend final : public core::Backend {
 public:
  explicit CudaBackend(int count) {
    for (int i = 0; i < count; ++i) {
      auto ctx = std::make_unique<DeviceContext>();
      ctx->index = i;
      NS_CUDA_CHECK(cudaSetDevice(i));
      NS_CUDA_CHECK(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking));
      NS_CUDNN_CHECK(cudnnCreate(&ctx->cudnn));
      NS_CUDNN_CHECK(cudnnSetStream(ctx->cudnn, ctx->stream));
      NS_CUBLAS_CHECK(cublasCreate(&ctx->cublas));
      NS_CUBLAS_CHECK(cublasSetStream(ctx->cublas, ctx->stream));
      ctx->errors = std::make_unique<DeviceErrors>(ctx->stream);
      allocators_.push_back(std::make_unique<CachingAllocator>(i));
      staging_.push_back(std::make_unique<ReadStaging>());
      timings_.push_back(std::make_unique<OpTimings>());
      ctx->allocator = allocators_.back().get();
      contexts_.push_back(std::move(ctx));
    }
  }

  core::DeviceType type() const override { return core::DeviceType::cuda; }

  core::BackendInfo info() override {
    core::BackendInfo info;
    info.available = true;
    info.device_count = static_cast<int>(contexts_.size());
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    info.facts["driver"] = version_string(driver, 1000, 10);
    info.facts["cudaRuntime"] = version_string(runtime, 1000, 10);
    info.facts["cudnn"] = version_string(static_cast<int>(cudnnGetVersion()), 10000, 100);
    int cublas_version = 0;
    if (!contexts_.empty() && cublasGetVersion(contexts_[0]->cublas, &cublas_version) == CUBLAS_STATUS_SUCCESS) {
      info.facts["cublas"] = version_string(cublas_version, 10000, 100);
    }
    for (size_t i = 0; i < contexts_.size(); ++i) {
      cudaDeviceProp prop{};
      if (cudaGetDeviceProperties(&prop, static_cast<int>(i)) == cudaSuccess) {
        info.facts["device" + std::to_string(i)] = std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ", " +
                                                   std::to_string(prop.totalGlobalMem >> 20) + " MiB)";
      }
    }
    return info;
  }

  DeviceContext& ctx(int index) {
    NS_CHECK(index >= 0 && index < static_cast<int>(contexts_.size()), device,
             "cuda:" + std::to_string(index) + " does not exist (" + std::to_string(contexts_.size()) + " device(s))");
    return *contexts_[index];
  }

  core::StoragePtr allocate(int index, size_t nbytes) override {
    DeviceContext& c = ctx(index);
    return std::make_shared<core::Storage>(core::Device{core::DeviceType::cuda, index}, nbytes, c.allocator);
  }

  void write(const core::Storage& dst, const void* src, size_t nbytes) override {
    DeviceContext& c = ctx(dst.device().index);
    NS_CUDA_CHECK(cudaSetDevice(c.index));
    // Ordered on the stream: a cached block may still be read by work queued before it was freed.
    NS_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src, nbytes, cudaMemcpyHostToDevice, c.stream));
    NS_CUDA_CHECK(cudaStreamSynchronize(c.stream));  // `src` is pageable JS memory: finish before returning
  }

  // Runs on a libuv worker (await t.data()) or, for dataSync(), on the JS thread; either way it
  // may block (Note [pinned staging]). Every device-side check enqueued before the copy has been
  // fetched once it is done, so the storage is marked by then if an op that wrote it failed (Note
  // [device-side errors] in common.cuh).
  void read(const core::StoragePtr& src, void* dst, size_t nbytes) override {
    DeviceContext& c = ctx(src->device().index);
    NS_CUDA_CHECK(cudaSetDevice(c.index));
    staging_[static_cast<size_t>(c.index)]->read(c.stream, src->data(), dst, nbytes);
    c.errors->resolve_ready();
    if (auto err = src->error()) err->raise();
  }

  void launch(core::Kernel kernel, core::OpCall&& call) override {
    DeviceContext& c = ctx(call.device.index);
    NS_CUDA_CHECK(cudaSetDevice(c.index));
    call.backend_context = &c;
    c.errors->resolve_ready();  // so that an input marked by a finished check is refused
    // Kernels enqueue asynchronous work on c.stream and return; launch errors throw here.
    if (!profile_.enabled()) return core::run_op(kernel, call, /*rethrow=*/true);
    OpTimings& timings = *timings_[static_cast<size_t>(c.index)];  // Note [cuda op profile]
    const core::OpId op = call.op;
    timings.begin(c.stream);
    try {
      core::run_op(kernel, call, /*rethrow=*/true);
    } catch (...) {
      timings.end(op, c.stream, false);
      throw;
    }
    timings.end(op, c.stream, true);
  }

  void synchronize(int index) override {
    DeviceContext& c = ctx(index);
    NS_CUDA_CHECK(cudaStreamSynchronize(c.stream));
    c.errors->resolve_ready();
  }

  core::MemoryReport memory(int index) override { return core::report_of(ctx(index).allocator->stats()); }

  void reset_peak_memory(int index) override {
    auto& s = ctx(index).allocator->stats();
    s.peak_bytes.store(s.live_bytes.load());
  }

  void empty_cache() override {
    for (auto& a : allocators_) a->empty_cache();
  }

  // Settings and queries that are not ops (determinism, conv workspace limit, the cuDNN
  // algorithm report and cache): all logic lives in conv_algos.cc.
  // profileStart / profileStop / profileRead / profileReset (Note [cuda op profile]), as on cpu.
  std::string control(const std::string& name, const std::string& args_json) override {
    if (name == "profileStart" || name == "profileStop" || name == "profileReset" || name == "profileRead") {
      if (name == "profileStart") profile_.set_enabled(true);
      if (name == "profileStop") profile_.set_enabled(false);
      for (size_t i = 0; i < timings_.size(); ++i) {
        NS_CUDA_CHECK(cudaSetDevice(static_cast<int>(i)));
        if (name == "profileReset") timings_[i]->clear();
        else timings_[i]->collect(profile_);
      }
      if (name == "profileReset") profile_.reset();
      return profile_.json();
    }
    return cuda_control(name, args_json, [this](int i) -> DeviceContext& { return ctx(i); }, static_cast<int>(contexts_.size()));
  }

 private:
  std::vector<std::unique_ptr<CachingAllocator>> allocators_;
  std::vector<std::unique_ptr<DeviceContext>> contexts_;
  std::vector<std::unique_ptr<ReadStaging>> staging_;  // per device (Note [pinned staging])
  std::vector<std::unique_ptr<OpTimings>> timings_;    // per device (Note [cuda op profile])
  core::OpProfile profile_;
};

}  // namespace
}  // namespace nutshell::cuda

// Called once by the addon after dlopen. Returns nullptr and sets *error when no GPU can be used.
extern "C" __attribute__((visibility("default"))) nutshell::core::Backend* nutshell_cuda_create(
    nutshell::core::Registry* registry, int op_count, std::string* error) {
  if (op_count != nutshell::core::kOpCount) {
    *error = "cuda backend was built from another op table (" + std::to_string(nutshell::core::kOpCount) + " ops, addon has " +
             std::to_string(op_count) + "): rebuild";
    return nullptr;
  }
  int count = 0;  // left untouched by a failing call
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice || e == cudaErrorInitializationError) {
    *error = std::string(e == cudaErrorNoDevice ? "no CUDA GPU" : "no CUDA driver") + " (" + cudaGetErrorName(e) + ")";
    return nullptr;
  }
  if (e != cudaSuccess) {
    *error = std::string("CUDA unavailable (") + cudaGetErrorName(e) + ": " + cudaGetErrorString(e) + ")";
    return nullptr;
  }
  if (count == 0) {
    *error = "no CUDA GPU";
    return nullptr;
  }
  try {
    auto* backend = new nutshell::cuda::CudaBackend(count);
    nutshell::cuda::register_kernels(*registry);
    return backend;
  } catch (const std::exception& ex) {
    *error = std::string("cuda backend failed to initialise: ") + ex.what();
    return nullptr;
  }
}
