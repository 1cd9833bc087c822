// Note [packed matmul] (packed_matmul.h).
#include "packed_matmul.h"

#include <oneapi/dnnl/dnnl_debug.h>

#include <string>

#include "onednn.h"

namespace nutshell::cpu {

namespace dn = onednn;

struct PackedMatmul::State {
  int64_t m, k, n;
  Scratch packed_in;
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul prim;
  dnnl::memory a, packed, c;  // a and c point at the caller's buffers on each run, packed at scratch
};

namespace {

[[noreturn]] void fail(const PackedMatmul::State& s, const char* what, const dnnl::error& e) {
  NS_THROW(backend, std::string("oneDNN matmul ") + what + " failed for " + std::to_string(s.m) + "x" + std::to_string(s.k) + " by " +
                        std::to_string(s.k) + "x" + std::to_string(s.n) + ": " + e.what() + " [" + dnnl_status2str(e.status) + "]");
}

}  // namespace

std::shared_ptr<PackedMatmul> PackedMatmul::on_this_thread(Scratch packed_in, int64_t m, int64_t k, int64_t n, int64_t lda, int64_t ldc) {
  const std::string key = "packed-matmul|" + std::to_string(static_cast<int>(packed_in)) + "|" + dn::key_of({m, k, n, lda, ldc});
  auto entry = dn::cached<PackedMatmul>(key, [&] {
    auto s = std::make_shared<State>();
    s->m = m;
    s->k = k;
    s->n = n;
    s->packed_in = packed_in;
    try {
      const dnnl::memory::desc a_desc({m, k}, dn::dt::f32, dn::dims{lda, 1});
      const dnnl::memory::desc b_desc({k, n}, dn::dt::f32, dn::tag::any);
      const dnnl::memory::desc c_desc({m, n}, dn::dt::f32, dn::dims{ldc, 1});
      s->pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_desc, b_desc, c_desc), dn::engine());
      s->prim = dnnl::matmul(s->pd);
      s->a = dnnl::memory(a_desc, dn::engine(), DNNL_MEMORY_NONE);
      s->c = dnnl::memory(c_desc, dn::engine(), DNNL_MEMORY_NONE);
    } catch (const dnnl::error& e) {
      fail(*s, "creation", e);
    }
    return std::make_shared<PackedMatmul>(s);
  });
  return entry;
}

void PackedMatmul::pack(const float* b, int64_t stride_k, int64_t stride_n) {
  State& s = *state_;
  try {
    const dnnl::memory::desc plain({s.k, s.n}, dn::dt::f32, dn::dims{stride_k, stride_n});
    const dnnl::memory::desc packed = s.pd.weights_desc();
    s.packed = dnnl::memory(packed, dn::engine(), thread_scratch(s.packed_in, packed.get_size()));
    dn::reorder_into(dnnl::memory(plain, dn::engine(), const_cast<float*>(b)), s.packed);
    dn::stream().wait();
  } catch (const dnnl::error& e) {
    fail(s, "packing", e);
  }
}

void PackedMatmul::run(const float* a, float* c) {
  State& s = *state_;
  try {
    s.a.set_data_handle(const_cast<float*>(a));
    s.c.set_data_handle(c);
    s.prim.execute(dn::stream(), {{DNNL_ARG_SRC, s.a}, {DNNL_ARG_WEIGHTS, s.packed}, {DNNL_ARG_DST, s.c}});
    dn::stream().wait();
  } catch (const dnnl::error& e) {
    fail(s, "execution", e);
  }
}

}  // namespace nutshell::cpu
