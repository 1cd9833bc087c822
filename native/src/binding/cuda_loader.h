#pragma once
// Opens the cuda backend (a separate shared library) on first use, so the addon loads and cpu
// works on machines with no driver, no GPU and no cuDNN; why it could not load becomes `reason`.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "../core/backend.h"

namespace nutshell::binding {

class CudaLoader {
 public:
  bool compiled() const;
  bool loaded() const { return backend_ != nullptr; }
  // The backend, opened (once) and registered into `registry`; nullptr when it cannot be.
  core::Backend* backend(core::Registry& registry);
  const std::string& reason() const { return reason_; }
  std::map<std::string, std::string> build_facts() const;

 private:
  std::once_flag once_;
  core::Backend* backend_ = nullptr;
  std::string reason_;
};

}  // namespace nutshell::binding
