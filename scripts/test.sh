#!/usr/bin/env bash
# Install fastdj with its Cython twins and every test dependency into .venv,
# then run the whole test suite (both twins of every hot path, in one run).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip setuptools wheel
# meinheld 1.0.2 pins greenlet<0.5, which no longer builds: install it without
# its dependencies and bring a current greenlet through the "server" extra.
.venv/bin/python -m pip install -q --no-deps meinheld==1.0.2
.venv/bin/python -m pip install -q -e '.[test,server]'
.venv/bin/python -m pytest "$@"
