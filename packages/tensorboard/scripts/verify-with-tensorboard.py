#!/usr/bin/env python3
"""Reads event files written by @nutshell/tensorboard with TensorBoard's own reader and prints
what it finds, to confirm the files are ones TensorBoard accepts. Run once by a person:

    python3 -m venv /tmp/tb-venv
    /tmp/tb-venv/bin/pip install --index-url file:///opt/pypi/simple \
        --extra-index-url file:///opt/pypi-more/simple tensorboard
    /tmp/tb-venv/bin/python packages/tensorboard/scripts/verify-with-tensorboard.py runs/demo

The argument is an event file or a log folder; every folder below it that holds event files
(addScalars writes sub-runs) is read as its own run. A folder with a projector_config.pbtxt
(addEmbedding) is also served through TensorBoard's projector plugin, as the Projector tab
fetches it: each embedding's points, metadata and sprite. Exits 1 if a run has no data, an image
does not decode, or the projector cannot read an embedding.
"""
import io
import os
import sys

from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util

# 0 means "keep every event" rather than TensorBoard's default sampling.
KEEP_ALL = {"scalars": 0, "images": 0, "histograms": 0, "tensors": 0, "compressedHistograms": 0}


def runs_under(path):
    if os.path.isfile(path):
        return [path]
    found = []
    for folder, _, files in sorted(os.walk(path)):
        if any("tfevents" in f for f in files):
            found.append(folder)
    return found


def png_size(data):
    try:
        from PIL import Image  # Pillow comes with tensorboard's dependencies in most installs
    except ImportError:
        return "(Pillow not installed; not decoded)"
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return f"decoded by Pillow: {img.size[0]}x{img.size[1]} mode {img.mode}"


def report_projector(logdir):
    """Serves logdir's embeddings through the projector plugin's routes; returns how many it read."""
    import json
    from urllib.parse import quote
    from werkzeug.test import Client
    from werkzeug.wrappers import Response
    from tensorboard.backend import application
    from tensorboard.backend.event_processing import data_provider
    from tensorboard.backend.event_processing import plugin_event_multiplexer
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.projector import projector_plugin

    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, logdir)
    context = base_plugin.TBContext(logdir=logdir, multiplexer=multiplexer, data_provider=provider)
    client = Client(application.TensorBoardWSGI([projector_plugin.ProjectorPlugin(context)]), Response)

    def get(route):
        r = client.get("/data/plugin/projector" + route)
        if r.status_code != 200:
            raise RuntimeError(f"{route}: HTTP {r.status_code}: {r.get_data(as_text=True)}")
        return r.get_data()

    read = 0
    for run in json.loads(get("/runs")):
        for e in json.loads(get(f"/info?run={quote(run)}"))["embeddings"]:
            q = f"?run={quote(run)}&name={quote(e['tensorName'])}"
            n, d = e["tensorShape"]
            points = len(get(q.join(["/tensor", "&num_rows=1000000"]))) // 4
            line = f"   embedding {e['tensorName']!r:24} {n}x{d} ({points} floats served)"
            if points != n * d:
                raise RuntimeError(f"{e['tensorName']}: served {points} floats for a {n}x{d} tensor")
            if "metadataPath" in e:
                rows = get("/metadata" + q).decode("utf-8").rstrip("\n").split("\n")
                header = "\t" in rows[0]
                line += f", metadata {len(rows) - header} rows" + (f" (columns {rows[0].split(chr(9))})" if header else "")
                if len(rows) - header != n:
                    raise RuntimeError(f"{e['tensorName']}: {len(rows) - header} metadata rows for {n} points")
            if "sprite" in e:
                line += f", sprite {png_size(get('/sprite_image' + q))} of {e['sprite']['singleImageDim']} images"
            print(line)
            read += 1
    return read


def report(run):
    acc = EventAccumulator(run, size_guidance=KEEP_ALL)
    acc.Reload()
    tags = acc.Tags()
    print(f"== {run}")
    print(f"   file_version: {acc.file_version}")
    count = 0
    for tag in tags["scalars"]:
        for e in acc.Scalars(tag):
            print(f"   scalar    {tag!r:24} step={e.step:<6} value={e.value:.6g}")
            count += 1
    for tag in tags["images"]:
        for e in acc.Images(tag):
            print(f"   image     {tag!r:24} step={e.step:<6} {e.width}x{e.height} "
                  f"{len(e.encoded_image_string)} bytes, {png_size(e.encoded_image_string)}")
            count += 1
    for tag in tags["histograms"]:
        for e in acc.Histograms(tag):
            h = e.histogram_value
            print(f"   histogram {tag!r:24} step={e.step:<6} num={h.num:g} min={h.min:.4g} "
                  f"max={h.max:.4g} sum={h.sum:.4g} buckets={len(h.bucket)} "
                  f"(counts add up to {sum(h.bucket):g})")
            count += 1
    for tag in tags["tensors"]:
        plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
        for e in acc.Tensors(tag):
            value = tensor_util.make_ndarray(e.tensor_proto)
            if value.dtype.kind in "OSU":
                value = value.item().decode("utf-8") if value.shape == () else value
            print(f"   tensor    {tag!r:24} step={e.step:<6} plugin={plugin!r} value={value!r}")
            count += 1
    # The TensorBoard server reads through the plugin accumulator, which migrates old-style
    # summaries (simple_value, histo, image) to tensors; this shows which dashboards would list the run.
    served = plugin_event_accumulator.EventAccumulator(run, size_guidance=KEEP_ALL)
    served.Reload()
    print(f"   {count} values; dashboards: {sorted(served.ActivePlugins())}")
    if os.path.isdir(run) and os.path.exists(os.path.join(run, "projector_config.pbtxt")):
        count += report_projector(run)
    return count


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    runs = runs_under(sys.argv[1])
    if not runs:
        print(f"no event files under {sys.argv[1]}")
        return 1
    ok = True
    for run in runs:
        try:
            ok = report(run) > 0 and ok
        except Exception as err:  # report every run, then fail
            print(f"   FAILED: {type(err).__name__}: {err}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
