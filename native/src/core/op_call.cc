#include "op_call.h"

namespace nutshell::core {

void run_op(Kernel kernel, OpCall& call, bool rethrow, OpProfile* profile) {
  for (const TensorRef& t : call.inputs) {
    if (auto err = t.storage->error()) {
      for (const TensorRef& o : call.outputs) o.storage->set_error(err);
      if (rethrow) err->raise();
      return;
    }
  }
  try {
    profiled(profile, call.op, [&] { kernel(call); });
  } catch (const std::exception& e) {
    if (rethrow) throw;
    const auto* ns = dynamic_cast<const Error*>(&e);
    auto err = std::make_shared<const KernelError>(
        KernelError{ns ? ns->kind() : ErrorKind::backend, std::string(op_name(call.op)) + ": " + e.what()});
    for (const TensorRef& o : call.outputs) o.storage->set_error(err);
  }
}

}  // namespace nutshell::core
