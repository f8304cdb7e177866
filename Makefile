# Parcours — everyday commands. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MANAGE := $(BIN)/parcours
HOST   ?= 127.0.0.1:8000
# The Makefile works on the local development settings; production sets config.settings.base.
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: demo test lint fix security fuzz bench messages makemessages territories-refresh vendor-refresh vendor-chartjs vendor-axe clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Compile the translation catalogues with Babel (no GNU gettext needed).
messages: $(VENV)/.installed
	$(BIN)/pybabel compile --domain django --directory parcours/locale --statistics 2>&1 | tail -n 2

demo: $(VENV)/.installed messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load-territories
	$(MANAGE) seed-demo
	@echo ""
	@echo "Parcours est servi sur http://$(HOST)/, le worker envoie courriels et SMS  (Ctrl+C pour arrêter les deux)"
	@# The worker (side effects after commit, ADR 0012) runs next to the web server; leaving the recipe
	@# (Ctrl+C, or the server stopping) stops it too (SIGTERM: it ends the sending in progress first).
	@$(MANAGE) db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST)

# Style, then the layering contract of pyproject.toml [tool.importlinter] (docs/architecture.md).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fix: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Static security analysis of our code (bandit, configured in pyproject.toml; findings fixed or
# justified inline with `# nosec` and a reason), then the dependency audit (pip-audit: fails on a
# known vulnerability; in CI (CI=true) it is required whenever PyPI's advisory service answers, and
# skipped with one plain line when it does not; see scripts/audit_dependencies.py).
security: $(VENV)/.installed-test
	$(BIN)/bandit --configfile pyproject.toml --recursive parcours --quiet
	$(BIN)/bandit --recursive parcours/demo --skip B311 --quiet
	$(BIN)/python scripts/audit_dependencies.py

# The whole suite on SQLite and, at the same time, on PostgreSQL when one is reachable (DATABASE_URL or
# 127.0.0.1:5432): scripts/run_tests.sh.
test: lint security messages
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	bash scripts/run_tests.sh

# A longer, randomised fuzzing campaign (the suite runs a short, fixed one): the API with FUZZ_EXAMPLES
# examples per operation and mode (shrunk to the smallest failing request), every form of the pages
# and the file imports with as many. Uses DATABASE_URL if set.
FUZZ_EXAMPLES ?= 200
fuzz: $(VENV)/.installed-test messages
	PARCOURS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PARCOURS_FORM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	PARCOURS_IMPORT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PARCOURS_FUZZ_RANDOM=true \
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -s -p no:cacheprovider \
		tests/project/test_api_fuzz.py tests/project/test_form_fuzz.py tests/project/test_import_fuzz.py

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

# Extract the strings to translate (needs GNU gettext's xgettext).
makemessages: $(VENV)/.installed
	$(MANAGE) makemessages --locale en --no-location --ignore=.venv --ignore=tests --ignore=bench \
		--ignore=var --ignore=staticfiles

# Rebuild the shipped COG snapshot from the newest @etalab/decoupage-administratif release (needs npm).
territories-refresh: $(VENV)/.installed
	rm -rf var/cog && mkdir -p var/cog
	cd var/cog && npm pack --silent @etalab/decoupage-administratif
	$(MANAGE) load-territories --package var/cog/*.tgz --refresh-snapshot

# Re-vendor Bootstrap from the npm registry (assets are committed: nothing is loaded from a CDN).
BOOTSTRAP_VERSION := 5.3.8
vendor-refresh:
	rm -rf var/vendor && mkdir -p var/vendor parcours/static/vendor/bootstrap-$(BOOTSTRAP_VERSION)
	cd var/vendor && npm pack --silent bootstrap@$(BOOTSTRAP_VERSION) && tar xzf bootstrap-*.tgz
	cp var/vendor/package/dist/css/bootstrap.min.css var/vendor/package/dist/js/bootstrap.bundle.min.js \
		var/vendor/package/LICENSE parcours/static/vendor/bootstrap-$(BOOTSTRAP_VERSION)/
	sed -i 's|/\*# sourceMappingURL=.*\*/||; s|//# sourceMappingURL=.*||' \
		parcours/static/vendor/bootstrap-$(BOOTSTRAP_VERSION)/bootstrap.min.css \
		parcours/static/vendor/bootstrap-$(BOOTSTRAP_VERSION)/bootstrap.bundle.min.js

# Re-vendor Chart.js (the observatory's charts) from the npm registry.
CHARTJS_VERSION := 4.6.1
vendor-chartjs:
	rm -rf var/vendor-chartjs && mkdir -p var/vendor-chartjs parcours/static/vendor/chartjs-$(CHARTJS_VERSION)
	cd var/vendor-chartjs && npm pack --silent chart.js@$(CHARTJS_VERSION) && tar xzf chart.js-*.tgz
	cp var/vendor-chartjs/package/dist/chart.umd.min.js var/vendor-chartjs/package/LICENSE.md \
		parcours/static/vendor/chartjs-$(CHARTJS_VERSION)/
	sed -i 's|//# sourceMappingURL=.*||' parcours/static/vendor/chartjs-$(CHARTJS_VERSION)/chart.umd.min.js

# Re-vendor axe-core (the accessibility checks of the browser tests) from the npm registry. Only the tests
# use it: Playwright injects the file's text into the page, nothing is served by the application.
AXE_VERSION := 4.14.1
vendor-axe:
	rm -rf var/vendor-axe && mkdir -p var/vendor-axe tests/e2e/vendor
	cd var/vendor-axe && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-*.tgz
	cp var/vendor-axe/package/axe.min.js tests/e2e/vendor/axe.min.js
	cp var/vendor-axe/package/LICENSE tests/e2e/vendor/axe-core-LICENSE
	echo "axe-core $(AXE_VERSION) (npm), vendored by make vendor-axe" > tests/e2e/vendor/README

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
