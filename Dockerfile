# syntax=docker/dockerfile:1
# yuqing-radar image, two stages:
#   build: every dependency (dev ones included: tsc runs in the postinstall build), then pruned to production;
#   run:   the pruned tree on Node 20 with the system Chromium, as the unprivileged `node` user.
# NODE_ENV=production is set only in the run stage: set before `npm ci` it drops the dev dependencies
# and the postinstall build (tsc) fails.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf test bench .ci \
 && node dist/cli.js --help >/dev/null

FROM node:20-bookworm-slim AS run
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
ENV NODE_ENV=production CHROME_PATH=/usr/bin/chromium RADAR_DATA_DIR=/data PORT=3000
WORKDIR /app
COPY --from=build --chown=root:root /app /app
USER node
VOLUME ["/data"]
EXPOSE 3000
# The API's liveness; compose gives the worker and the scheduler their own checks (docker/healthcheck.mjs).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
  CMD ["node", "docker/healthcheck.mjs", "http://127.0.0.1:3000/health"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]
