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

.PHONY: run test lint browser bench install install-dev messages clean audit faults

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
	@# The task runner (dispatch ring timers) runs beside Daphne and stops when it stops.
	@# config.serve is Daphne with an access log that omits the whistleblower's address.
	$(RUN_ENV) $(PY) manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(RUN_ENV) $(PY) -m config.serve -e $(DAPHNE_ENDPOINT) $(DAPHNE_FLAGS) config.asgi:application

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

# The browser tests (field app, staff workbench, whistleblower page) run in processes of their own:
# Playwright's sync API keeps an event loop on the main thread, which the async
# (websocket) tests cannot share, and one Playwright per process.
test: lint browser
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest -n $${PYTEST_WORKERS:-2} --ignore=tests/fieldapp --ignore=tests/workbench --ignore=tests/tips_browser --ignore=tests/faults $(PYTEST_ARGS)
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest tests/fieldapp $(PYTEST_ARGS)
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest tests/workbench $(PYTEST_ARGS)
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest tests/tips_browser $(PYTEST_ARGS)

# Fault injection (README, "Reliability"): each test starts its own PostgreSQL, Redis,
# Daphne and task runner, then stops, restarts or kills one of them. They need the
# PostgreSQL and Redis server binaries (skipped, saying so, without them); .ci/run runs
# them after installing those. One process: the servers of a test use fixed ports.
faults: $(VENV)/.dev
	SAFEGRID_TESTING=1 $(VENV)/bin/pytest tests/faults -n 0 $(PYTEST_ARGS)

# Known vulnerabilities in every pinned dependency, from PyPI's advisory data (its JSON
# API). --strict: a dependency that could not be looked up fails the audit, never passes it.
audit: $(VENV)/.dev
	$(VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r requirements/lock.txt

bench: $(VENV)/.dev
	$(PY) bench/run_all.py

messages: $(VENV)/.dev
	SAFEGRID_TESTING=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore '.venv/*' --ignore 'bench/*'
	SAFEGRID_TESTING=1 $(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache
