# Two entry points for a fresh machine: `make run` (open a bundled sample) and `make test`.
# Each creates .venv on first use; nothing is installed outside it except Graphviz for tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE ?= samples/rag-support-assistant.yaml

.PHONY: run test lint typecheck unit graphviz benchmark validators clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/scoping-tui $(SAMPLE)

# Rendering tests use the real Graphviz `dot`.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "Graphviz is missing: install it (e.g. sudo apt-get install graphviz)"; exit 1; \
	  fi; }

lint: $(BIN)/.installed
	$(BIN)/ruff check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

unit: $(BIN)/.installed graphviz
	$(BIN)/python -m pytest

test: lint typecheck unit

benchmark: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_analyze.py

# Regenerate the compiled schema validators after editing schemas/*.schema.json.
validators: $(BIN)/.installed
	$(BIN)/python -m scoping_tui.model.fastschema

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
