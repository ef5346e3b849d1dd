# GPU worker: decode (NVDEC) + inference (onnxruntime CUDA EP). CUDA 12 + cuDNN 9, as onnxruntime 1.23 needs.
# docker build -f docker/gpu-worker.Dockerfile -t anvil-gpu-worker .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The image build has network access: let onnxruntime-node fetch its CUDA execution provider here
# (setup.sh skips it on development machines).
RUN npm install --no-fund --no-audit && npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12
COPY . .
# The generated reference models (onnx-proto, a dev dependency) before dev dependencies go.
RUN npm run build && node --import tsx activities/inference/models/generate.ts && npm prune --omit=dev
# Model files that ship in npm tarballs (BlazeFace, Silero VAD), next to the compiled code that looks for them.
RUN bash docker/local/models.sh

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg ca-certificates curl \
 && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs && rm -rf /var/lib/apt/lists/*
# compute for CUDA, video for NVDEC/NVENC.
ENV NODE_ENV=production NVIDIA_DRIVER_CAPABILITIES=compute,video,utility GPU_MODE=cuda
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.anvil/models ./dist/.anvil/models
COPY package.json ./
CMD ["node", "dist/gpu-workers/gpu.main.js"]
