#!/usr/bin/env bash
# cuda-ep.sh DEST: onnxruntime-node's CUDA execution provider (libonnxruntime_providers_cuda.so and
# libonnxruntime_providers_shared.so, with the licence) into DEST, taken from PyPI's onnxruntime-gpu wheel of
# the same ONNX Runtime version and checked against its pinned sha256. PyPI's wheels are built for CUDA 12 up to 1.26 and for
# CUDA 13 from 1.27 on, with cuDNN 9 (this one needs libcudart.so.13, libcublas.so.13); onnxruntime-node's own download is still
# labelled cuda12. Used by the GPU kit (build.sh) and the GPU worker image, so both run the same file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="${1:?usage: cuda-ep.sh DEST}"
WHEEL="onnxruntime_gpu-1.31.1-cp312-cp312-manylinux_2_28_x86_64.whl"
WHEEL_SHA256="05d548956197b9d01f59b625de740e0d6be3593f874e241a12dc0362650ecdf7"

version="$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['dependencies']['onnxruntime-node'])" "$ROOT/package.json")"
[[ "$WHEEL" == *"-$version-"* ]] || { echo "cuda-ep: onnxruntime-node is $version but $WHEEL is pinned: pin the onnxruntime-gpu wheel of the same version and its sha256" >&2; exit 1; }
pip=(python3 -m pip)
if ! python3 -m pip --version >/dev/null 2>&1; then # a python3 without pip: a venv has one
  venv="$(mktemp -d)/venv" && python3 -m venv "$venv" && pip=("$venv/bin/python" -m pip)
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"${pip[@]}" download --disable-pip-version-check --no-cache-dir --quiet --no-deps --only-binary=:all: \
  --python-version 3.12 --platform manylinux_2_28_x86_64 -d "$tmp" "onnxruntime-gpu==$version"
echo "$WHEEL_SHA256  $tmp/$WHEEL" | sha256sum -c --quiet - || { echo "cuda-ep: $WHEEL does not match its pinned sha256" >&2; exit 1; }
mkdir -p "$DEST"
python3 - "$tmp/$WHEEL" "$DEST" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in ("capi/libonnxruntime_providers_cuda.so", "capi/libonnxruntime_providers_shared.so", "LICENSE"):
        target = name.split("/")[-1] if name != "LICENSE" else "LICENSE.onnxruntime-gpu"
        with open(f"{sys.argv[2]}/{target}", "wb") as out:
            out.write(z.read(f"onnxruntime/{name}"))
PY
