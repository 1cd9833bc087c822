#pragma once
// Note [spin barrier]: a recurrent layer's threads meet once per time step, every ~50 µs. Under
// OMP_WAIT_POLICY=PASSIVE (our default, Note [threads per op]) libgomp's own barrier puts a waiting
// thread to sleep on a futex and wakes it with a syscall, ~20 µs per meeting on this machine, as
// long as the step's work. This barrier spins (with the pause hint) and yields only after a long
// wait, so a step costs a few hundred nanoseconds of synchronisation when the threads are
// balanced; it is meant for one parallel region whose threads each own a core. A thread that fails
// calls abort(): every waiter returns false from wait() and the region winds down instead of
// hanging on a partner that will never come (exceptions must not leave an OpenMP region).
#include <atomic>
#include <thread>

namespace nutshell::cpu {

class SpinBarrier {
 public:
  explicit SpinBarrier(int threads) : threads_(threads) {}

  // Returns false when some thread has aborted.
  bool wait() {
    if (threads_ <= 1) return !aborted_.load(std::memory_order_acquire);
    const int generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.store(generation + 1, std::memory_order_release);
    } else {
      for (int spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins) {
        if (aborted_.load(std::memory_order_relaxed)) return false;
        if (spins < kSpinsBeforeYield) pause();
        else std::this_thread::yield();
      }
    }
    return !aborted_.load(std::memory_order_acquire);
  }

  void abort() { aborted_.store(true, std::memory_order_release); }
  bool aborted() const { return aborted_.load(std::memory_order_acquire); }

 private:
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  // ~100 µs of pauses, then yield: with more runnable threads than cores (the JS thread beside a
  // full team) the partner may be off its core, and only giving ours up lets it run.
  static constexpr int kSpinsBeforeYield = 1 << 12;
  const int threads_;
  std::atomic<int> arrived_{0};
  std::atomic<int> generation_{0};
  std::atomic<bool> aborted_{false};
};

}  // namespace nutshell::cpu
