#pragma once
// The one layer that speaks oneDNN's 2.x API (op descriptors were removed in 3.0): the engine,
// the stream, wrapping our dense buffers as oneDNN memory, the primitive cache and status
// translation. Kernel files build their primitives through this header only.
#include <oneapi/dnnl/dnnl.hpp>

#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "../core/op_call.h"

namespace nutshell::cpu::onednn {

dnnl::engine& engine();
// Each OS thread gets its own oneDNN stream (the worker, and the JS thread for inline tiny ops).
dnnl::stream& stream();

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dt data_type(core::DType t);
// A memory object over a tensor's dense buffer, described with the plain row-major tag.
dnnl::memory wrap(const core::TensorRef& t, const dims& shape_override = {});
dnnl::memory::desc plain_desc(const dims& shape, dt type);
tag plain_tag(size_t rank);

// Returns `want`-described memory holding `have`'s values: `have` itself when the layouts already
// agree, else a reorder into a fresh buffer (oneDNN picks blocked layouts for conv weights …).
dnnl::memory to_layout(const dnnl::memory& have, const dnnl::memory::desc& want);
// Copies `from` into `to` when their layouts differ (results in a blocked layout → our buffer).
void reorder_into(const dnnl::memory& from, const dnnl::memory& to);

// Primitives (and their descriptors) are cached by a key string the kernel builds from its
// shapes and attributes: the first call JITs (milliseconds), later calls reuse.
// Note [per-thread primitives]: oneDNN 2.6 keeps a primitive's library-managed scratchpad in the
// creating thread's storage, so a primitive made on one thread and run on another crashes. Ops
// run on the stream's worker, or inline on the JS thread when tiny (Note [inline tiny ops]), so
// each thread keeps its own cache: at most two JIT compilations per key, never a shared one.
// The cache keeps the kPrimitiveCacheEntries most recently used entries of each kind per thread
// (a convolution's primitive holds about 1 MiB of generated code and descriptors, and every batch
// size is a new key: an inference loop over many batch sizes must not keep them all), far more
// than one model's layers, so a training loop never evicts what it reuses.
constexpr size_t kPrimitiveCacheEntries = 512;

template <typename Entry>
std::shared_ptr<Entry> cached(const std::string& key, const std::function<std::shared_ptr<Entry>()>& make) {
  using Recency = std::list<std::pair<std::string, std::shared_ptr<Entry>>>;  // most recent first
  thread_local Recency recency;
  thread_local std::unordered_map<std::string, typename Recency::iterator> index;
  auto it = index.find(key);
  if (it != index.end()) {
    recency.splice(recency.begin(), recency, it->second);
    return it->second->second;
  }
  auto entry = make();
  recency.emplace_front(key, entry);
  index.emplace(key, recency.begin());
  if (recency.size() > kPrimitiveCacheEntries) {
    index.erase(recency.back().first);
    recency.pop_back();  // a caller still holding the entry keeps it alive until it is done
  }
  return entry;
}

// Reorder targets live in the thread's scratch (Note [thread scratch] in thread_scratch.h), three
// slots because one call holds up to three at once (two inputs, one result).
dnnl::memory scratch_memory(const dnnl::memory::desc& want, int slot);
// `user` in the layout `want`: itself when it already is, else a reorder into scratch `slot`.
dnnl::memory in_layout(const dnnl::memory& user, const dnnl::memory::desc& want, int slot);
// Where a primitive writes a result: the user's buffer when the layouts agree, else scratch
// `slot` (reordered into the user's buffer afterwards).
dnnl::memory dst_for(const dnnl::memory& user, const dnnl::memory::desc& want, int slot);

std::string key_of(const dims& d);
std::string isa_name();
// 512 (AVX-512), 256 (AVX2) or 0: the vector width of the instruction set oneDNN runs with, which
// our own vector kernels follow, so ONEDNN_MAX_CPU_ISA limits them too.
int vector_bits();
std::string version();

}  // namespace nutshell::cpu::onednn
