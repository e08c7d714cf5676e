# Commons: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# make bench SCALE=3: the whole-site benchmark on three times its standard data.
SCALE ?= 1

.PHONY: install install-dev run test lint format worker beat bench screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; fi
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Against Redis: REDIS_URL=redis://127.0.0.1:6379/0 make worker (and make beat).
worker: install
	DEBUG=$${DEBUG:-1} $(BIN)/celery -A commons worker --loglevel=INFO

beat: install
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/celery -A commons beat --loglevel=INFO --schedule var/celerybeat-schedule

bench: install-dev
	$(BIN)/python bench/wiki_bench.py
	$(BIN)/python bench/comments_bench.py
	$(BIN)/python bench/moderation_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/http_bench.py --scale $(SCALE)

screenshots: install-dev
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/browser -q
