#!/usr/bin/env bash
# Prepares .device-carry/ (git-ignored) for scripts/gpu-test on a CUDA machine that has no network
# and no Node.js: the working tree travels there, plus what this folder holds:
#   node.xz               this machine's node binary (xz -6)
#   node_modules.tar.xz   node-api-headers and node-addon-api (to build the addon with plain CMake)
#                         and vitest with its dependency closure (to run the op-table test)
#   dist.tar.xz           the built TypeScript of native, tensor, nn, optim, data, plot,
#                         tensorboard, examples/common and bench (dist/ is ignored)
#   fashion-mnist/        the first 6,400 Fashion-MNIST training and 1,000 test images with their
#                         labels (IDX, gzipped): the bench's LeNet rows and examples/lenet's cuda test
#   onednn.tar.xz         oneDNN 2.x (headers, CMake config, library) and the OpenCL loader it links,
#                         for machines without libdnnl-dev (the cpu backend is always built)
# Run it from any directory after `npm ci`; it rebuilds the TypeScript dists first. It fails when
# the carry plus the working tree would exceed the device tool's budget (NUTSHELL_CARRY_LIMIT_MIB,
# default 60).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=.device-carry
LIMIT_MIB=${NUTSHELL_CARRY_LIMIT_MIB:-60}
mkdir -p "$OUT"
say() { echo "gpu-carry-prepare: $*"; }

command -v node >/dev/null || { say "node is required here"; exit 1; }
[ -d node_modules/vitest ] || { say "node_modules/vitest missing: run npm ci first"; exit 1; }

# 1. TypeScript builds (what gpu-parity.mjs imports; vitest compiles the tests' sources itself).
PACKAGES=(native packages/tensor packages/optim packages/nn packages/data packages/plot packages/tensorboard examples/common bench)
for p in "${PACKAGES[@]}"; do
  say "tsc -p $p"
  npx --no-install tsc -p "$p/tsconfig.json"
done
tar -cJf "$OUT/dist.tar.xz" $(for p in "${PACKAGES[@]}"; do echo "$p/dist"; done)

# 2. A slice of Fashion-MNIST (the bench's --quick LeNet epoch is 6,400 images; the LeNet cuda test
#    reads 100 test images): the IDX header's count rewritten, the records cut after it.
FASHION=/usr/share/datasets/fashion-mnist
if [ -f "$FASHION/train-images-idx3-ubyte.gz" ]; then
  mkdir -p "$OUT/fashion-mnist"
  node - "$FASHION" "$OUT/fashion-mnist" <<'EOF'
const fs = require('fs');
const zlib = require('zlib');
const [dir, out] = [process.argv[2], process.argv[3]];
const slices = [['train-images-idx3-ubyte.gz', 784, 6400], ['train-labels-idx1-ubyte.gz', 1, 6400], ['t10k-images-idx3-ubyte.gz', 784, 1000], ['t10k-labels-idx1-ubyte.gz', 1, 1000]];
for (const [file, record, n] of slices) {
  const idx = zlib.gunzipSync(fs.readFileSync(`${dir}/${file}`));
  const header = 4 + 4 * idx[3];
  const head = Buffer.from(idx.subarray(0, header));
  head.writeUInt32BE(n, 4);
  fs.writeFileSync(`${out}/${file}`, zlib.gzipSync(Buffer.concat([head, idx.subarray(header, header + n * record)]), { level: 9 }));
}
EOF
  say "Fashion-MNIST: 6400 training and 1000 test images from $FASHION"
else
  say "Fashion-MNIST not installed here: the bench's LeNet rows will be n/a on the device"
  rm -rf "$OUT/fashion-mnist"
fi

# 3. node itself.
NODE_BIN=$(readlink -f "$(command -v node)")
say "node $(node --version) from $NODE_BIN"
xz -6 -T1 < "$NODE_BIN" > "$OUT/node.xz"

# 4. node_modules: the addon's build headers and vitest's dependency closure (following
#    dependencies and installed optionalDependencies, as node resolves them from each package;
#    optional peers such as @types/node or jsdom are left out).
node - "$ROOT" > "$OUT/node_modules.list" <<'EOF'
const fs = require('fs');
const path = require('path');
const root = process.argv[2];
const seen = new Set();
function resolveFrom(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(p, 'package.json'))) return p;
    if (dir === path.dirname(dir)) return null;
  }
}
function walk(name, from, optional) {
  const p = resolveFrom(name, from);
  if (!p) {
    if (optional) return;
    throw new Error(`cannot resolve ${name} from ${from}`);
  }
  const real = fs.realpathSync(p);
  if (seen.has(p)) return;
  seen.add(p);
  const pj = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8'));
  for (const d of Object.keys(pj.dependencies ?? {})) walk(d, real, false);
  for (const d of Object.keys(pj.optionalDependencies ?? {})) walk(d, real, true);
}
for (const top of ['node-api-headers', 'node-addon-api', 'vitest']) walk(top, root, false);
const rel = [...seen].map((p) => path.relative(root, p)).filter((p) => !p.startsWith('..') && !p.includes('@nutshell'));
console.log(rel.sort().join('\n'));
EOF
say "$(wc -l < "$OUT/node_modules.list") packages from node_modules"
tar -cf - -T "$OUT/node_modules.list" | xz -6 -T1 > "$OUT/node_modules.tar.xz"

# 5. oneDNN (Debian's libdnnl-dev layout: include/, lib/<triplet>/{libdnnl.so*, cmake/dnnl}).
DNNL_CONFIG=$(ls /usr/lib/*/cmake/dnnl/dnnl-config.cmake 2>/dev/null | head -1 || true)
if [ -n "$DNNL_CONFIG" ]; then
  LIBDIR=$(dirname "$(dirname "$(dirname "$DNNL_CONFIG")")")   # /usr/lib/<triplet>
  TRIPLET=$(basename "$LIBDIR")
  STAGE=$(mktemp -d)
  mkdir -p "$STAGE/onednn/include" "$STAGE/onednn/lib/$TRIPLET"
  cp -a /usr/include/oneapi "$STAGE/onednn/include/"
  cp -a /usr/include/dnnl*.h /usr/include/dnnl*.hpp "$STAGE/onednn/include/" 2>/dev/null || true
  [ -d /usr/include/CL ] && cp -a /usr/include/CL "$STAGE/onednn/include/"
  cp -a "$LIBDIR"/libdnnl.so* "$STAGE/onednn/lib/$TRIPLET/"
  mkdir -p "$STAGE/onednn/lib/$TRIPLET/cmake"
  cp -a "$LIBDIR/cmake/dnnl" "$STAGE/onednn/lib/$TRIPLET/cmake/"
  OPENCL=$(ls "$LIBDIR"/libOpenCL.so.1* /lib/"$TRIPLET"/libOpenCL.so.1* 2>/dev/null | head -1 || true)
  if [ -n "$OPENCL" ]; then
    cp -aL "$OPENCL" "$STAGE/onednn/lib/$TRIPLET/libOpenCL.so.1"
    ln -sf libOpenCL.so.1 "$STAGE/onednn/lib/$TRIPLET/libOpenCL.so"
  fi
  tar -C "$STAGE" -cf - onednn | xz -6 -T1 > "$OUT/onednn.tar.xz"
  rm -rf "$STAGE"
  say "oneDNN from $LIBDIR"
else
  say "oneDNN's CMake config not found: the device must have oneDNN installed"
  rm -f "$OUT/onednn.tar.xz"
fi

# 5b. OpenBLAS (its LAPACK: cholesky, eigh) with the Fortran runtime it needs, for a device
# without a LAPACK of its own: libopenblas.so.0 exports LAPACK's symbols itself.
OPENBLAS=$(readlink -f /usr/lib/*/openblas-openmp/libopenblas.so.0 2>/dev/null | head -1 || true)
if [ -n "$OPENBLAS" ] && [ -f "$OPENBLAS" ]; then
  STAGE=$(mktemp -d)
  mkdir -p "$STAGE/openblas/lib"
  cp -L "$OPENBLAS" "$STAGE/openblas/lib/libopenblas.so.0"
  ln -s libopenblas.so.0 "$STAGE/openblas/lib/libopenblas.so"
  for dep in libgfortran.so.5 libquadmath.so.0; do
    f=$(ls /lib/*/"$dep" /usr/lib/*/"$dep" 2>/dev/null | head -1 || true)
    [ -n "$f" ] && cp -L "$f" "$STAGE/openblas/lib/$dep"
  done
  tar -C "$STAGE" -cf - openblas | xz -6 -T1 > "$OUT/openblas.tar.xz"
  rm -rf "$STAGE"
  say "OpenBLAS from $OPENBLAS"
else
  say "OpenBLAS not found: the device must have a LAPACK installed"
  rm -f "$OUT/openblas.tar.xz"
fi

# 6. Sizes: the carry plus the working tree (tracked and unignored files) must fit.
carry_bytes=$(du -cb "$OUT"/node.xz "$OUT"/*.tar.xz $(ls "$OUT"/fashion-mnist/*.gz 2>/dev/null) | tail -1 | cut -f1)
tree_bytes=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 du -cb 2>/dev/null | awk '$2 == "total" { s += $1 } END { print s + 0 }')
total=$((carry_bytes + tree_bytes))
{
  echo "prepared $(date -u +%FT%TZ) on $(uname -m), node $(node --version)"
  du -b "$OUT"/node.xz "$OUT"/*.tar.xz $(ls "$OUT"/fashion-mnist/*.gz 2>/dev/null)
  echo "carry $((carry_bytes / 1048576)) MiB + working tree $((tree_bytes / 1048576)) MiB = $((total / 1048576)) MiB (limit $LIMIT_MIB MiB)"
} | tee "$OUT/MANIFEST"
if [ "$total" -gt $((LIMIT_MIB * 1048576)) ]; then
  say "too large"
  exit 1
fi
say "ready: carry .device-carry to the device and run scripts/gpu-test there"
