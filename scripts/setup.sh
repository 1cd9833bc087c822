#!/usr/bin/env bash
# One-time (idempotent) set-up on Debian/Ubuntu: system packages, cuDNN/cuBLAS headers and
# libraries from pip (so the cuda backend compiles even without a GPU), npm dependencies, build.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- system packages -------------------------------------------------------------------------
APT_PACKAGES=(cmake ninja-build g++ libdnnl-dev liblapack-dev libopenblas-openmp-dev dataset-fashion-mnist python3-venv)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "apt: ${APT_PACKAGES[*]} already installed"
fi

# --- CUDA toolkit on PATH (optional) -----------------------------------------------------------
if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then export PATH="/usr/local/cuda/bin:$PATH"; fi

# --- cuDNN 9 + cuBLAS from pip into .deps/nvidia-py (found by native/cmake/NutshellCuda.cmake) --
NVIDIA_PY=.deps/nvidia-py
if [ -f "$NVIDIA_PY/nvidia/cudnn/include/cudnn_version.h" ] && [ -f "$NVIDIA_PY/nvidia/cu13/include/cublas_v2.h" ]; then
  say "cuDNN/cuBLAS: present in $NVIDIA_PY"
elif command -v nvcc >/dev/null 2>&1; then
  say "cuDNN/cuBLAS: pip install nvidia-cudnn-cu13 nvidia-cublas into $NVIDIA_PY"
  PIP_INDEX=()
  if [ -d /opt/pypi/simple ]; then PIP_INDEX=(--index-url file:///opt/pypi/simple); fi
  if [ -d /opt/pypi-more/simple ]; then PIP_INDEX+=(--extra-index-url file:///opt/pypi-more/simple); fi
  if python3 -m pip install -q --disable-pip-version-check --target "$NVIDIA_PY" "${PIP_INDEX[@]}" \
      nvidia-cudnn-cu13==9.24.0.43 nvidia-cublas==13.1.1.3; then
    echo "cuDNN/cuBLAS installed"
  else
    rm -rf "$NVIDIA_PY"
    echo "!! pip could not get cuDNN/cuBLAS: the cuda backend will not be built (cpu only)"
  fi
else
  echo "!! nvcc not found: the cuda backend will not be built (cpu only)"
fi

# --- npm ---------------------------------------------------------------------------------------
say "npm ci"
npm ci --no-audit --no-fund --loglevel=error

# --- build (turbo: native addon, then the TS packages) -----------------------------------------
say "build"
npm run build
node native/dist/cli.js info
