#!/usr/bin/env bash
# Install fastdj (with its Cython twins) and meinheld into .venv, then serve
# the example project on meinheld at ${ADDR:-127.0.0.1:8000}.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip setuptools wheel
.venv/bin/python -m pip install -q --no-deps meinheld==1.0.2
.venv/bin/python -m pip install -q -e '.[server]'
cd examples
FASTDJ_SETTINGS_MODULE=mysite.settings exec ../.venv/bin/python -m fastdj runserver "${ADDR:-127.0.0.1:8000}"
