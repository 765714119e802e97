# The project's two everyday commands: `make run` and `make test`.
#
# Both are idempotent: the virtualenv is created once, and each requirements file is
# installed only when it is newer than its stamp file inside .venv (so a second run
# installs nothing). System packages (chromium, redis-server) are installed with apt
# only when missing and only when running as root.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check --quiet
# dash's own pytest plugin (dash.testing) registers an old-style hook that pytest 9
# reports as a deprecation warning, which filterwarnings=error makes fatal at startup.
# Our browser tests use Playwright, not dash.testing, so the plugin is not loaded.
PYTEST_FLAGS := -p no:dash
APT_PACKAGES_NEEDED = $(strip \
	$(if $(wildcard /usr/bin/chromium),,chromium) \
	$(if $(shell command -v redis-server 2>/dev/null),,redis-server))

.PHONY: run test lint bench mutation system-deps

# The interpreter is the target: it exists exactly when the venv was created.
$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PY)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)
	$(PY) app.py $(ARGS)

system-deps:
ifneq ($(APT_PACKAGES_NEEDED),)
	@if [ "$$(id -u)" = "0" ]; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q && apt-get install -y -q --no-install-recommends $(APT_PACKAGES_NEEDED); \
	else \
		echo "warning: missing $(APT_PACKAGES_NEEDED); run as root or install with apt" >&2; \
	fi
endif

test: $(DEV_STAMP) system-deps
	$(VENV)/bin/pytest $(PYTEST_FLAGS) $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .

# Mutation testing (mutmut, pinned in requirements-dev.txt): each module of data/metrics,
# data/jira, data/cache, data/issues and configuration against its own tests, with the
# score per module. Slow (minutes per module), so not part of `make test`; run it before
# a release. `make mutation MODULES="data/cache/merge.py"` runs only those modules.
mutation: $(DEV_STAMP)
	nice -n 19 $(PY) -m tests.mutation $(MODULES)

bench: $(RUNTIME_STAMP)
	@set -e; for script in benchmarks/*.py; do \
		name=$$(basename "$$script" .py); \
		case "$$name" in _*|'*') continue;; esac; \
		echo "== benchmarks.$$name"; \
		$(PY) -m "benchmarks.$$name"; \
	done
