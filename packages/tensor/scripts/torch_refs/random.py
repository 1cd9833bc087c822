"""References for the random family. rand, randn, randint, bernoulli and dropout have none: their
values come from our Philox stream, not PyTorch's generator (test/random.test.ts checks them
statistically and against a reference Philox). dropout's backward is deterministic given the mask."""
import torch

TORCH = {
    "dropoutBackward": lambda x, a: [torch.ops.aten.native_dropout_backward(x[0], x[1], a["scale"])],
}
