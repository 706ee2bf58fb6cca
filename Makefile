# Hearth: the two set-up commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install assets lint bench bench-load clean

# The demo setting shows a banner on every page and lets demo accounts skip the security code.
run: install
	HEARTH_DEMO=1 HEARTH_DEFAULT_COUNCIL=hearthshire $(VENV)/bin/hearth demo-up
	HEARTH_DEMO=1 HEARTH_DEFAULT_COUNCIL=hearthshire $(VENV)/bin/hearth serve

test: install
	bash scripts/test

install: $(VENV)/.synced hearth/web/static/govuk/hearth.css

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

hearth/web/static/govuk/hearth.css: node_modules/.installed assets/build.mjs assets/_hearth.scss
	mkdir -p var
	npm run --silent build

assets: hearth/web/static/govuk/hearth.css

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(VENV)/bin/python -m benchmarks.run

# Mixed reads under load against gunicorn on PostgreSQL (benchmarks/load.py); needs wrk (apt-get install wrk).
# BENCH_LOAD_ARGS="--families 2000 --duration 5 --no-doc" for a quick run.
bench-load: install
	$(VENV)/bin/python -m benchmarks.load $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) .tools node_modules hearth/web/static/govuk
