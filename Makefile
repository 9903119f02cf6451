# kechuang — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# 2 cores here; xdist's "auto" would count hyperthreads on bigger machines too.
WORKERS ?= 2
MSG_IGNORE := --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*' --ignore='kechuang/static/*' --ignore='*/migrations/*'

.PHONY: install demo test test-pg lint format check-migrations messages clean bench bench-quick

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "kechuang needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

demo: install
	@# A worker beside the server runs the queued jobs (imports, evaluations, documents).
	KECHUANG_JOBS_BACKEND=database $(BIN)/kechuang worker --wait-for-db 300 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	KECHUANG_JOBS_BACKEND=database $(BIN)/kechuang demo

test: install
	$(BIN)/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

# The browser journeys run once, on SQLite: they prove the pages, not the database.
test-pg: install
	KECHUANG_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n $(WORKERS) -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/kechuang makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/kechuang makemessages -l zh_Hans -l en --no-obsolete $(MSG_IGNORE)
	$(BIN)/kechuang compilemessages --ignore=.venv

# Benchmarks (bench/, docs/performance.md): results in bench/results/latest.{md,json}.
# BENCH_PG names a PostgreSQL database for the PostgreSQL cases (left out when empty).
BENCH_PG ?=
bench: install
	$(BIN)/python -m bench $(if $(BENCH_PG),--pg $(BENCH_PG))

bench-quick: install
	$(BIN)/python -m bench --quick $(if $(BENCH_PG),--pg $(BENCH_PG))

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache
