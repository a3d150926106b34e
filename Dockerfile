# syntax=docker/dockerfile:1
# olvery-1c-exchange: multi-stage build; the runtime stage has production dependencies only and runs as a non-root user.
# Both stages use one exact Node.js release (24 LTS), the one .ci/run tests with. No digest is pinned: none could be
# verified where this was written; to pin it, append the index digest that
# `docker buildx imagetools inspect node:24.22.3-bookworm-slim` prints (`@sha256:…`) to both FROM lines.

FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
# Heap limits: V8 otherwise lets the garbage of a large query grow to several times what is alive (README "Image",
# BENCHMARKS.md section 2). The old generation is capped at 192 MiB, and the young one at 3 x 16 MiB semi-spaces, as
# Node 20 had it: Node 24's default of 64 MiB semi-spaces added about 120 MiB to the peak of a 50,000-order query for
# no saving in CPU. `npm start` passes the same flags (package.json); the benchmark and .ci/check-dist start dist/
# with this environment too.
ENV NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=16"
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# SQL migrations and the Olvery reference DDL are read at run time (node dist/db/migrate.js, the demo profile).
COPY migrations ./migrations
COPY sql ./sql
# Served at /docs by the admin API.
COPY openapi.yaml ./openapi.yaml
# The embedded PGlite fallback (no DATABASE_URL) keeps its data here: a volume, so it outlives the container and stays
# writable when the root filesystem is read-only. A new volume is filled from this directory, ownership included.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# No npm in the process tree, so SIGTERM reaches Node and the graceful shutdown runs.
CMD ["node", "dist/server.js"]
