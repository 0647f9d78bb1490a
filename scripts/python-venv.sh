#!/usr/bin/env bash
# Creates FOLDER/.venv with the pinned versions of FOLDER/requirements.txt, once (re-created when
# requirements.txt changes), and prints the python to use on stdout. Used by the peers'
# (Benchmarks/peers) and the reference script's (data/reference) environments.
set -euo pipefail
folder="$(cd "${1:?usage: python-venv.sh FOLDER}" && pwd)"
venv="$folder/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$folder/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "creating the Python environment in $venv (pinned: $folder/requirements.txt)" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$folder/requirements.txt" >&2
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
