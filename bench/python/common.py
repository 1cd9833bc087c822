"""The python side's timing loop, the twin of bench/src/timing.ts: `warmup` untimed repetitions,
then `reps` timed repetitions of `inner` calls; a sample is one repetition's time / inner, in ms.
The harness computes medians from the samples, so both sides share one statistics code."""
import json
import os
import resource
import sys
import time


def setup_threads(n):
    """Sets every thread pool to n before torch does any work (OMP env is set by the harness too)."""
    import torch
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set (only possible once per process)
    return torch


def use_device(torch, device):
    """Prepares `device` for timing and returns its synchronize function (None on cpu). On cuda,
    cuDNN benchmarks its algorithms (cudnn.benchmark, as nutshell's algo 'auto' does) and TF32 is
    off for convolutions and matmuls: nutshell computes in strict float32 (CUDNN_FMA_MATH), and
    a ratio should compare the same arithmetic."""
    if device == "cpu":
        return None
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.cuda.init()
    return torch.cuda.synchronize


def measure(fn, spec, sync=None, after=None):
    start = time.perf_counter()
    r = 0
    while r < spec["warmup"] or (time.perf_counter() - start) * 1e3 < spec.get("warmupMs", 0):
        _rep(fn, spec["inner"], sync, after)
        r += 1
    return [_rep(fn, spec["inner"], sync, after) for _ in range(spec["reps"])]


def _rep(fn, inner, sync, after):
    t0 = time.perf_counter()
    for i in range(inner):
        fn()
    if sync:
        sync()
    t1 = time.perf_counter()
    if after:
        after()
    return (t1 - t0) * 1e3 / inner


def max_rss_mib():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def versions():
    import numpy
    import torch
    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "torch_mkldnn": str(torch.backends.mkldnn.is_available()),
        "torch_threads": str(torch.get_num_threads()),
        **cuda_versions(torch),
    }


def cuda_versions(torch):
    """The GPU and the CUDA / cuDNN builds PyTorch runs on, once it has used cuda."""
    if not torch.cuda.is_available() or not torch.cuda.is_initialized():
        return {}
    return {
        "torch_cuda": str(torch.version.cuda),
        "torch_cudnn": str(torch.backends.cudnn.version()),
        "torch_gpu": torch.cuda.get_device_name(),
    }


def read_request():
    return json.loads(sys.stdin.read())


def reply(obj):
    sys.stdout.write("\n@@RESULT@@" + json.dumps(obj) + "\n")
    sys.stdout.flush()


def det(torch, shape, a, scale=1.0, requires_grad=False, device="cpu"):
    """The twin of bench/src/nut.ts det(): sin((i + 1) * a) * scale in float64, rounded to float32."""
    import numpy as np
    n = 1
    for d in shape:
        n *= d
    v = (np.sin((np.arange(n, dtype=np.float64) + 1) * a) * scale).astype(np.float32)
    t = torch.from_numpy(v).reshape(shape).to(device)
    return t.requires_grad_(True) if requires_grad else t


def checksum(t):
    d = t.detach().double()
    return [float(d.sum()), float(d.abs().sum())]
