# Kanari controller image. Two stages: the build stage compiles TypeScript to dist/, the runtime stage
# holds only dist/, bin/, web/ and the production dependencies, so neither tsc nor the dev tools ship.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The `node` devDependency downloads a Node binary in its install script; the build stage needs it
# because the npm scripts run on it.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The protobuf schemas `kanari apiserver` (the sandbox API server) loads at run time.
COPY third_party ./third_party
# The dashboard's page and scripts (Chart.js comes from node_modules: nothing from a CDN).
COPY web ./web
# Numeric user (the image's `node` user) so the kubelet can verify runAsNonRoot. Nothing is written at
# run time except to /tmp, so the root filesystem can be mounted read-only; HOME points there for any
# library that insists on a home directory.
USER 1000:1000
ENV HOME=/tmp
EXPOSE 8080 9090
ENTRYPOINT ["node", "bin/kanari.js"]
CMD ["controller"]
