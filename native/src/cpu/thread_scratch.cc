// Note [thread scratch] (thread_scratch.h).
#include "thread_scratch.h"

#include <cstdlib>
#include <string>

#include "../core/error.h"

namespace nutshell::cpu {

namespace {

constexpr size_t kKeptBytes = size_t{64} << 20;

struct Buffer {
  void* data = nullptr;
  size_t bytes = 0;
};

struct Buffers {
  Buffer slots[static_cast<int>(Scratch::count)];
  ~Buffers() {
    for (Buffer& b : slots) std::free(b.data);
  }
};

thread_local Buffers buffers;

}  // namespace

void* thread_scratch(Scratch which, size_t bytes) {
  Buffer& b = buffers.slots[static_cast<int>(which)];
  if (b.bytes < bytes) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded);
    if (!p) NS_THROW(backend, "cpu: out of memory allocating " + std::to_string(rounded) + " bytes of scratch");
    std::free(b.data);
    b.data = p;
    b.bytes = rounded;
  }
  return b.data;
}

void trim_thread_scratch() {
  for (Buffer& b : buffers.slots) {
    if (b.bytes > kKeptBytes) {
      std::free(b.data);
      b = Buffer{};
    }
  }
}

}  // namespace nutshell::cpu
