#pragma once
// The cpu "stream": one native worker thread that runs queued ops in order, so the JS thread only
// validates, allocates and enqueues. oneDNN may use several OpenMP threads inside one op.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace nutshell::cpu {

class Stream {
 public:
  Stream();
  ~Stream();
  // Runs `task` on the worker after everything queued before it, with all of the stream's
  // threads when `parallel`, else with one (Note [threads per op] in backend.cc).
  // Returns how long the caller waited for queue space (Note [queue bound]), in nanoseconds.
  int64_t submit(std::function<void()> task, bool parallel = true);
  // Runs `task` on the calling thread if the stream is idle and returns true; false otherwise.
  // Lets tiny ops skip the thread hop, which would cost more than the op.
  bool run_now_if_idle(const std::function<void()>& task);
  // Blocks until every task submitted before this call has finished.
  void wait();
  // Whether nothing is queued or running (only the submitting thread can change that).
  bool idle();
  void set_num_threads(int n) { threads_.store(n); }
  // Note [waits a terminated worker leaves]: asked every few milliseconds while the JS thread
  // waits (for queue space or the queue's end); when it says true the wait throws instead.
  void set_stop_waiting(std::function<bool()> stop_waiting) { stop_waiting_ = std::move(stop_waiting); }
  int num_threads() const { return threads_.load(); }
  // Drops the ops not yet started, lets the running one finish and joins the thread (the
  // destructor's work, and process exit's: Note [streams at exit] in stream.cc). Idempotent.
  void stop(bool release_dropped);

 private:
  void loop();
  void apply_threads(int& applied, bool parallel);
  void finish_inline();
  template <typename Done>
  void wait_until(std::unique_lock<std::mutex>& lock, Done done);
  std::function<bool()> stop_waiting_;
  std::mutex mutex_;
  std::condition_variable work_ready_, work_done_;
  struct Queued {
    std::function<void()> task;
    bool parallel;
  };
  std::deque<Queued> queue_;
  uint64_t submitted_ = 0, finished_ = 0;
  int waiters_ = 0;  // threads blocked in wait() or in submit()
  static constexpr size_t kMaxQueued = 1024;
  bool busy_ = false, stopping_ = false;
  int inline_threads_ = 0;  // OpenMP threads applied on the caller's thread after stop()
  std::atomic<int> threads_;
  std::thread worker_;
};

}  // namespace nutshell::cpu
