# Pipeline worker: workflows (prebuilt bundle) + CPU activities (ffprobe, merge). No GPU.
# docker build -f docker/pipeline-worker.Dockerfile -t anvil-pipeline-worker .
# Node by exact version (the official image; the same 20.x as development and CI).
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The CPU build of onnxruntime-node ships in the package: skip its CUDA download. `npm ci`: the lock as committed.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-fund --no-audit
COPY . .
# The model files (generated, and fetched from npm tarballs) as the GPU image has them: the registry here
# validates job params against the same models (a model missing here is refused as unknown).
RUN npm run build && node --import tsx activities/inference/models/generate.ts && npm prune --omit=dev && bash docker/local/models.sh

FROM node:20.20.2-bookworm-slim
# Debian bookworm's ffmpeg, whatever its point release (pinning a Debian revision breaks on the next security update).
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg ca-certificates && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.anvil/models ./dist/.anvil/models
COPY package.json ./
# node (uid 1000); temporary files go to /tmp (a volume under a read-only root filesystem).
USER 1000:1000
CMD ["node", "dist/gpu-workers/pipeline.main.js"]
