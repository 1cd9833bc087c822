#pragma once
// What the emulated cuDNN and cuBLAS (dnn.cc, rnn.cc, libs.cc) need of the emulated runtime
// (Note [cuda emulation] in ns_emu.h): every call that computes runs on its handle's stream like a
// kernel (library_work): its checks at the call, as the real
// libraries make them, their computation in order behind the host. Each call checks that the
// memory it is given is the GPU's, as a GPU would fault on a host pointer.
#include <cuda_runtime.h>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <string>

namespace ns_emu {

// The stream a cuDNN or cuBLAS handle was given (cudnnSetStream / cublasSetStream; null before).
cudaStream_t stream_of(const void* handle);
// Runs a call's computation in order on `stream` (its checks done at the call, as the real
// libraries do), behind the host like a kernel.
void library_work(cudaStream_t stream, const char* name, std::function<void()> work);
// Called from inside such work: what a GPU would find wrong only when the call runs (device
// memory read then, like devSeqLengths), reported as a failed launch, as a faulting kernel is.
void library_fault(const std::string& why);

// The bytes of n four-byte elements (float32 tensors, int32 sequence lengths).
inline size_t words(long long n) { return 4 * static_cast<size_t>(n); }

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
