#pragma once
#include <functional>
#include <memory>

#include "../core/backend.h"

namespace nutshell::cpu {

// A backend with a stream of its own (Note [a stream per environment] in binding/addon.cc); all of
// them share one host allocator. `stop_waiting` says whether the environment is stopping (Note
// [waits a terminated worker leaves] in stream.cc); empty: the JS thread's waits never give up.
std::unique_ptr<core::Backend> make_backend(std::function<bool()> stop_waiting = {});
// Generated from the op table (gen/cpu_kernels.gen.cc): one line per op that declares cpu.
void register_kernels(core::Registry& registry);

}  // namespace nutshell::cpu
