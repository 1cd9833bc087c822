"""References for the fused optimiser steps: one torch.optim step with the state set as given; the
foreach ops are one step of one optimiser over every parameter with PyTorch's foreach=True."""
import torch


def _param(x):
    p = torch.nn.Parameter(x[0].detach().clone())
    p.grad = x[1].detach().clone()
    return p


def sgd_step(x, a):
    p = _param(x)
    opt = torch.optim.SGD([p], lr=a["lr"], momentum=a["momentum"], dampening=a["dampening"],
                          weight_decay=a["weightDecay"], nesterov=a["nesterov"], maximize=a["maximize"])
    if a["momentum"] != 0 and not a["firstStep"]:
        opt.state[p]["momentum_buffer"] = x[2].detach().clone()
    opt.step()
    # State a step does not use (no momentum) is left as it was.
    buf = opt.state[p].get("momentum_buffer") if a["momentum"] != 0 else x[2]
    return [p.detach(), buf.detach()]


def adam_step(x, a):
    p = _param(x)
    cls = torch.optim.AdamW if a["decoupled"] else torch.optim.Adam
    opt = cls([p], lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"], weight_decay=a["weightDecay"],
              amsgrad=a["amsgrad"], maximize=a["maximize"])
    st = opt.state[p]
    st["step"] = torch.tensor(float(a["step"] - 1))
    st["exp_avg"] = x[2].detach().clone()
    st["exp_avg_sq"] = x[3].detach().clone()
    if a["amsgrad"]:
        st["max_exp_avg_sq"] = x[4].detach().clone()
    opt.step()
    vmax = st["max_exp_avg_sq"] if a["amsgrad"] else x[4]
    return [p.detach(), st["exp_avg"], st["exp_avg_sq"], vmax]


def rmsprop_step(x, a):
    p = _param(x)
    opt = torch.optim.RMSprop([p], lr=a["lr"], alpha=a["alpha"], eps=a["eps"], weight_decay=a["weightDecay"],
                              momentum=a["momentum"], centered=a["centered"], maximize=a["maximize"])
    st = opt.state[p]
    st["step"] = torch.tensor(0.0)
    st["square_avg"] = x[2].detach().clone()
    if a["momentum"] > 0:
        st["momentum_buffer"] = x[4].detach().clone()
    if a["centered"]:
        st["grad_avg"] = x[3].detach().clone()
    opt.step()
    return [p.detach(), st["square_avg"], st["grad_avg"] if a["centered"] else x[3], st["momentum_buffer"] if a["momentum"] > 0 else x[4]]


def adagrad_step(x, a):
    p = _param(x)
    opt = torch.optim.Adagrad([p], lr=a["lr"], lr_decay=a["lrDecay"], weight_decay=a["weightDecay"], eps=a["eps"], maximize=a["maximize"])
    st = opt.state[p]
    st["step"] = torch.tensor(float(a["step"] - 1))
    st["sum"] = x[2].detach().clone()
    opt.step()
    return [p.detach(), st["sum"]]


def _groups(x, k):
    return [x[i:i + k] for i in range(0, len(x), k)]


def sgd_step_foreach(x, a):
    groups = _groups(x, 3)
    params = [_param(g) for g in groups]
    opt = torch.optim.SGD(params, lr=a["lr"], momentum=a["momentum"], dampening=a["dampening"],
                          weight_decay=a["weightDecay"], nesterov=a["nesterov"], maximize=a["maximize"], foreach=True)
    if a["momentum"] != 0 and not a["firstStep"]:
        for p, g in zip(params, groups):
            opt.state[p]["momentum_buffer"] = g[2].detach().clone()
    opt.step()
    out = []
    for p, g in zip(params, groups):
        out += [p.detach(), (opt.state[p]["momentum_buffer"] if a["momentum"] != 0 else g[2]).detach()]
    return out


def adam_step_foreach(x, a):
    groups = _groups(x, 5)
    params = [_param(g) for g in groups]
    cls = torch.optim.AdamW if a["decoupled"] else torch.optim.Adam
    opt = cls(params, lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"], weight_decay=a["weightDecay"],
              amsgrad=a["amsgrad"], maximize=a["maximize"], foreach=True)
    for p, g in zip(params, groups):
        st = opt.state[p]
        st["step"] = torch.tensor(float(a["step"] - 1))
        st["exp_avg"] = g[2].detach().clone()
        st["exp_avg_sq"] = g[3].detach().clone()
        if a["amsgrad"]:
            st["max_exp_avg_sq"] = g[4].detach().clone()
    opt.step()
    out = []
    for p, g in zip(params, groups):
        st = opt.state[p]
        out += [p.detach(), st["exp_avg"], st["exp_avg_sq"], st["max_exp_avg_sq"] if a["amsgrad"] else g[4]]
    return out


def rmsprop_step_foreach(x, a):
    groups = _groups(x, 5)
    params = [_param(g) for g in groups]
    opt = torch.optim.RMSprop(params, lr=a["lr"], alpha=a["alpha"], eps=a["eps"], weight_decay=a["weightDecay"],
                              momentum=a["momentum"], centered=a["centered"], maximize=a["maximize"], foreach=True)
    for p, g in zip(params, groups):
        st = opt.state[p]
        st["step"] = torch.tensor(0.0)
        st["square_avg"] = g[2].detach().clone()
        if a["momentum"] > 0:
            st["momentum_buffer"] = g[4].detach().clone()
        if a["centered"]:
            st["grad_avg"] = g[3].detach().clone()
    opt.step()
    out = []
    for p, g in zip(params, groups):
        st = opt.state[p]
        out += [p.detach(), st["square_avg"], st["grad_avg"] if a["centered"] else g[3], st["momentum_buffer"] if a["momentum"] > 0 else g[4]]
    return out


def adagrad_step_foreach(x, a):
    groups = _groups(x, 3)
    params = [_param(g) for g in groups]
    opt = torch.optim.Adagrad(params, lr=a["lr"], lr_decay=a["lrDecay"], weight_decay=a["weightDecay"], eps=a["eps"],
                              maximize=a["maximize"], foreach=True)
    for p, g in zip(params, groups):
        st = opt.state[p]
        st["step"] = torch.tensor(float(a["step"] - 1))
        st["sum"] = g[2].detach().clone()
    opt.step()
    out = []
    for p in params:
        out += [p.detach(), opt.state[p]["sum"]]
    return out


TORCH = {"sgdStep": sgd_step, "adamStep": adam_step, "rmspropStep": rmsprop_step, "adagradStep": adagrad_step,
         "sgdStepForeach": sgd_step_foreach, "adamStepForeach": adam_step_foreach, "rmspropStepForeach": rmsprop_step_foreach,
         "adagradStepForeach": adagrad_step_foreach}
