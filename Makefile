# One task runner for people and CI. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= data/store
SHARED ?= ../shared
# MONDO's SSSOM mappings: `kg ontology fetch` downloads them; the offline copy in ../shared is used when present.
export KG_ONTOLOGY_DIR ?= $(wildcard $(abspath $(SHARED))/ontologies/mondo-sssom)

.PHONY: setup run build query test lint typecheck bench clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/kg

setup: $(BIN)/kg

# The main job: build the graph from the bundled seeds (incremental: only what changed),
# answer the headline question, then serve the endpoint, pages and editor until Ctrl+C.
HOST ?= 127.0.0.1
PORT ?= 8000
run: setup
	$(BIN)/kg build --store $(STORE)
	$(BIN)/kg validate --store $(STORE)
	$(BIN)/kg query --store $(STORE) --canned uc-msc-above-dose
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check kg tests bench
	$(BIN)/ruff format --check kg tests bench

typecheck: setup
	$(BIN)/mypy

# The test command of the README and of CI: lint, types, then the whole suite.
test: lint typecheck
	KG_TEST_DATA=$(abspath $(SHARED))/data KG_SHARED=$(abspath $(SHARED)) $(BIN)/pytest

bench: setup
	$(BIN)/python bench/build_throughput.py

clean:
	rm -rf $(VENV) data build *.egg-info .pytest_cache .mypy_cache .ruff_cache
