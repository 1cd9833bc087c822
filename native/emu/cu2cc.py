#!/usr/bin/env python3
"""Rewrites the cuda backend's .cu/.cuh files as C++ for the cuda emulator (Note [cuda emulation]
in ns_emu.h): `k<<<grid, block, shmem, stream>>>(args);` becomes
`::ns_emu::launch(::ns_emu::Cfg(grid, block, shmem, stream), "k", [=](auto&&... a) { k(a...); }, args);`
(the arguments are evaluated and copied at the launch, as CUDA does),
`extern __shared__ T name[];` becomes a pointer to the launch's dynamic shared memory, and
includes that leave the folder (`../core/…`) become absolute. Line numbers are kept, so compiler
messages point at the original lines.

usage: cu2cc.py SRC_DIR OUT_DIR   (every *.cu → OUT_DIR/*.cu.cc, every *.cuh → OUT_DIR/*.cuh)"""
import os
import re
import sys


def callee_start(text, end):
    """Start of the callee expression that ends at `end` (exclusive): a name, maybe qualified,
    maybe with template arguments."""
    i = end
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if text[i - 1] == ">":  # template arguments: walk back over balanced <>
        depth = 0
        while i > 0:
            i -= 1
            c = text[i]
            if c == ">":
                depth += 1
            elif c == "<":
                depth -= 1
                if depth == 0:
                    break
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_:"):
        i -= 1
    return i


def matching(text, open_at, open_ch="(", close_ch=")"):
    depth = 0
    for j in range(open_at, len(text)):
        if text[j] == open_ch:
            depth += 1
        elif text[j] == close_ch:
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced parentheses")


def rewrite_launches(text, path):
    out = []
    pos = 0
    while True:
        at = text.find("<<<", pos)
        if at < 0:
            out.append(text[pos:])
            return "".join(out)
        start = callee_start(text, at)
        callee = text[start:at].strip()
        cfg_end = text.find(">>>", at)
        cfg = text[at + 3:cfg_end]
        paren = cfg_end + 3
        while text[paren].isspace():
            paren += 1
        if text[paren] != "(":
            raise ValueError(f"{path}: no argument list after the launch of {callee}")
        close = matching(text, paren)
        args = text[paren + 1:close]
        name = re.sub(r"\s+", " ", callee)
        out.append(text[pos:start])
        sep = ", " if args.strip() else ""
        out.append(f'::ns_emu::launch(::ns_emu::Cfg({cfg}), "{name}", [=](auto&&... a) {{ {callee}(a...); }}{sep}{args})')
        pos = close + 1


EXTERN_SHARED = re.compile(r"extern\s+__shared__\s+(?:__align__\(\d+\)\s+)?([\w\s:]+?)\s+(\w+)\s*\[\s*\]\s*;")
PARENT_INCLUDE = re.compile(r'#include\s+"\.\./([^"]+)"')


def convert(src, dst):
    with open(src) as f:
        text = f.read()
    base = os.path.dirname(os.path.abspath(src))
    text = PARENT_INCLUDE.sub(lambda m: f'#include "{os.path.normpath(os.path.join(base, "..", m.group(1)))}"', text)
    text = EXTERN_SHARED.sub(lambda m: f"{m.group(1)}* {m.group(2)} = static_cast<{m.group(1)}*>(::ns_emu::dynamic_shared());", text)
    text = rewrite_launches(text, src)
    tmp = dst + ".tmp"
    with open(tmp, "w") as f:
        f.write(f'#line 1 "{os.path.abspath(src)}"\n')
        f.write(text)
    os.replace(tmp, dst)


def main():
    src_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for name in sorted(os.listdir(src_dir)):
        if name.endswith(".cu"):
            convert(os.path.join(src_dir, name), os.path.join(out_dir, name + ".cc"))
        elif name.endswith(".cuh"):
            convert(os.path.join(src_dir, name), os.path.join(out_dir, name))


if __name__ == "__main__":
    main()
