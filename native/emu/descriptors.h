#pragma once
// The cuda emulator's descriptors (Note [cuda emulation] in ns_emu.h), shared by dnn.cc and rnn.cc:
// a cuDNN descriptor handle is a pointer to one of our structs, made and freed by create/destroy;
// TensorDesc is what cudnnSetTensor4dDescriptor / cudnnSetTensorNdDescriptor were told.
#include <cudnn.h>

#include <cstdint>

namespace ns_emu {

struct TensorDesc {
  int nd = 0;
  int dims[8] = {0};
  int n() const { return nd > 0 ? dims[0] : 0; }
  int c() const { return nd > 1 ? dims[1] : 1; }
  int h() const { return nd > 2 ? dims[2] : 1; }
  int w() const { return nd > 3 ? dims[3] : 1; }
  int64_t count() const {
    int64_t k = nd ? 1 : 0;
    for (int i = 0; i < nd; i++) k *= dims[i];
    return k;
  }
};

template <typename Desc, typename Handle>
cudnnStatus_t create(Handle* handle) {
  *handle = reinterpret_cast<Handle>(new Desc);
  return CUDNN_STATUS_SUCCESS;
}

template <typename Desc, typename Handle>
cudnnStatus_t destroy(Handle handle) {
  delete reinterpret_cast<Desc*>(handle);
  return CUDNN_STATUS_SUCCESS;
}

}  // namespace ns_emu
