#!/bin/sh
# Anvil GPU kit: the GPU check and the frame-path benchmark, from this folder alone (no Node.js, ffmpeg or
# network needed on the host). Writes report.json and report.md into ANVIL_KIT_REPORT_DIR.
# Settings: KIT_SECONDS (20: the generated 1080p video), KIT_MODELS (anvil-reference,pp-ocr-det: the frame path's
# models), KIT_SLOTS (1,2,4), GPU_DEVICE_ID (0), ANVIL_CUDA_LIB_DIRS (where CUDA 13 and cuDNN 9 are, when not found).
case "$0" in */*) kit="${0%/*}" ;; *) kit=. ;; esac
exec "$kit/node/bin/node" "$kit/app/kit-check.js" "$@"
