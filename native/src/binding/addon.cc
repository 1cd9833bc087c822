// The only file that speaks Node-API. It converts arguments, calls core/ and the backends, and
// turns every C++ exception into a JS error in one place (`guarded`). No math, no per-op glue:
// one `run` serves every op by its generated id.
#include <napi.h>

#include <dlfcn.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../core/backend.h"
#include "../cpu/backend.h"
#include "cuda_loader.h"

namespace nutshell::binding {
namespace {

using core::Backend;
using core::DeviceType;
using core::StoragePtr;

struct State {
  core::Registry registry;
  CudaLoader cuda;
};

State& state() {
  static State* s = [] {
    auto* st = new State();  // leaked on purpose: queued work may outlive module teardown
    cpu::register_kernels(st->registry);
    return st;
  }();
  return *s;
}

// Note [handles]: a JS tensor refers to its storage by a small integer, a slot in this table
// holding one reference. release() empties the slot at once (dispose); a JS FinalizationRegistry
// releases tensors that were never disposed. Integers rather than N-API Externals because
// Node defers External finalizers to a later turn of the event loop: a synchronous training loop
// would pile up millions of them (RSS grew ~8 KB per step), while disposed tensors here leave
// nothing behind.
//
// Note [external memory]: V8 is told what native memory a handle holds (AdjustExternalMemory)
// only for tensors left to the collector — those that join the FinalizationRegistry backstop
// (reportExternal, from Tensor.registerNow) — since for them the memory is a reason to collect.
// Told at creation, every step's activations counted as growth though scope() freed them at
// once, and V8 ran a full collection nearly every step (10-26 ms each, up to 730 ms with a large
// application heap in a user trial: training 2.5× slower).
struct Handle {
  StoragePtr storage;
  int64_t reported_bytes = 0;  // what this slot told V8 it holds (AdjustExternalMemory)
  bool reportable = false;     // a share (a view, a saved tensor) leaves its storage to the original
};

class HandleTable {
 public:
  uint32_t add(StoragePtr storage, bool reportable) {
    uint32_t id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
      slots_[id] = Handle{std::move(storage), 0, reportable};
    } else {
      id = static_cast<uint32_t>(slots_.size());
      slots_.push_back(Handle{std::move(storage), 0, reportable});
    }
    return id;
  }
  // Note [external memory]: once per handle, for a tensor left to the collector.
  void report(Napi::Env env, const Napi::Value& v) {
    Handle& h = get(v, "reportExternal");
    if (!h.reportable || h.reported_bytes) return;
    h.reported_bytes = static_cast<int64_t>(h.storage->nbytes());
    adjust(env, h.reported_bytes);
  }
  Handle& get(const Napi::Value& v, const char* what) {
    if (!v.IsNumber()) NS_THROW(value, std::string(what) + ": expected a tensor handle");
    return get(v.As<Napi::Number>().DoubleValue(), what);
  }
  Handle& get(double id, const char* what) {
    Handle* h = find(id, what);
    if (!h->storage) NS_THROW(value, std::string(what) + ": tensor has been disposed");
    return *h;
  }
  // Idempotent: releasing an empty slot does nothing.
  void release(Napi::Env env, const Napi::Value& v) {
    if (!v.IsNumber()) NS_THROW(value, "release: expected a tensor handle");
    release(env, v.As<Napi::Number>().DoubleValue());
  }
  void release(Napi::Env env, double id) {
    Handle* h = find(id, "release");
    if (!h->storage) return;
    adjust(env, -h->reported_bytes);
    h->storage.reset();
    h->reported_bytes = 0;
    free_.push_back(static_cast<uint32_t>(h - slots_.data()));
  }

 private:
  Handle* find(double d, const char* what) {
    if (!(d >= 0 && d < static_cast<double>(slots_.size())) || d != static_cast<double>(static_cast<uint32_t>(d))) {
      NS_THROW(value, std::string(what) + ": not a tensor handle");
    }
    return &slots_[static_cast<size_t>(d)];
  }
  // Tells V8 what native memory the handles hold, in steps of at least kReportStep: a call per
  // tensor cost a tenth of a tiny op, and V8 only needs the total roughly.
  void adjust(Napi::Env env, int64_t delta) {
    unreported_ += delta;
    if (unreported_ >= kReportStep || unreported_ <= -kReportStep) {
      Napi::MemoryManagement::AdjustExternalMemory(env, unreported_);
      unreported_ = 0;
    }
  }
  static constexpr int64_t kReportStep = int64_t{1} << 20;
  int64_t unreported_ = 0;
  std::vector<Handle> slots_;
  std::vector<uint32_t> free_;
};

// Note [a stream per environment]: each JS environment (the main thread, each worker_thread
// that loads the addon) has its own handle table — handles are that environment's integers, and
// only its own thread touches its table — and its own cpu backend, whose stream runs that
// environment's ops. Tensors never cross environments, so no op orders against another
// environment's, and workers compute in parallel: with one stream for the process, two workers
// took turns on one native thread. The backend is made on the environment's first cpu call and
// its stream's thread on the first queued op (a data loader's worker that never computes starts
// none); it ends with the environment. The cuda backend stays one per process.
struct EnvState {
  // Note [reads as stream tasks]: how a read done on the stream comes back to this thread.
  Napi::ThreadSafeFunction reads;
  int pending_reads = 0;
  std::unique_ptr<Backend> cpu;
  HandleTable table;
  // The stream first (its thread joined, reads not yet run dropped), then the function it called.
  ~EnvState() {
    cpu.reset();
    if (reads) reads.Release();
  }
};

EnvState& env_state(Napi::Env env) { return *env.GetInstanceData<EnvState>(); }
HandleTable& handles(Napi::Env env) { return env_state(env).table; }

// Note [waits a terminated worker leaves] (cpu/stream.cc): N-API has no "is this environment
// stopping" query, but every call that may run JavaScript refuses once it is (the environment can
// no longer call into JS: napi_pending_exception, or napi_cannot_run_js for newer module
// versions); coercing a boolean is such a call, with no effect otherwise. Only ever asked on the
// environment's own JS thread, blocked in a wait inside a call from JS (so a handle scope is open).
bool environment_stopping(napi_env env) {
  napi_value value, coerced;
  if (napi_get_boolean(env, true, &value) != napi_ok) return true;
  return napi_coerce_to_bool(env, value, &coerced) != napi_ok;
}

// The backend of a device type for this environment (the cpu one made on first use; the cuda one
// is the process's and never destroyed).
Backend& backend_for(Napi::Env env, DeviceType type) {
  if (type == DeviceType::cpu) {
    EnvState& es = env_state(env);
    if (!es.cpu) es.cpu = cpu::make_backend([e = napi_env(env)] { return environment_stopping(e); });
    return *es.cpu;
  }
  Backend* cuda = state().cuda.backend(state().registry);
  if (!cuda) NS_THROW(device, "cuda backend unavailable: " + state().cuda.reason());
  return *cuda;
}

Napi::Value wrap_storage(Napi::Env env, StoragePtr storage) {
  return Napi::Number::New(env, handles(env).add(std::move(storage), true));
}

Handle& unwrap(const Napi::Value& v, const char* what) { return handles(v.Env()).get(v, what); }

DeviceType device_type(const Napi::Value& v) {
  int32_t t = v.As<Napi::Number>().Int32Value();
  NS_CHECK(t >= 0 && t < core::kDeviceTypeCount, device, "unknown device type " + std::to_string(t));
  return static_cast<DeviceType>(t);
}

Napi::Error to_js_error(Napi::Env env, const std::exception& e) {
  auto err = Napi::Error::New(env, e.what());
  const auto* ns = dynamic_cast<const core::Error*>(&e);
  err.Set("nutshellKind", Napi::String::New(env, ns ? core::error_kind_name(ns->kind()) : "BackendError"));
  return err;
}

// Every exported function runs inside this: a C++ exception of any kind becomes a JS error.
template <typename Fn>
Napi::Value guarded(const Napi::CallbackInfo& info, Fn fn) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw to_js_error(info.Env(), e);
  } catch (...) {
    throw Napi::Error::New(info.Env(), "nutshell: unknown native exception");
  }
}

Napi::Object info_object(Napi::Env env, const core::BackendInfo& bi, bool compiled) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("compiled", compiled);
  o.Set("available", bi.available);
  o.Set("reason", bi.reason);
  o.Set("deviceCount", bi.device_count);
  Napi::Object facts = Napi::Object::New(env);
  for (const auto& [k, v] : bi.facts) facts.Set(k, v);
  o.Set("facts", facts);
  return o;
}

Napi::Value Backends(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("cpu", info_object(env, backend_for(env, DeviceType::cpu).info(), true));
    core::BackendInfo cuda_info;
    Backend* cuda = state().cuda.backend(state().registry);
    if (cuda) {
      cuda_info = cuda->info();
    } else {
      cuda_info.available = false;
      cuda_info.reason = state().cuda.reason();
    }
    for (const auto& [k, v] : state().cuda.build_facts()) cuda_info.facts.emplace(k, v);
    out.Set("cuda", info_object(env, cuda_info, state().cuda.compiled()));
    return out;
  });
}

// fromBytes(deviceType, deviceIndex, bytes: ArrayBufferView) → handle
Napi::Value FromBytes(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Backend& b = backend_for(info.Env(), device_type(info[0]));
    int index = info[1].As<Napi::Number>().Int32Value();
    auto view = info[2].As<Napi::TypedArray>();
    size_t nbytes = view.ByteLength();
    auto* src = static_cast<uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
    StoragePtr s = b.allocate(index, nbytes);
    b.write(*s, src, nbytes);
    return wrap_storage(info.Env(), std::move(s));
  });
}

// Resolves a read's promise with its bytes (an ArrayBuffer that owns them), or rejects it with
// the error the read met, carrying its kind.
void settle_read(Napi::Env env, Napi::Promise::Deferred& deferred, std::vector<uint8_t>&& bytes, const std::string& error, const std::string& kind) {
  if (!error.empty()) {
    auto err = Napi::Error::New(env, error);
    err.Set("nutshellKind", Napi::String::New(env, kind));
    deferred.Reject(err.Value());
    return;
  }
  if (bytes.empty()) {  // an external buffer over no memory would come back detached
    deferred.Resolve(Napi::ArrayBuffer::New(env, 0));
    return;
  }
  auto holder = std::make_unique<std::vector<uint8_t>>(std::move(bytes));
  auto buf = Napi::ArrayBuffer::New(env, holder->data(), holder->size(),
                                    [](Napi::Env, void*, std::vector<uint8_t>* v) { delete v; }, holder.get());
  holder.release();  // the ArrayBuffer's finaliser owns it now
  deferred.Resolve(buf);
}

std::string error_kind_of(const std::exception& e) {
  const auto* ns = dynamic_cast<const core::Error*>(&e);
  return ns ? core::error_kind_name(ns->kind()) : "BackendError";
}

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, Backend& backend, StoragePtr storage, size_t nbytes)
      : Napi::AsyncWorker(env), backend_(backend), storage_(std::move(storage)), nbytes_(nbytes),
        deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      bytes_.resize(nbytes_);
      backend_.read(storage_, bytes_.data(), nbytes_);
    } catch (const std::exception& e) {
      error_ = e.what();
      kind_ = error_kind_of(e);
    }
  }
  void OnOK() override {
    storage_.reset();
    try {
      settle_read(Env(), deferred_, std::move(bytes_), error_, kind_);
    } catch (...) {
      // The environment is going away — a worker_thread terminated while this read waited — so
      // there is no promise left to settle, and an exception escaping a completion callback
      // would abort the whole process (found by a user trial: SIGABRT on worker.terminate()).
    }
  }

 private:
  Backend& backend_;  // cuda's: the process's, never destroyed (cpu reads are stream tasks)
  StoragePtr storage_;
  size_t nbytes_;
  Napi::Promise::Deferred deferred_;
  std::vector<uint8_t> bytes_;
  std::string error_, kind_;
};

size_t checked_nbytes(const Handle& h, const Napi::Value& v) {
  int64_t n = v.As<Napi::Number>().Int64Value();
  NS_CHECK(n >= 0 && static_cast<size_t>(n) <= h.storage->nbytes(), value,
           "read: asked for " + std::to_string(n) + " bytes of a " + std::to_string(h.storage->nbytes()) + "-byte storage");
  return static_cast<size_t>(n);
}

// Note [reads of finished values]: an asynchronous read is a hop to another thread and back (the
// stream's, Note [reads as stream tasks]; the thread pool's before), ~0.05–0.1 ms — more than a training step's `await loss.item()` or
// a policy's action read needs when the op has long finished (a user trial: an RL action step
// at 4× PyTorch's time). readIfReady copies a value at once when nothing is queued ahead of it,
// and says so; the JS side decides when to ask (tensor.ts: small values, and only while the
// event loop has turned lately — a loop of reads that never waited would never let it turn).
constexpr size_t kImmediateReadBytes = 64 * 1024;

// readIfReady(handle, nbytes) → ArrayBuffer, or undefined when the value must be waited for (or
// is too big to copy on the JS thread). A kernel error marked on it is thrown.
Napi::Value ReadIfReady(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Handle& h = unwrap(info[0], "read");
    size_t n = checked_nbytes(h, info[1]);
    if (n > kImmediateReadBytes) return info.Env().Undefined();
    auto buf = Napi::ArrayBuffer::New(info.Env(), n);
    if (!backend_for(info.Env(), h.storage->device().type).read_if_ready(h.storage, buf.Data(), n)) return info.Env().Undefined();
    return buf;
  });
}

// Note [reads as stream tasks]: a cpu read is a task on the environment's stream — it copies the
// bytes when the stream reaches it and hands them back through a thread-safe function — rather
// than a thread-pool job that waits for the stream. A job waiting held one of libuv's four
// threads for as long as the queue ran (several workers reading starved fs, zlib and crypto),
// and Node waits for thread-pool jobs before an ending environment's cleanup, so a worker with
// a read outstanding could not be terminated before its whole queue had run (up to 8 s in a
// review). A stream task is dropped with the rest of the queue, and the function's handle does
// not hold the teardown up. The function keeps the event loop alive only while reads are
// pending, as the jobs did. cuda reads still wait on the thread pool (cudaStreamSynchronize).
struct StreamRead {
  Napi::Promise::Deferred deferred;
  StoragePtr storage;
  size_t nbytes;
  std::vector<uint8_t> bytes;
  std::string error, kind;
};

// On the JS thread; env is null when the function is being finalised (the environment is ending).
void deliver_read(Napi::Env env, Napi::Function, std::shared_ptr<StreamRead>* raw) {
  std::unique_ptr<std::shared_ptr<StreamRead>> hold(raw);
  if (env == nullptr) return;
  try {
    EnvState& es = env_state(env);
    if (--es.pending_reads == 0) es.reads.Unref(env);
    StreamRead& r = **raw;
    settle_read(env, r.deferred, std::move(r.bytes), r.error, r.kind);
  } catch (...) {
    // The environment is going away: there is no promise left to settle, and an exception
    // escaping this callback would end the process (see ReadWorker::OnOK).
  }
}

Napi::Value read_on_stream(Napi::Env env, Backend& backend, StoragePtr storage, size_t n) {
  EnvState& es = env_state(env);
  if (!es.reads) {
    es.reads = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "nutshell.read", 0, 1);
    es.reads.Unref(env);
  }
  auto read = std::make_shared<StreamRead>(StreamRead{Napi::Promise::Deferred::New(env), std::move(storage), n, {}, {}, {}});
  Napi::Promise promise = read->deferred.Promise();
  Napi::ThreadSafeFunction back = es.reads;
  backend.enqueue_host_task([read, back]() mutable {
    try {
      read->bytes.resize(read->nbytes);
      if (auto err = read->storage->error()) err->raise();
      if (read->nbytes) std::memcpy(read->bytes.data(), read->storage->data(), read->nbytes);
    } catch (const std::exception& e) {
      read->error = e.what();
      read->kind = error_kind_of(e);
    }
    read->storage.reset();
    auto* handed = new std::shared_ptr<StreamRead>(read);
    if (back.NonBlockingCall(handed, deliver_read) != napi_ok) delete handed;  // the environment is ending
  });
  if (es.pending_reads++ == 0) es.reads.Ref(env);
  return promise;
}

// read(handle, nbytes) → Promise<ArrayBuffer>; resolves once the device's stream reaches it.
Napi::Value Read(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Handle& h = unwrap(info[0], "read");
    size_t n = checked_nbytes(h, info[1]);
    Backend& backend = backend_for(info.Env(), h.storage->device().type);
    if (h.storage->device().type == DeviceType::cpu) return read_on_stream(info.Env(), backend, h.storage, n);
    auto* worker = new ReadWorker(info.Env(), backend, h.storage, n);
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  });
}

// readSync(handle, nbytes) → ArrayBuffer; blocks the JS thread (for scripts).
Napi::Value ReadSync(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Handle& h = unwrap(info[0], "readSync");
    size_t n = checked_nbytes(h, info[1]);
    auto buf = Napi::ArrayBuffer::New(info.Env(), n);
    backend_for(info.Env(), h.storage->device().type).read(h.storage, buf.Data(), n);
    return buf;
  });
}

// Reads [dtype, rank, dims…] for `count` tensors from meta, starting at pos.
std::vector<core::TensorRef> read_meta(const double* meta, size_t len, size_t& pos, size_t count) {
  std::vector<core::TensorRef> refs(count);
  for (auto& r : refs) {
    NS_CHECK(pos + 2 <= len, value, "run: tensor metadata is truncated");
    r.dtype = core::dtype_from_int(static_cast<int64_t>(meta[pos++]));
    auto rank = static_cast<int64_t>(meta[pos++]);
    NS_CHECK(rank >= 0 && rank <= 16 && pos + rank <= len, value, "run: bad rank " + std::to_string(rank));
    r.shape.resize(static_cast<size_t>(rank));
    for (auto& d : r.shape) {
      d = static_cast<int64_t>(meta[pos++]);
      NS_CHECK(d >= 0 && d <= (int64_t{1} << 40), value, "run: bad dimension " + std::to_string(d));
    }
  }
  return refs;
}

// run(opId, deviceType, deviceIndex, packed: Float64Array, inputCount, metaLength, attrsLength,
//     aliases?: Int32Array) → output count.
// packed = [input handles…][meta…][attrs…]: meta = [dtype, rank, dims…] per input, then the
// output count and the same per output. The output handles are written back into packed[0…]
// (-1 for an output aliased to an input). Note [one buffer per call]: a Float64Array of more
// than 64 bytes costs V8 a backing-store allocation (~1 µs, as much as a tiny op), and every
// array element read through N-API another call; TS reuses one buffer for every op instead.
// Shapes are checked on the TS side; here only what keeps memory safe is re-checked.
Napi::Value Run(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    int32_t op = info[0].As<Napi::Number>().Int32Value();
    NS_CHECK(op >= 0 && op < core::kOpCount, value, "run: unknown op id " + std::to_string(op));
    core::OpCall call;
    call.op = static_cast<core::OpId>(op);
    call.device = {device_type(info[1]), info[2].As<Napi::Number>().Int32Value()};
    // One query for type, length and data (node-addon-api's checked accessors make three).
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void* raw = nullptr;
    bool is_typed = false;
    napi_is_typedarray(env, info[3], &is_typed);
    if (is_typed) napi_get_typedarray_info(env, info[3], &type, &length, &raw, nullptr, nullptr);
    NS_CHECK(is_typed && type == napi_float64_array, value, "run: expected a Float64Array of handles, metadata and attributes");
    const int64_t n_in = info[4].As<Napi::Number>().Int64Value();
    const int64_t meta_len = info[5].As<Napi::Number>().Int64Value();
    const int64_t attrs_len = info[6].As<Napi::Number>().Int64Value();
    NS_CHECK(n_in >= 0 && n_in <= 4096 && meta_len >= 0 && attrs_len >= 0 && n_in + meta_len + attrs_len <= static_cast<int64_t>(length), value,
             "run: counts exceed the packed buffer");
    double* data = static_cast<double*>(raw);
    const double* meta = data + n_in;
    const char* name = core::op_name(call.op);

    Backend& b = backend_for(env, call.device.type);
    core::Kernel kernel = state().registry.find(call.device.type, call.op);
    if (!kernel) NS_THROW(backend, std::string(name) + ": no kernel for " + call.device.str());

    size_t pos = 0;
    call.inputs = read_meta(meta, static_cast<size_t>(meta_len), pos, static_cast<size_t>(n_in));
    for (int64_t i = 0; i < n_in; ++i) {
      Handle& h = handles(env).get(data[i], name);
      auto& ref = call.inputs[static_cast<size_t>(i)];
      NS_CHECK(h.storage->device() == call.device, device,
               std::string(name) + ": input " + std::to_string(i) + " is on " + h.storage->device().str() + ", op runs on " + call.device.str());
      NS_CHECK(static_cast<size_t>(ref.numel()) * core::dtype_size(ref.dtype) <= h.storage->nbytes(), value,
               std::string(name) + ": input " + std::to_string(i) + " shape " + core::shape_str(ref.shape) + " exceeds its storage");
      ref.storage = h.storage;
    }
    NS_CHECK(pos < static_cast<size_t>(meta_len), value, "run: output count missing");
    auto n_out = static_cast<size_t>(meta[pos++]);
    NS_CHECK(n_out <= 256 && static_cast<int64_t>(n_out) <= n_in + meta_len + attrs_len, value, "run: too many outputs");
    call.outputs = read_meta(meta, static_cast<size_t>(meta_len), pos, n_out);
    const double* attrs = data + n_in + meta_len;
    call.attrs.assign(attrs, attrs + attrs_len);

    // aliases[i] >= 0: output i is written in place into that input's storage (optimiser
    // updates, copies into parameters); no new storage or handle is made for it.
    Napi::Int32Array aliases;
    if (info.Length() > 7 && info[7].IsTypedArray()) aliases = info[7].As<Napi::Int32Array>();
    std::vector<double> out_handles(n_out, -1.0);
    try {
      for (size_t i = 0; i < n_out; ++i) {
        auto& ref = call.outputs[i];
        size_t nbytes = static_cast<size_t>(ref.numel()) * core::dtype_size(ref.dtype);
        int32_t alias = !aliases.IsEmpty() && i < aliases.ElementLength() ? aliases[i] : -1;
        if (alias >= 0) {
          NS_CHECK(static_cast<size_t>(alias) < call.inputs.size(), value, "in-place alias out of range");
          const auto& src = call.inputs[static_cast<size_t>(alias)];
          NS_CHECK(src.dtype == ref.dtype && nbytes <= src.storage->nbytes(), value,
                   "in-place output " + std::to_string(i) + " does not fit input " + std::to_string(alias));
          ref.storage = src.storage;
          continue;
        }
        ref.storage = b.allocate(call.device.index, nbytes);
        out_handles[i] = handles(env).add(ref.storage, true);
      }
      b.launch(kernel, std::move(call));
    } catch (const std::exception& e) {
      // The outputs' handles were never returned: release them, or they would leak.
      for (double h : out_handles)
        if (h >= 0) handles(env).release(env, h);
      std::string msg = e.what();  // errors name the op, allocation failures (out of memory) too
      if (msg.rfind(name, 0) != 0) msg = std::string(name) + ": " + msg;
      const auto* ns = dynamic_cast<const core::Error*>(&e);
      throw core::Error(ns ? ns->kind() : core::ErrorKind::backend, msg);
    }
    std::copy(out_handles.begin(), out_handles.end(), data);
    return Napi::Number::New(env, static_cast<double>(n_out));
  });
}

// release(handle): drops this handle's reference now (dispose); idempotent.
Napi::Value Release(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    handles(info.Env()).release(info.Env(), info[0]);
    return info.Env().Undefined();
  });
}

// reportExternal(handle): tells V8 the handle's bytes (Note [external memory]); idempotent.
Napi::Value ReportExternal(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    handles(info.Env()).report(info.Env(), info[0]);
    return info.Env().Undefined();
  });
}

// share(handle) → a second handle to the same storage (views, tensors saved for backward).
Napi::Value Share(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Handle& h = unwrap(info[0], "share");
    StoragePtr storage = h.storage;  // copy first: add() may grow the table and move h
    return Napi::Number::New(info.Env(), handles(info.Env()).add(std::move(storage), false));  // bytes are reported once
  });
}

// transfer(handle, nbytes, deviceType, deviceIndex) → handle on the other device.
Napi::Value Transfer(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Handle& h = unwrap(info[0], "to");
    size_t n = checked_nbytes(h, info[1]);
    Backend& dst = backend_for(info.Env(), device_type(info[2]));
    int index = info[3].As<Napi::Number>().Int32Value();
    std::vector<uint8_t> staging(n);
    backend_for(info.Env(), h.storage->device().type).read(h.storage, staging.data(), n);
    StoragePtr s = dst.allocate(index, n);
    dst.write(*s, staging.data(), n);
    return wrap_storage(info.Env(), std::move(s));
  });
}

Napi::Value Memory(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    DeviceType type = device_type(info[0]);
    Napi::Object o = Napi::Object::New(info.Env());
    core::MemoryReport r;
    if (type == DeviceType::cpu || state().cuda.loaded()) r = backend_for(info.Env(), type).memory(info[1].As<Napi::Number>().Int32Value());
    o.Set("liveTensors", static_cast<double>(r.live_tensors));
    o.Set("liveBytes", static_cast<double>(r.live_bytes));
    o.Set("peakBytes", static_cast<double>(r.peak_bytes));
    o.Set("reservedBytes", static_cast<double>(r.reserved_bytes));
    return o;
  });
}

Napi::Value ResetPeakMemory(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    DeviceType type = device_type(info[0]);
    if (type == DeviceType::cpu || state().cuda.loaded()) backend_for(info.Env(), type).reset_peak_memory(info[1].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  });
}

Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    backend_for(info.Env(), device_type(info[0])).empty_cache();
    return info.Env().Undefined();
  });
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    backend_for(info.Env(), device_type(info[0])).synchronize(info[1].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  });
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    int n = info[0].As<Napi::Number>().Int32Value();
    NS_CHECK(n >= 1 && n <= 1024, value, "setNumThreads: expected 1 to 1024 threads, got " + std::to_string(n));
    backend_for(info.Env(), DeviceType::cpu).set_num_threads(n);  // this environment's stream
    return info.Env().Undefined();
  });
}

// control(deviceType, name, argsJson) → resultJson (see core::Backend::control).
Napi::Value Control(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Backend& b = backend_for(info.Env(), device_type(info[0]));
    std::string result = b.control(info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::String>().Utf8Value());
    return Napi::String::New(info.Env(), result);
  });
}

Napi::Value OpNames(const Napi::CallbackInfo& info) {
  Napi::Array names = Napi::Array::New(info.Env(), core::kOpCount);
  for (int i = 0; i < core::kOpCount; ++i) names.Set(static_cast<uint32_t>(i), core::op_name(static_cast<core::OpId>(i)));
  return names;
}

// hasKernel(opId, deviceType): whether a backend registered a kernel (drives test skips).
Napi::Value HasKernel(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    int32_t op = info[0].As<Napi::Number>().Int32Value();
    NS_CHECK(op >= 0 && op < core::kOpCount, value, "hasKernel: unknown op id");
    DeviceType type = device_type(info[1]);
    if (type == DeviceType::cuda && !state().cuda.backend(state().registry)) return Napi::Boolean::New(info.Env(), false);
    return Napi::Boolean::New(info.Env(), state().registry.find(type, static_cast<core::OpId>(op)) != nullptr);
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new EnvState());  // freed by Node when this environment ends
  exports.Set("backends", Napi::Function::New(env, Backends));
  exports.Set("fromBytes", Napi::Function::New(env, FromBytes));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("readSync", Napi::Function::New(env, ReadSync));
  exports.Set("readIfReady", Napi::Function::New(env, ReadIfReady));
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("release", Napi::Function::New(env, Release));
  exports.Set("share", Napi::Function::New(env, Share));
  exports.Set("reportExternal", Napi::Function::New(env, ReportExternal));
  exports.Set("transfer", Napi::Function::New(env, Transfer));
  exports.Set("memory", Napi::Function::New(env, Memory));
  exports.Set("emptyCache", Napi::Function::New(env, EmptyCache));
  exports.Set("resetPeakMemory", Napi::Function::New(env, ResetPeakMemory));
  exports.Set("synchronize", Napi::Function::New(env, Synchronize));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("control", Napi::Function::New(env, Control));
  exports.Set("opNames", Napi::Function::New(env, OpNames));
  exports.Set("hasKernel", Napi::Function::New(env, HasKernel));
  exports.Set("opCount", Napi::Number::New(env, core::kOpCount));
  return exports;
}

}  // namespace
}  // namespace nutshell::binding

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return nutshell::binding::Init(env, exports); }
NODE_API_MODULE(nutshell, InitModule)
