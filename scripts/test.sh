#!/usr/bin/env bash
# The project's one test command (README and .ci/run call exactly this).
# Makes its own venv, installs the app with its test extras, then runs the static checks and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
echo "== ruff";         .venv/bin/ruff check supportdesk_tui tests benchmarks
echo "== mypy";         .venv/bin/mypy
echo "== import contracts"; .venv/bin/lint-imports --no-cache
echo "== pytest";       .venv/bin/pytest -n auto "$@"  # one worker per core (pytest-xdist)
