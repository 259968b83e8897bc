# SafeGrid: `make run` serves the app, `make test` runs every check, `make bench` measures.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
PORT ?= 8000
HOST ?= 127.0.0.1
# `make run` is the embedded development setup; production sets DJANGO_DEBUG=0 itself.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
# A listen backlog that a reconnect storm does not overflow (Twisted's default is 50: past
# it, connections are dropped and retried a second later), and a websocket handshake
# timeout longer than a storm's slowest handshake (Daphne's default, 5 s, closed every
# socket of a 1,000-socket storm). README, "Production deployment", uses the same.
DAPHNE_ENDPOINT := tcp:port=$(PORT):interface=$(HOST):backlog=4096
DAPHNE_FLAGS := --websocket_connect_timeout 30

.PHONY: run test lint browser bench install install-dev messages clean

$(VENV)/.base: requirements/base.txt requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements/base.txt -c requirements/lock.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PIP) -r requirements/dev.txt -c requirements/lock.txt
	touch $@

install: $(VENV)/.base
install-dev: $(VENV)/.dev

run: $(VENV)/.base
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(PY) manage.py demo_city --if-empty
	$(RUN_ENV) $(VENV)/bin/daphne -e $(DAPHNE_ENDPOINT) $(DAPHNE_FLAGS) config.asgi:application

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SAFEGRID_TESTING=1 $(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	SAFEGRID_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

# The browser tests drive Debian's Chromium, need a CJK font (or every Chinese character
# renders as a box) and read the voucher's QR code back with zbarimg: install them when
# missing and we may.
browser:
	@{ command -v chromium && command -v zbarimg && fc-list :lang=zh | grep -q .; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-wqy-microhei zbar-tools >/dev/null; \
	  else echo "Chromium, a CJK font or zbar-tools missing and not root: browser tests may fail"; fi; }

# The browser tests (field app, staff workbench) run in processes of their own:
# Playwright's sync API keeps an event loop on the main thread, which the async
# (websocket) tests cannot share, and one Playwright per process.
test: lint browser
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest -n $${PYTEST_WORKERS:-2} --ignore=tests/fieldapp --ignore=tests/workbench $(PYTEST_ARGS)
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest tests/fieldapp $(PYTEST_ARGS)
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest tests/workbench $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(PY) bench/run_all.py

messages: $(VENV)/.dev
	SAFEGRID_TESTING=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore '.venv/*' --ignore 'bench/*'
	SAFEGRID_TESTING=1 $(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache
