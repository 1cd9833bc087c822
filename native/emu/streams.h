#pragma once
// What the emulated cuDNN and cuBLAS (dnn.cc, rnn.cc, libs.cc) need of the emulated streams
// (Note [cuda emulation] in ns_emu.h): they compute at the call, so each first waits for the work
// every stream has queued (runtime.cc), which keeps them in stream order with it.
#include <cuda_runtime.h>

namespace ns_emu {

cudaError_t wait_all_streams();

}  // namespace ns_emu
