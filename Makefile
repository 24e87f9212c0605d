# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
# Test processes for the unit suite (pytest-xdist): one per core of this project's machines. Each counts rate
# limits in a Redis database of its own, below the one the run is given (tests/conftest.py). A process that runs out
# of tests takes some of the other's (--dist worksteal), so that a long property test met late leaves no core idle.
TEST_WORKERS ?= 2
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app visitplanner

.PHONY: run test test-unit test-browser bench browser-deps test-deps pdf-deps services db demo translations vendor-css screens wheel clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed-run

## Serve the app on http://127.0.0.1:$(PORT) with its SQLite database and the demo data.
run: $(VENV)/.installed-run pdf-deps db demo
	@echo ""
	@echo "Demo accounts (password: visitplanner-demo):"
	@echo "  protocol@example.org   protocol officer"
	@echo "  advisor@example.org    human-rights advisor   then asks for a code"
	@echo "  approver@example.org   approver               then asks for a code"
	@echo "  delegate@example.org   delegation member"
	@echo "  admin@example.org      administrator          then asks for a code"
	@echo ""
	@echo "The code: add the demo key VISITPLANNERDEMOVISITPLANNERDEMO to an authenticator app,"
	@echo "or print the current one:  $(FLASK) demo-code advisor@example.org"
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

db: $(VENV)/.installed-run
	$(FLASK) db upgrade

demo: $(VENV)/.installed-run
	$(FLASK) demo

## The whole suite: model, form, view, migration and access tests, then the browser tests.
test: test-unit test-browser

test-unit: $(VENV)/.installed-test test-deps pdf-deps services
	$(BIN)/pytest -m "not browser" -n $(TEST_WORKERS) --dist worksteal

test-browser: $(VENV)/.installed-test test-deps browser-deps services
	$(BIN)/pytest -m browser -n $(TEST_WORKERS) --dist worksteal

## Benchmarks (timed here, never in tests), on PostgreSQL and Redis at 127.0.0.1: feeds against the icalendar floor,
## the cache, revalidations under gunicorn, queries per page; then what following the calendars costs a write.
bench: $(VENV)/.installed-test services
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_follow.py

## Debian's libical, whose restriction checks every calendar file in the tests must pass.
test-deps:
	@ldconfig -p | grep -q 'libical\.so\.3' || (apt-get update -qq && apt-get install -y -qq libical3)

## Pango and a font, which WeasyPrint lays out the briefing book with (Debian's packages, when missing).
pdf-deps:
	@ldconfig -p | grep -q 'libpangoft2-1\.0\.so\.0' && fc-list | grep -q . || \
		(apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

## Redis, where the tests count rate limits as production does (started when installed but not running).
services:
	@$(PYTHON) -c 'import socket; socket.create_connection(("127.0.0.1", 6379), 2)' 2>/dev/null || \
		redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no

## Debian's Chromium for the browser tests (never a browser download by a test tool).
browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

## Extract, update and compile the Dutch and English message catalogues.
translations: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k _l -k stored -k stored_n:1,2 -o visitplanner/translations/messages.pot --no-location --sort-output --width 100 .
	$(BIN)/pybabel update -i visitplanner/translations/messages.pot -d visitplanner/translations --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/python scripts/english_catalogue.py
	$(BIN)/pybabel compile -d visitplanner/translations --statistics

## Screenshots of the demo at 1280 px and 390 px (dashboard, programme, week, checklist, feed page) into docs/screens/,
## from a demo app of their own (nothing of instance/ is touched); SCREENS_ARGS="--lang nl" for Dutch. Debian's
## pngquant (installed when missing, if apt can) makes the files about a third of the size.
screens: $(VENV)/.installed-test browser-deps
	@command -v pngquant >/dev/null || (apt-get update -qq && apt-get install -y -qq pngquant) || true
	$(BIN)/python scripts/screens.py $(SCREENS_ARGS)

## Refresh the vendored NL Design System CSS from the npm registry (versions pinned in the script).
vendor-css:
	scripts/vendor-css.sh

wheel: $(VENV)/.installed-test
	$(BIN)/python -m build --wheel --no-isolation --outdir dist

clean:
	rm -rf $(VENV) dist build .pytest_cache
