# Every target creates or reuses .venv and installs tailor from the pinned constraints first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TAILOR_HOME ?= $(CURDIR)/.tailor

.PHONY: install browser demo test bench lint ui docs parse validate clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# dagster-dbt needs the dbt manifest before Dagster can load the code location; `tailor parse` also
# regenerates the parse-time list of segment and campaign models (orchestration/dbt_graph.py).
parse: install
	$(BIN)/tailor parse

# Browser tests drive Debian's Chromium through Playwright (`playwright install` cannot download here).
# As root a missing Chromium is installed (waiting for another apt run to finish); otherwise say how.
CHROMIUM := /usr/bin/chromium
APT_GET := apt-get -o DPkg::Lock::Timeout=300
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "error: $(CHROMIUM) is missing; the browser tests need it: sudo apt-get install -y chromium" >&2; \
	    exit 1; \
	  fi; \
	  echo "installing Chromium for the browser tests (apt-get install -y chromium)"; \
	  $(APT_GET) install -y chromium || { $(APT_GET) update && $(APT_GET) install -y chromium; }; \
	}

demo: parse
	$(BIN)/tailor demo $(DEMO_ARGS)

# Dagster loads the code location the way the UI and the daemon do; a broken definition fails here first.
validate: parse
	$(BIN)/dagster definitions validate -m orchestration.definitions

test: validate browser
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

bench: parse browser
	$(BIN)/pytest -m slow -s $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ui: parse
	DAGSTER_HOME=$(TAILOR_HOME)/dagster $(BIN)/python -m orchestration.dagster_home
	PATH="$(CURDIR)/$(BIN):$$PATH" DAGSTER_HOME=$(TAILOR_HOME)/dagster $(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p $${PORT:-3000}

docs: parse
	cd dbt_project && ../$(BIN)/dbt docs generate --profiles-dir . && echo "open dbt_project/target/index.html"

clean:
	rm -rf $(TAILOR_HOME) dbt_project/target dbt_project/logs .pytest_cache
