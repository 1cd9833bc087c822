#!/usr/bin/env bash
# Installs the peers the bench compares against, into bench/peers/ (ignored by git), never as
# dependencies of any published package:
#   - npm: onnxruntime-node (CPU only, ONNXRUNTIME_NODE_INSTALL=skip keeps it offline),
#          @tensorflow/tfjs + @tensorflow/tfjs-backend-wasm, and a try of @tensorflow/tfjs-node
#          (its install downloads libtensorflow; the outcome is recorded, a failure is expected
#          offline);
#   - python: the `onnx` package (for torch.onnx.export) into bench/peers/python, from the local
#          pip mirror, when the torch venv lacks it;
#   - ONNX models exported from PyTorch into bench/peers/models/.
# Writes bench/peers/status.json, which the harness prints and stores with every result.
# Re-running is cheap: installed pieces are kept.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
peers="$here/peers"
python="${TORCH_PYTHON:-/opt/torch-venv/bin/python}"
mkdir -p "$peers/models" "$peers/logs"
cd "$peers"

if [ ! -f package.json ]; then
  cat > package.json <<'JSON'
{
  "name": "nutshell-bench-peers",
  "private": true,
  "description": "Peers the nutshell bench compares against; installed by bench/scripts/setup-peers.sh, never a dependency of a published package.",
  "type": "module"
}
JSON
fi

status_ort=missing; status_tfjs=missing; status_wasm=missing; status_tfjs_node=missing; status_onnx=missing; status_models=missing

# --workspaces=false + its own package.json keeps npm from treating peers/ as part of the monorepo.
npm_i() { npm install --no-audit --no-fund --workspaces=false --prefix "$peers" "$@"; }

echo "== onnxruntime-node"
if [ -d node_modules/onnxruntime-node ] || ONNXRUNTIME_NODE_INSTALL=skip npm_i onnxruntime-node@^1 >logs/ort.log 2>&1; then
  if node -e "require('$peers/node_modules/onnxruntime-node')" >>logs/ort.log 2>&1; then status_ort=ok; else status_ort="installed but does not load (logs/ort.log)"; fi
else status_ort="install failed (logs/ort.log)"; fi
echo "   $status_ort"

echo "== @tensorflow/tfjs + @tensorflow/tfjs-backend-wasm"
if [ -d node_modules/@tensorflow/tfjs ] && [ -d node_modules/@tensorflow/tfjs-backend-wasm ] || npm_i @tensorflow/tfjs@^4 @tensorflow/tfjs-backend-wasm@^4 >logs/tfjs.log 2>&1; then
  status_tfjs=ok; status_wasm=ok
else status_tfjs="install failed (logs/tfjs.log)"; status_wasm="$status_tfjs"; fi
echo "   $status_tfjs"

echo "== @tensorflow/tfjs-node (downloads libtensorflow at install: expected to fail offline)"
if [ -d node_modules/@tensorflow/tfjs-node/lib ] && node -e "require('$peers/node_modules/@tensorflow/tfjs-node')" >/dev/null 2>&1; then
  status_tfjs_node=ok
else
  # Installed alone in a scratch prefix so that its failure cannot disturb the peers above.
  rm -rf "$peers/tfjs-node-try" && mkdir -p "$peers/tfjs-node-try" && echo '{"name":"tfjs-node-try","private":true}' > "$peers/tfjs-node-try/package.json"
  if timeout 300 npm install --no-audit --no-fund --workspaces=false --prefix "$peers/tfjs-node-try" @tensorflow/tfjs-node@^4 >logs/tfjs-node.log 2>&1 \
     && node -e "require('$peers/tfjs-node-try/node_modules/@tensorflow/tfjs-node')" >>logs/tfjs-node.log 2>&1; then
    status_tfjs_node="ok (tfjs-node-try/)"
  else
    reason="$(grep -m1 -iE 'ENOTFOUND|ECONNREFUSED|EAI_AGAIN|getaddrinfo|403|404|network|Error:' logs/tfjs-node.log | cut -c1-160 | tr -d '"\\')"
    status_tfjs_node="install failed: ${reason:-see logs/tfjs-node.log}"
  fi
fi
echo "   $status_tfjs_node"

echo "== python: torch + onnx"
pyextra="$peers/python"
if PYTHONPATH="$pyextra" "$python" -c "import onnx" >/dev/null 2>&1; then status_onnx=ok
elif "$python" -m pip install --quiet --target "$pyextra" --index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple onnx >logs/onnx-pip.log 2>&1 \
     && PYTHONPATH="$pyextra" "$python" -c "import onnx" >>logs/onnx-pip.log 2>&1; then status_onnx="ok (pip --target peers/python)"
else status_onnx="missing (logs/onnx-pip.log); ONNX models are written by hand-built protobuf"; fi
echo "   $status_onnx"

echo "== ONNX models"
if PYTHONPATH="$pyextra" "$python" "$here/python/export_onnx.py" "$peers/models" >logs/export.log 2>&1; then status_models=ok; else status_models="export failed (logs/export.log)"; fi
echo "   $status_models"

ver() { node -e "try{console.log(require('$peers/node_modules/$1/package.json').version)}catch{console.log('')}"; }
cat > status.json <<JSON
{
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "onnxruntime-node": {"status": "$status_ort", "version": "$(ver onnxruntime-node)"},
  "@tensorflow/tfjs": {"status": "$status_tfjs", "version": "$(ver @tensorflow/tfjs)"},
  "@tensorflow/tfjs-backend-wasm": {"status": "$status_wasm", "version": "$(ver @tensorflow/tfjs-backend-wasm)"},
  "@tensorflow/tfjs-node": {"status": "$status_tfjs_node"},
  "onnx (python)": {"status": "$status_onnx"},
  "models": {"status": "$status_models", "dir": "peers/models"}
}
JSON
cat status.json
