// The CUDA runtime as the emulated cuda backend sees it (Note [cuda emulation] in ns_emu.h): one
// device whose memory is the host's, streams with a worker thread each that runs their work in
// order while the caller goes on, and kernel launches that run the grid on fibers.
//
// It checks what a GPU would refuse and a cpu would not notice: launch shapes beyond CUDA's limits,
// copies whose device side is not inside one live cudaMalloc block (or whose direction is wrong),
// frees of unknown pointers, and barriers that not every thread reaches. Each becomes the error a
// real runtime returns (and a line on stderr saying what was wrong), so the backend's own error
// paths run too.
#include <cuda_runtime.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <sys/mman.h>
#include <vector>

#include "ns_emu.h"
#include "streams.h"
#if NS_EMU_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ns_emu {

thread_local const Place* current_place = nullptr;

namespace {

thread_local cudaError_t last_error = cudaSuccess;

cudaError_t fail(cudaError_t e, const std::string& why) {
  std::fprintf(stderr, "cuda-emu: %s\n", why.c_str());
  last_error = e;
  return e;
}

// ---- device memory: host memory, but every block is known, so copies and frees are checked ----

struct Memory {
  std::mutex mu;
  std::map<uintptr_t, size_t> device;  // start → bytes
  std::map<uintptr_t, size_t> pinned;
  size_t used = 0;
  size_t capacity = [] {
    const char* e = std::getenv("NUTSHELL_EMU_MEMORY");
    return e ? static_cast<size_t>(std::strtoull(e, nullptr, 10)) : size_t{4} << 30;
  }();
};
Memory& memory() {
  static Memory* m = new Memory;  // never destroyed: frees may come from exit-time destructors
  return *m;
}

// The block of `blocks` holding [p, p + n), or false.
bool inside(const std::map<uintptr_t, size_t>& blocks, const void* p, size_t n) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  auto it = blocks.upper_bound(a);
  if (it == blocks.begin()) return false;
  --it;
  return a >= it->first && a + n <= it->first + it->second;
}
bool on_device(const void* p, size_t n) {
  std::lock_guard<std::mutex> lock(memory().mu);
  return inside(memory().device, p, n);
}
bool pinned(const void* p, size_t n) {
  std::lock_guard<std::mutex> lock(memory().mu);
  return inside(memory().pinned, p, n);
}

std::string where(const void* p) {
  char b[32];
  std::snprintf(b, sizeof b, "%p", p);
  return b;
}

// ---- fibers ----
//
// A fiber switch saves the callee-saved registers and the floating-point control words on the
// old stack and loads them from the new one (the System V x86-64 ABI): ucontext's swapcontext
// made two system calls per switch and an op's launch took milliseconds.

}  // namespace
}  // namespace ns_emu

#if !defined(__x86_64__)
#error "the cuda emulator's fibers are written for x86-64"
#endif

extern "C" void ns_emu_switch(void** save_sp, void* load_sp);
asm(R"(
.pushsection .text
.globl ns_emu_switch
.type ns_emu_switch,@function
ns_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
.size ns_emu_switch, .-ns_emu_switch
.popsection
)");

namespace ns_emu {
namespace {

constexpr int kWarp = 32;
constexpr size_t kStack = 64 * 1024;
constexpr int kMaxThreads = 1024;

struct Fiber {
  void* sp = nullptr;
  Place place;
  int barrier = 0;       // block barriers arrived at
  int warp_barrier = 0;  // warp exchanges arrived at
  bool waiting = false;
  bool warp_wait = false;
  bool done = false;
};

struct Block {
  void* scheduler_sp = nullptr;
  std::vector<Fiber> fibers;
  const std::function<void()>* body = nullptr;
  std::vector<unsigned char> dynamic_shared;
  // Warp exchange slots, double-buffered by the exchange's parity (a lane can be one exchange
  // ahead of a lane that has not read yet).
  std::vector<unsigned char> slots;
  Fiber* running = nullptr;
};
thread_local Block* block = nullptr;

constexpr size_t kSlot = 16;

// Fiber stacks, kept for the thread's later launches (mapping them per launch cost a page fault
// per fiber).
struct Stacks {
  char* base = nullptr;
  int count = 0;
  char* get(int n) {
    if (n > count) {
      if (base) munmap(base, kStack * count);
      base = static_cast<char*>(mmap(nullptr, kStack * n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
      count = base == MAP_FAILED ? 0 : n;
      if (base == MAP_FAILED) base = nullptr;
    }
    return base;
  }
  ~Stacks() {
    if (base) munmap(base, kStack * count);
  }
};
thread_local Stacks stacks;

[[noreturn]] void fiber_main() {
  Block& b = *block;
  (*b.body)();
  Fiber* f = b.running;
  f->done = true;
  ns_emu_switch(&f->sp, b.scheduler_sp);
  __builtin_unreachable();
}

// A fresh fiber's stack as ns_emu_switch leaves a suspended one: control words, six registers,
// and fiber_main as the return address (entered with the stack aligned as after a call).
void* initial_frame(char* stack_base) {
#if NS_EMU_ASAN
  // A finished fiber never returns from fiber_main: its frame's redzones stay poisoned.
  __asan_unpoison_memory_region(stack_base, kStack);
#endif
  auto* top = reinterpret_cast<uint64_t*>(reinterpret_cast<uintptr_t>(stack_base + kStack) & ~uintptr_t{15});
  *--top = 0;                                            // the alignment slot of a return address
  *--top = reinterpret_cast<uint64_t>(&fiber_main);      // ret target
  for (int r = 0; r < 6; r++) *--top = 0;                // rbp rbx r12 r13 r14 r15
  *--top = uint64_t{0x1F80} | (uint64_t{0x037F} << 32);  // mxcsr, x87 control word
  return top;
}

void yield() {
  Block& b = *block;
  Fiber* f = b.running;
  ns_emu_switch(&f->sp, b.scheduler_sp);
}

// Runs one block to the end; false when its threads can no longer all make progress.
bool run_block(Block& b, int n) {
  int live = n;
  std::vector<int> min_warp((n + kWarp - 1) / kWarp);
  while (live > 0) {
    // The lowest barrier any live thread is at: threads waiting there (or below) may go on.
    int min_barrier = INT32_MAX;
    std::fill(min_warp.begin(), min_warp.end(), INT32_MAX);
    for (int i = 0; i < n; i++) {
      const Fiber& f = b.fibers[i];
      if (f.done) continue;
      min_barrier = std::min(min_barrier, f.barrier);
      min_warp[i / kWarp] = std::min(min_warp[i / kWarp], f.warp_barrier);
    }
    bool progressed = false;
    for (int i = 0; i < n; i++) {
      Fiber& f = b.fibers[i];
      if (f.done) continue;
      if (f.waiting && f.barrier > min_barrier) continue;
      if (f.warp_wait && f.warp_barrier > min_warp[i / kWarp]) continue;
      f.waiting = f.warp_wait = false;
      b.running = &f;
      current_place = &f.place;
      ns_emu_switch(&b.scheduler_sp, f.sp);
      progressed = true;
      if (f.done) live--;
    }
    if (!progressed) return false;
  }
  return true;
}

}  // namespace

void sync_block() {
  Fiber* f = block->running;
  f->barrier++;
  f->waiting = true;
  yield();
}

void* dynamic_shared() { return block->dynamic_shared.data(); }

int lane_id() {
  const Place& p = *current_place;
  const unsigned linear = p.thread_idx.x + p.block.x * (p.thread_idx.y + p.block.y * p.thread_idx.z);
  return static_cast<int>(linear % kWarp);
}

void warp_exchange(const void* mine, void* out, size_t bytes, int src_lane) {
  Block& b = *block;
  Fiber* f = b.running;
  const size_t linear = static_cast<size_t>(f - b.fibers.data());
  const size_t warp = linear / kWarp;
  auto slot = [&](int parity, size_t lane) { return b.slots.data() + ((warp * 2 + parity) * kWarp + lane) * kSlot; };
  const int parity = f->warp_barrier % 2;
  std::memcpy(slot(parity, linear % kWarp), mine, bytes);
  f->warp_barrier++;
  f->warp_wait = true;
  yield();
  const size_t src = static_cast<size_t>(src_lane);
  // A lane that exited before this exchange never wrote its slot: undefined on a GPU.
  if (warp * kWarp + src >= b.fibers.size() || b.fibers[warp * kWarp + src].warp_barrier < f->warp_barrier) {
    std::memcpy(out, mine, bytes);
    return;
  }
  std::memcpy(out, slot(parity, src), bytes);
}

// NUTSHELL_EMU_LAUNCHES=1: counts launches per kernel and prints them at exit (how many kernels
// an op or a training step costs, which a GPU pays for in launch latency).
struct LaunchCounts {
  std::mutex mu;
  std::map<std::string, std::pair<long, long>> counts;  // name → launches, threads
  ~LaunchCounts() {
    long total = 0;
    for (const auto& [name, c] : counts) total += c.first;
    std::fprintf(stderr, "cuda-emu: %ld launches\n", total);
    for (const auto& [name, c] : counts) std::fprintf(stderr, "cuda-emu: %8ld × %s (%ld threads each on average)\n", c.first, name.c_str(), c.second / c.first);
  }
};
LaunchCounts* launch_counts() {
  static LaunchCounts* counts = std::getenv("NUTSHELL_EMU_LAUNCHES") ? new LaunchCounts : nullptr;
  return counts;
}
void count_launch(const char* name, uint64_t threads) {
  static struct Reporter {
    ~Reporter() { delete launch_counts(); }
  } reporter;
  LaunchCounts* c = launch_counts();
  if (!c) return;
  std::lock_guard<std::mutex> lock(c->mu);
  auto& e = c->counts[name];
  e.first++;
  e.second += static_cast<long>(threads);
}

namespace {

// A launch shape CUDA refuses at the call: fails it (cudaSuccess when it is fine).
cudaError_t check_launch(const Cfg& cfg, const char* name) {
  const dim3 g = cfg.grid, t = cfg.block;
  const uint64_t threads = uint64_t{t.x} * t.y * t.z;
  if (threads == 0 || uint64_t{g.x} * g.y * g.z == 0 || threads > kMaxThreads || t.z > 64 || g.y > 65535 || g.z > 65535 || g.x > 0x7fffffffu) {
    return fail(cudaErrorInvalidConfiguration, std::string(name) + ": invalid launch grid (" + std::to_string(g.x) + "," + std::to_string(g.y) + "," +
                                                   std::to_string(g.z) + ") block (" + std::to_string(t.x) + "," + std::to_string(t.y) + "," +
                                                   std::to_string(t.z) + ")");
  }
  if (cfg.shmem > 48 * 1024) {
    return fail(cudaErrorInvalidValue, std::string(name) + ": " + std::to_string(cfg.shmem) + " bytes of dynamic shared memory (48 KiB without opting in)");
  }
  return cudaSuccess;
}

// Runs every block of a checked launch on this thread; the error of a failed run, else cudaSuccess.
cudaError_t execute_grid(const Cfg& cfg, const std::function<void()>& body, const char* name) {
  const dim3 g = cfg.grid, t = cfg.block;
  Block* outer = block;
  const Place* outer_place = current_place;
  Block b;
  const int n = static_cast<int>(uint64_t{t.x} * t.y * t.z);
  b.fibers.resize(n);
  b.body = &body;
  b.dynamic_shared.assign(cfg.shmem, 0xcd);  // not zero: a kernel must not rely on it
  b.slots.assign(((n + kWarp - 1) / kWarp) * 2 * kWarp * kSlot, 0);
  char* stack_base = stacks.get(n);
  if (!stack_base) return fail(cudaErrorMemoryAllocation, std::string(name) + ": no memory for the emulator's fiber stacks");
  block = &b;
  cudaError_t result = cudaSuccess;
  for (unsigned bz = 0; bz < g.z && result == cudaSuccess; bz++)
    for (unsigned by = 0; by < g.y && result == cudaSuccess; by++)
      for (unsigned bx = 0; bx < g.x && result == cudaSuccess; bx++) {
        for (int i = 0; i < n; i++) {
          Fiber& f = b.fibers[i];
          f = Fiber{};
          f.place = Place{g, t, uint3{bx, by, bz}, uint3{static_cast<unsigned>(i) % t.x, (static_cast<unsigned>(i) / t.x) % t.y, static_cast<unsigned>(i) / (t.x * t.y)}};
          f.sp = initial_frame(stack_base + kStack * i);
        }
        if (!run_block(b, n)) {
          result = fail(cudaErrorLaunchFailure, std::string(name) + ": block (" + std::to_string(bx) + "," + std::to_string(by) + "," +
                                                    std::to_string(bz) + ") deadlocked: some threads wait at a barrier the others never reach");
        }
      }
  block = outer;
  current_place = outer_place;
  return result;
}

// ---- streams: a worker thread each, running its work in order ----

bool synchronous() {
  static const bool sync = std::getenv("NUTSHELL_EMU_SYNC") != nullptr;
  return sync;
}

struct Stream {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<cudaError_t()>> work;
  bool busy = false, stopping = false;
  cudaError_t failed = cudaSuccess;  // the first failure of queued work, reported when waited for
  std::thread worker;

  Stream() { worker = std::thread([this] { loop(); }); }
  ~Stream() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
    }
    cv.notify_all();
    worker.join();
  }
  void loop() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return stopping || !work.empty(); });
      if (work.empty()) return;
      auto task = std::move(work.front());
      work.pop_front();
      busy = true;
      lock.unlock();
      const cudaError_t e = task();
      lock.lock();
      busy = false;
      if (e != cudaSuccess && failed == cudaSuccess) failed = e;
      cv.notify_all();
    }
  }
  void submit(std::function<cudaError_t()> task) {
    {
      std::lock_guard<std::mutex> lock(mu);
      work.push_back(std::move(task));
    }
    cv.notify_all();
  }
  // Waits until everything queued so far has run; the first failure among it, once.
  cudaError_t drain() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return work.empty() && !busy; });
    const cudaError_t e = failed;
    failed = cudaSuccess;
    return e;
  }
};

struct Streams {
  std::mutex mu;
  std::set<Stream*> live;
};
Streams& streams() {
  static Streams* s = new Streams;  // never destroyed: streams may be destroyed at exit
  return *s;
}

// Runs `task` now (the null stream, or NUTSHELL_EMU_SYNC=1) or queues it on `stream`.
cudaError_t on_stream(cudaStream_t stream, std::function<cudaError_t()> task) {
  if (!stream || synchronous()) return task();
  reinterpret_cast<Stream*>(stream)->submit(std::move(task));
  return cudaSuccess;
}

}  // namespace

cudaError_t wait_all_streams() {
  std::vector<Stream*> all;
  {
    std::lock_guard<std::mutex> lock(streams().mu);
    all.assign(streams().live.begin(), streams().live.end());
  }
  cudaError_t first = cudaSuccess;
  for (Stream* s : all) {
    const cudaError_t e = s->drain();
    if (first == cudaSuccess) first = e;
  }
  return first;
}

namespace {
thread_local cudaError_t library_fault_now = cudaSuccess;  // set by library_fault during a library call's work
}

void library_work(cudaStream_t stream, const char* name, std::function<void()> work) {
  count_launch(name, 1);
  const cudaError_t e = on_stream(stream, [work = std::move(work)] {
    library_fault_now = cudaSuccess;
    work();
    return library_fault_now;
  });
  if (e != cudaSuccess) last_error = e;
}

void library_fault(const std::string& why) {
  if (library_fault_now == cudaSuccess) library_fault_now = fail(cudaErrorLaunchFailure, why);
}

bool device_spans(const char* call, std::initializer_list<Span> spans) {
  for (const Span& s : spans) {
    if (s.bytes == 0 || on_device(s.p, s.bytes) || pinned(s.p, s.bytes)) continue;
    std::fprintf(stderr, "cuda-emu: %s: %s (%zu bytes at %p) is not inside one device block\n", call, s.what, s.bytes, s.p);
    return false;
  }
  return true;
}

void run_grid(const Cfg& cfg, const char* name, std::function<void()> body) {
  const dim3 g = cfg.grid, t = cfg.block;
  count_launch(name, uint64_t{g.x} * g.y * g.z * t.x * t.y * t.z);
  if (check_launch(cfg, name) != cudaSuccess) return;
  const cudaError_t e = on_stream(cfg.stream, [cfg, name, body = std::move(body)] { return execute_grid(cfg, body, name); });
  if (e != cudaSuccess) last_error = e;
}

}  // namespace ns_emu

using ns_emu::fail;
using ns_emu::memory;
using ns_emu::on_device;
using ns_emu::pinned;
using ns_emu::where;

namespace {

// An event completes when its stream runs the record; waiting is on one condition variable for
// all events (they are few and waits are short).
struct EmuEvent {
  std::chrono::steady_clock::time_point at;
  uint64_t recorded = 0, completed = 0;  // records asked for, records run
};
std::mutex event_mu;
std::condition_variable event_cv;

std::string copy_problem(void* dst, const void* src, size_t n, cudaMemcpyKind kind) {
  const bool dst_dev = on_device(dst, n), src_dev = on_device(src, n);
  switch (kind) {
    case cudaMemcpyHostToDevice:
      if (!dst_dev) return "host→device copy of " + std::to_string(n) + " bytes to " + where(dst) + ", not inside one device block";
      if (src_dev) return "host→device copy from device memory " + where(src);
      return "";
    case cudaMemcpyDeviceToHost:
      if (!src_dev) return "device→host copy of " + std::to_string(n) + " bytes from " + where(src) + ", not inside one device block";
      if (dst_dev) return "device→host copy into device memory " + where(dst);
      return "";
    case cudaMemcpyDeviceToDevice:
      if (!dst_dev || !src_dev) return "device→device copy of " + std::to_string(n) + " bytes with a side outside device memory (" + where(src) + " → " + where(dst) + ")";
      return "";
    default:
      return "";  // cudaMemcpyDefault / HostToHost: anything goes
  }
}

cudaError_t do_copy(void* dst, const void* src, size_t n, cudaMemcpyKind kind) {
  if (n == 0) return cudaSuccess;
  const std::string problem = copy_problem(dst, src, n, kind);
  if (!problem.empty()) return fail(cudaErrorInvalidValue, problem);
  std::memmove(dst, src, n);
  return cudaSuccess;
}

}  // namespace

extern "C" {

cudaError_t cudaGetDeviceCount(int* count) {
  const char* e = std::getenv("NUTSHELL_EMU_DEVICES");
  *count = e ? std::atoi(e) : 1;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int) { return cudaSuccess; }
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int) {
  std::memset(prop, 0, sizeof *prop);
  std::snprintf(prop->name, sizeof prop->name, "nutshell cuda emulator (cpu)");
  prop->totalGlobalMem = memory().capacity;
  prop->major = 9;
  prop->minor = 0;
  prop->multiProcessorCount = 4;
  prop->warpSize = 32;
  prop->maxThreadsPerBlock = 1024;
  prop->sharedMemPerBlock = 48 * 1024;
  return cudaSuccess;
}
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int) {
  switch (attr) {
    case cudaDevAttrComputeCapabilityMajor: *value = 9; break;
    case cudaDevAttrComputeCapabilityMinor: *value = 0; break;
    case cudaDevAttrMultiProcessorCount: *value = 4; break;
    default: *value = 0;
  }
  return cudaSuccess;
}
cudaError_t cudaDriverGetVersion(int* v) {
  *v = CUDART_VERSION;
  return cudaSuccess;
}
cudaError_t cudaRuntimeGetVersion(int* v) {
  *v = CUDART_VERSION;
  return cudaSuccess;
}
cudaError_t cudaDeviceSynchronize() { return ns_emu::wait_all_streams(); }

cudaError_t cudaMalloc(void** p, size_t n) {
  auto& m = memory();
  std::lock_guard<std::mutex> lock(m.mu);
  const size_t rounded = (std::max<size_t>(n, 1) + 255) / 256 * 256;
#if NS_EMU_ASAN
  const size_t bytes = std::max<size_t>(n, 1);  // exactly: AddressSanitizer then sees any overrun
#else
  const size_t bytes = rounded;
#endif
  if (m.used + rounded > m.capacity) {
    *p = nullptr;
    ns_emu::last_error = cudaErrorMemoryAllocation;  // not printed: the allocator retries, users see its message
    return cudaErrorMemoryAllocation;
  }
  void* q = nullptr;
  if (posix_memalign(&q, 256, bytes) != 0) return fail(cudaErrorMemoryAllocation, "host out of memory");
  std::memset(q, 0xcd, bytes);  // garbage, as fresh device memory is: a kernel must not rely on zeros
  m.device[reinterpret_cast<uintptr_t>(q)] = n;
  m.used += rounded;
  *p = q;
  return cudaSuccess;
}
cudaError_t cudaFree(void* p) {
  if (!p) return cudaSuccess;
  ns_emu::wait_all_streams();  // cudaFree synchronises the device: queued work may still use the block
  auto& m = memory();
  std::lock_guard<std::mutex> lock(m.mu);
  auto it = m.device.find(reinterpret_cast<uintptr_t>(p));
  if (it == m.device.end()) return fail(cudaErrorInvalidValue, "cudaFree of " + where(p) + ", not the start of a device block");
  m.used -= (std::max<size_t>(it->second, 1) + 255) / 256 * 256;
  m.device.erase(it);
  std::free(p);
  return cudaSuccess;
}
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total) {
  auto& m = memory();
  std::lock_guard<std::mutex> lock(m.mu);
  *free_bytes = m.capacity - m.used;
  *total = m.capacity;
  return cudaSuccess;
}
cudaError_t cudaHostAlloc(void** p, size_t n, unsigned int) {
  void* q = std::aligned_alloc(256, (std::max<size_t>(n, 1) + 255) / 256 * 256);
  if (!q) return fail(cudaErrorMemoryAllocation, "host out of memory (pinned)");
  std::lock_guard<std::mutex> lock(memory().mu);
  memory().pinned[reinterpret_cast<uintptr_t>(q)] = n;
  *p = q;
  return cudaSuccess;
}
cudaError_t cudaFreeHost(void* p) {
  if (!p) return cudaSuccess;
  ns_emu::wait_all_streams();
  std::lock_guard<std::mutex> lock(memory().mu);
  if (!memory().pinned.erase(reinterpret_cast<uintptr_t>(p))) return fail(cudaErrorInvalidValue, "cudaFreeHost of " + where(p) + ", not a pinned block");
  std::free(p);
  return cudaSuccess;
}
// Mapped pinned memory: on the emulated device the host pointer is the device pointer. Kernels
// that write through it are not checked against device blocks (they never are).
cudaError_t cudaHostGetDevicePointer(void** d, void* h, unsigned int) {
  *d = h;
  return cudaSuccess;
}

// The blocking copy and memset run at the call: they do not wait for the backend's non-blocking
// streams, as on a GPU.
cudaError_t cudaMemcpy(void* dst, const void* src, size_t n, cudaMemcpyKind kind) { return do_copy(dst, src, n, kind); }
// As CUDA documents for pageable host memory: a host-to-device copy takes the source before it
// returns (the caller may reuse it at once), and a device-to-host copy returns only once done.
// Pinned memory on either side makes the copy fully asynchronous.
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t n, cudaMemcpyKind kind, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  const std::string problem = copy_problem(dst, src, n, kind);
  if (!problem.empty()) return fail(cudaErrorInvalidValue, problem);
  if (kind == cudaMemcpyHostToDevice && !pinned(src, n)) {
    auto taken = std::make_shared<std::vector<unsigned char>>(static_cast<const unsigned char*>(src), static_cast<const unsigned char*>(src) + n);
    return ns_emu::on_stream(stream, [dst, taken] {
      std::memcpy(dst, taken->data(), taken->size());
      return cudaSuccess;
    });
  }
  if (kind == cudaMemcpyDeviceToHost && !pinned(dst, n)) {
    const cudaError_t e = stream ? reinterpret_cast<ns_emu::Stream*>(stream)->drain() : cudaSuccess;
    if (e != cudaSuccess) return e;
    std::memmove(dst, src, n);
    return cudaSuccess;
  }
  return ns_emu::on_stream(stream, [dst, src, n] {
    std::memmove(dst, src, n);
    return cudaSuccess;
  });
}
cudaError_t cudaMemset(void* p, int v, size_t n) {
  if (n && !on_device(p, n)) return fail(cudaErrorInvalidValue, "cudaMemset of " + std::to_string(n) + " bytes at " + where(p) + ", not inside one device block");
  std::memset(p, v, n);
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* p, int v, size_t n, cudaStream_t stream) {
  if (n && !on_device(p, n)) return fail(cudaErrorInvalidValue, "cudaMemsetAsync of " + std::to_string(n) + " bytes at " + where(p) + ", not inside one device block");
  return ns_emu::on_stream(stream, [p, v, n] {
    std::memset(p, v, n);
    return cudaSuccess;
  });
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned int) {
  auto* stream = new ns_emu::Stream;
  std::lock_guard<std::mutex> lock(ns_emu::streams().mu);
  ns_emu::streams().live.insert(stream);
  *s = reinterpret_cast<cudaStream_t>(stream);
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  auto* stream = reinterpret_cast<ns_emu::Stream*>(s);
  {
    std::lock_guard<std::mutex> lock(ns_emu::streams().mu);
    ns_emu::streams().live.erase(stream);
  }
  delete stream;  // runs what is queued, then stops its worker
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t s) { return s ? reinterpret_cast<ns_emu::Stream*>(s)->drain() : cudaSuccess; }

cudaError_t cudaEventCreate(cudaEvent_t* e) {
  *e = reinterpret_cast<cudaEvent_t>(new EmuEvent);
  return cudaSuccess;
}
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* e, unsigned int) { return cudaEventCreate(e); }
cudaError_t cudaEventDestroy(cudaEvent_t e) {
  delete reinterpret_cast<EmuEvent*>(e);
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t stream) {
  auto* ev = reinterpret_cast<EmuEvent*>(e);
  uint64_t target;
  {
    std::lock_guard<std::mutex> lock(event_mu);
    target = ++ev->recorded;
  }
  return ns_emu::on_stream(stream, [ev, target] {
    {
      std::lock_guard<std::mutex> lock(event_mu);
      ev->at = std::chrono::steady_clock::now();
      ev->completed = std::max(ev->completed, target);
    }
    event_cv.notify_all();
    return cudaSuccess;
  });
}
cudaError_t cudaEventQuery(cudaEvent_t e) {
  auto* ev = reinterpret_cast<EmuEvent*>(e);
  std::lock_guard<std::mutex> lock(event_mu);
  return ev->completed >= ev->recorded ? cudaSuccess : cudaErrorNotReady;
}
cudaError_t cudaEventSynchronize(cudaEvent_t e) {
  auto* ev = reinterpret_cast<EmuEvent*>(e);
  std::unique_lock<std::mutex> lock(event_mu);
  event_cv.wait(lock, [&] { return ev->completed >= ev->recorded; });
  return cudaSuccess;
}
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t a, cudaEvent_t b) {
  auto* x = reinterpret_cast<EmuEvent*>(a);
  auto* y = reinterpret_cast<EmuEvent*>(b);
  std::lock_guard<std::mutex> lock(event_mu);
  if (x->completed == 0 || y->completed == 0) return fail(cudaErrorInvalidResourceHandle, "cudaEventElapsedTime on an event never recorded");
  if (x->completed < x->recorded || y->completed < y->recorded) return cudaErrorNotReady;
  *ms = std::chrono::duration<float, std::milli>(y->at - x->at).count();
  return cudaSuccess;
}

cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void* data) {
  return ns_emu::on_stream(stream, [fn, data] {
    fn(data);
    return cudaSuccess;
  });
}

cudaError_t cudaGetLastError() {
  const cudaError_t e = ns_emu::last_error;
  ns_emu::last_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError() { return ns_emu::last_error; }

const char* cudaGetErrorName(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInitializationError: return "cudaErrorInitializationError";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
    default: return "cudaError (emulated)";
  }
}
const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    default: return "emulated cuda error";
  }
}

}  // extern "C"
