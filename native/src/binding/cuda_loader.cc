#include "cuda_loader.h"

#include <dlfcn.h>

#include "build_config.h"

namespace nutshell::binding {

namespace {

std::string addon_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&addon_directory), &info) == 0 || !info.dli_fname) return ".";
  std::string path = info.dli_fname;
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string explain_dlopen_failure(const std::string& err) {
  if (err.find("libcudnn") != std::string::npos) return "cuDNN not found (" + err + ")";
  if (err.find("libcublas") != std::string::npos) return "cuBLAS not found (" + err + ")";
  return "cuda backend failed to load (" + err + ")";
}

using CreateFn = core::Backend* (*)(core::Registry*, int, std::string*);

}  // namespace

bool CudaLoader::compiled() const { return NUTSHELL_CUDA_COMPILED != 0; }

core::Backend* CudaLoader::backend(core::Registry& registry) {
  std::call_once(once_, [&] {
    if (!compiled()) {
      // What CMake found missing, and what to do (info prints "not compiled: " before it).
      reason_ = std::string(NUTSHELL_CUDA_WHY_NOT) + "; after fixing that, `npm rebuild @nutshell/native` builds it";
      return;
    }
    // No driver, no GPU: say so before loading the backend, whose cuBLAS and cuDNN cost ~150 MB
    // of RSS and 50–100 ms (a user trial's server paid it for a getNumThreads() call). The handle
    // stays open: the backend's runtime needs the driver.
    if (!NUTSHELL_CUDA_EMULATED && !dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL)) {
      const char* e = dlerror();
      reason_ = std::string("no CUDA driver (") + (e ? e : "libcuda.so.1 not found") + ")";
      return;
    }
    std::string path = addon_directory() + "/" + NUTSHELL_CUDA_LIBRARY;
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = dlerror();
      reason_ = explain_dlopen_failure(e ? e : "unknown dlopen error");
      return;
    }
    auto create = reinterpret_cast<CreateFn>(dlsym(lib, "nutshell_cuda_create"));
    if (!create) {
      reason_ = "cuda backend library has no nutshell_cuda_create";
      return;
    }
    std::string error;
    core::Backend* b = create(&registry, core::kOpCount, &error);
    if (!b) {
      reason_ = error.empty() ? "cuda backend failed to initialise" : error;
      return;
    }
    backend_ = b;
  });
  return backend_;
}

std::map<std::string, std::string> CudaLoader::build_facts() const {
  std::map<std::string, std::string> facts;
  if (!compiled()) return facts;
  facts["cudaCompiled"] = NUTSHELL_CUDA_VERSION;
  facts["cudnnCompiled"] = NUTSHELL_CUDNN_VERSION;
  facts["cublasCompiled"] = NUTSHELL_CUBLAS_VERSION;
  facts["architectures"] = NUTSHELL_CUDA_ARCHITECTURES;
  return facts;
}

}  // namespace nutshell::binding
