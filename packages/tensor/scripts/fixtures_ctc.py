# Goldens for ctcLoss (test/ctc.test.ts): PyTorch's F.ctc_loss on logits -> log_softmax, the loss
# and the gradient to the logits (PyTorch's own gradient to log_probs adds exp(log_probs), which
# log_softmax's backward cancels: Note [ctc as ops]). Inputs are sin-sequences, so the test makes
# the same ones without this file's help.
#   /opt/torch-venv/bin/python scripts/fixtures_ctc.py
import json, math, pathlib
import torch
import torch.nn.functional as F

def seq(shape, a=0.37, b=0.1):
    n = math.prod(shape)
    return torch.tensor([math.sin(a * i + b) for i in range(n)], dtype=torch.float32).reshape(shape)

cases = []
def case(name, T, N, C, targets, input_lengths, target_lengths, scale=2.0, **kw):
    logits = (seq([T, N, C]) * scale).requires_grad_()
    lp = F.log_softmax(logits, -1)
    if N == 0:
        pass
    loss = F.ctc_loss(lp, torch.tensor(targets), torch.tensor(input_lengths), torch.tensor(target_lengths), **kw)
    loss_sum = loss.sum() if loss.dim() else loss
    (loss_sum * 1.0).backward()
    cases.append({
        'name': name, 'T': T, 'N': N, 'C': C, 'scale': scale, 'targets': targets,
        'inputLengths': input_lengths, 'targetLengths': target_lengths,
        'options': {k if k != 'zero_infinity' else 'zeroInfinity': v for k, v in kw.items()},
        'loss': loss.detach().reshape(-1).tolist(), 'lossShape': list(loss.shape),
        'grad': logits.grad.reshape(-1).tolist(),
    })

case('padded mean', 12, 3, 5, [[1, 2, 2, 0], [3, 1, 0, 0], [4, 4, 4, 1]], [12, 10, 12], [3, 2, 4])
case('padded none', 12, 3, 5, [[1, 2, 2, 0], [3, 1, 0, 0], [4, 4, 4, 1]], [12, 10, 12], [3, 2, 4], reduction='none')
case('padded sum blank 4', 10, 2, 5, [[0, 1, 2], [3, 3, 0]], [10, 8], [3, 2], blank=4, reduction='sum')
case('concatenated', 9, 2, 4, [1, 2, 3, 3, 1], [9, 7], [3, 2], reduction='none')
case('impossible', 4, 2, 4, [[1, 1, 1], [2, 3, 0]], [4, 4], [3, 2], reduction='none')
case('impossible zeroInfinity', 4, 2, 4, [[1, 1, 1], [2, 3, 0]], [4, 4], [3, 2], reduction='none', zero_infinity=True)
case('empty target', 6, 2, 3, [[1, 2], [0, 0]], [6, 5], [2, 0], reduction='none')

out = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'ctc.json'
# JSON has no Infinity or NaN: they are written as strings.
fix = lambda v: v if math.isfinite(v) else str(v)
for c in cases:
    c['loss'] = [fix(v) for v in c['loss']]
    c['grad'] = [fix(v) for v in c['grad']]
out.write_text(json.dumps({'torch': torch.__version__, 'cases': cases}))
print('wrote', out)
