# API: REST + OpenAPI; talks to Temporal and S3 only.
# docker build -f docker/api.Dockerfile -t anvil-api .
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
ENV NODE_ENV=production API_HOST=0.0.0.0 API_PORT=3000
WORKDIR /app
# Root-owned and read-only to the process (it runs as node, uid 1000): a read-only root filesystem works.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.anvil/models ./dist/.anvil/models
COPY package.json ./
USER 1000:1000
EXPOSE 3000
# Liveness: the process answers (Temporal's state is /readyz's business; compose and Kubernetes probe both).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.API_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/main.js"]
