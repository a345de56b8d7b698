# 应急管理工作台: `make run` serves the demo city with a worker; `make test` runs the whole suite.
PY := .venv/bin/python
PIP := .venv/bin/pip
export DJANGO_SETTINGS_MODULE := emergency.settings
# pytest-xdist processes for `make test`, one a core; 0 runs the suite in this process.
TEST_WORKERS ?= 2

.PHONY: run test install services db lint messages bench backup restore worker clean

.venv/installed: pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

install: .venv/installed messages

services:
	scripts/services.sh

db: install services
	scripts/createdb.sh
	$(PY) manage.py migrate --noinput

messages: .venv/installed
	$(PY) manage.py compilemessages -l en --ignore=.venv -v 0

run: db
	$(PY) manage.py seed_demo
	@echo "Starting the Celery worker and beat, and the site on http://127.0.0.1:8000"
	mkdir -p var && $(PY) -m celery -A emergency worker --beat --schedule var/celerybeat-schedule -l warning --concurrency 2 & \
	  trap 'kill %1' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000

worker: db
	$(PY) -m celery -A emergency worker -l info

lint: install
	.venv/bin/ruff check .
	.venv/bin/lint-imports --no-cache --no-logo
	$(PY) -m bandit -q -c pyproject.toml -r emergency plans drills hazards supplies duty outreach --severity-level high

test: install services
	scripts/browser.sh
	scripts/office.sh
	scripts/createdb.sh
	.venv/bin/ruff check .
	.venv/bin/lint-imports --no-cache --no-logo
	$(PY) -m bandit -q -c pyproject.toml -r emergency plans drills hazards supplies duty outreach --severity-level high
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: db
	$(PY) -m bench.run

backup: install services
	scripts/backup.sh $(DIR)

restore: install services
	@test -n "$(DIR)" || { echo "usage: make restore DIR=var/backups/YYYYMMDD-HHMMSS"; exit 2; }
	scripts/restore.sh $(DIR)

clean:
	rm -rf .venv staticfiles
