#pragma once
#include <memory>

#include "../core/backend.h"

namespace nutshell::cpu {

std::unique_ptr<core::Backend> make_backend();
// Generated from the op table (gen/cpu_kernels.gen.cc): one line per op that declares cpu.
void register_kernels(core::Registry& registry);

}  // namespace nutshell::cpu
