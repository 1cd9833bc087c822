"""References for ctcLoss and ctcLossBackward (Note [ctc kernels] in ops/table/ctc.ts).

The loss values are F.ctc_loss's. Its gradient to the log-probabilities is not: PyTorch's kernel
adds exp(log_probs), which log_softmax's backward cancels. So the reference differentiates the α
recursion written with autograd in float64, reachable states only (a logsumexp of −∞ terms has a
NaN gradient), which is the exact derivative of the same values; the values are checked against
F.ctc_loss here."""
import torch
import torch.nn.functional as F


def _nll(lp, targets, input_lengths, target_lengths, blank):
    T, N, C = lp.shape
    concatenated = targets.dim() == 1
    starts = torch.cumsum(target_lengths, 0) - target_lengths
    out = []
    for n in range(N):
        Tn = max(0, min(int(input_lengths[n]), T))
        Sn = int(target_lengths[n])
        row = targets[int(starts[n]):int(starts[n]) + Sn] if concatenated else targets[n, :Sn]
        ext = [blank]
        for k in range(Sn):
            ext += [int(row[k]), blank]
        L = len(ext)
        x = lp[:, n, :].double()
        if Tn == 0:
            out.append(torch.tensor(0.0 if L == 1 else float("inf"), dtype=torch.float64) + 0 * x.sum())
            continue
        alpha = [x[0, ext[s]] if s < 2 else None for s in range(L)]
        for t in range(1, Tn):
            nxt = []
            for s in range(L):
                terms = [alpha[s]]
                if s >= 1:
                    terms.append(alpha[s - 1])
                if s >= 2 and s % 2 == 1 and ext[s] != ext[s - 2]:
                    terms.append(alpha[s - 2])
                terms = [v for v in terms if v is not None]
                nxt.append(torch.logsumexp(torch.stack(terms), 0) + x[t, ext[s]] if terms else None)
            alpha = nxt
        ends = [v for v in alpha[max(0, L - 2):] if v is not None]
        out.append(-torch.logsumexp(torch.stack(ends), 0) if ends else torch.tensor(float("inf"), dtype=torch.float64) + 0 * x.sum())
    nll = torch.stack(out)
    want = F.ctc_loss(lp.detach().float(), targets, input_lengths, target_lengths, blank=blank, reduction="none")
    assert torch.allclose(nll.detach().float(), want, rtol=1e-5, atol=1e-5, equal_nan=True), (nll, want)
    return nll.float()


def _backward(xs, a):
    g, lp, tg, il, tl = xs
    leaf = lp.detach().double().requires_grad_()
    nll = _nll(leaf, tg, il, tl, a["blank"]).double()
    finite = torch.isfinite(nll)
    (gx,) = torch.autograd.grad((torch.where(finite, nll, 0.0) * g.double()).sum(), [leaf], allow_unused=True)
    return [(gx if gx is not None else torch.zeros_like(leaf)).float()]


TORCH = {
    "ctcLoss": lambda x, a: [_nll(x[0], x[1], x[2], x[3], a["blank"])],
    "ctcLossBackward": _backward,
}
