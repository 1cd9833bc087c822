#include "onednn.h"

#include <cstdlib>

#include "thread_scratch.h"

namespace nutshell::cpu::onednn {

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

dt data_type(core::DType t) {
  switch (t) {
    case core::DType::float32: return dt::f32;
    case core::DType::int32: return dt::s32;
    case core::DType::uint8: return dt::u8;
    case core::DType::boolean: return dt::u8;
    case core::DType::int64: break;
  }
  NS_THROW(dtype, std::string("oneDNN has no ") + core::dtype_name(t) + " data type");
}

tag plain_tag(size_t rank) {
  switch (rank) {
    case 1: return tag::a;
    case 2: return tag::ab;
    case 3: return tag::abc;
    case 4: return tag::abcd;
    case 5: return tag::abcde;
    case 6: return tag::abcdef;
  }
  NS_THROW(shape, "oneDNN supports ranks 1 to 6, got " + std::to_string(rank));
}

dnnl::memory::desc plain_desc(const dims& shape, dt type) { return dnnl::memory::desc(shape, type, plain_tag(shape.size())); }

dnnl::memory wrap(const core::TensorRef& t, const dims& shape_override) {
  dims shape = shape_override.empty() ? dims(t.shape.begin(), t.shape.end()) : shape_override;
  if (shape.empty()) shape = {1};
  return dnnl::memory(plain_desc(shape, data_type(t.dtype)), engine(), t.raw());
}

dnnl::memory to_layout(const dnnl::memory& have, const dnnl::memory::desc& want) {
  if (have.get_desc() == want) return have;
  dnnl::memory out(want, engine());
  dnnl::reorder(have, out).execute(stream(), const_cast<dnnl::memory&>(have), out);
  return out;
}

void reorder_into(const dnnl::memory& from, const dnnl::memory& to) {
  if (from.get_desc() == to.get_desc() && from.get_data_handle() == to.get_data_handle()) return;
  dnnl::reorder(from, to).execute(stream(), const_cast<dnnl::memory&>(from), const_cast<dnnl::memory&>(to));
}

dnnl::memory scratch_memory(const dnnl::memory::desc& want, int slot) {
  NS_CHECK(slot >= 0 && slot < 3, backend, "cpu: reorder scratch slot out of range");
  const Scratch which = static_cast<Scratch>(static_cast<int>(Scratch::reorder_first) + slot);
  return dnnl::memory(want, engine(), thread_scratch(which, want.get_size()));
}

dnnl::memory in_layout(const dnnl::memory& user, const dnnl::memory::desc& want, int slot) {
  if (user.get_desc() == want) return user;
  dnnl::memory out = scratch_memory(want, slot);
  reorder_into(user, out);
  return out;
}

dnnl::memory dst_for(const dnnl::memory& user, const dnnl::memory::desc& want, int slot) {
  return user.get_desc() == want ? user : scratch_memory(want, slot);
}

std::string key_of(const dims& d) {
  std::string k;
  for (auto v : d) k += std::to_string(v) + ",";
  return k;
}

std::string isa_name() {
  switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

int vector_bits() {
  static const int bits = [] {
    switch (dnnl_get_effective_cpu_isa()) {
      case dnnl_cpu_isa_avx512_core:
      case dnnl_cpu_isa_avx512_core_vnni:
      case dnnl_cpu_isa_avx512_core_bf16:
      case dnnl_cpu_isa_avx512_core_amx:
        return 512;
      case dnnl_cpu_isa_avx2:
      case dnnl_cpu_isa_avx2_vnni:
        return 256;
      default:
        return 0;
    }
  }();
  return bits;
}

std::string version() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

}  // namespace nutshell::cpu::onednn
