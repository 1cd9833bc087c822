"""PyTorch (and NumPy) side of the ops and overhead suites. Reads a request on stdin:
{"threads": n, "workloads": [{"id", "kind", "device"?, "spec": {warmup, reps, inner}, ...shape}]}
and prints {"versions", "results": {id: {"samples": [ms...], "checksum": {...}} | {"error"}}}.
Inputs come from det() (bench/src/nut.ts makes the same values), so checksums of outputs and
gradients can be compared with nutshell's."""
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(__file__))
from common import checksum, det, measure, read_request, reply, setup_threads, use_device, versions  # noqa: E402


def conv(torch, w, backward, dev):
    """conv2d, or conv3d where the shape has a depth "d"."""
    F = torch.nn.functional
    pad, k = w["pad"], w["k"]
    spatial = [w["d"], w["h"], w["w"]] if "d" in w else [w["h"], w["w"]]
    out = [v + 2 * pad - k + 1 for v in spatial]
    op = F.conv3d if "d" in w else F.conv2d
    x = det(torch, [w["n"], w["c"], *spatial], 0.37, 1.0, backward, dev)
    wt = det(torch, [w["o"], w["c"], *[k] * len(spatial)], 0.11, 0.1, backward, dev)
    b = det(torch, [w["o"]], 0.23, 1.0, backward, dev)
    if not backward:
        def fn():
            with torch.no_grad():
                return op(x, wt, b, padding=pad)
        return fn, lambda: {"y": checksum(fn())}
    gy = det(torch, [w["n"], w["o"], *out], 0.53, device=dev)

    def fn():
        x.grad = None; wt.grad = None; b.grad = None  # assign, never accumulate (as nutshell's side)
        op(x, wt, b, padding=pad).backward(gy)

    def check():
        fn()
        return {"dx": checksum(x.grad), "dw": checksum(wt.grad), "db": checksum(b.grad)}
    return fn, check


def maxpool(torch, w, backward, dev):
    """max_pool2d, or max_pool3d where the shape has a depth "d"."""
    F = torch.nn.functional
    k, s = w["k"], w["stride"]
    spatial = [w["d"], w["h"], w["w"]] if "d" in w else [w["h"], w["w"]]
    op = F.max_pool3d if "d" in w else F.max_pool2d
    x = det(torch, [w["n"], w["c"], *spatial], 0.37, 1.0, backward, dev)
    if not backward:
        def fn():
            with torch.no_grad():
                return op(x, k, s)
        return fn, lambda: {"y": checksum(fn())}
    gy = det(torch, [w["n"], w["c"], *[(v - k) // s + 1 for v in spatial]], 0.53, device=dev)

    def fn():
        x.grad = None
        op(x, k, s).backward(gy)
    return fn, lambda: (fn(), {"dx": checksum(x.grad)})[1]


def batchnorm(torch, w, mode, dev):
    F = torch.nn.functional
    c = w["c"]
    x = det(torch, [w["n"], c, w["h"], w["w"]], 0.41, 1.0, mode == "fwdbwd", dev)
    rm, rv = torch.zeros(c, device=dev), torch.ones(c, device=dev)
    wt, b = det(torch, [c], 0.17, 1.0, mode == "fwdbwd", dev), det(torch, [c], 0.23, 0.1, mode == "fwdbwd", dev)
    if mode != "fwdbwd":
        training = mode == "train"

        def fn():
            with torch.no_grad():
                return F.batch_norm(x, rm, rv, wt, b, training=training, momentum=0.1, eps=1e-5)
        return fn, lambda: {"y": checksum(fn())}
    gy = det(torch, [w["n"], c, w["h"], w["w"]], 0.53, device=dev)

    def fn():
        x.grad = None; wt.grad = None; b.grad = None
        F.batch_norm(x, rm, rv, wt, b, training=True, momentum=0.1, eps=1e-5).backward(gy)
    return fn, lambda: (fn(), {"dx": checksum(x.grad), "dw": checksum(wt.grad), "db": checksum(b.grad)})[1]


def lstm(torch, w, backward, dev):
    I, H = w["input"], w["hidden"]
    m = torch.nn.LSTM(I, H)
    with torch.no_grad():
        m.weight_ih_l0.copy_(det(torch, [4 * H, I], 0.11, 0.1))
        m.weight_hh_l0.copy_(det(torch, [4 * H, H], 0.13, 0.1))
        m.bias_ih_l0.copy_(det(torch, [4 * H], 0.17, 0.1))
        m.bias_hh_l0.copy_(det(torch, [4 * H], 0.19, 0.1))
    m.to(dev)
    x = det(torch, [w["seq"], w["batch"], I], 0.37, 1.0, backward, dev)
    if not backward:
        def fn():
            with torch.no_grad():
                return m(x)[0]
        return fn, lambda: {"y": checksum(fn())}
    gy = det(torch, [w["seq"], w["batch"], H], 0.53, device=dev)
    params = list(m.parameters())

    def fn():
        x.grad = None
        for p in params:
            p.grad = None
        m(x)[0].backward(gy)

    def check():
        fn()
        return {"dx": checksum(x.grad), "dw_ih": checksum(m.weight_ih_l0.grad), "dw_hh": checksum(m.weight_hh_l0.grad), "db_ih": checksum(m.bias_ih_l0.grad)}
    return fn, check


def matmul(torch, w, impl, dev):
    a = det(torch, [w["m"], w["k"]], 0.37, device=dev)
    b = det(torch, [w["k"], w["n"]], 0.11, device=dev)
    if impl == "numpy":
        import numpy
        an, bn = a.numpy(), b.numpy()
        return (lambda: numpy.matmul(an, bn)), lambda: {"y": checksum(torch.from_numpy(numpy.matmul(an, bn)))}
    fn = lambda: torch.matmul(a, b)  # noqa: E731
    return fn, lambda: {"y": checksum(fn())}


def tiny_add(torch, dev):
    a = torch.tensor([1.0], device=dev)
    b = torch.tensor([2.0], device=dev)
    fn = lambda: torch.add(a, b)  # noqa: E731
    return fn, lambda: {"y": checksum(fn())}


def tiny_autograd(torch, dev):
    a = torch.tensor([1.5], requires_grad=True, device=dev)
    b = torch.tensor([0.5], requires_grad=True, device=dev)

    def fn():
        a.grad = None; b.grad = None
        torch.add(torch.mul(a, b), b).sum().backward()
    return fn, lambda: (fn(), {"da": checksum(a.grad), "db": checksum(b.grad)})[1]


def fn_case(torch, w, dev):
    """The twin of fnCase in src/suites/cases.ts: one input prepared from det() values, one call,
    a checksum of what is unique."""
    raw = det(torch, w["shape"], 0.37, device=dev)
    n = w["shape"][-1]
    prep = w["prep"]
    if prep == "positive":
        x = raw.abs() + 0.5
    elif prep == "wide":
        x = raw * 3
    else:
        x = raw.clone() if prep == "plain" else (raw @ raw.mT + n * torch.eye(n) if prep == "spd" else (raw + raw.mT) * 0.5)
    f = w["fn"]
    lower = torch.tril(x) if f == "solveTriangular" else None
    calls = {
        "cumsum": lambda: torch.cumsum(x, -1),
        "logcumsumexp": lambda: torch.logcumsumexp(x, -1),
        "cummax": lambda: torch.cummax(x, -1),
        "cholesky": lambda: torch.linalg.cholesky(x),
        "eigh": lambda: torch.linalg.eigh(x),
        "svd": lambda: torch.linalg.svd(x, full_matrices=False),
        "qr": lambda: torch.linalg.qr(x),
        "solve": lambda: torch.linalg.solve(x, x),
        "inv": lambda: torch.linalg.inv(x),
        "solveTriangular": lambda: torch.linalg.solve_triangular(lower, x, upper=False),
        "sin": lambda: torch.sin(x),
        "lgamma": lambda: torch.lgamma(x),
        "digamma": lambda: torch.digamma(x),
        "erf": lambda: torch.erf(x),
        "erfc": lambda: torch.erfc(x),
    }
    fn = calls[f]

    def unique():
        out = fn()
        if f == "eigh": return out[0]
        if f == "svd": return out[1]
        if f == "qr": return out[1].abs()
        return out[0] if f == "cummax" else out
    return fn, lambda: {"y": checksum(unique())}


def build(torch, w, dev):
    k = w["kind"]
    if k == "conv": return conv(torch, w, w["backward"], dev)
    if k == "maxpool": return maxpool(torch, w, w["backward"], dev)
    if k == "batchnorm": return batchnorm(torch, w, w["mode"], dev)
    if k == "lstm": return lstm(torch, w, w["backward"], dev)
    if k == "matmul": return matmul(torch, w, w.get("impl", "torch"), dev)
    if k == "add": return tiny_add(torch, dev)
    if k == "autograd": return tiny_autograd(torch, dev)
    if k == "fn": return fn_case(torch, w, dev)
    raise ValueError(f"unknown workload kind {k}")


def main():
    req = read_request()
    torch = setup_threads(req["threads"])
    results = {}
    for w in req["workloads"]:
        try:
            dev = w.get("device", "cpu")
            sync = use_device(torch, dev)
            fn, check = build(torch, w, dev)
            samples = measure(fn, w["spec"], sync)
            results[w["id"]] = {"samples": samples, "checksum": check() if check else None}
        except Exception as e:  # one failing workload must not lose the others
            results[w["id"]] = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}
    reply({"versions": versions(), "results": results})


if __name__ == "__main__":
    main()
