"""References for the fused optimiser steps: one torch.optim step with the state set as given. The
single ops step one parameter; the foreach ops step every parameter of the call with one optimiser
and PyTorch's foreach=True. Each optimiser is three pieces: how to make it, how to load one
parameter's state from the op's inputs, and which tensors the op returns."""
import torch


def _param(x):
    p = torch.nn.Parameter(x[0].detach().clone())
    p.grad = x[1].detach().clone()
    return p


def _references(k, make, load, read):
    """The single and foreach references of a step op with k inputs per parameter."""
    def run(x, a, foreach):
        groups = [x[i:i + k] for i in range(0, len(x), k)]
        params = [_param(g) for g in groups]
        opt = make(params, a, foreach)
        for p, g in zip(params, groups):
            load(opt.state[p], [t.detach().clone() for t in g], a)
        opt.step()
        return [t.detach() for p, g in zip(params, groups) for t in read(opt.state[p], p, g, a)]
    return (lambda x, a: run(x, a, False)), (lambda x, a: run(x, a, True))


# State a step does not use (no momentum, no amsgrad …) is returned as it was given.

def _sgd_load(st, g, a):
    if a["momentum"] != 0 and not a["firstStep"]:
        st["momentum_buffer"] = g[2]


sgd_step, sgd_step_foreach = _references(
    3,
    lambda ps, a, fe: torch.optim.SGD(ps, lr=a["lr"], momentum=a["momentum"], dampening=a["dampening"], weight_decay=a["weightDecay"],
                                      nesterov=a["nesterov"], maximize=a["maximize"], foreach=fe),
    _sgd_load,
    lambda st, p, g, a: [p, st["momentum_buffer"] if a["momentum"] != 0 else g[2]])


def _adam_load(st, g, a):
    st["step"] = torch.tensor(float(a["step"] - 1))
    st["exp_avg"] = g[2]
    st["exp_avg_sq"] = g[3]
    if a["amsgrad"]:
        st["max_exp_avg_sq"] = g[4]
    if a["variant"] == "nadam":
        # the op's muProduct includes this step's mu; PyTorch's state holds the product before it
        step = a["step"]
        mu = a["beta1"] * (1.0 - 0.5 * (0.96 ** (step * a["momentumDecay"])))
        st["mu_product"] = torch.tensor(a["muProduct"] / mu)


def _adam_make(ps, a, fe):
    common = dict(lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"], weight_decay=a["weightDecay"], maximize=a["maximize"], foreach=fe)
    if a["variant"] == "nadam":
        return torch.optim.NAdam(ps, momentum_decay=a["momentumDecay"], decoupled_weight_decay=a["decoupled"], **common)
    if a["variant"] == "radam":
        return torch.optim.RAdam(ps, decoupled_weight_decay=a["decoupled"], **common)
    return (torch.optim.AdamW if a["decoupled"] else torch.optim.Adam)(ps, amsgrad=a["amsgrad"], **common)


adam_step, adam_step_foreach = _references(
    5,
    _adam_make,
    _adam_load,
    lambda st, p, g, a: [p, st["exp_avg"], st["exp_avg_sq"], st["max_exp_avg_sq"] if a["amsgrad"] else g[4]])


def _adamax_load(st, g, a):
    st["step"] = torch.tensor(float(a["step"] - 1))
    st["exp_avg"] = g[2]
    st["exp_inf"] = g[3]


adamax_step, adamax_step_foreach = _references(
    4,
    lambda ps, a, fe: torch.optim.Adamax(ps, lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"], weight_decay=a["weightDecay"],
                                         maximize=a["maximize"], foreach=fe),
    _adamax_load,
    lambda st, p, g, a: [p, st["exp_avg"], st["exp_inf"]])


def _adadelta_load(st, g, a):
    st["step"] = torch.tensor(0.0)
    st["square_avg"] = g[2]
    st["acc_delta"] = g[3]


adadelta_step, adadelta_step_foreach = _references(
    4,
    lambda ps, a, fe: torch.optim.Adadelta(ps, lr=a["lr"], rho=a["rho"], eps=a["eps"], weight_decay=a["weightDecay"], maximize=a["maximize"], foreach=fe),
    _adadelta_load,
    lambda st, p, g, a: [p, st["square_avg"], st["acc_delta"]])


def _rmsprop_load(st, g, a):
    st["step"] = torch.tensor(0.0)
    st["square_avg"] = g[2]
    if a["momentum"] > 0:
        st["momentum_buffer"] = g[4]
    if a["centered"]:
        st["grad_avg"] = g[3]


rmsprop_step, rmsprop_step_foreach = _references(
    5,
    lambda ps, a, fe: torch.optim.RMSprop(ps, lr=a["lr"], alpha=a["alpha"], eps=a["eps"], weight_decay=a["weightDecay"], momentum=a["momentum"],
                                          centered=a["centered"], maximize=a["maximize"], foreach=fe),
    _rmsprop_load,
    lambda st, p, g, a: [p, st["square_avg"], st["grad_avg"] if a["centered"] else g[3], st["momentum_buffer"] if a["momentum"] > 0 else g[4]])


def _adagrad_load(st, g, a):
    st["step"] = torch.tensor(float(a["step"] - 1))
    st["sum"] = g[2]


adagrad_step, adagrad_step_foreach = _references(
    3,
    lambda ps, a, fe: torch.optim.Adagrad(ps, lr=a["lr"], lr_decay=a["lrDecay"], weight_decay=a["weightDecay"], eps=a["eps"],
                                          maximize=a["maximize"], foreach=fe),
    _adagrad_load,
    lambda st, p, g, a: [p, st["sum"]])


TORCH = {"sgdStep": sgd_step, "adamStep": adam_step, "rmspropStep": rmsprop_step, "adagradStep": adagrad_step,
         "sgdStepForeach": sgd_step_foreach, "adamStepForeach": adam_step_foreach, "rmspropStepForeach": rmsprop_step_foreach,
         "adagradStepForeach": adagrad_step_foreach, "adamaxStep": adamax_step, "adamaxStepForeach": adamax_step_foreach,
         "adadeltaStep": adadelta_step, "adadeltaStepForeach": adadelta_step_foreach}
