#!/usr/bin/env bash
# Install the newest release of every dependency and extra in a fresh virtualenv and run the
# test suite: how an upgrade is seen on purpose, not by a red CI. Not run by CI (which installs
# the lock in requirements/ci.txt). Usage: bash bench/newest.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q -U pip
"$venv/bin/python" -m pip install -q -U --upgrade-strategy eager -e '.[test,records,spark,bench]'
echo "newest releases installed:"
"$venv/bin/python" -m pip freeze --exclude-editable | sed 's/^/  /'
# Differences from the lock: what a refresh of requirements/ci.txt would change.
"$venv/bin/python" - <<'PY'
import re
from importlib.metadata import distributions
lock = dict(
    re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line).groups()
    for line in open("requirements/ci.txt")
    if re.match(r"[A-Za-z0-9_.-]+==", line)
)
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
lock = {norm(k): v for k, v in lock.items()}
newer = sorted(
    f"  {d.metadata['Name']}: {lock[norm(d.metadata['Name'])]} -> {d.version}"
    for d in distributions()
    if norm(d.metadata["Name"]) in lock and lock[norm(d.metadata["Name"])] != d.version
)
print("newer than the lock:" if newer else "the lock is up to date")
print("\n".join(newer))
PY
"$venv/bin/python" -m pytest "$@"
