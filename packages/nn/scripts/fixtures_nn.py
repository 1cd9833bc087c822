#!/usr/bin/env python3
"""PyTorch golden values for @nutshell/nn: every layer and loss, a full training step of a small
CNN and of a small LSTM model, and a checkpoint written by PyTorch.

    /opt/torch-venv/bin/python scripts/fixtures_nn.py     (npm run fixtures -w @nutshell/nn)

Each case is test/fixtures/layers/<case>.safetensors holding the layer's state dict
(`param.<name>`), inputs (`input.<i>`), outputs (`output.<j>`), the upstream gradients used for
backward (`upstream.<j>`), and the gradients of inputs and parameters (`grad.input.<i>`,
`grad.param.<name>`); metadata `spec` is JSON telling the TS test how to build the same layer.
It also checks, when present, that test/fixtures/written-by-nutshell.safetensors (made by the TS
test suite) loads into PyTorch and reproduces the outputs recorded with it.
"""
import json
import os

import torch
import torch.nn as nn
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures")
torch.manual_seed(0)


def randn(*shape):
    return torch.randn(*shape)


# (case name, torch module, nutshell spec, inputs, options)
# nutshell spec: {"cls": name in @nutshell/nn, "args": [...positional...]}; inputs: tensors.
CASES = [
    ("linear", nn.Linear(5, 3), {"cls": "Linear", "args": [5, 3]}, [randn(4, 5)], {}),
    ("linear_nobias_3d", nn.Linear(4, 2, bias=False), {"cls": "Linear", "args": [4, 2, {"bias": False}]}, [randn(2, 3, 4)], {}),
    ("conv2d", nn.Conv2d(3, 4, 3), {"cls": "Conv2d", "args": [3, 4, 3]}, [randn(2, 3, 7, 7)], {}),
    ("conv2d_stride_pad_groups", nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2), {"cls": "Conv2d", "args": [4, 6, [3, 2], {"stride": 2, "padding": 1, "groups": 2}]}, [randn(2, 4, 8, 7)], {}),
    ("conv2d_same_dilation", nn.Conv2d(2, 3, 3, padding="same", dilation=2), {"cls": "Conv2d", "args": [2, 3, 3, {"padding": "same", "dilation": 2}]}, [randn(1, 2, 9, 9)], {}),
    ("conv1d", nn.Conv1d(3, 5, 3, padding=1), {"cls": "Conv1d", "args": [3, 5, 3, {"padding": 1}]}, [randn(2, 3, 10)], {}),
    ("maxpool2d", nn.MaxPool2d(2), {"cls": "MaxPool2d", "args": [2]}, [randn(2, 3, 8, 8)], {}),
    ("maxpool2d_stride_pad_ceil", nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), {"cls": "MaxPool2d", "args": [3, {"stride": 2, "padding": 1, "ceilMode": True}]}, [randn(1, 2, 9, 9)], {}),
    ("avgpool2d", nn.AvgPool2d(2, stride=2), {"cls": "AvgPool2d", "args": [2, {"stride": 2}]}, [randn(2, 3, 6, 6)], {}),
    ("adaptiveavgpool2d", nn.AdaptiveAvgPool2d((3, 2)), {"cls": "AdaptiveAvgPool2d", "args": [[3, 2]]}, [randn(2, 3, 7, 5)], {}),
    ("flatten", nn.Flatten(), {"cls": "Flatten", "args": []}, [randn(2, 3, 4)], {}),
    ("relu", nn.ReLU(), {"cls": "ReLU", "args": []}, [randn(3, 4)], {}),
    ("leakyrelu", nn.LeakyReLU(0.2), {"cls": "LeakyReLU", "args": [0.2]}, [randn(3, 4)], {}),
    ("elu", nn.ELU(0.5), {"cls": "ELU", "args": [0.5]}, [randn(3, 4)], {}),
    ("gelu", nn.GELU(), {"cls": "GELU", "args": []}, [randn(3, 4)], {}),
    ("gelu_tanh", nn.GELU(approximate="tanh"), {"cls": "GELU", "args": ["tanh"]}, [randn(3, 4)], {}),
    ("sigmoid", nn.Sigmoid(), {"cls": "Sigmoid", "args": []}, [randn(3, 4)], {}),
    ("tanh", nn.Tanh(), {"cls": "Tanh", "args": []}, [randn(3, 4)], {}),
    ("softplus", nn.Softplus(beta=2), {"cls": "Softplus", "args": [2]}, [randn(3, 4)], {}),
    ("softmax", nn.Softmax(dim=1), {"cls": "Softmax", "args": [1]}, [randn(3, 4)], {}),
    ("logsoftmax", nn.LogSoftmax(dim=-1), {"cls": "LogSoftmax", "args": [-1]}, [randn(2, 3, 4)], {}),
    ("dropout_eval", nn.Dropout(0.5), {"cls": "Dropout", "args": [0.5]}, [randn(3, 4)], {"eval": True}),
    ("batchnorm1d_train", nn.BatchNorm1d(4), {"cls": "BatchNorm1d", "args": [4]}, [randn(8, 4)], {}),
    ("batchnorm2d_train", nn.BatchNorm2d(3, momentum=0.2), {"cls": "BatchNorm2d", "args": [3, {"momentum": 0.2}]}, [randn(4, 3, 5, 5)], {}),
    ("batchnorm2d_eval", nn.BatchNorm2d(3), {"cls": "BatchNorm2d", "args": [3]}, [randn(4, 3, 5, 5)], {"eval": True, "stats": True}),
    ("layernorm", nn.LayerNorm([4, 5]), {"cls": "LayerNorm", "args": [[4, 5]]}, [randn(3, 4, 5)], {}),
    ("embedding", nn.Embedding(10, 4, padding_idx=1), {"cls": "Embedding", "args": [10, 4, {"paddingIdx": 1}]}, [torch.tensor([[1, 2, 3], [4, 1, 9]])], {}),
    ("rnn_tanh", nn.RNN(4, 5), {"cls": "RNN", "args": [4, 5]}, [randn(6, 3, 4)], {}),
    ("rnn_relu_2layer_batchfirst", nn.RNN(3, 4, num_layers=2, nonlinearity="relu", batch_first=True), {"cls": "RNN", "args": [3, 4, {"numLayers": 2, "nonlinearity": "relu", "batchFirst": True}]}, [randn(2, 5, 3)], {}),
    ("lstm", nn.LSTM(4, 6), {"cls": "LSTM", "args": [4, 6]}, [randn(7, 3, 4)], {}),
    ("lstm_2layer_bidirectional", nn.LSTM(3, 4, num_layers=2, bidirectional=True), {"cls": "LSTM", "args": [3, 4, {"numLayers": 2, "bidirectional": True}]}, [randn(5, 2, 3)], {}),
    ("gru_batchfirst", nn.GRU(4, 5, batch_first=True), {"cls": "GRU", "args": [4, 5, {"batchFirst": True}]}, [randn(3, 6, 4)], {}),
    ("gru_2layer_bidirectional", nn.GRU(3, 4, num_layers=2, bidirectional=True), {"cls": "GRU", "args": [3, 4, {"numLayers": 2, "bidirectional": True}]}, [randn(4, 2, 3)], {}),
]

LOSSES = [
    ("crossentropy", nn.CrossEntropyLoss(), {"cls": "CrossEntropyLoss", "args": []}, [randn(5, 4), torch.tensor([0, 3, 1, 1, 2])]),
    ("crossentropy_smoothing_ignore", nn.CrossEntropyLoss(ignore_index=2, label_smoothing=0.1), {"cls": "CrossEntropyLoss", "args": [{"ignoreIndex": 2, "labelSmoothing": 0.1}]}, [randn(6, 4), torch.tensor([0, 2, 1, 3, 2, 1])]),
    ("crossentropy_probs_sum", nn.CrossEntropyLoss(reduction="sum"), {"cls": "CrossEntropyLoss", "args": [{"reduction": "sum"}]}, [randn(3, 4), torch.softmax(randn(3, 4), 1)]),
    ("crossentropy_spatial", nn.CrossEntropyLoss(), {"cls": "CrossEntropyLoss", "args": []}, [randn(2, 3, 4, 4), torch.randint(0, 3, (2, 4, 4))]),
    ("nll", nn.NLLLoss(), {"cls": "NLLLoss", "args": []}, [torch.log_softmax(randn(5, 3), 1), torch.tensor([0, 2, 1, 1, 0])]),
    ("mse", nn.MSELoss(), {"cls": "MSELoss", "args": []}, [randn(4, 3), randn(4, 3)]),
    ("l1_none", nn.L1Loss(reduction="none"), {"cls": "L1Loss", "args": [{"reduction": "none"}]}, [randn(4, 3), randn(4, 3)]),
    ("bce", nn.BCELoss(), {"cls": "BCELoss", "args": []}, [torch.sigmoid(randn(6)), torch.rand(6)]),
    ("bce_logits", nn.BCEWithLogitsLoss(), {"cls": "BCEWithLogitsLoss", "args": []}, [randn(3, 4), torch.rand(3, 4)]),
]


def later_cases():
    """Layers added after the fixtures above were made: built from their own seed (main calls
    this last), so adding one leaves every earlier fixture's values as they were."""
    torch.manual_seed(2)
    return [
        ("conv_transpose2d", nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1), {"cls": "ConvTranspose2d", "args": [4, 3, 3, {"stride": 2, "padding": 1, "outputPadding": 1}]}, [randn(2, 4, 5, 4)], {}),
        ("conv_transpose2d_groups_dilation", nn.ConvTranspose2d(4, 6, (3, 2), groups=2, dilation=2, bias=False), {"cls": "ConvTranspose2d", "args": [4, 6, [3, 2], {"groups": 2, "dilation": 2, "bias": False}]}, [randn(1, 4, 4, 5)], {}),
        ("conv_transpose1d", nn.ConvTranspose1d(3, 5, 4, stride=2, padding=1), {"cls": "ConvTranspose1d", "args": [3, 5, 4, {"stride": 2, "padding": 1}]}, [randn(2, 3, 7)], {}),
        ("upsample_bilinear", nn.Upsample(scale_factor=2, mode="bilinear"), {"cls": "Upsample", "args": [{"scaleFactor": 2, "mode": "bilinear"}]}, [randn(2, 3, 4, 5)], {}),
        ("upsample_nearest_size", nn.Upsample(size=(5, 3)), {"cls": "Upsample", "args": [{"size": [5, 3]}]}, [randn(1, 2, 3, 2)], {}),
        ("silu", nn.SiLU(), {"cls": "SiLU", "args": []}, [randn(3, 4)], {}),
        ("mish", nn.Mish(), {"cls": "Mish", "args": []}, [randn(3, 4)], {}),
        ("hardswish", nn.Hardswish(), {"cls": "Hardswish", "args": []}, [randn(3, 4) * 3], {}),
        ("glu", nn.GLU(1), {"cls": "GLU", "args": [1]}, [randn(3, 4)], {}),
        ("prelu_channels", nn.PReLU(3, init=0.1), {"cls": "PReLU", "args": [3, 0.1]}, [randn(2, 3, 4)], {}),
        *attention_cases(),
        *norm_and_loss_cases(),
        *cell_cases(),
    ]


class LSTMCellHC(nn.LSTMCell):
    """LSTMCell with its state as two positional inputs, so record() can feed and differentiate them."""

    def forward(self, x, h, c):
        return super().forward(x, (h, c))


def cell_cases():
    """The recurrent cells, one step; spec 'state' names the inputs nutshell takes as a state object."""
    torch.manual_seed(6)
    return [
        ("lstm_cell", LSTMCellHC(4, 5), {"cls": "LSTMCell", "args": [4, 5], "state": ["h", "c"]}, [randn(3, 4), randn(3, 5), randn(3, 5)], {}),
        ("lstm_cell_no_bias_zero_state", nn.LSTMCell(3, 4, bias=False), {"cls": "LSTMCell", "args": [3, 4, {"bias": False}]}, [randn(2, 3)], {}),
        ("gru_cell", nn.GRUCell(4, 6), {"cls": "GRUCell", "args": [4, 6]}, [randn(3, 4), randn(3, 6)], {}),
        ("gru_cell_unbatched", nn.GRUCell(3, 2), {"cls": "GRUCell", "args": [3, 2]}, [randn(3), randn(2)], {}),
        ("rnn_cell_relu", nn.RNNCell(4, 3, nonlinearity="relu"), {"cls": "RNNCell", "args": [4, 3, {"nonlinearity": "relu"}]}, [randn(5, 4), randn(5, 3)], {}),
        ("rnn_cell_tanh_zero_state", nn.RNNCell(2, 3), {"cls": "RNNCell", "args": [2, 3]}, [randn(4, 2)], {}),
    ]


def norm_and_loss_cases():
    """GroupNorm and the composed losses (their target gradients too)."""
    torch.manual_seed(5)
    gn = nn.GroupNorm(2, 6)
    with torch.no_grad():
        gn.weight.copy_(torch.rand(6) + 0.5)
        gn.bias.copy_(randn(6))
    log_probs = torch.log_softmax(randn(4, 5), 1)
    return [
        ("groupnorm", gn, {"cls": "GroupNorm", "args": [2, 6]}, [randn(3, 6, 4, 5)], {}),
        ("groupnorm_no_affine_1d", nn.GroupNorm(4, 4, eps=1e-3, affine=False), {"cls": "GroupNorm", "args": [4, 4, {"eps": 1e-3, "affine": False}]}, [randn(5, 4, 7)], {}),
        ("loss_smoothl1", nn.SmoothL1Loss(beta=0.5), {"cls": "SmoothL1Loss", "args": [{"beta": 0.5}]}, [randn(4, 3), randn(4, 3)], {}),
        ("loss_huber_sum", nn.HuberLoss(reduction="sum", delta=0.7), {"cls": "HuberLoss", "args": [{"reduction": "sum", "delta": 0.7}]}, [randn(4, 3) * 2, randn(4, 3)], {}),
        ("loss_kldiv_batchmean", nn.KLDivLoss(reduction="batchmean"), {"cls": "KLDivLoss", "args": [{"reduction": "batchmean"}]}, [log_probs, torch.softmax(randn(4, 5), 1)], {}),
        ("loss_kldiv_logtarget_none", nn.KLDivLoss(reduction="none", log_target=True), {"cls": "KLDivLoss", "args": [{"reduction": "none", "logTarget": True}]}, [torch.log_softmax(randn(3, 4), 1), torch.log_softmax(randn(3, 4), 1)], {}),
    ]


def attention_cases():
    """MultiheadAttention and the transformer encoder (dropout 0, so training mode is deterministic)."""
    torch.manual_seed(3)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, activation="gelu"), 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
    for i, l in enumerate(encoder.layers):  # PyTorch copies the layer: make the two differ
        with torch.no_grad():
            l.linear1.weight.add_(0.1 * (i + 1))
    return [
        ("multihead_attention", nn.MultiheadAttention(8, 2), {"cls": "MultiheadAttention", "args": [8, 2]}, [randn(5, 3, 8), randn(4, 3, 8), randn(4, 3, 8)], {}),
        ("multihead_attention_kdim_vdim_batch_first", nn.MultiheadAttention(6, 3, batch_first=True, kdim=4, vdim=5), {"cls": "MultiheadAttention", "args": [6, 3, {"batchFirst": True, "kdim": 4, "vdim": 5}]}, [randn(2, 3, 6), randn(2, 4, 4), randn(2, 4, 5)], {}),
        ("multihead_attention_no_bias", nn.MultiheadAttention(4, 1, bias=False), {"cls": "MultiheadAttention", "args": [4, 1, {"bias": False}]}, [randn(3, 2, 4), randn(3, 2, 4), randn(3, 2, 4)], {}),
        ("transformer_encoder_layer", layer, {"cls": "TransformerEncoderLayer", "args": [8, 2, {"dimFeedforward": 16, "dropout": 0}]}, [randn(5, 3, 8)], {}),
        ("transformer_encoder_layer_prenorm_gelu", nn.TransformerEncoderLayer(8, 4, 12, 0.0, activation="gelu", batch_first=True, norm_first=True), {"cls": "TransformerEncoderLayer", "args": [8, 4, {"dimFeedforward": 12, "dropout": 0, "activation": "gelu", "batchFirst": True, "normFirst": True}]}, [randn(2, 5, 8)], {}),
        ("transformer_encoder", encoder, {"cls": "TransformerEncoder", "layer": [8, 2, {"dimFeedforward": 12, "dropout": 0, "activation": "gelu"}], "numLayers": 2, "norm": 8}, [randn(4, 2, 8)], {}),
    ]


def attention_mask_fixture():
    """MultiheadAttention(8, 2) under each kind of mask: one state dict, inputs, and per case the
    output, the weights and the query's gradient (upstream: ones on the output)."""
    torch.manual_seed(4)
    mha = nn.MultiheadAttention(8, 2)
    q, k, v = randn(3, 2, 8), randn(5, 2, 8), randn(5, 2, 8)
    bool_mask = torch.tensor([[0, 0, 1, 0, 1], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0]], dtype=torch.bool)
    padding = torch.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], dtype=torch.bool)
    float_mask = randn(4, 3, 5)
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    t = {f"param.{n}": p.detach().clone() for n, p in mha.state_dict().items()}
    t.update({"query": q, "key": k, "value": v, "bool_mask": bool_mask, "padding": padding, "float_mask": float_mask})
    cases = {
        "bool_mask": dict(attn_mask=bool_mask),
        "padding": dict(key_padding_mask=padding),
        "float_mask_per_head": dict(attn_mask=float_mask, average_attn_weights=False),
        "both": dict(attn_mask=bool_mask, key_padding_mask=padding),
    }
    for name, kw in cases.items():
        x = q.clone().requires_grad_(True)
        out, w = mha(x, k, v, **kw)
        out.sum().backward()
        t[f"{name}.output"], t[f"{name}.weights"], t[f"{name}.grad"] = out.detach(), w.detach(), x.grad.clone()
    x = k.clone().requires_grad_(True)  # self-attention with the causal mask
    out, w = mha(x, x, x, attn_mask=causal, is_causal=True)
    out.sum().backward()
    t["causal.output"], t["causal.weights"], t["causal.grad"] = out.detach(), w.detach(), x.grad.clone()
    x = q[:, 0].clone().requires_grad_(True)  # unbatched [L, E]
    out, w = mha(x, k[:, 0], v[:, 0])
    out.sum().backward()
    t["unbatched.output"], t["unbatched.weights"], t["unbatched.grad"] = out.detach(), w.detach(), x.grad.clone()
    # A TransformerEncoderLayer over a batch whose second sequence is all padding: PyTorch's
    # attention gives such queries zero weights, so output and gradients stay finite.
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    t.update({f"layer.param.{n}": p.detach().clone() for n, p in layer.state_dict().items()})
    x = randn(3, 2, 8).requires_grad_(True)
    all_padding = torch.tensor([[0, 0, 1], [1, 1, 1]], dtype=torch.bool)
    out = layer(x, src_key_padding_mask=all_padding)
    out.sum().backward()
    t.update({"layer.input": x.detach().clone(), "layer.padding": all_padding, "layer.output": out.detach(), "layer.grad": x.grad.clone()})
    save_file({n: v.contiguous() for n, v in t.items()}, os.path.join(OUT, "attention-masks.safetensors"))


def packed_fixtures():
    """Recurrent layers on packed variable-length batches (unsorted lengths, given initial states):
    the padded output, final states and every gradient."""
    torch.manual_seed(7)
    cases = [
        ("packed_lstm_bidirectional", nn.LSTM(3, 4, num_layers=2, bidirectional=True), {"cls": "LSTM", "args": [3, 4, {"numLayers": 2, "bidirectional": True}]}, False, [3, 5, 1, 5]),
        ("packed_gru_batchfirst", nn.GRU(2, 3, batch_first=True), {"cls": "GRU", "args": [2, 3, {"batchFirst": True}]}, True, [2, 4, 3]),
    ]
    for case in cases:
        record_packed(*case)


def record_packed(name, module, spec, batch_first, lengths):
    """One recurrent layer on a packed batch of `lengths` (unsorted, given initial states)."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    T, B = max(lengths) + 1, len(lengths)  # one step of padding past the longest
    layers = module.num_layers * (2 if module.bidirectional else 1)
    x = randn(B, T, module.input_size) if batch_first else randn(T, B, module.input_size)
    h0 = randn(layers, B, module.proj_size or module.hidden_size)
    t = {f"param.{k}": v.detach().clone() for k, v in module.state_dict().items()}
    t["input"], t["h0"], t["lengths"] = x.clone(), h0.clone(), torch.tensor(lengths)
    x.requires_grad_(True)
    h0.requires_grad_(True)
    packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
    if isinstance(module, nn.LSTM):
        c0 = randn(layers, B, module.hidden_size)
        t["c0"] = c0.clone()
        c0.requires_grad_(True)
        out, (h, c) = module(packed, (h0, c0))
        outs = {"h": h, "c": c}
    else:
        out, h = module(packed, h0)
        outs = {"h": h}
    padded, _ = pad_packed_sequence(out, batch_first=batch_first, padding_value=-1.0, total_length=T)
    outs = {"output": padded, **outs}
    gen = torch.Generator().manual_seed(1)
    loss = 0
    for k, o in outs.items():
        t[f"out.{k}"] = o.detach().clone()
        u = torch.randn(o.shape, generator=gen)
        if k == "output":  # the padding holds -1, a constant: no gradient flows from it
            u = u * (padded.detach() != -1.0)
        t[f"upstream.{k}"] = u
        loss = loss + (o * u).sum()
    loss.backward()
    t["grad.input"], t["grad.h0"] = x.grad.clone(), h0.grad.clone()
    if isinstance(module, nn.LSTM):
        t["grad.c0"] = c0.grad.clone()
    for k, p in module.named_parameters():
        t[f"grad.param.{k}"] = p.grad.clone()
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, f"{name}.safetensors"), metadata={"spec": json.dumps(spec), "batchFirst": json.dumps(batch_first)})


def pool1d_cases():
    """1-d pooling (text CNNs): max, average, adaptive average and adaptive max, batched and not."""
    torch.manual_seed(8)
    return [
        ("maxpool1d", nn.MaxPool1d(3), {"cls": "MaxPool1d", "args": [3]}, [randn(2, 4, 10)], {}),
        ("maxpool1d_stride_pad_dilation_ceil", nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True), {"cls": "MaxPool1d", "args": [3, {"stride": 2, "padding": 1, "dilation": 2, "ceilMode": True}]}, [randn(2, 3, 11)], {}),
        ("maxpool1d_unbatched", nn.MaxPool1d(2), {"cls": "MaxPool1d", "args": [2]}, [randn(3, 9)], {}),
        ("avgpool1d", nn.AvgPool1d(3, stride=2), {"cls": "AvgPool1d", "args": [3, {"stride": 2}]}, [randn(2, 3, 9)], {}),
        ("avgpool1d_pad_ceil_exclude_pad", nn.AvgPool1d(4, stride=3, padding=2, ceil_mode=True, count_include_pad=False), {"cls": "AvgPool1d", "args": [4, {"stride": 3, "padding": 2, "ceilMode": True, "countIncludePad": False}]}, [randn(2, 2, 10)], {}),
        ("avgpool1d_pad_unbatched", nn.AvgPool1d(3, stride=1, padding=1), {"cls": "AvgPool1d", "args": [3, {"stride": 1, "padding": 1}]}, [randn(3, 7)], {}),
        ("adaptiveavgpool1d", nn.AdaptiveAvgPool1d(4), {"cls": "AdaptiveAvgPool1d", "args": [4]}, [randn(2, 3, 10)], {}),
        ("adaptivemaxpool1d", nn.AdaptiveMaxPool1d(4), {"cls": "AdaptiveMaxPool1d", "args": [4]}, [randn(2, 3, 10)], {}),
        ("adaptivemaxpool1d_global", nn.AdaptiveMaxPool1d(1), {"cls": "AdaptiveMaxPool1d", "args": [1]}, [randn(2, 5, 7)], {}),
        ("adaptivemaxpool1d_divisible_unbatched", nn.AdaptiveMaxPool1d(3), {"cls": "AdaptiveMaxPool1d", "args": [3]}, [randn(4, 9)], {}),
        ("adaptivemaxpool1d_upsample", nn.AdaptiveMaxPool1d(5), {"cls": "AdaptiveMaxPool1d", "args": [5]}, [randn(1, 2, 3)], {}),
    ]


def conv3d_cases():
    """The 3-d convolution layers, from their own seed."""
    torch.manual_seed(5)
    return [
        ("conv3d", nn.Conv3d(3, 4, 3), {"cls": "Conv3d", "args": [3, 4, 3]}, [randn(2, 3, 5, 6, 5)], {}),
        ("conv3d_stride_pad_groups", nn.Conv3d(4, 6, (3, 2, 3), stride=(2, 1, 2), padding=1, groups=2), {"cls": "Conv3d", "args": [4, 6, [3, 2, 3], {"stride": [2, 1, 2], "padding": 1, "groups": 2}]}, [randn(2, 4, 6, 5, 7)], {}),
        ("conv3d_same_reflect", nn.Conv3d(2, 3, (2, 3, 3), padding="same", padding_mode="reflect", bias=False), {"cls": "Conv3d", "args": [2, 3, [2, 3, 3], {"padding": "same", "paddingMode": "reflect", "bias": False}]}, [randn(1, 2, 4, 5, 5)], {}),
        ("conv3d_circular_unbatched", nn.Conv3d(2, 2, 3, padding=1, padding_mode="circular"), {"cls": "Conv3d", "args": [2, 2, 3, {"padding": 1, "paddingMode": "circular"}]}, [randn(2, 4, 4, 5)], {}),
        ("conv_transpose3d", nn.ConvTranspose3d(4, 3, 3, stride=2, padding=1, output_padding=1), {"cls": "ConvTranspose3d", "args": [4, 3, 3, {"stride": 2, "padding": 1, "outputPadding": 1}]}, [randn(2, 4, 3, 4, 3)], {}),
        ("conv_transpose3d_groups_dilation", nn.ConvTranspose3d(4, 6, (2, 3, 2), groups=2, dilation=(1, 2, 2), bias=False), {"cls": "ConvTranspose3d", "args": [4, 6, [2, 3, 2], {"groups": 2, "dilation": [1, 2, 2], "bias": False}]}, [randn(1, 4, 3, 4, 3)], {}),
    ]


def decoder_fixture():
    """TransformerDecoderLayer, TransformerDecoder and Transformer with masks: per case the state
    dict, inputs, masks, output and every gradient (inputs and parameters) for a random upstream.
    Metadata 'cases' tells the TS test how to build each module and call it."""
    torch.manual_seed(9)
    import re
    snake = lambda k: re.sub("([A-Z])", r"_\1", k).lower()
    gen = torch.Generator().manual_seed(1)
    t, specs = {}, {}

    def case(name, module, spec, inputs, masks=None, flags=None, eval_mode=False):
        masks, flags = masks or {}, flags or {}
        module.train(not eval_mode)
        for k, v in module.state_dict().items():
            t[f"{name}.param.{k}"] = v.detach().clone()
        xs = []
        for k, v in inputs.items():
            t[f"{name}.input.{k}"] = v.clone()
            xs.append(v.clone().requires_grad_(True))
        for k, v in masks.items():
            t[f"{name}.mask.{k}"] = v.clone()
        out = module(*xs, **{snake(k): v for k, v in {**masks, **flags}.items()})
        u = torch.randn(out.shape, generator=gen)
        (out * u).sum().backward()
        t[f"{name}.output"], t[f"{name}.upstream"] = out.detach().clone(), u
        for k, x in zip(inputs, xs):
            t[f"{name}.grad.input.{k}"] = x.grad.clone()
        for k, p in module.named_parameters():
            t[f"{name}.grad.param.{k}"] = p.grad.clone()
        specs[name] = {**spec, "inputs": list(inputs), "masks": list(masks), "flags": flags, "eval": eval_mode}

    causal5 = nn.Transformer.generate_square_subsequent_mask(5)
    case(
        "layer_postnorm",
        nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0),
        {"cls": "TransformerDecoderLayer", "args": [8, 2, {"dimFeedforward": 16, "dropout": 0}]},
        {"tgt": randn(5, 3, 8), "memory": randn(6, 3, 8)},
        {
            "tgtMask": causal5,
            "tgtKeyPaddingMask": torch.tensor([[0, 0, 0, 0, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1]], dtype=torch.bool),
            "memoryKeyPaddingMask": torch.tensor([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1]], dtype=torch.bool),
        },
        {"tgtIsCausal": True},
    )
    case(
        "layer_prenorm_gelu_batchfirst_nobias",
        nn.TransformerDecoderLayer(8, 4, 12, 0.0, activation="gelu", layer_norm_eps=1e-4, batch_first=True, norm_first=True, bias=False),
        {"cls": "TransformerDecoderLayer", "args": [8, 4, {"dimFeedforward": 12, "dropout": 0, "activation": "gelu", "layerNormEps": 1e-4, "batchFirst": True, "normFirst": True, "bias": False}]},
        {"tgt": randn(2, 4, 8), "memory": randn(2, 5, 8)},
        {
            "tgtMask": randn(2 * 4, 4, 4),
            "memoryMask": torch.tensor([[0, 1, 0, 0, 1], [1, 0, 0, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 0, 0]], dtype=torch.bool),
        },
    )
    case(
        "layer_unbatched",
        nn.TransformerDecoderLayer(8, 2, 16, 0.0),
        {"cls": "TransformerDecoderLayer", "args": [8, 2, {"dimFeedforward": 16, "dropout": 0}]},
        {"tgt": randn(4, 8), "memory": randn(5, 8)},
    )
    decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 12, 0.0, activation="gelu"), 2, norm=nn.LayerNorm(8))
    for i, l in enumerate(decoder.layers):  # PyTorch copies the layer: make the two differ
        with torch.no_grad():
            l.linear1.weight.add_(0.1 * (i + 1))
            l.multihead_attn.in_proj_weight.mul_(1 + 0.2 * i)
    case(
        "decoder",
        decoder,
        {"cls": "TransformerDecoder", "layer": [8, 2, {"dimFeedforward": 12, "dropout": 0, "activation": "gelu"}], "numLayers": 2, "norm": 8},
        {"tgt": randn(4, 2, 8), "memory": randn(5, 2, 8)},
        {"tgtMask": torch.triu(torch.ones(4, 4, dtype=torch.bool), 1), "memoryKeyPaddingMask": torch.tensor([[0, 0, 0, 0, 1], [0, 0, 0, 0, 0]], dtype=torch.bool)},
        {"tgtIsCausal": True},
    )
    padding = torch.tensor([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1]], dtype=torch.bool)
    case(
        "transformer",
        nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16, dropout=0.0),
        {"cls": "Transformer", "args": [{"dModel": 8, "nhead": 2, "numEncoderLayers": 2, "numDecoderLayers": 1, "dimFeedforward": 16, "dropout": 0}]},
        {"src": randn(6, 2, 8), "tgt": randn(4, 2, 8)},
        {"tgtMask": nn.Transformer.generate_square_subsequent_mask(4), "srcKeyPaddingMask": padding, "memoryKeyPaddingMask": padding},
        {"tgtIsCausal": True},
    )
    case(
        "transformer_eval_prenorm_gelu_batchfirst",
        nn.Transformer(d_model=8, nhead=4, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=12, dropout=0.3, activation="gelu", layer_norm_eps=1e-6, batch_first=True, norm_first=True),
        {"cls": "Transformer", "args": [{"dModel": 8, "nhead": 4, "numEncoderLayers": 1, "numDecoderLayers": 2, "dimFeedforward": 12, "dropout": 0.3, "activation": "gelu", "layerNormEps": 1e-6, "batchFirst": True, "normFirst": True}]},
        {"src": randn(2, 5, 8), "tgt": randn(2, 3, 8)},
        {"srcMask": torch.tensor([[0, 1, 0, 0, 0], [0, 0, 1, 0, 1], [1, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 1, 1, 0, 0]], dtype=torch.bool), "memoryMask": randn(3, 5)},
        eval_mode=True,
    )
    t["generate_square_subsequent_mask"] = causal5
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, "transformer-decoder.safetensors"), metadata={"cases": json.dumps(specs)})


def embedding_fixture():
    """Embedding with max_norm: the table before, the lookup, the output, the weight's gradient and
    the table after (looked-up rows over the norm are rescaled in place), for three norms."""
    torch.manual_seed(10)
    t = {}
    indices = torch.tensor([[1, 3, 3, 0], [7, 1, 2, 9]])
    for name, kw in {"l2": dict(max_norm=1.0, padding_idx=0), "l1": dict(max_norm=1.5, norm_type=1.0), "inf": dict(max_norm=0.8, norm_type=float("inf"))}.items():
        layer = nn.Embedding(10, 4, **kw)
        with torch.no_grad():
            layer.weight.mul_(torch.rand(10, 1) * 1.5)  # some rows under the norm, some over
        t[f"{name}.weight"] = layer.weight.detach().clone()
        out = layer(indices)
        u = randn(*out.shape)
        (out * u).sum().backward()
        t[f"{name}.output"], t[f"{name}.upstream"] = out.detach().clone(), u
        t[f"{name}.grad"], t[f"{name}.weight_after"] = layer.weight.grad.clone(), layer.weight.detach().clone()
    t["indices"] = indices
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, "embedding-max-norm.safetensors"))


def embedding_bag_fixture():
    """EmbeddingBag with max_norm over a flat input cut by offsets (an empty bag, a padding
    position): the table before, the output, the weight's gradient and the table after, per mode."""
    torch.manual_seed(11)
    t = {}
    indices = torch.tensor([1, 3, 3, 0, 7, 1, 2, 9, 0])
    offsets = torch.tensor([0, 3, 3, 6])
    for mode in ["sum", "mean", "max"]:
        layer = nn.EmbeddingBag(10, 4, max_norm=1.0, mode=mode, padding_idx=0)
        with torch.no_grad():
            layer.weight.mul_(torch.rand(10, 1) * 1.5)  # some rows under the norm, some over
        t[f"{mode}.weight"] = layer.weight.detach().clone()
        out = layer(indices, offsets)
        u = randn(*out.shape)
        (out * u).sum().backward()
        t[f"{mode}.output"], t[f"{mode}.upstream"] = out.detach().clone(), u
        t[f"{mode}.grad"], t[f"{mode}.weight_after"] = layer.weight.grad.clone(), layer.weight.detach().clone()
    t["indices"], t["offsets"] = indices, offsets
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, "embedding-bag-max-norm.safetensors"))


def flat_outputs(out):
    if isinstance(out, tuple):  # RNNs: (output, h) or (output, (h, c))
        o, state = out
        return [o, *state] if isinstance(state, tuple) else [o, state]
    return [out]


def record(name, module, spec, inputs, eval_mode=False, extra_meta=None):
    module.train(not eval_mode)
    t = {}
    for k, v in module.state_dict().items():
        t[f"param.{k}"] = v.detach().clone()
    xs = []
    for i, x in enumerate(inputs):
        x = x.clone()
        if x.is_floating_point():
            x.requires_grad_(True)
        xs.append(x)
        t[f"input.{i}"] = x.detach().clone()
    outs = flat_outputs(module(*xs))
    gen = torch.Generator().manual_seed(1)
    loss = None
    for j, o in enumerate(outs):
        t[f"output.{j}"] = o.detach().clone().contiguous()
        if o.requires_grad:
            u = torch.randn(o.shape, generator=gen)
            t[f"upstream.{j}"] = u
            loss = (o * u).sum() if loss is None else loss + (o * u).sum()
    if loss is not None:
        loss.backward()
    for i, x in enumerate(xs):
        if x.grad is not None:
            t[f"grad.input.{i}"] = x.grad.clone()
    for k, p in module.named_parameters():
        if p.grad is not None:
            t[f"grad.param.{k}"] = p.grad.clone()
    if not eval_mode:  # buffers after the step (BatchNorm running statistics)
        for k, b in module.named_buffers():
            t[f"buffer_after.{k}"] = b.detach().clone()
    meta = {"spec": json.dumps(spec), "eval": json.dumps(eval_mode), **(extra_meta or {})}
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, "layers", f"{name}.safetensors"), metadata=meta)


def projected_lstm_fixtures():
    """LSTMs with proj_size (own seed): whole sequences, batch-first, and a packed batch."""
    torch.manual_seed(3)
    for name, module, spec, inputs in [
        ("lstm_projected_2layer_bidirectional", nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2), {"cls": "LSTM", "args": [3, 5, {"numLayers": 2, "bidirectional": True, "projSize": 2}]}, [randn(4, 2, 3)]),
        ("lstm_projected_batchfirst_no_bias", nn.LSTM(4, 6, batch_first=True, bias=False, proj_size=3), {"cls": "LSTM", "args": [4, 6, {"batchFirst": True, "bias": False, "projSize": 3}]}, [randn(2, 5, 4)]),
    ]:
        record(name, module, spec, inputs)
    record_packed("packed_lstm_projected", nn.LSTM(3, 4, num_layers=2, proj_size=2), {"cls": "LSTM", "args": [3, 4, {"numLayers": 2, "projSize": 2}]}, False, [2, 4, 1])


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc = nn.Linear(8 * 2 * 2, 5)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class SmallLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(12, 6)
        self.lstm = nn.LSTM(6, 8, batch_first=True)
        self.head = nn.Linear(8, 12)

    def forward(self, idx):
        out, _ = self.lstm(self.embed(idx))
        return self.head(out).reshape(-1, 12)


def training_step(name, model, x, y, opt_cls, opt_kw):
    """One step: loss, every gradient, every updated parameter."""
    t = {f"param.{k}": v.detach().clone() for k, v in model.state_dict().items()}
    t["input.0"] = x.clone()
    t["target"] = y.clone()
    opt = opt_cls(model.parameters(), **opt_kw)
    model.train()
    loss = nn.functional.cross_entropy(model(x), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    t["loss"] = loss.detach().reshape(1)
    for k, p in model.named_parameters():
        t[f"grad.param.{k}"] = p.grad.clone()
    opt.step()
    for k, v in model.state_dict().items():
        t[f"after.{k}"] = v.detach().clone()
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(OUT, f"step_{name}.safetensors"), metadata={"optimizer": opt_cls.__name__, "options": json.dumps(opt_kw)})


def main():
    os.makedirs(os.path.join(OUT, "layers"), exist_ok=True)
    for name, module, spec, inputs, opts in CASES:
        if opts.get("stats"):  # eval-mode batch norm with non-trivial running statistics
            module.running_mean.copy_(randn(module.num_features))
            module.running_var.copy_(torch.rand(module.num_features) + 0.5)
        record(name, module, spec, inputs, eval_mode=opts.get("eval", False))
    for name, module, spec, inputs in LOSSES:
        record(f"loss_{name}", module, spec, inputs)
    torch.manual_seed(1)
    training_step("cnn_sgd", SmallCNN(), randn(4, 1, 12, 12), torch.tensor([0, 4, 2, 1]), torch.optim.SGD, {"lr": 0.1, "momentum": 0.9})
    training_step("lstm_adam", SmallLSTM(), torch.randint(0, 12, (3, 5)), torch.randint(0, 12, (3, 5)), torch.optim.Adam, {"lr": 0.01})
    # A checkpoint written by PyTorch, for the interop test (LeNet-shaped, with its test outputs).
    cnn = SmallCNN().eval()
    x = randn(2, 1, 12, 12)
    save_file({k: v.contiguous() for k, v in cnn.state_dict().items()}, os.path.join(OUT, "written-by-pytorch.safetensors"), metadata={"format": "pt"})
    save_file({"input": x, "output": cnn(x).detach()}, os.path.join(OUT, "written-by-pytorch.io.safetensors"))
    # The reverse direction: a checkpoint nutshell wrote (by the TS suite) must load into PyTorch.
    ns = os.path.join(OUT, "written-by-nutshell.safetensors")
    if os.path.exists(ns):
        model = SmallCNN().eval()
        model.load_state_dict(load_file(ns), strict=True)
        io = load_file(os.path.join(OUT, "written-by-nutshell.io.safetensors"))
        got = model(io["input"])
        err = (got - io["output"]).abs().max().item()
        assert err < 1e-4, f"nutshell checkpoint gives different outputs in PyTorch (max error {err})"
        print(f"checked: a checkpoint written by nutshell loads in PyTorch and matches (max error {err:.2e})")
    for name, module, spec, inputs, opts in later_cases():
        record(name, module, spec, inputs, eval_mode=opts.get("eval", False))
    attention_mask_fixture()
    packed_fixtures()
    for name, module, spec, inputs, opts in pool1d_cases():
        record(name, module, spec, inputs, eval_mode=opts.get("eval", False))
    for name, module, spec, inputs, opts in conv3d_cases():
        record(name, module, spec, inputs, eval_mode=opts.get("eval", False))
    decoder_fixture()
    embedding_fixture()
    embedding_bag_fixture()
    projected_lstm_fixtures()
    print("wrote nn fixtures")


if __name__ == "__main__":
    main()
