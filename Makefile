# Coprod — the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(HOME)/.local/bin:$(PATH)
UV ?= $(shell command -v uv 2>/dev/null || echo uv)
PYTHON_FOR_UV ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help uv sync demo serve test test-postgres lint bench messages chromium axe check-deploy clean

help:
	@echo "make demo   set everything up and serve the demo on http://$(HOST):$(PORT)"
	@echo "make test   set everything up and run the whole test suite (browser tests included)"
	@echo "make lint   ruff, mypy, missing migrations    make bench   benchmarks against reference libraries"

uv:  ## install uv if it is missing (from PyPI, with whatever Python is at hand)
	@command -v uv >/dev/null 2>&1 || $(PYTHON_FOR_UV) -m pip install --quiet --user uv || $(PYTHON_FOR_UV) -m pip install --quiet uv

sync: uv
	uv sync --frozen

messages: sync
	@if command -v msgfmt >/dev/null 2>&1; then uv run python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules; fi

demo: sync messages
	uv run python manage.py migrate --no-input -v0
	uv run python manage.py demo_load
	@echo "Coprod is served on http://$(HOST):$(PORT)/ (French) and http://$(HOST):$(PORT)/en/ (English). Ctrl-C stops it."
	@# The background worker recomputes opinion maps after votes; it stops with the server.
	uv run python manage.py db_worker --no-startup-delay --no-reload -v0 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  uv run python manage.py runserver $(HOST):$(PORT)

chromium:  ## Debian's Chromium for the browser tests (never a downloaded browser)
	@command -v chromium >/dev/null 2>&1 || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)

axe:  ## the pinned axe-core from the npm registry
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent

test: sync messages chromium axe
	uv run pytest -q -p no:cacheprovider

test-postgres: sync messages chromium axe
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coprod} uv run pytest -q -p no:cacheprovider

lint: sync
	uv run ruff check .
	uv run ruff format --check .
	uv run mypy coprod coprod_engine
	uv run python manage.py makemigrations --check --dry-run

check-deploy: sync
	DEBUG=false SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))') ALLOWED_HOSTS=coprod.example.org \
	  uv run python manage.py check --deploy --fail-level WARNING

bench: sync
	@for script in bench/*.py; do echo "== $$script"; uv run python $$script || exit 1; done

clean:
	rm -rf .venv var staticfiles node_modules .pytest_cache .mypy_cache .ruff_cache
