# CIQ Portal: `make run` serves the portal with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
APPS := credit declarations risk inspection referrals release
STAMP := $(VENV)/.installed

.PHONY: run test lint bench locust messages screenshots worker beat migrate demo clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

# The server with a Celery worker and beat beside it (on a queue in files under var/celery unless REDIS_URL is set);
# Ctrl-C stops all three.
run: demo
	EMBEDDED_WORKER=1 $(BIN)/python manage.py runportal 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (the rules in pyproject.toml) and the layers contract between the apps (.importlinter).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# The working-day load test (100 users, headless, loopback, 150 s); needs PostgreSQL and Redis.
locust: $(STAMP)
	$(BIN)/python benchmarks/locust_run.py

worker: $(STAMP)
	$(BIN)/celery -A ciq_portal worker -l INFO

beat: $(STAMP)
	$(BIN)/celery -A ciq_portal beat -l INFO

# Needs GNU gettext (apt-get install gettext); the compiled catalogues are committed, so running does not.
messages: $(STAMP)
	$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --add-location=file $(foreach app,$(APPS),-i $(app)) -i .venv -i tests -i benchmarks
	for app in $(APPS); do (cd $$app && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --add-location=file); done
	$(BIN)/django-admin compilemessages -i .venv

# The README's gallery (docs/screenshots/), from the end-to-end clearance run (needs chromium and PostgreSQL:
# DATABASE_URL).
screenshots: $(STAMP)
	rm -rf /tmp/ciq-gallery-shots
	CIQ_E2E_SHOTS=/tmp/ciq-gallery-shots $(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_clearance_flow.py
	$(BIN)/python tests/e2e/gallery.py /tmp/ciq-gallery-shots docs/screenshots

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
