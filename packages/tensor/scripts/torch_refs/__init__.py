"""PyTorch references for the op table: each family module defines TORCH = {name: fn(inputs, attrs) -> [outputs]}.

Every .py file in this folder is merged here, so a new family only adds its own file.
"""
import importlib
import pkgutil

TORCH = {}
for _info in pkgutil.iter_modules(__path__):
    if _info.name == "common":
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name, _fn in getattr(_module, "TORCH", {}).items():
        if _name in TORCH:
            raise RuntimeError(f"torch reference {_name} defined twice")
        TORCH[_name] = _fn
