#!/usr/bin/env python3
"""PyTorch golden values for @nutshell/data's image transforms: test/fixtures/transforms.json,
read by test/transforms-torchvision.test.ts (the tests never need PyTorch).

    /opt/torch-venv/bin/python packages/data/scripts/fixtures_transforms.py

- resize: torch.nn.functional.interpolate (bilinear with align_corners=False, antialias=False;
  nearest), what torchvision's Resize runs on a float tensor with antialias=False.
- colorJitter's adjust functions: torchvision is not installed here, so torchvision's
  transforms/_functional_tensor.py formulas (_blend, rgb_to_grayscale, adjust_brightness,
  adjust_contrast, adjust_saturation, adjust_hue, _rgb2hsv, _hsv2rgb) are copied below with the
  same torch ops, for float32 images.
- randomRotation's rotate: torchvision's F.rotate on a tensor (_get_inverse_affine_matrix,
  _gen_affine_grid, _apply_grid_transform with its fill mask) copied the same way, on
  torch.nn.functional.grid_sample.
"""
import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "transforms.json"


# ---- torchvision/transforms/_functional_tensor.py, float images only ----

def _blend(img1, img2, ratio):
    ratio = float(ratio)
    bound = 1.0
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def rgb_to_grayscale(img):
    r, g, b = img.unbind(dim=-3)
    l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype)
    return l_img.unsqueeze(dim=-3)


def adjust_brightness(img, brightness_factor):
    return _blend(img, torch.zeros_like(img), brightness_factor)


def adjust_contrast(img, contrast_factor):
    c = img.shape[-3]
    dtype = img.dtype
    if c == 3:
        mean = torch.mean(rgb_to_grayscale(img).to(dtype), dim=(-3, -2, -1), keepdim=True)
    else:
        mean = torch.mean(img.to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor):
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = hr + hg + hb
    h = torch.fmod((h / 6.0 + 1.0), 1.0)
    return torch.stack((h, s, maxc), dim=-3)


def _hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def adjust_hue(img, hue_factor):
    assert -0.5 <= hue_factor <= 0.5
    img = _rgb2hsv(img)
    h, s, v = img.unbind(dim=-3)
    h = (h + hue_factor) % 1.0
    img = torch.stack((h, s, v), dim=-3)
    return _hsv2rgb(img)


def _get_inverse_affine_matrix(center, angle, translate, scale, shear):
    rot = math.radians(angle)
    sx = math.radians(shear[0])
    sy = math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    matrix = [d, -b, 0.0, -c, a, 0.0]
    matrix = [x / scale for x in matrix]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
    matrix[2] += cx
    matrix[5] += cy
    return matrix


def _gen_affine_grid(theta, w, h, ow, oh):
    d = 0.5
    base_grid = torch.empty(1, oh, ow, 3, dtype=theta.dtype, device=theta.device)
    x_grid = torch.linspace(-ow * 0.5 + d, ow * 0.5 + d - 1, steps=ow, device=theta.device)
    base_grid[..., 0].copy_(x_grid)
    y_grid = torch.linspace(-oh * 0.5 + d, oh * 0.5 + d - 1, steps=oh, device=theta.device).unsqueeze_(-1)
    base_grid[..., 1].copy_(y_grid)
    base_grid[..., 2].fill_(1)
    rescaled_theta = theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h], dtype=theta.dtype, device=theta.device)
    output_grid = base_grid.view(1, oh * ow, 3).bmm(rescaled_theta)
    return output_grid.view(1, oh, ow, 2)


def _apply_grid_transform(img, grid, mode, fill):
    img = img.unsqueeze(0)
    if fill is not None:
        mask = torch.ones((img.shape[0], 1, img.shape[2], img.shape[3]), dtype=img.dtype, device=img.device)
        img = torch.cat((img, mask), dim=1)
    img = F.grid_sample(img, grid, mode=mode, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask = img[:, -1:, :, :]
        img = img[:, :-1, :, :]
        mask = mask.expand_as(img)
        fill_list, len_fill = (fill, len(fill)) if isinstance(fill, (tuple, list)) else ([float(fill)], 1)
        fill_img = torch.tensor(fill_list, dtype=img.dtype, device=img.device).view(1, len_fill, 1, 1).expand_as(img)
        if mode == "nearest":
            mask = mask < 0.5
            img[mask] = fill_img[mask]
        else:
            img = img * mask + (1.0 - mask) * fill_img
    return img.squeeze(0)


def rotate(img, angle, interpolation, fill):
    """torchvision's F.rotate on a float tensor, expand=False, center=None (RandomRotation's fill: a list per channel)."""
    matrix = _get_inverse_affine_matrix([0.0, 0.0], -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    w, h = img.shape[-1], img.shape[-2]
    theta = torch.tensor(matrix, dtype=img.dtype).reshape(1, 2, 3)
    grid = _gen_affine_grid(theta, w=w, h=h, ow=w, oh=h)
    return _apply_grid_transform(img, grid, interpolation, fill)


# ---- cases ----

def values(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def image(*shape):
    return torch.rand(*shape, dtype=torch.float32)


def colour_image():
    """A [3, 4, 6] image in [0, 1] with the hue code's special pixels: grey (max == min), ties
    between the largest channels, zeros and ones."""
    x = image(3, 4, 6)
    x[:, 0, 0] = torch.tensor([0.5, 0.5, 0.5])
    x[:, 0, 1] = torch.tensor([0.8, 0.8, 0.2])  # max == r == g
    x[:, 0, 2] = torch.tensor([0.1, 0.7, 0.7])  # max == g == b
    x[:, 0, 3] = torch.tensor([0.9, 0.3, 0.9])  # max == r == b
    x[:, 0, 4] = torch.tensor([0.0, 0.0, 0.0])
    x[:, 0, 5] = torch.tensor([1.0, 0.0, 1.0])
    x[:, 1, 0] = torch.tensor([1.0, 1.0, 1.0])
    return x


def main():
    torch.manual_seed(31)
    resize = []
    for shape, size, mode in [
        ((3, 5, 7), (8, 11), "bilinear"),     # up
        ((3, 9, 12), (4, 5), "bilinear"),     # down, no antialias
        ((2, 6, 6), (4, 9), "bilinear"),      # down one way, up the other
        ((1, 1, 3), (3, 2), "bilinear"),      # a single row
        ((1, 5, 7), (8, 3), "nearest"),
        ((1, 3, 4), (6, 8), "nearest"),       # exactly twice
        ((2, 7, 5), (3, 4), "nearest"),
        ((2, 3, 4, 5), (6, 3), "bilinear"),   # a clip [C, D, H, W]: every frame alike
    ]:
        x = image(*shape)
        planes = x.reshape(1, -1, shape[-2], shape[-1])
        kw = {"align_corners": False, "antialias": False} if mode == "bilinear" else {}
        y = F.interpolate(planes, size=size, mode=mode, **kw).reshape(*shape[:-2], *size)
        resize.append({"shape": list(shape), "x": values(x), "size": list(size), "interpolation": mode, "y": values(y)})

    rgb = colour_image()
    grey = image(1, 4, 5)
    adjust = []
    for name, fn, factors in [
        ("brightness", adjust_brightness, [0.0, 0.6, 1.0, 1.4]),
        ("contrast", adjust_contrast, [0.0, 0.5, 1.7]),
        ("saturation", adjust_saturation, [0.0, 0.3, 1.8]),
        ("hue", adjust_hue, [-0.5, -0.2, 0.0, 0.1, 0.45]),
    ]:
        for f in factors:
            adjust.append({"fn": name, "factor": f, "shape": list(rgb.shape), "x": values(rgb), "y": values(fn(rgb, f))})
    for name, fn, f in [("brightness", adjust_brightness, 1.3), ("contrast", adjust_contrast, 0.4), ("contrast", adjust_contrast, 1.6)]:
        adjust.append({"fn": name, "factor": f, "shape": list(grey.shape), "x": values(grey), "y": values(fn(grey, f))})
    # The colour jitter of one fixed draw: the adjustments in the order fn_idx gives.
    order, factors = [2, 0, 3, 1], {"brightness": 1.2, "contrast": 0.7, "saturation": 1.5, "hue": -0.1}
    fns = [("brightness", adjust_brightness), ("contrast", adjust_contrast), ("saturation", adjust_saturation), ("hue", adjust_hue)]
    y = rgb
    for k in order:
        y = fns[k][1](y, factors[fns[k][0]])
    jitter = {"order": order, "factors": factors, "shape": list(rgb.shape), "x": values(rgb), "y": values(y)}

    rotation = []
    for shape, angle, mode, fill in [
        ((3, 7, 9), 30.0, "bilinear", 0.0),
        ((3, 8, 8), -45.0, "bilinear", [0.2, 0.5, 0.9]),
        ((1, 6, 9), 17.0, "nearest", 0.3),
        ((2, 5, 6), 123.0, "nearest", 0.0),
        ((1, 6, 6), 90.0, "bilinear", 0.0),
    ]:
        x = image(*shape)
        fill_list = [float(fill)] * shape[0] if isinstance(fill, float) else fill
        rotation.append({"shape": list(shape), "x": values(x), "angle": angle, "interpolation": mode, "fill": fill, "y": values(rotate(x, angle, mode, fill_list))})

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"torch": torch.__version__, "resize": resize, "adjust": adjust, "jitter": jitter, "rotation": rotation}) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
