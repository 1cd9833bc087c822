#pragma once
#include <memory>

#include "../core/backend.h"

namespace nutshell::cpu {

// A backend with a stream of its own (Note [a stream per environment] in binding/addon.cc); all of
// them share one host allocator.
std::unique_ptr<core::Backend> make_backend();
// Generated from the op table (gen/cpu_kernels.gen.cc): one line per op that declares cpu.
void register_kernels(core::Registry& registry);

}  // namespace nutshell::cpu
