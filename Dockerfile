# The registry image used by docker-compose.yml. (Not built on the development machines, which have no
# Docker engine: kept correct by reading; see README.)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.base.json ./
COPY serdes/package.json serdes/package.json
COPY registry/package.json registry/package.json
RUN npm ci --no-audit --no-fund
COPY serdes serdes
COPY registry registry
RUN npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8081
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/serdes/package.json serdes/package.json
COPY --from=build /app/serdes/dist serdes/dist
COPY --from=build /app/registry/package.json registry/package.json
COPY --from=build /app/registry/dist registry/dist
COPY migrations migrations
COPY openapi.yaml openapi.yaml
USER node
EXPOSE 8081
ENTRYPOINT ["node", "registry/dist/cli.js"]
