"""PyTorch's x[...] and x[...] = v on fixed cases, with gradients, for test/indexing.test.ts
(Note [python indexing]).

    /opt/torch-venv/bin/python scripts/fixtures_indexing.py
"""
import torch, json
x = torch.arange(2*3*4, dtype=torch.float32).reshape(2, 3, 4)
cases = {
  "sel0": lambda t: t[1],
  "neg": lambda t: t[-1, :, -2],
  "slice": lambda t: t[:, 1:3],
  "step": lambda t: t[..., ::2],
  "newaxis": lambda t: t[None, :, 0, None],
  "ellipsis_last": lambda t: t[..., 1],
  "list": lambda t: t[:, [2, 0]],
  "tensor2d": lambda t: t[:, :, torch.tensor([[3, 0], [1, 1]])],
  "mixed": lambda t: t[0, 1:, [1, 3]],
  "neg_slice": lambda t: t[:, -2:],
  "clamped": lambda t: t[:, 1:10],
  "pairs": lambda t: t[torch.tensor([0, 1, 1]), torch.tensor([2, 0, 1])],
  "pairs_adjacent": lambda t: t[:, [0, 2], [3, 1]],
  "pairs_split": lambda t: t[[1, 0], :, [3, 1]],
  "pairs_broadcast": lambda t: t[torch.tensor([[0], [1]]), :, torch.tensor([0, 2, -1])],
  "rows_labels": lambda t: t[0][torch.arange(3), torch.tensor([1, 3, 0])],
}
out = {}
up_gen = torch.Generator().manual_seed(3)
for k, f in cases.items():
    xi = x.clone().requires_grad_()
    y = f(xi)
    up = torch.randn(y.shape, generator=up_gen)
    (y * up).sum().backward()
    out[k] = {"y": y.detach().flatten().tolist(), "shape": list(y.shape), "up": up.flatten().tolist(), "dx": xi.grad.flatten().tolist()}
puts = {
  "put_col": ((slice(None), 0), torch.tensor([[-1.], [-2.]])),
  "put_scalar_slice": ((Ellipsis, slice(1, 3)), 7.0),
  "put_list": ((1, [0, 2]), torch.tensor([[9., 8., 7., 6.]])),
  "put_step": ((slice(None), slice(None), slice(None, None, 2)), torch.tensor([5., 4.])),
  "put_pairs": ((torch.tensor([0, 1]), torch.tensor([2, 0])), torch.tensor([[1., 2., 3., 4.]])),
}
for k, (idx, v) in puts.items():
    xi = x.clone().requires_grad_()
    vi = v.clone().requires_grad_() if isinstance(v, torch.Tensor) else v
    y = xi.clone()
    y[idx] = vi
    up = torch.randn(y.shape, generator=up_gen)
    (y * up).sum().backward()
    out[k] = {"y": y.detach().flatten().tolist(), "up": up.flatten().tolist(), "dx": xi.grad.flatten().tolist(), "dv": vi.grad.flatten().tolist() if isinstance(v, torch.Tensor) else None}
import os
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "indexing.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", os.path.relpath(path))
