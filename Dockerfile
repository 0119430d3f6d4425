# yuqing-radar image: Node 20 on Debian with the system Chromium used by the crawler's browser pool.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV CHROME_PATH=/usr/bin/chromium NODE_ENV=production RADAR_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY . .
RUN npm ci --no-audit --no-fund
VOLUME ["/data"]
EXPOSE 3000
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]
