#!/usr/bin/env bash
# Real test images from Debian's python3-skimage (astronaut.png: a face; page.png: printed text), into
# .anvil/test-data/ (ignored). Only the .deb is downloaded and unpacked: nothing is installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$ROOT/.anvil/test-data/skimage"
[ -f "$DATA/astronaut.png" ] && [ -f "$DATA/page.png" ] && exit 0
printf '\033[1m==> %s\033[0m\n' "fetching test images (apt-get download python3-skimage)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
download() { (cd "$tmp" && apt-get download python3-skimage >/dev/null 2>&1); }
if ! download; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq; elif command -v sudo >/dev/null; then sudo apt-get update -qq; fi
  download || { echo "test-data: apt-get download python3-skimage failed" >&2; exit 1; }
fi
dpkg-deb -x "$tmp"/python3-skimage_*.deb "$tmp/x"
mkdir -p "$DATA"
cp "$tmp"/x/usr/lib/python3/dist-packages/skimage/data/{astronaut,page}.png "$DATA/"
