"""Loads bench/shapes.json, the workload shapes both sides of the bench read."""
import json
import os

with open(os.path.join(os.path.dirname(__file__), "..", "shapes.json")) as f:
    SHAPES = json.load(f)
CONV_SHAPES = SHAPES["conv"]
