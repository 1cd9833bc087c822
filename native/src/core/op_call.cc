#include "op_call.h"

#include "../gen/ops.gen.h"

namespace nutshell::core {

void run_op(Kernel kernel, OpCall& call, bool rethrow, OpProfile* profile) {
  const MarkedInputs rule = marked_inputs(call.op);
  for (size_t i = 0; i < call.inputs.size(); ++i) {
    if (i == 0 && rule == MarkedInputs::overwrite) continue;  // written whole, never read
    if (auto err = call.inputs[i].storage->error()) {
      if (rule == MarkedInputs::skip_update) return;  // no step from a failed backward; nothing marked
      for (const TensorRef& o : call.outputs) o.storage->set_error(err);
      if (rethrow) err->raise();
      return;
    }
  }
  try {
    profiled(profile, call.op, [&] { kernel(call); });
    // What ran wrote its outputs whole: a mark an overwritten tensor carried no longer applies.
    if (rule == MarkedInputs::overwrite) for (const TensorRef& o : call.outputs) o.storage->set_error(nullptr);
  } catch (const std::exception& e) {
    if (rethrow) throw;
    const auto* ns = dynamic_cast<const Error*>(&e);
    auto err = std::make_shared<const KernelError>(
        KernelError{ns ? ns->kind() : ErrorKind::backend, std::string(op_name(call.op)) + ": " + e.what()});
    for (const TensorRef& o : call.outputs) o.storage->set_error(err);
  }
}

}  // namespace nutshell::core
