#pragma once
// The convolution algorithm policy (Note [conv algorithm policy] in conv_algos.cc) and the cuda
// backend's controls (Backend::control: determinism, workspace limit, the per-algorithm report,
// the cache listing). conv.cc asks choose_conv_algo which cuDNN algorithm to run; backend.cc
// forwards control() to cuda_control.
#include <functional>
#include <string>
#include <vector>

#include "../core/shape.h"
#include "context.h"
#include "cudnn_layer.h"

namespace nutshell::cuda {

// A convolution as the op states it: input [N,C,H,W], weight [O,C/g,kH,kW], output [N,O,H',W'],
// padding [top, left, bottom, right]; or 3-d: [N,C,D,H,W] …, padding [d, h, w].
struct ConvGeom {
  std::vector<int64_t> input, weight, output;
  std::vector<int64_t> stride, dilation;
  std::vector<int64_t> padding;
  int64_t groups = 1;
  std::string text() const;  // "input [..], weight [..], output [..], stride [..], padding [..], dilation [..], groups g"
};

// Note [asymmetric padding]: cuDNN pads symmetrically. Padding [t, l, b, r] becomes cuDNN's
// symmetric (min(t, b), min(l, r)) around an input padded explicitly by the rest: t − min(t, b)
// rows on top, b − min(t, b) at the bottom (one of the two is 0), likewise for columns. Forward
// and backward-weights read a zero-padded copy of the input (dnn::pad_planes); backward-data
// writes the padded input's gradient to scratch and crops it (dnn::crop_planes). Both copies are
// one cheap pass next to the convolution, and only asymmetric convolutions pay it.
struct ConvSetup {
  ConvGeom geom;
  dnn::ConvShape shape;  // what cuDNN sees
  bool explicit_pad = false;
  int64_t pad_top = 0, pad_left = 0;  // where the input sits inside its explicitly padded copy
};
// 4-d tensors: a 2-d convolution, padding [h, w] or [top, left, bottom, right]; 5-d: a 3-d one,
// padding [d, h, w] (symmetric: Note [symmetric 3-d padding] in conv3d.ts).
ConvSetup conv_setup(const core::Shape& x, const core::Shape& w, const core::Shape& y, const std::vector<int64_t>& stride,
                     const std::vector<int64_t>& padding, const std::vector<int64_t>& dilation, int64_t groups);

// The ops' `algo` attribute: 'auto', 'heuristic', then cuDNN's forward algorithm names
// (packages/tensor/src/ops/table/conv.ts, convAlgos).
constexpr int kConvAttrAuto = 0;
constexpr int kConvAttrHeuristic = 1;
constexpr int kConvAttrCount = 10;
const char* conv_attr_name(int attr);

struct ConvChoice {
  int algo = 0;          // cuDNN's index within the direction
  size_t workspace = 0;  // bytes the run needs
};

// The call's own buffers: 'auto' times the candidates on them (the output is overwritten, then
// written again by the chosen algorithm). Same roles as dnn::ConvPlan::run.
struct ConvBuffers {
  const void* a = nullptr;
  const void* b = nullptr;
  void* out = nullptr;
};

// The algorithm to run for `attr`. Throws ValueError, naming the algorithm and the shapes, when
// an explicit name has no cuDNN algorithm in this direction, is unsupported for these shapes,
// is non-deterministic under setDeterministic(true), or needs more workspace than the limit.
ConvChoice choose_conv_algo(DeviceContext& ctx, const dnn::ConvPlan& plan, dnn::ConvDir dir, int attr, const ConvBuffers& buffers,
                            const ConvGeom& geom);
// The error for a run of `choice` that cuDNN refused with `status`.
[[noreturn]] void conv_run_failed(DeviceContext& ctx, dnn::ConvDir dir, int attr, int algo, cudnnStatus_t status, const ConvGeom& geom);

// Backend::control of the cuda backend. `device(i)` is the context of cuda:i (it checks i).
std::string cuda_control(const std::string& name, const std::string& args_json, const std::function<DeviceContext&(int)>& device,
                         int device_count);

}  // namespace nutshell::cuda
