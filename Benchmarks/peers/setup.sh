#!/usr/bin/env bash
# This folder's pinned Python environment (see scripts/python-venv.sh); prints its python.
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../../scripts/python-venv.sh" "$here"
