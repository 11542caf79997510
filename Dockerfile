# ModelGraph service image: the API only; Neo4j runs in its own container (docker-compose.yml).
# GraphiQL's scripts come from the npm registry at build time, so /graphql needs no internet later;
# the versions are those of Strawberry's page (src/modelgraph/graphiql.py checks their SRI hashes).
FROM node:20-slim AS graphiql-assets
WORKDIR /packed
RUN npm pack --silent react@18.2.0 react-dom@18.2.0 js-cookie@3.0.5 graphiql@3.8.3 \
    @graphiql/plugin-explorer@1.0.2

# The lineage explorer (/ui): packages pinned by ui/package-lock.json, bundled by esbuild.
FROM node:20-slim AS ui
WORKDIR /ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY ui/build.mjs ./
COPY ui/src ./src
RUN npm run --silent build

FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MODELGRAPH_HOST=0.0.0.0 \
    MODELGRAPH_AUTH=tokens \
    MODELGRAPH_PORT=8000 \
    MODELGRAPH_HOME=/var/lib/modelgraph \
    MODELGRAPH_UI_DIR=/app/ui-dist

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY cypher ./cypher
COPY --from=graphiql-assets /packed /tmp/graphiql-packed
COPY --from=ui /ui/dist ./ui-dist
RUN pip install --no-cache-dir . \
    && modelgraph graphiql-assets --packed /tmp/graphiql-packed && rm -rf /tmp/graphiql-packed \
    && useradd --system --uid 10001 modelgraph

USER modelgraph
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=5 \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2); sys.exit(0)"
# Apply pending schema files, then serve; migrations are idempotent so restarts are safe.
CMD ["modelgraph", "serve", "--migrate"]
