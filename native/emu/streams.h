#pragma once
// What the emulated cuDNN and cuBLAS (dnn.cc, rnn.cc, libs.cc) need of the emulated runtime
// (Note [cuda emulation] in ns_emu.h): they compute at the call, so each first waits for the work
// every stream has queued (runtime.cc), which keeps them in stream order with it; and each checks
// that the memory it is given is the GPU's, as a GPU would fault on a host pointer.
#include <cuda_runtime.h>

#include <cstddef>
#include <initializer_list>

namespace ns_emu {

cudaError_t wait_all_streams();

// An argument's memory: `bytes` from `p` (0: not used by this call).
struct Span {
  const char* what;
  const void* p;
  size_t bytes;
};
// Whether every span lies inside one device block (or mapped pinned memory); prints the first
// that does not, naming `call`.
bool device_spans(const char* call, std::initializer_list<Span> spans);

}  // namespace ns_emu
