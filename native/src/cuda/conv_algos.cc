// Note [conv algorithm policy]: every convolution op carries an `algo` attribute (conv.ts,
// convAlgos): 'auto' (the default), 'heuristic', or one of cuDNN's forward algorithm names.
//
// - 'auto' measures, once per (device, direction, cuDNN-level shapes, stride, padding, dilation,
//   groups: everything cuDNN's descriptors hold; the dtype is always float32), every algorithm
//   cuDNN declares for the direction that cuDNN supports for those shapes, whose workspace fits
//   the limit and, under setDeterministic(true), that cuDNN reports deterministic: a warm-up run
//   and three timed runs (CUDA events on the device's stream) on the call's own buffers. The
//   fastest wins and is cached, like torch.backends.cudnn.benchmark. (cudnnFind*AlgorithmEx
//   would do the same, but timing each algorithm ourselves gives the same numbers to
//   convAlgorithms() and keeps "not supported", "over the workspace limit" and "failed to run"
//   apart.)
// - 'heuristic' takes the first algorithm of cuDNN's heuristic ranking
//   (cudnnGetConvolution*Algorithm_v7) that is supported, fits the limit and satisfies
//   determinism; cached too.
// - An explicit name forces one algorithm. Note [conv algorithm names]: the names are cuDNN's
//   forward algorithms; the backward ops (which autograd calls with the forward's attributes)
//   map them by kind: implicitGemm -> BWD_*_ALGO_1 (implicit GEMM, deterministic),
//   implicitPrecompGemm -> BWD_DATA_ALGO_0 / BWD_FILTER_ALGO_3 (ALGO_0 with precomputed
//   indices), gemm -> BWD_*_ALGO_0 (sum of matrix products), fft / fftTiling / winograd /
//   winogradNonfused -> the algorithm of that name. Every algorithm cuDNN declares is reachable;
//   'direct' has no backward algorithm, and BWD_FILTER_WINOGRAD is declared but unimplemented
//   (forcing it reports cuDNN's refusal). A forced algorithm that cuDNN does not support for the
//   shapes (workspace query or run returns CUDNN_STATUS_NOT_SUPPORTED; FFT has size, stride and
//   dilation limits; Winograd is not on Hopper), that is not deterministic under
//   setDeterministic(true), or that needs more workspace than the limit is a ValueError naming
//   the algorithm and the shapes.
//
// Convolution descriptors use CUDNN_FMA_MATH (strict float32, no TF32), so every algorithm
// computes what cpu computes within the op table's tolerances. Workspaces come from the
// device's caching allocator; the limit (setConvWorkspaceLimit, default 1 GiB) bounds them.
// Changing determinism or the limit clears the cache (choices made under the old setting).
#include "conv_algos.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "check.h"

namespace nutshell::cuda {

using dnn::ConvDir;

namespace {

constexpr const char* kAttrNames[kConvAttrCount] = {"auto", "heuristic", "implicitGemm", "implicitPrecompGemm", "gemm",
                                                    "direct", "fft", "fftTiling", "winograd", "winogradNonfused"};

// attr -> cuDNN algorithm of each direction (-1: none); Note [conv algorithm names].
constexpr int kAttrToAlgo[dnn::kConvDirCount][kConvAttrCount] = {
    {-1, -1, 0, 1, 2, 3, 4, 5, 6, 7},   // forward: IMPLICIT_GEMM … WINOGRAD_NONFUSED in cuDNN's order
    {-1, -1, 1, 0, 0, -1, 2, 3, 4, 5},  // backward data: ALGO_0, ALGO_1, FFT, FFT_TILING, WINOGRAD, WINOGRAD_NONFUSED
    {-1, -1, 1, 3, 0, -1, 2, 6, 4, 5},  // backward filter: ALGO_0, ALGO_1, FFT, ALGO_3, WINOGRAD, WINOGRAD_NONFUSED, FFT_TILING
};

constexpr int kAutoRepeats = 3;
constexpr size_t kDefaultWorkspaceLimit = size_t{1} << 30;

const char* dir_name(ConvDir d) {
  switch (d) {
    case ConvDir::forward: return "forward";
    case ConvDir::backward_data: return "backwardData";
    case ConvDir::backward_filter: return "backwardWeights";
  }
  return "?";
}

const char* dir_words(ConvDir d) {
  switch (d) {
    case ConvDir::forward: return "forward";
    case ConvDir::backward_data: return "backward-data";
    case ConvDir::backward_filter: return "backward-filter";
  }
  return "?";
}

const char* dir_call(ConvDir d) {
  switch (d) {
    case ConvDir::forward: return "cudnnConvolutionForward";
    case ConvDir::backward_data: return "cudnnConvolutionBackwardData";
    case ConvDir::backward_filter: return "cudnnConvolutionBackwardFilter";
  }
  return "?";
}

std::vector<std::string> names_of(ConvDir dir, int algo) {
  std::vector<std::string> out;
  for (int a = 2; a < kConvAttrCount; ++a)
    if (kAttrToAlgo[static_cast<int>(dir)][a] == algo) out.emplace_back(kAttrNames[a]);
  return out;
}

std::string list_of(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// ---- settings and the cache ----

struct CacheEntry {
  ConvGeom geom;
  int device = 0;
  ConvDir dir = ConvDir::forward;
  int policy = kConvAttrAuto;
  int algo = 0;
  size_t workspace = 0;
  double time_ms = -1.0;  // measured ('auto'), else < 0
  bool deterministic = false;
  cudnnMathType_t math = CUDNN_FMA_MATH;
};

struct Settings {
  std::mutex mutex;
  bool deterministic = false;
  size_t workspace_limit = kDefaultWorkspaceLimit;
  std::map<std::string, CacheEntry> cache;
};

Settings& settings() {
  static Settings s;
  return s;
}

std::string cache_key(int device, ConvDir dir, int policy, const dnn::ConvShape& s) {
  std::string k = std::to_string(device) + "|" + std::to_string(static_cast<int>(dir)) + "|" + std::to_string(policy);
  for (int64_t v : {s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.oh, s.ow, s.pad_h, s.pad_w, s.stride_h, s.stride_w, s.dil_h, s.dil_w, s.groups,
                    int64_t{s.volumetric}, s.d, s.kd, s.od, s.pad_d, s.stride_d, s.dil_d})
    k += "," + std::to_string(v);
  return k;
}

int sm_of(int device) {
  int major = 0, minor = 0;
  if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess ||
      cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return major * 10 + minor;
}

// ---- what cuDNN says about each algorithm ----

struct AlgoFacts {
  bool deterministic = false;
  cudnnMathType_t math = CUDNN_FMA_MATH;
};

bool tensor_op(cudnnMathType_t m) { return m == CUDNN_TENSOR_OP_MATH || m == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION; }

std::vector<AlgoFacts> facts_for(DeviceContext& ctx, const dnn::ConvPlan& plan, ConvDir dir) {
  const int count = dnn::conv_algo_count(dir);
  std::vector<AlgoFacts> facts(static_cast<size_t>(count));
  for (int a = 0; a < count; ++a) facts[a].deterministic = dnn::conv_algo_documented_deterministic(dir, a);
  std::vector<dnn::ConvAlgoInfo> infos;
  try {
    infos = plan.heuristics(ctx.cudnn, dir);
  } catch (const core::Error&) {
    return facts;  // no report for these shapes: cuDNN's documented determinism stands
  }
  for (const dnn::ConvAlgoInfo& info : infos) {
    // Tensor-op variants do not run here (the descriptors ask for CUDNN_FMA_MATH).
    // Rows cuDNN marks unsupported carry no determinism to trust: the documented one stands.
    if (info.status != CUDNN_STATUS_SUCCESS || info.algo < 0 || info.algo >= count || tensor_op(info.math)) continue;
    facts[info.algo].deterministic = info.deterministic;
    facts[info.algo].math = info.math;
  }
  return facts;
}


// ---- measuring ----

struct Event {
  cudaEvent_t e = nullptr;
  Event() { NS_CUDA_CHECK(cudaEventCreate(&e)); }
  ~Event() {
    if (e) cudaEventDestroy(e);
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
};

struct Measurement {
  int algo = 0;
  cudnnStatus_t status = CUDNN_STATUS_NOT_SUPPORTED;  // the workspace query's, or the failing run's
  bool workspace_known = false;
  size_t workspace = 0;
  double time_ms = -1.0;  // < 0: not measured (see status and note)
  bool deterministic = false;
  cudnnMathType_t math = CUDNN_FMA_MATH;
  std::string note;
};

Measurement measure(DeviceContext& ctx, const dnn::ConvPlan& plan, ConvDir dir, int algo, const ConvBuffers& bufs, int repeats, size_t limit,
                    const AlgoFacts& facts) {
  Measurement m;
  m.algo = algo;
  m.deterministic = facts.deterministic;
  m.math = facts.math;
  size_t ws = 0;
  m.status = plan.workspace_size(ctx.cudnn, dir, algo, &ws);
  if (m.status != CUDNN_STATUS_SUCCESS) return m;
  m.workspace_known = true;
  m.workspace = ws;
  if (ws > limit) {
    m.note = "needs more workspace than the limit of " + std::to_string(limit) + " bytes (setConvWorkspaceLimit)";
    return m;
  }
  dnn::Scratch scratch;
  try {
    scratch = dnn::Scratch(ctx, ws);
  } catch (const core::Error& e) {
    m.note = std::string("its workspace could not be allocated: ") + e.what();
    return m;
  }
  cudnnStatus_t st = plan.run(ctx.cudnn, dir, algo, bufs.a, bufs.b, bufs.out, scratch.data(), ws);  // warm-up
  if (st != CUDNN_STATUS_SUCCESS) {
    m.status = st;
    m.note = "the run failed";
    return m;
  }
  Event start, stop;
  NS_CUDA_CHECK(cudaEventRecord(start.e, ctx.stream));
  for (int r = 0; r < repeats && st == CUDNN_STATUS_SUCCESS; ++r) st = plan.run(ctx.cudnn, dir, algo, bufs.a, bufs.b, bufs.out, scratch.data(), ws);
  NS_CUDA_CHECK(cudaEventRecord(stop.e, ctx.stream));
  NS_CUDA_CHECK(cudaEventSynchronize(stop.e));  // also: the workspace is idle before it returns to the cache
  if (st != CUDNN_STATUS_SUCCESS) {
    m.status = st;
    m.note = "the run failed";
    return m;
  }
  float ms = 0.0f;
  NS_CUDA_CHECK(cudaEventElapsedTime(&ms, start.e, stop.e));
  m.time_ms = static_cast<double>(ms) / repeats;
  return m;
}

// cuDNN's heuristic choice under the settings, or -1.
int pick_heuristic(DeviceContext& ctx, const dnn::ConvPlan& plan, ConvDir dir, bool deterministic, size_t limit, size_t* workspace) {
  std::vector<dnn::ConvAlgoInfo> infos;
  try {
    infos = plan.heuristics(ctx.cudnn, dir);
  } catch (const core::Error&) {
    return -1;
  }
  for (const dnn::ConvAlgoInfo& info : infos) {
    if (info.status != CUDNN_STATUS_SUCCESS || tensor_op(info.math)) continue;
    if (deterministic && !info.deterministic) continue;
    size_t ws = 0;
    if (plan.workspace_size(ctx.cudnn, dir, info.algo, &ws) != CUDNN_STATUS_SUCCESS || ws > limit) continue;
    *workspace = ws;
    return info.algo;
  }
  return -1;
}

std::string hint_for(int attr, int device) {
  const std::string name = kAttrNames[attr];
  if (name == "fft")
    return "cuDNN's FFT convolution needs stride 1, no dilation, padding smaller than the kernel and a padded input of at most 256x256";
  if (name == "fftTiling") return "cuDNN's tiled FFT convolution needs stride 1, no dilation and padding smaller than the kernel";
  if (name == "winograd" || name == "winogradNonfused") {
    const int sm = sm_of(device);
    std::string h = "cuDNN's Winograd convolutions take small (3x3, some 5x5) kernels with stride 1 and no dilation";
    if (name == "winograd") h += ", and fused Winograd is not available on Hopper (sm_90) or newer GPUs";
    if (sm) h += "; this GPU is sm_" + std::to_string(sm);
    return h;
  }
  if (name == "direct") return "cuDNN implements its direct algorithm for few or no shapes";
  return "";
}

// cuDNN 9's status codes come in categories (2xxx bad parameter, 3xxx not supported, …): any
// "not supported", or the plain bad-parameter code the legacy calls give an algorithm that cannot
// take these shapes, means "refused". The specific bad-parameter codes (a null or misaligned
// pointer, a buffer too small) would be our bug, reported as a backend error, not a refusal.
bool refusal(cudnnStatus_t st) {
  const int code = static_cast<int>(st);
  return CUDNN_STATUS_CATEGORY(code) == CUDNN_STATUS_NOT_SUPPORTED || code == CUDNN_STATUS_BAD_PARAM || code == 2001 /* INVALID_VALUE */;
}

[[noreturn]] void throw_unsupported(DeviceContext& ctx, ConvDir dir, int attr, int algo, cudnnStatus_t status, const ConvGeom& geom) {
  std::string hint = hint_for(attr, ctx.index);
  NS_THROW(value, std::string("algo '") + kAttrNames[attr] + "' (" + dnn::conv_algo_name(dir, algo) + ") is not supported by cuDNN for these shapes: " +
                      cudnn_status_text(status) + " (" + geom.text() + ")" + (hint.empty() ? "" : "; " + hint) + "; use 'auto'");
}

ConvChoice explicit_choice(DeviceContext& ctx, const dnn::ConvPlan& plan, ConvDir dir, int attr, const ConvGeom& geom, bool deterministic,
                           size_t limit) {
  const int algo = kAttrToAlgo[static_cast<int>(dir)][attr];
  if (algo < 0) {
    std::string declared;
    for (int a = 0; a < dnn::conv_algo_count(dir); ++a) declared += std::string(a ? ", " : "") + dnn::conv_algo_name(dir, a);
    NS_THROW(value, std::string("algo '") + kAttrNames[attr] + "' has no cuDNN " + dir_words(dir) + " algorithm (cuDNN declares " + declared +
                        "); use 'auto', 'heuristic' or another algorithm (" + geom.text() + ")");
  }
  if (deterministic) {
    std::vector<AlgoFacts> facts = facts_for(ctx, plan, dir);
    if (!facts[algo].deterministic) {
      NS_THROW(value, std::string("algo '") + kAttrNames[attr] + "' runs " + dnn::conv_algo_name(dir, algo) +
                          ", which is not deterministic, and setDeterministic(true) is on (" + geom.text() + ")");
    }
  }
  size_t ws = 0;
  cudnnStatus_t st = plan.workspace_size(ctx.cudnn, dir, algo, &ws);
  if (refusal(st)) throw_unsupported(ctx, dir, attr, algo, st, geom);
  if (st != CUDNN_STATUS_SUCCESS) {
    NS_THROW(backend, cudnn_status_text(st) + ": cuDNN's workspace query for " + dnn::conv_algo_name(dir, algo) + " failed (" + geom.text() + ")");
  }
  if (ws > limit) {
    NS_THROW(value, std::string("algo '") + kAttrNames[attr] + "' (" + dnn::conv_algo_name(dir, algo) + ") needs " + std::to_string(ws) +
                        " bytes of workspace for these shapes, more than the limit of " + std::to_string(limit) +
                        " bytes (setConvWorkspaceLimit) (" + geom.text() + ")");
  }
  return {algo, ws};
}

}  // namespace

// ---- geometry ----

std::string ConvGeom::text() const {
  return "input " + list_of(input) + ", weight " + list_of(weight) + ", output " + list_of(output) + ", stride " + list_of(stride) + ", padding " +
         list_of(padding) + ", dilation " + list_of(dilation) + ", groups " + std::to_string(groups);
}

ConvSetup conv_setup(const core::Shape& x, const core::Shape& w, const core::Shape& y, const std::vector<int64_t>& stride,
                     const std::vector<int64_t>& padding, const std::vector<int64_t>& dilation, int64_t groups) {
  NS_CHECK((x.size() == 4 || x.size() == 5) && w.size() == x.size() && y.size() == x.size(), shape, "expected 4-d or 5-d input, weight and output");
  const bool volumetric = x.size() == 5;
  if (volumetric) {
    NS_CHECK(stride.size() == 3 && dilation.size() == 3 && padding.size() == 3 && groups >= 1, value, "malformed 3-d convolution attributes");
  } else {
    NS_CHECK(stride.size() == 2 && dilation.size() == 2 && (padding.size() == 2 || padding.size() == 4) && groups >= 1, value,
             "malformed convolution attributes");
  }
  ConvSetup s;
  ConvGeom& g = s.geom;
  g.input.assign(x.begin(), x.end());
  g.weight.assign(w.begin(), w.end());
  g.output.assign(y.begin(), y.end());
  g.stride = stride;
  g.dilation = dilation;
  g.padding = padding.size() == 2 ? std::vector<int64_t>{padding[0], padding[1], padding[0], padding[1]} : padding;
  g.groups = groups;
  dnn::ConvShape& c = s.shape;
  c.n = x[0], c.c = x[1], c.o = w[0], c.groups = groups;
  NS_CHECK(y[0] == x[0] && y[1] == w[0] && w[1] * groups == x[1], shape, "convolution shapes do not agree (" + g.text() + ")");
  if (volumetric) {
    c.volumetric = true;
    c.d = x[2], c.h = x[3], c.w = x[4];
    c.kd = w[2], c.kh = w[3], c.kw = w[4];
    c.od = y[2], c.oh = y[3], c.ow = y[4];
    c.pad_d = padding[0], c.pad_h = padding[1], c.pad_w = padding[2];
    c.stride_d = stride[0], c.stride_h = stride[1], c.stride_w = stride[2];
    c.dil_d = dilation[0], c.dil_h = dilation[1], c.dil_w = dilation[2];
    return s;
  }
  // Note [asymmetric padding] (conv_algos.h).
  const int64_t sym_h = std::min(g.padding[0], g.padding[2]), sym_w = std::min(g.padding[1], g.padding[3]);
  s.pad_top = g.padding[0] - sym_h;
  s.pad_left = g.padding[1] - sym_w;
  const int64_t extra_h = s.pad_top + (g.padding[2] - sym_h), extra_w = s.pad_left + (g.padding[3] - sym_w);
  s.explicit_pad = extra_h > 0 || extra_w > 0;
  c.h = x[2] + extra_h, c.w = x[3] + extra_w;
  c.kh = w[2], c.kw = w[3];
  c.oh = y[2], c.ow = y[3];
  c.pad_h = sym_h, c.pad_w = sym_w;
  c.stride_h = stride[0], c.stride_w = stride[1];
  c.dil_h = dilation[0], c.dil_w = dilation[1];
  return s;
}

const char* conv_attr_name(int attr) { return attr >= 0 && attr < kConvAttrCount ? kAttrNames[attr] : "?"; }

// ---- the policy ----

ConvChoice choose_conv_algo(DeviceContext& ctx, const dnn::ConvPlan& plan, ConvDir dir, int attr, const ConvBuffers& buffers,
                            const ConvGeom& geom) {
  NS_CHECK(attr >= 0 && attr < kConvAttrCount, value, "algo index " + std::to_string(attr) + " out of range");
  Settings& st = settings();
  bool deterministic;
  size_t limit;
  {
    std::lock_guard<std::mutex> lock(st.mutex);
    deterministic = st.deterministic;
    limit = st.workspace_limit;
  }
  if (attr != kConvAttrAuto && attr != kConvAttrHeuristic) return explicit_choice(ctx, plan, dir, attr, geom, deterministic, limit);

  const std::string key = cache_key(ctx.index, dir, attr, plan.shape());
  {
    std::lock_guard<std::mutex> lock(st.mutex);
    auto it = st.cache.find(key);
    if (it != st.cache.end()) return {it->second.algo, it->second.workspace};
  }
  CacheEntry e;
  e.geom = geom;
  e.device = ctx.index;
  e.dir = dir;
  e.policy = attr;
  std::vector<AlgoFacts> facts = facts_for(ctx, plan, dir);
  if (attr == kConvAttrAuto) {
    std::string tried;
    const Measurement* best = nullptr;
    std::vector<Measurement> ms;
    ms.reserve(static_cast<size_t>(dnn::conv_algo_count(dir)));
    for (int a = 0; a < dnn::conv_algo_count(dir); ++a) {
      if (deterministic && !facts[a].deterministic) continue;
      ms.push_back(measure(ctx, plan, dir, a, buffers, kAutoRepeats, limit, facts[a]));
    }
    for (const Measurement& m : ms) {
      if (m.time_ms >= 0.0 && (!best || m.time_ms < best->time_ms)) best = &m;
      tried += std::string(tried.empty() ? "" : "; ") + dnn::conv_algo_name(dir, m.algo) + ": " + cudnnGetErrorString(m.status) +
               (m.note.empty() ? "" : " (" + m.note + ")");
    }
    if (!best) {
      NS_THROW(backend, std::string("no cuDNN ") + dir_words(dir) + " algorithm could run these shapes (" + geom.text() + "): " +
                            (tried.empty() ? "none is deterministic" : tried));
    }
    e.algo = best->algo;
    e.workspace = best->workspace;
    e.time_ms = best->time_ms;
    e.deterministic = best->deterministic;
    e.math = best->math;
  } else {
    size_t ws = 0;
    const int algo = pick_heuristic(ctx, plan, dir, deterministic, limit, &ws);
    if (algo < 0) {
      NS_THROW(backend, std::string("cuDNN's heuristics offer no ") + dir_words(dir) + " algorithm for these shapes" +
                            (deterministic ? " that is deterministic" : "") + " within the workspace limit of " + std::to_string(limit) + " bytes (" +
                            geom.text() + ")");
    }
    e.algo = algo;
    e.workspace = ws;
    e.deterministic = facts[algo].deterministic;
    e.math = facts[algo].math;
  }
  {
    std::lock_guard<std::mutex> lock(st.mutex);
    st.cache[key] = e;
  }
  return {e.algo, e.workspace};
}

void conv_run_failed(DeviceContext& ctx, ConvDir dir, int attr, int algo, cudnnStatus_t status, const ConvGeom& geom) {
  if (attr != kConvAttrAuto && attr != kConvAttrHeuristic && refusal(status))
    throw_unsupported(ctx, dir, attr, algo, status, geom);
  NS_THROW(backend, cudnn_status_text(status) + ": " + dir_call(dir) + " with " + dnn::conv_algo_name(dir, algo) + " failed (" +
                        geom.text() + ")");
}

// ---- controls ----

namespace {

// A small JSON reader for control arguments (objects, arrays, numbers, booleans, strings, null).
struct Json {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  bool b = false;
  double num = 0.0;
  std::string str;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;

  const Json* get(const std::string& key) const {
    for (const auto& f : fields)
      if (f.first == key) return &f.second;
    return nullptr;
  }
};

class JsonReader {
 public:
  JsonReader(const std::string& text, const std::string& control) : s_(text), control_(control) {}

  Json document() {
    Json v = value(0);
    space();
    if (i_ != s_.size()) fail("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    NS_THROW(value, "control '" + control_ + "': malformed JSON arguments (" + why + " at offset " + std::to_string(i_) + ")");
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool literal(const char* word) {
    size_t n = std::char_traits<char>::length(word);
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }
  Json value(int depth) {
    if (depth > 32) fail("nesting too deep");
    space();
    if (i_ >= s_.size()) fail("unexpected end");
    Json v;
    const char c = s_[i_];
    if (c == '{') {
      v.kind = Json::Kind::object;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, v;
      for (;;) {
        space();
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a key");
        std::string key = string();
        space();
        if (i_ >= s_.size() || s_[i_] != ':') fail("expected ':'");
        ++i_;
        v.fields.emplace_back(std::move(key), value(depth + 1));
        space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') return ++i_, v;
        fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.kind = Json::Kind::array;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, v;
      for (;;) {
        v.items.push_back(value(depth + 1));
        space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') return ++i_, v;
        fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.kind = Json::Kind::string;
      v.str = string();
      return v;
    }
    if (literal("true")) return v.kind = Json::Kind::boolean, v.b = true, v;
    if (literal("false")) return v.kind = Json::Kind::boolean, v.b = false, v;
    if (literal("null")) return v;
    const char* begin = s_.c_str() + i_;
    char* end = nullptr;
    v.num = std::strtod(begin, &end);
    if (end == begin) fail("expected a value");
    i_ += static_cast<size_t>(end - begin);
    v.kind = Json::Kind::number;
    return v;
  }
  std::string string() {
    ++i_;  // opening quote
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\') {
        if (i_ >= s_.size()) fail("unterminated string");
        char e = s_[i_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u':
            if (i_ + 4 > s_.size()) fail("bad \\u escape");
            i_ += 4;
            out += '?';  // control names and options are ASCII
            break;
          default: out += e; break;
        }
      } else {
        out += c;
      }
    }
    if (i_ >= s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }

  const std::string& s_;
  const std::string& control_;
  size_t i_ = 0;
};

// Typed reads with errors naming the control and the option.
struct Args {
  const Json& json;
  const std::string& control;

  const Json* find(const char* key) const {
    if (json.kind != Json::Kind::object) NS_THROW(value, "control '" + control + "': arguments must be a JSON object");
    return json.get(key);
  }
  [[noreturn]] void bad(const char* key, const std::string& want) const {
    NS_THROW(value, "control '" + control + "': option '" + key + "' expected " + want);
  }
  bool boolean(const char* key) const {
    const Json* v = find(key);
    if (!v || v->kind != Json::Kind::boolean) bad(key, "a boolean");
    return v->b;
  }
  int64_t integer(const char* key, int64_t fallback, int64_t min, int64_t max) const {
    const Json* v = find(key);
    if (!v) return fallback;
    if (v->kind != Json::Kind::number || v->num != std::floor(v->num) || v->num < static_cast<double>(min) || v->num > static_cast<double>(max))
      bad(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return static_cast<int64_t>(v->num);
  }
  std::vector<int64_t> integers(const char* key, std::vector<int64_t> fallback, std::vector<size_t> lengths, int64_t min) const {
    const Json* v = find(key);
    if (!v) {
      if (fallback.empty()) bad(key, "a list of integers (it is required)");
      return fallback;
    }
    std::string want = "a list of " + std::to_string(lengths[0]);
    for (size_t i = 1; i < lengths.size(); ++i) want += " or " + std::to_string(lengths[i]);
    want += " integers >= " + std::to_string(min);
    if (v->kind != Json::Kind::array || std::find(lengths.begin(), lengths.end(), v->items.size()) == lengths.end()) bad(key, want);
    std::vector<int64_t> out;
    for (const Json& item : v->items) {
      if (item.kind != Json::Kind::number || item.num != std::floor(item.num) || item.num < static_cast<double>(min) || item.num > 9.0e15)
        bad(key, want);
      out.push_back(static_cast<int64_t>(item.num));
    }
    return out;
  }
};

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string names_json(ConvDir dir, int algo) {
  std::string out = "[";
  auto names = names_of(dir, algo);
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + quote(names[i]);
  return out + "]";
}

std::string geom_json(const ConvGeom& g) {
  return "\"input\":" + list_of(g.input) + ",\"weight\":" + list_of(g.weight) + ",\"output\":" + list_of(g.output) + ",\"stride\":" + list_of(g.stride) +
         ",\"padding\":" + list_of(g.padding) + ",\"dilation\":" + list_of(g.dilation) + ",\"groups\":" + std::to_string(g.groups);
}

std::string settings_json() {
  Settings& st = settings();
  std::lock_guard<std::mutex> lock(st.mutex);
  return "{\"deterministic\":" + std::string(st.deterministic ? "true" : "false") + ",\"workspaceLimitBytes\":" + std::to_string(st.workspace_limit) +
         "}";
}

std::string cache_json() {
  Settings& st = settings();
  std::lock_guard<std::mutex> lock(st.mutex);
  std::string out = "{\"entries\":[";
  bool first = true;
  for (const auto& [key, e] : st.cache) {
    out += first ? "" : ",";
    first = false;
    out += "{\"device\":\"cuda:" + std::to_string(e.device) + "\",\"direction\":\"" + dir_name(e.dir) + "\",\"policy\":\"" + kAttrNames[e.policy] +
           "\",\"algo\":\"" + dnn::conv_algo_name(e.dir, e.algo) + "\",\"names\":" + names_json(e.dir, e.algo) +
           ",\"workspaceBytes\":" + std::to_string(e.workspace) + ",\"timeMs\":" + (e.time_ms >= 0.0 ? number(e.time_ms) : "null") +
           ",\"deterministic\":" + (e.deterministic ? "true" : "false") + ",\"mathType\":\"" + dnn::math_type_name(e.math) + "\"," +
           geom_json(e.geom) + "}";
  }
  return out + "]}";
}

// convAlgorithms: every algorithm of every direction, measured on scratch buffers of the shapes.
std::string conv_algorithms(const Args& args, const std::function<DeviceContext&(int)>& device, int device_count) {
  const int dev = static_cast<int>(args.integer("device", 0, 0, device_count > 0 ? device_count - 1 : 0));
  DeviceContext& ctx = device(dev);
  NS_CUDA_CHECK(cudaSetDevice(ctx.index));
  const std::vector<int64_t> x = args.integers("input", {}, {4}, 1);
  const std::vector<int64_t> w = args.integers("weight", {}, {4}, 1);
  const std::vector<int64_t> stride = args.integers("stride", {1, 1}, {2}, 1);
  const std::vector<int64_t> dilation = args.integers("dilation", {1, 1}, {2}, 1);
  std::vector<int64_t> padding = args.integers("padding", {0, 0}, {2, 4}, 0);
  const int64_t groups = args.integer("groups", 1, 1, int64_t{1} << 31);
  const int repeats = static_cast<int>(args.integer("repeats", kAutoRepeats, 1, 100));
  if (padding.size() == 2) padding = {padding[0], padding[1], padding[0], padding[1]};
  const std::string shapes = "(input " + list_of(x) + ", weight " + list_of(w) + ")";
  NS_CHECK(w[0] % groups == 0, shape, "convAlgorithms: weight has " + std::to_string(w[0]) + " output channels, not divisible by groups " + std::to_string(groups) + " " + shapes);
  NS_CHECK(w[1] * groups == x[1], shape,
           "convAlgorithms: weight has " + std::to_string(w[1]) + " input channels per group but input has " + std::to_string(x[1]) + " " + shapes);
  const int64_t ekh = dilation[0] * (w[2] - 1) + 1, ekw = dilation[1] * (w[3] - 1) + 1;
  const int64_t ph = x[2] + padding[0] + padding[2], pw = x[3] + padding[1] + padding[3];
  NS_CHECK(ekh <= ph && ekw <= pw, shape,
           "convAlgorithms: kernel " + std::to_string(ekh) + "x" + std::to_string(ekw) + " (dilated) is larger than the padded input " + std::to_string(ph) +
               "x" + std::to_string(pw) + " " + shapes);
  const core::Shape y = {x[0], w[0], (ph - ekh) / stride[0] + 1, (pw - ekw) / stride[1] + 1};
  ConvSetup setup = conv_setup(x, w, y, stride, padding, dilation, groups);
  dnn::ConvPlan plan(setup.shape);
  const dnn::ConvShape& s = setup.shape;
  auto floats = [](int64_t n) { return static_cast<size_t>(n) * sizeof(float); };
  dnn::Scratch bx(ctx, floats(s.input_count())), bw(ctx, floats(s.weight_count())), by(ctx, floats(s.output_count()));
  dnn::Scratch bdx(ctx, bx.size()), bdw(ctx, bw.size());
  NS_CUDA_CHECK(cudaMemsetAsync(bx.data(), 0, bx.size(), ctx.stream));
  NS_CUDA_CHECK(cudaMemsetAsync(bw.data(), 0, bw.size(), ctx.stream));
  NS_CUDA_CHECK(cudaMemsetAsync(by.data(), 0, by.size(), ctx.stream));

  bool deterministic;
  size_t limit;
  {
    Settings& st = settings();
    std::lock_guard<std::mutex> lock(st.mutex);
    deterministic = st.deterministic;
    limit = st.workspace_limit;
  }
  std::string out = "{\"device\":\"cuda:" + std::to_string(ctx.index) + "\",\"deterministic\":" + (deterministic ? "true" : "false") +
                    ",\"workspaceLimitBytes\":" + std::to_string(limit) + ",\"repeats\":" + std::to_string(repeats) + "," + geom_json(setup.geom) +
                    ",\"explicitPadding\":" + (setup.explicit_pad ? "true" : "false");
  const ConvBuffers bufs[dnn::kConvDirCount] = {{bx.data(), bw.data(), by.data()}, {by.data(), bw.data(), bdx.data()}, {bx.data(), by.data(), bdw.data()}};
  for (int d = 0; d < dnn::kConvDirCount; ++d) {
    const ConvDir dir = static_cast<ConvDir>(d);
    std::vector<AlgoFacts> facts = facts_for(ctx, plan, dir);
    std::string rows;
    const Measurement* fastest = nullptr;
    std::vector<Measurement> ms;
    for (int a = 0; a < dnn::conv_algo_count(dir); ++a) ms.push_back(measure(ctx, plan, dir, a, bufs[d], repeats, limit, facts[a]));
    for (const Measurement& m : ms) {
      if (m.time_ms >= 0.0 && (!deterministic || m.deterministic) && (!fastest || m.time_ms < fastest->time_ms)) fastest = &m;
      rows += std::string(rows.empty() ? "" : ",") + "{\"algo\":\"" + dnn::conv_algo_name(dir, m.algo) + "\",\"names\":" + names_json(dir, m.algo) +
              ",\"status\":\"" + cudnnGetErrorString(m.status) + "\",\"supported\":" + (m.status == CUDNN_STATUS_SUCCESS ? "true" : "false") +
              ",\"timeMs\":" + (m.time_ms >= 0.0 ? number(m.time_ms) : "null") +
              ",\"workspaceBytes\":" + (m.workspace_known ? std::to_string(m.workspace) : "null") +
              ",\"deterministic\":" + (m.deterministic ? "true" : "false") + ",\"mathType\":\"" + dnn::math_type_name(m.math) +
              "\",\"note\":" + quote(m.note) + "}";
    }
    size_t ws = 0;
    const int heuristic = pick_heuristic(ctx, plan, dir, deterministic, limit, &ws);
    out += std::string(",\"") + dir_name(dir) + "\":{\"algorithms\":[" + rows + "],\"auto\":" +
           (fastest ? quote(dnn::conv_algo_name(dir, fastest->algo)) : "null") +
           ",\"heuristic\":" + (heuristic >= 0 ? quote(dnn::conv_algo_name(dir, heuristic)) : "null") + "}";
  }
  NS_CUDA_CHECK(cudaStreamSynchronize(ctx.stream));  // the scratch buffers are idle before they return to the cache
  return out + "}";
}

}  // namespace

std::string cuda_control(const std::string& name, const std::string& args_json, const std::function<DeviceContext&(int)>& device,
                         int device_count) {
  const Json json = JsonReader(args_json.empty() ? std::string("{}") : args_json, name).document();
  const Args args{json, name};
  Settings& st = settings();
  if (name == "setDeterministic") {
    const bool on = args.boolean("enabled");
    {
      std::lock_guard<std::mutex> lock(st.mutex);
      if (st.deterministic != on) st.cache.clear();
      st.deterministic = on;
    }
    return settings_json();
  }
  if (name == "setConvWorkspaceLimit") {
    const int64_t bytes = args.integer("bytes", -1, 0, int64_t{1} << 53);
    if (bytes < 0) args.bad("bytes", "an integer from 0 to 2^53 (it is required)");
    {
      std::lock_guard<std::mutex> lock(st.mutex);
      if (st.workspace_limit != static_cast<size_t>(bytes)) st.cache.clear();
      st.workspace_limit = static_cast<size_t>(bytes);
    }
    return settings_json();
  }
  if (name == "convSettings") return settings_json();
  if (name == "convAlgorithmCache") return cache_json();
  if (name == "clearConvAlgorithmCache") {
    size_t n;
    {
      std::lock_guard<std::mutex> lock(st.mutex);
      n = st.cache.size();
      st.cache.clear();
    }
    return "{\"cleared\":" + std::to_string(n) + "}";
  }
  if (name == "convAlgorithms") return conv_algorithms(args, device, device_count);
  NS_THROW(value, "cuda backend has no control '" + name +
                      "' (controls: setDeterministic, setConvWorkspaceLimit, convSettings, convAlgorithms, convAlgorithmCache, clearConvAlgorithmCache)");
}

}  // namespace nutshell::cuda
