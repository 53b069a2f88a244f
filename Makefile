# Two entry points for a fresh machine: `make run` (open a bundled sample) and `make test`.
# Each creates .venv on first use. Outside it, `make test` installs only the system packages the
# rendering tests need when they are missing (SYSTEM_PACKAGES: Graphviz, Chromium and a font,
# with apt-get, as root); otherwise it says which to install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE ?= samples/rag-support-assistant.yaml

.PHONY: run test lint typecheck unit graphviz browser benchmark validators samples clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/scoping-tui $(SAMPLE)

# Rendering tests use the real Graphviz `dot`; the HTML report is checked in headless Chromium.
SYSTEM_PACKAGES := graphviz chromium fonts-dejavu-core
graphviz:
	@missing=""; command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing:$$missing — install them (e.g. sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

typecheck: $(BIN)/.installed
	$(BIN)/mypy

# In parallel, one worker per core (pytest-xdist); `pytest tests/x.py` alone runs serially.
unit: $(BIN)/.installed graphviz
	$(BIN)/python -m pytest -n auto --dist loadgroup

test: lint typecheck unit

benchmark: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_analyze.py
	$(BIN)/python benchmarks/bench_many.py

# The diagram and report committed beside each sample (a test fails when they are stale).
AS_OF := 2026-11-28
samples: $(BIN)/.installed
	@for f in samples/*.yaml; do \
	  $(BIN)/scoping-tui diagram $$f -o $${f%.yaml}.svg --as-of $(AS_OF) && \
	  $(BIN)/scoping-tui report $$f -o $${f%.yaml}.md --as-of $(AS_OF) || exit 1; \
	done

# Regenerate the compiled schema validators after editing schemas/*.schema.json.
validators: $(BIN)/.installed
	$(BIN)/python -m scoping_tui.model.fastschema

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
