# ModelGraph developer entry points. `make test` is what CI runs; `make run` is the main job.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SIZE ?= small

.PHONY: venv run test lint format typecheck schema pytest bench fuzz chaos clean ui chromium ui-bench

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## Start a local Neo4j (no Docker), migrate, load the demo graph, serve on 127.0.0.1:8000.
run: venv
	@$(MAKE) --no-print-directory ui || echo "warning: the lineage explorer was not built (needs Node.js and npm); /ui will say so" >&2
	@$(BIN)/modelgraph graphiql-assets || echo "warning: GraphiQL assets not fetched; /graphql will load them from unpkg.com (needs internet)" >&2
	$(BIN)/modelgraph up --demo

## Lint, format check, type check, schema drift check and the whole test suite on a real Neo4j.
test: venv lint typecheck ui chromium pytest

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: venv
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: venv
	$(BIN)/mypy

## Re-export schema.graphql after a schema change (a test fails while it drifts).
schema: venv
	$(BIN)/python -m modelgraph.graphql.export > schema.graphql

pytest: venv
	$(BIN)/pytest

## The lineage explorer: packages pinned by ui/package-lock.json from the npm registry, built into ui/dist.
ui: ui/node_modules/.package-lock.json
	cd ui && npm run --silent build

ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && npm ci --no-audit --no-fund

## Debian's chromium for the browser tests (CI runs as root on a fresh machine).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

## Time to a drawn graph for impacts of ~100, 1,000 and 5,000 nodes (not part of make test).
ui-bench: venv ui chromium
	$(BIN)/python -m bench.ui_bench

bench: venv
	$(BIN)/python -m bench.run --size $(SIZE)

## SIGKILLs of Neo4j and of the service mid-write, then a soak with Neo4j restarts (own Neo4j).
## CHAOS_ARGS e.g. "--neo4j-kills 10 --service-kills 2 --soak-seconds 60"; results in bench/results/chaos.*
CHAOS_ARGS ?=
chaos: venv
	$(BIN)/python -m bench.chaos $(CHAOS_ARGS)

## hypothesis-graphql over the GraphQL schema, then schemathesis over the Kubeflow REST OpenAPI
## document (every check), each on its own Neo4j; results in bench/results/fuzz.*
FUZZ_REQUESTS ?= 100000
FUZZ_SECONDS ?= 900
fuzz: venv
	$(BIN)/python -m bench.fuzz_graphql --requests $(FUZZ_REQUESTS) --seconds $(FUZZ_SECONDS); \
	  graphql=$$?; $(BIN)/python -m bench.fuzz_rest --max-examples 25 --timeout 900; \
	  rest=$$?; test $$graphql -eq 0 -a $$rest -eq 0

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
