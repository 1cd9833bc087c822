#include "stream.h"

#include "../core/error.h"

#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace nutshell::cpu {

namespace {
int default_threads() {
  // Note [threads]: OpenMP threads that compete with the JS thread (or test workers) on a small
  // machine slow ops by orders of magnitude, so the count is chosen, never left to OpenMP.
  if (const char* env = std::getenv("NUTSHELL_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  int cores = omp_get_num_procs();
  return cores > 0 ? cores : 1;
}
}  // namespace

// The thread starts with the first queued op: an environment that only makes tensors from data,
// or runs tiny ops inline (a data loader's worker), never starts one.
Stream::Stream() : threads_(default_threads()) {}

// Only the environment that owned the stream is left to see its queued ops, and it is going
// away (a worker_thread ending): ops not yet started are dropped rather than run, so ending a
// worker with a full queue does not wait for it. The op running now finishes first.
Stream::~Stream() { stop(/*release_dropped=*/true); }

// Note [streams at exit]: process.exit() (or an uncaught exception) ends the process without
// tearing the main environment down, so its stream's thread kept running queued ops while exit()
// ran the libraries' static destructors — oneDNN unmapping the JIT code a running matmul was in (a
// user trial: SIGSEGV in 2 of 20 exits with convolutions queued, 6 of 10 with a served model's
// forwards). An atexit handler cannot be ordered before oneDNN's (its caches are built lazily, on
// the stream's thread), so the tensor package stops the stream from process 'exit' (the control
// "stopStream"): queued ops are dropped, the running one finishes, the thread is joined; an op
// submitted after that (a later 'exit' listener's) runs at once on the caller's thread.

void Stream::stop(bool release_dropped) {
  auto* dropped = new std::deque<Queued>();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    dropped->swap(queue_);
    finished_ += dropped->size();
  }
  work_ready_.notify_all();
  if (worker_.joinable()) worker_.join();
  // After the join, outside the lock: their storages return to the allocator — except at exit
  // (Note [streams at exit]), where the allocator may already be gone and the process is ending.
  if (release_dropped) delete dropped;
}

void Stream::apply_threads(int& applied, bool parallel) {
  int want = parallel ? threads_.load() : 1;
  if (want != applied) {
    omp_set_num_threads(want);
    applied = want;
  }
}

// Note [waits a terminated worker leaves]: worker.terminate() stops a worker_thread's JavaScript
// when it next runs, which a JS thread blocked here never does: waiting for queue space or for a
// dataSync() read held terminate() until half (or all) of a 1024-op queue had run (a loop of
// 320×320 matmuls: 2.6 s and 1.5 s). So when the environment can say it is stopping, the wait
// wakes every 10 ms to ask, and throws once it is: nothing reads the error (the environment runs
// no more JavaScript), its teardown then drops the queue (~Stream).
template <typename Done>
void Stream::wait_until(std::unique_lock<std::mutex>& lock, Done done) {
  ++waiters_;
  struct Leave {
    int& waiters;
    ~Leave() { --waiters; }
  } leave{waiters_};
  if (!stop_waiting_) return work_done_.wait(lock, done);
  while (!work_done_.wait_for(lock, std::chrono::milliseconds(10), done)) {
    if (stop_waiting_()) NS_THROW(backend, "the environment is stopping (worker terminated): its queued ops will not run");
  }
}

int64_t Stream::submit(std::function<void()> task, bool parallel) {
  int64_t waited_ns = 0;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // Note [queue bound]: a JS thread far ahead of the worker holds what queued ops reference.
    // When outputs took their bytes at the call, 20 steps queued held 20 steps of activations
    // (3 GB instead of 170 MB for the inception example) and the bound was 128 ops; outputs now
    // take their bytes when they run (Note [deferred host memory] in core/storage.h), so the
    // inception example 20 steps ahead peaks at 51 MiB, and the bound is 1024: 16 concurrent
    // requests of a server (~500 ops) no longer stop the event loop for queue space (p99 delay
    // 59 → 10 ms in a user trial). What the bound still guards is inputs made from JS data while
    // their ops wait. Past kMaxQueued ops the caller waits until half have run — it was going to
    // wait for them anyway, and a single long op never blocks it.
    if (queue_.size() >= kMaxQueued) {
      const auto start = std::chrono::steady_clock::now();
      wait_until(lock, [&] { return queue_.size() < kMaxQueued / 2; });
      waited_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    }
    if (stopping_) {  // Note [streams at exit]: no thread any more; run it here
      lock.unlock();
      apply_threads(inline_threads_, parallel);
      task();
      return waited_ns;
    }
    if (!worker_.joinable()) worker_ = std::thread([this] { loop(); });
    queue_.push_back({std::move(task), parallel});
    ++submitted_;
  }
  work_ready_.notify_one();
  return waited_ns;
}

bool Stream::run_now_if_idle(const std::function<void()>& task) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (busy_ || !queue_.empty()) return false;
  busy_ = true;  // keeps the worker from starting anything submitted meanwhile from another thread
  lock.unlock();
  // Inline ops are tiny: one thread, so the JS thread never starts an OpenMP team of its own
  // beside the worker's (two spinning teams on two cores starve each other).
  // Per calling thread: the main JS thread and every worker_thread keep their own OpenMP setting.
  thread_local bool one_thread = false;
  if (!one_thread) {
    omp_set_num_threads(1);
    one_thread = true;
  }
  try {
    task();
  } catch (...) {
    finish_inline();
    throw;
  }
  finish_inline();
  return true;
}

void Stream::finish_inline() {
  bool queued, waited;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_ = false;
    queued = !queue_.empty();
    waited = waiters_ > 0;
  }
  // Wake threads only when someone waits: a futex wake per tiny op cost more than the op.
  if (queued) work_ready_.notify_one();
  if (waited) work_done_.notify_all();
}

void Stream::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  uint64_t target = submitted_;
  wait_until(lock, [&] { return finished_ >= target && !busy_; });
}



bool Stream::idle() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !busy_ && queue_.empty();
}

void Stream::loop() {
  int applied = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [&] { return stopping_ || (!queue_.empty() && !busy_); });
    if (queue_.empty() && stopping_) return;
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    std::function<void()> task = std::move(next.task);
    busy_ = true;
    lock.unlock();
    apply_threads(applied, next.parallel);
    task();  // tasks catch their own errors (core::run_op)
    task = nullptr;  // drop the references the task held before reporting it finished
    lock.lock();
    busy_ = false;
    ++finished_;
    if (waiters_ > 0) work_done_.notify_all();
  }
}

}  // namespace nutshell::cpu
