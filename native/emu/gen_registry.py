#!/usr/bin/env python3
"""The cuda kernel registration for the cuda emulator (Note [cuda emulation] in ns_emu.h): the
generated src/gen/cuda_kernels.gen.cc without the kernels that the given sources define (those
that only cuDNN features the emulator lacks can run: the RNN family). The emulated backend then
has no kernel for them, which tests see as they see any op a backend lacks.

usage: gen_registry.py CUDA_KERNELS_GEN_CC OUT.cc SOURCE..."""
import os
import re
import sys


def main():
    gen, out, *sources = sys.argv[1:]
    dropped = set()
    for src in sources:
        with open(src) as fh:
            dropped |= set(re.findall(r"^void (\w+)\(OpCall& call\)", fh.read(), re.M))
    with open(gen) as fh:
        lines = fh.read().split("\n")
    base = os.path.dirname(os.path.abspath(gen))
    kept = []
    for line in lines:
        m = re.search(r"registry\.add\(core::DeviceType::cuda, core::OpId::\w+, &(\w+)\);", line)
        if m and m.group(1) in dropped:
            kept.append(f"  // not emulated: {m.group(1)}")
            continue
        kept.append(re.sub(r'#include "([^"/]+)"', lambda i: f'#include "{base}/{i.group(1)}"', line).replace('#include "../', f'#include "{base}/../'))
    tmp = out + ".tmp"
    with open(tmp, "w") as fh:
        fh.write("\n".join(kept))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
