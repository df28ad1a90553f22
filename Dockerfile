# syntax=docker/dockerfile:1
# Build stage: full dependencies (the workspaces' too), then the client lib, the web console (dist/console) and the server.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/client/package.json ./libs/client/
COPY apps/console/package.json ./apps/console/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# Runtime stage: production dependencies only (no embedded PostgreSQL: DATABASE_URL is required), non-root user.
# test/docker-image.e2e-spec.ts builds this stage's file list from the COPY lines below and runs the CLI in it.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# dist/ holds the server and the web console it serves at /console (dist/console).
COPY --from=build /app/dist ./dist
# `npm run cli` and `npm run migrate` run scripts/build-if-needed.js (which finds no sources here and builds nothing).
COPY scripts ./scripts
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
