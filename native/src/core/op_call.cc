#include "op_call.h"

namespace nutshell::core {

void run_op(Kernel kernel, OpCall& call, bool rethrow) {
  for (const TensorRef& t : call.inputs) {
    if (auto err = t.storage->error()) {
      for (const TensorRef& o : call.outputs) o.storage->set_error(err);
      if (rethrow) NS_THROW(backend, *err);
      return;
    }
  }
  try {
    kernel(call);
  } catch (const std::exception& e) {
    if (rethrow) throw;
    auto err = std::make_shared<const std::string>(std::string(op_name(call.op)) + ": " + e.what());
    for (const TensorRef& o : call.outputs) o.storage->set_error(err);
  }
}

}  // namespace nutshell::core
