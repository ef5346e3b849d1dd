# GPU worker: decode (NVDEC) + inference (onnxruntime CUDA EP). CUDA 13 + cuDNN 9, as onnxruntime 1.31's CUDA EP needs.
# docker build -f docker/gpu-worker.Dockerfile -t anvil-gpu-worker .
# Node by exact version (the official image; the same 20.x as development and CI).
FROM node:20.20.2-bookworm-slim AS node

# The CUDA execution provider of onnxruntime-node's version from PyPI's onnxruntime-gpu wheel (sha256-pinned;
# built for CUDA 13), by the script the GPU kit uses: onnxruntime-node's own download is for CUDA 12.
FROM python:3.12-slim-bookworm AS cuda-ep
WORKDIR /src
COPY package.json ./
COPY docker/gpu-kit/cuda-ep.sh docker/gpu-kit/
RUN bash docker/gpu-kit/cuda-ep.sh /cuda-ep

FROM node AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# `npm ci`: the lock as committed; onnxruntime-node's CUDA 12 download skipped, its CUDA 13 provider copied in.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-fund --no-audit
COPY --from=cuda-ep /cuda-ep/ node_modules/onnxruntime-node/bin/napi-v6/linux/x64/
COPY . .
# The generated reference models (onnx-proto, a dev dependency) before dev dependencies go.
RUN npm run build && node --import tsx activities/inference/models/generate.ts && npm prune --omit=dev
# Model files that ship in npm tarballs (BlazeFace, Silero VAD), next to the compiled code that looks for them.
RUN bash docker/local/models.sh

FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04
# Ubuntu 24.04's ffmpeg (NVENC/NVDEC through the driver the NVIDIA runtime mounts), whatever its point release.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg ca-certificates && rm -rf /var/lib/apt/lists/*
# Node: the one binary from the pinned official image above (glibc 2.28+; Ubuntu 24.04 has 2.39), no
# install script. The worker needs no npm at run time.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
# compute for CUDA, video for NVDEC/NVENC.
ENV NODE_ENV=production NVIDIA_DRIVER_CAPABILITIES=compute,video,utility GPU_MODE=cuda
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.anvil/models ./dist/.anvil/models
COPY package.json ./
# Not root: the image's own user 1000 (Ubuntu 24.04 images name it ubuntu), as in the other two images.
# The NVIDIA runtime gives the container its device nodes whatever the user.
USER 1000:1000
CMD ["node", "dist/gpu-workers/gpu.main.js"]
