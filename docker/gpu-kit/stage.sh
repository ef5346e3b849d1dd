#!/bin/sh
# stage.sh [TARGET]: checks the kit's parts beside this script against SHA256SUMS, joins them and unpacks the
# kit into TARGET (default: the folder above this one), then prints how to run it. The parts may arrive in
# separate transfers; a missing one is named, and nothing is unpacked until all are there.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-$here/..}"
cd "$here"
missing=""
while read -r _sum part; do [ -f "$part" ] || missing="$missing $part"; done < SHA256SUMS
if [ -n "$missing" ]; then echo "stage: missing parts:$missing" >&2; exit 2; fi
sha256sum -c --quiet SHA256SUMS
mkdir -p "$target"
cat $(cut -d' ' -f3 SHA256SUMS) | tar -xzf - -C "$target"
echo "kit staged in $target/kit; run it with: ANVIL_KIT_REPORT_DIR=<folder> $target/kit/run"
