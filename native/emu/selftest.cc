// The cuda emulator's own checks (Note [cuda emulation] in ns_emu.h), run by scripts/cuda-emu-test
// before anything relies on it: barriers and shared memory, warp shuffles (a lane may already have
// exited after writing), dynamic shared memory, the errors a GPU would give — a barrier some
// threads never reach, a launch beyond CUDA's limits, a copy outside device memory, a bad free —
// and streams that run their work after the call returns, in order, with events that say so; the
// emulated cuDNN's calls run on those streams too, reading device memory only when they run.
// Prints one line per check and "N passed, N failed"; exit 1 on a failure.
#include <cudnn.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string& what) {
  (ok ? passed : failed)++;
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
}

// Sum of 0..blockDim.x-1 through shared memory and a tree of barriers.
__global__ void block_sum(int* out) {
  __shared__ int s[256];
  s[threadIdx.x] = static_cast<int>(threadIdx.x);
  __syncthreads();
  for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) s[threadIdx.x] += s[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[blockIdx.x] = s[0];
}

// Warp maximum by shuffles down, then broadcast from lane 0 to every lane.
__global__ void warp_max(const float* in, float* out) {
  float v = in[threadIdx.x];
  for (int off = 16; off > 0; off /= 2) {
    const float o = __shfl_down_sync(0xffffffffu, v, off);
    v = v > o ? v : o;
  }
  out[threadIdx.x] = __shfl_sync(0xffffffffu, v, 0);
}

__global__ void reverse_dynamic(const int* in, int* out, int n) {
  int* s = static_cast<int*>(::ns_emu::dynamic_shared());
  s[threadIdx.x] = in[threadIdx.x];
  __syncthreads();
  out[threadIdx.x] = s[n - 1 - threadIdx.x];
}

// Even lanes wait at the block barrier for odd lanes that wait at a shuffle for the even ones: a
// hang on a GPU, a failed launch here.
__global__ void divergent_barrier(int* out) {
  if (threadIdx.x % 2 == 0) __syncthreads();
  else out[threadIdx.x] = __shfl_sync(0xffffffffu, static_cast<int>(threadIdx.x), 0);
}

// Waits until the host raises *go, then writes `value`: work the host can hold back.
__global__ void wait_then_write(const volatile int* go, int* out, int value) {
  while (!*go) {
  }
  *out = value;
}

__global__ void overwrite(int* out, int value) { *out = value; }

__global__ void wait_then_write_float(const volatile int* go, float* out, float value) {
  while (!*go) {
  }
  *out = value;
}

// What a cuDNN call runs with: a handle on a non-blocking stream, float [1, C, 1, 1] descriptors.
struct Library {
  cudaStream_t stream = nullptr;
  cudnnHandle_t dnn = nullptr;
  Library() {
    cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    cudnnCreate(&dnn);
    cudnnSetStream(dnn, stream);
  }
  ~Library() { cudaStreamDestroy(stream); }  // (the handle stays: the backend never destroys one, so no stub does)
  static cudnnTensorDescriptor_t channels(int c) {
    cudnnTensorDescriptor_t d = nullptr;
    cudnnCreateTensorDescriptor(&d);
    cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, c, 1, 1);
    return d;
  }
};

// An LSTM over T steps of one sequence (C = H = 1, inference), devSeqLengths filled with
// `lengths` on the stream before the call (`after` false) or after it; what the stream reports.
cudaError_t lstm_with_lengths_written(bool after) {
  const int T = 2;
  Library lib;
  cudnnRNNDescriptor_t rnn = nullptr;
  cudnnRNNDataDescriptor_t xd = nullptr, yd = nullptr;
  cudnnCreateRNNDescriptor(&rnn);
  cudnnSetRNNDescriptor_v8(rnn, CUDNN_RNN_ALGO_STANDARD, CUDNN_LSTM, CUDNN_RNN_DOUBLE_BIAS, CUDNN_UNIDIRECTIONAL, CUDNN_LINEAR_INPUT, CUDNN_DATA_FLOAT,
                           CUDNN_DATA_FLOAT, CUDNN_DEFAULT_MATH, 1, 1, 1, 1, nullptr, CUDNN_RNN_PADDED_IO_ENABLED);
  const int lengths[1] = {T};
  for (cudnnRNNDataDescriptor_t* d : {&xd, &yd}) {
    cudnnCreateRNNDataDescriptor(d);
    cudnnSetRNNDataDescriptor(*d, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED, T, 1, 1, lengths, nullptr);
  }
  size_t weight_bytes = 0;
  cudnnGetRNNWeightSpaceSize(lib.dnn, rnn, &weight_bytes);
  float *x = nullptr, *y = nullptr, *w = nullptr;
  int* dev_lengths = nullptr;
  cudaMalloc(reinterpret_cast<void**>(&x), T * sizeof(float));
  cudaMalloc(reinterpret_cast<void**>(&y), T * sizeof(float));
  cudaMalloc(reinterpret_cast<void**>(&w), weight_bytes);
  cudaMalloc(reinterpret_cast<void**>(&dev_lengths), sizeof(int));
  cudaMemset(x, 0, T * sizeof(float));
  cudaMemset(w, 0, weight_bytes);
  cudaMemset(dev_lengths, 0, sizeof(int));
  auto write_lengths = [&] { ::ns_emu::launch(::ns_emu::Cfg(1, 1, 0, lib.stream), "overwrite", [](auto&&... a) { overwrite(a...); }, dev_lengths, T); };
  if (!after) write_lengths();
  const cudnnStatus_t st = cudnnRNNForward(lib.dnn, rnn, CUDNN_FWD_MODE_INFERENCE, dev_lengths, xd, x, yd, y, nullptr, nullptr, nullptr, nullptr, nullptr,
                                           nullptr, weight_bytes, w, 0, nullptr, 0, nullptr);
  if (after) write_lengths();
  const cudaError_t e = st == CUDNN_STATUS_SUCCESS ? cudaStreamSynchronize(lib.stream) : cudaErrorUnknown;
  for (void* p : {static_cast<void*>(x), static_cast<void*>(y), static_cast<void*>(w), static_cast<void*>(dev_lengths)}) cudaFree(p);
  cudnnDestroyRNNDataDescriptor(xd);
  cudnnDestroyRNNDataDescriptor(yd);
  cudnnDestroyRNNDescriptor(rnn);
  (void)cudaGetLastError();
  return e;
}

}  // namespace

int main() {
  {
    int* d = nullptr;
    cudaMalloc(reinterpret_cast<void**>(&d), 3 * sizeof(int));
    ::ns_emu::launch(::ns_emu::Cfg(3, 256), "block_sum", [&]() { block_sum(d); });
    int h[3] = {0, 0, 0};
    cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost);
    check(h[0] == 255 * 256 / 2 && h[1] == h[0] && h[2] == h[0] && cudaGetLastError() == cudaSuccess, "barriers and shared memory: a block's tree sum");
    cudaFree(d);
  }
  {
    float in[64], out[64];
    for (int i = 0; i < 64; i++) in[i] = static_cast<float>((i * 7) % 32 + (i >= 32 ? 100 : 0));
    ::ns_emu::launch(::ns_emu::Cfg(1, 64), "warp_max", [&]() { warp_max(in, out); });
    bool ok = true;
    for (int i = 0; i < 64; i++) ok = ok && out[i] == (i < 32 ? 31.0f : 131.0f);
    check(ok, "warp shuffles: every lane gets its own warp's maximum");
  }
  {
    int in[100], out[100];
    for (int i = 0; i < 100; i++) in[i] = i;
    ::ns_emu::launch(::ns_emu::Cfg(1, 100, 100 * sizeof(int)), "reverse_dynamic", [&]() { reverse_dynamic(in, out, 100); });
    bool ok = true;
    for (int i = 0; i < 100; i++) ok = ok && out[i] == 99 - i;
    check(ok, "dynamic shared memory");
  }
  {
    int out[64];
    ::ns_emu::launch(::ns_emu::Cfg(1, 64), "divergent_barrier", [&]() { divergent_barrier(out); });
    check(cudaGetLastError() == cudaErrorLaunchFailure, "threads waiting for each other at a barrier and a shuffle fail the launch");
  }
  {
    int out[1];
    ::ns_emu::launch(::ns_emu::Cfg(1, 2048), "too_many_threads", [&]() { out[0] = 0; });
    check(cudaGetLastError() == cudaErrorInvalidConfiguration, "2048 threads per block is an invalid configuration");
    ::ns_emu::launch(::ns_emu::Cfg(dim3(1, 70000), 32), "grid_y_too_large", [&]() { out[0] = 0; });
    check(cudaGetLastError() == cudaErrorInvalidConfiguration, "a grid.y over 65535 is an invalid configuration");
  }
  {
    float host[4] = {1, 2, 3, 4}, other[4];
    float* d = nullptr;
    cudaMalloc(reinterpret_cast<void**>(&d), sizeof host);
    check(cudaMemcpy(d, host, sizeof host, cudaMemcpyHostToDevice) == cudaSuccess, "a host-to-device copy into a device block");
    check(cudaMemcpy(other, host, sizeof host, cudaMemcpyHostToDevice) == cudaErrorInvalidValue, "a host-to-device copy to host memory is refused");
    check(cudaMemcpy(host, d, 2 * sizeof host, cudaMemcpyDeviceToHost) == cudaErrorInvalidValue, "a device-to-host copy past the block's end is refused");
    check(cudaMemset(d + 1, 0, sizeof host) == cudaErrorInvalidValue, "a memset past the block's end is refused");
    check(cudaFree(d + 1) == cudaErrorInvalidValue, "freeing a pointer inside a block is refused");
    check(cudaFree(d) == cudaSuccess, "freeing the block");
    (void)cudaGetLastError();
  }
  if (std::getenv("NUTSHELL_EMU_SYNC")) {
    std::printf("skip streams: NUTSHELL_EMU_SYNC=1 runs every stream's work at the call\n");
  } else {
    cudaStream_t stream = nullptr;
    cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    cudaEvent_t done = nullptr;
    cudaEventCreate(&done);
    volatile int go = 0;
    int* d = nullptr;
    cudaMalloc(reinterpret_cast<void**>(&d), sizeof(int));
    cudaMemset(d, 0, sizeof(int));
    ::ns_emu::launch(::ns_emu::Cfg(1, 1, 0, stream), "wait_then_write", [](auto&&... a) { wait_then_write(a...); }, &go, d, 7);
    ::ns_emu::launch(::ns_emu::Cfg(1, 1, 0, stream), "overwrite", [](auto&&... a) { overwrite(a...); }, d, 8);
    cudaEventRecord(done, stream);
    int h = -1;
    cudaMemcpy(&h, d, sizeof h, cudaMemcpyDeviceToHost);  // blocking, but not for a non-blocking stream
    check(h == 0 && cudaEventQuery(done) == cudaErrorNotReady, "a stream's work runs after the call returns; a blocking copy does not wait for it");
    go = 1;
    check(cudaEventSynchronize(done) == cudaSuccess && cudaEventQuery(done) == cudaSuccess, "an event completes when its stream reaches it");
    cudaMemcpy(&h, d, sizeof h, cudaMemcpyDeviceToHost);
    check(h == 8, "a stream runs its work in order");
    cudaFree(d);
    cudaEventDestroy(done);
    cudaStreamDestroy(stream);
  }
  if (!std::getenv("NUTSHELL_EMU_SYNC")) {
    // softmax([0, log 3]) = [1/4, 3/4]; over the input as it was at the call, [1/2, 1/2].
    Library lib;
    const cudnnTensorDescriptor_t desc = Library::channels(2);
    volatile int go = 0;
    float *x = nullptr, *y = nullptr;
    cudaMalloc(reinterpret_cast<void**>(&x), 2 * sizeof(float));
    cudaMalloc(reinterpret_cast<void**>(&y), 2 * sizeof(float));
    cudaMemset(x, 0, 2 * sizeof(float));
    ::ns_emu::launch(::ns_emu::Cfg(1, 1, 0, lib.stream), "wait_then_write_float", [](auto&&... a) { wait_then_write_float(a...); }, &go, x + 1,
                     std::log(3.0f));
    const float one = 1, zero = 0;
    const cudnnStatus_t st = cudnnSoftmaxForward(lib.dnn, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &one, desc, x, &zero, desc, y);
    go = 1;
    float h[2] = {0, 0};
    cudaStreamSynchronize(lib.stream);
    cudaMemcpy(h, y, sizeof h, cudaMemcpyDeviceToHost);
    check(st == CUDNN_STATUS_SUCCESS && std::fabs(h[0] - 0.25f) < 1e-6f && std::fabs(h[1] - 0.75f) < 1e-6f,
          "a cuDNN call runs on its handle's stream, after the work queued before it");
    cudaFree(x);
    cudaFree(y);
    cudnnDestroyTensorDescriptor(desc);
    check(lstm_with_lengths_written(false) == cudaSuccess, "cudnnRNNForward runs with devSeqLengths written before it on its stream");
    check(lstm_with_lengths_written(true) == cudaErrorLaunchFailure, "cudnnRNNForward fails when devSeqLengths is written only after it");
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
