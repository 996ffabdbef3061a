# Relais — the usual targets. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_AGENTS ?= 50000

.PHONY: run install install-dev env migrate demo serve worker test test-sqlite test-postgresql lint format bench lock system-deps clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The local `.env` holds a generated secret key (never committed).
.env:
	@$(PYTHON) -c "import secrets; print('RELAIS_SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "Fichier .env créé avec une clé secrète générée."

env: .env
	@mkdir -p var

migrate: install env
	$(PY) manage.py migrate --no-input

# First run only: the demo organisation (50,000 agents) and one account per role.
demo: migrate
	$(PY) manage.py demo_data --agents $(DEMO_AGENTS) --seed 1 --if-empty
	$(PY) manage.py demo_accounts

run: demo
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo "Relais : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py purge_personal_data --schedule && \
	$(PY) manage.py db_worker --verbosity 0 & \
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 3 --access-logfile - --logger-class relais.retention.accesslog.AccessLogger --env DJANGO_SETTINGS_MODULE=$(DJANGO_SETTINGS_MODULE)

worker: migrate
	$(PY) manage.py purge_personal_data --schedule
	$(PY) manage.py db_worker

# The tests start real programs: Debian's Chromium (browser tests), slapd and ldap-utils (directory sync)
# and dovecot-imapd (helpdesk mail). Installed when missing if run as root (as on CI); otherwise one line
# says which packages to install.
SYSTEM_PACKAGES = chromium:chromium slapd:slapd ldapadd:ldap-utils /usr/sbin/dovecot:dovecot-imapd
system-deps:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  prog=$${pair%%:*}; pkg=$${pair#*:}; \
	  command -v $$prog >/dev/null 2>&1 || [ -x "$$prog" ] || [ -x "/usr/sbin/$$prog" ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation des paquets système des tests :$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Paquets système manquants pour les tests : sudo apt-get install$$missing"; exit 1; fi; \
	fi

test: install-dev system-deps
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

test-sqlite: test

test-postgresql: install-dev system-deps
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/relais} $(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	@mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) bench/run.py

lock: | $(BIN)/activate
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var .env
