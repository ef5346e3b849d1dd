# Pipeline worker: workflows (prebuilt bundle) + CPU activities (ffprobe, merge). No GPU.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The CPU build of onnxruntime-node ships in the package: skip its CUDA download.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm install --no-fund --no-audit
COPY . .
# The model files (generated, and fetched from npm tarballs) as the GPU image has them: the registry here
# validates job params against the same models (a model missing here is refused as unknown).
RUN npm run build && node --import tsx activities/inference/models/generate.ts && npm prune --omit=dev && bash docker/local/models.sh

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg ca-certificates && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.anvil/models ./dist/.anvil/models
COPY package.json ./
USER node
CMD ["node", "dist/gpu-workers/pipeline.main.js"]
