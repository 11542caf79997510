# ModelGraph service image: the API only; Neo4j runs in its own container (docker-compose.yml).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MODELGRAPH_HOST=0.0.0.0 \
    MODELGRAPH_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY cypher ./cypher
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 modelgraph

USER modelgraph
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=5 \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2); sys.exit(0)"
# Apply pending schema files, then serve; migrations are idempotent so restarts are safe.
CMD ["modelgraph", "serve", "--migrate"]
