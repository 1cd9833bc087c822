"""PyTorch side of the training, inference and memory suites; one task per process, so that
peak RSS belongs to that task alone. Request on stdin:
{"task": "lenet-epoch" | "charlstm" | "inception" | "transformer" | "lenet-infer", "threads": n, "device"?, ...}
Reply: {"versions", "samples": [ms...], "epochMs"?, "peakRssMiB", "baselineRssMiB",
"peakDeviceMiB"? (cuda: torch.cuda.max_memory_allocated), ...}. On cuda the model and each batch
live on the GPU; batches are gathered on the host and copied per step, as nutshell's side does."""
import gzip
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import current_rss_mib, max_rss_mib, measure, read_request, reply, setup_threads, use_device, versions  # noqa: E402


def read_idx(path):
    import numpy as np
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion(torch, root, split, limit=None):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(root, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(root, f"{prefix}-labels-idx1-ubyte.gz"))
    if limit:
        x, y = x[:limit], y[:limit]
    xt = torch.from_numpy(x.astype("float32") / 255.0).reshape(-1, 1, 28, 28)
    return xt, torch.from_numpy(y.astype("int64"))


def lenet_epoch(torch, req):
    from models import LeNet
    torch.manual_seed(0)
    x, y = fashion(torch, req["data"], "train", req["images"])
    dev = req.get("device", "cpu")
    model = LeNet().to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=req["lr"], momentum=req["momentum"])
    loss_fn = torch.nn.CrossEntropyLoss()
    bs = req["batch"]
    steps = x.shape[0] // bs
    baseline = current_rss_mib()

    def step(idx):
        xb, yb = x[idx].to(dev), y[idx].to(dev)
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    g = torch.Generator().manual_seed(1)
    for _ in range(req["warmupSteps"]):
        step(torch.randint(0, x.shape[0], (bs,), generator=g))
    perm = torch.randperm(x.shape[0], generator=g)
    samples = []
    losses = []
    t0 = time.perf_counter()
    for s in range(steps):
        ts = time.perf_counter()
        losses.append(step(perm[s * bs:(s + 1) * bs]))
        samples.append((time.perf_counter() - ts) * 1e3)
    epoch_ms = (time.perf_counter() - t0) * 1e3
    return {"samples": samples, "epochMs": epoch_ms, "steps": steps, "images": steps * bs,
            "baselineRssMiB": baseline, "firstLoss": losses[0], "lastLoss": sum(losses[-10:]) / len(losses[-10:])}


def lenet_infer(torch, req):
    from models import LeNet
    from safetensors.torch import load_file
    x, _ = fashion(torch, req["data"], "test")
    model = LeNet().eval()
    model.load_state_dict(load_file(req["weights"]))
    bs = req["batch"]

    def fn():
        with torch.inference_mode():
            for i in range(0, x.shape[0], bs):
                model(x[i:i + bs])
    return {"samples": measure(fn, req["spec"]), "images": int(x.shape[0])}


def char_text(files):
    text = ""
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            text += fh.read()
    return text


def charlstm(torch, req):
    from models import CharLSTM
    torch.manual_seed(0)
    text = char_text(req["files"])
    vocab = sorted(set(text))
    lut = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([lut[c] for c in text], dtype=torch.int64)
    dev = req.get("device", "cpu")
    model = CharLSTM(len(vocab), req["embed"], req["hidden"]).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    seq, bs = req["seq"], req["batch"]
    g = torch.Generator().manual_seed(1)

    def fn():
        starts = torch.randint(0, ids.shape[0] - seq - 1, (bs,), generator=g)
        idx = starts[None, :] + torch.arange(seq)[:, None]  # [seq, batch]
        xb, yb = ids[idx].to(dev), ids[idx + 1].to(dev)
        opt.zero_grad()
        loss = loss_fn(model(xb).reshape(-1, len(vocab)), yb.reshape(-1))
        loss.backward()
        opt.step()
        loss.item()
    return {"samples": measure(fn, req["spec"]), "vocab": len(vocab), "chars": len(text)}


def inception(torch, req):
    from models import Inception
    torch.manual_seed(0)
    dev = req.get("device", "cpu")
    model = Inception(req["c"]).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(req["n"], req["c"], req["h"], req["w"]).to(dev)
    y = torch.randint(0, 10, (req["n"],)).to(dev)
    loss_fn = torch.nn.CrossEntropyLoss()

    def fn():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
    return {"samples": measure(fn, req["spec"])}


def transformer(torch, req):
    """The twin of src/child.ts's transformer task: a pre-norm GELU TransformerEncoderLayer, loss mean(y^2), AdamW."""
    torch.manual_seed(0)
    dev = req.get("device", "cpu")
    n, seq, d, heads = req["n"], req["seq"], req["d"], req["heads"]
    layer = torch.nn.TransformerEncoderLayer(d, heads, 4 * d, 0.0, activation="gelu", batch_first=True, norm_first=True).to(dev)
    opt = torch.optim.AdamW(layer.parameters(), lr=1e-3)
    x = torch.sin(torch.arange(n * seq * d, dtype=torch.float32) * 0.37).reshape(n, seq, d).to(dev)

    def fn():
        opt.zero_grad()
        y = layer(x)
        loss = (y * y).mean()
        loss.backward()
        opt.step()
        loss.item()
    return {"samples": measure(fn, req["spec"])}


TASKS = {"lenet-epoch": lenet_epoch, "lenet-infer": lenet_infer, "charlstm": charlstm, "inception": inception, "transformer": transformer}


def main():
    req = read_request()
    torch = setup_threads(req["threads"])
    dev = req.get("device", "cpu")
    use_device(torch, dev)
    out = TASKS[req["task"]](torch, req)
    out["peakRssMiB"] = max_rss_mib()
    if dev != "cpu":
        out["peakDeviceMiB"] = torch.cuda.max_memory_allocated() / 2**20
    out["versions"] = versions()
    reply(out)


if __name__ == "__main__":
    main()
