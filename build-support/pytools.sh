#!/usr/bin/env bash
# Prints the path of a Python interpreter that has the test and lint tools (pytest, ruff, mypy, and
# tqdm for the progress-bar tests of the Python binding), after installing them if needed. Progress goes to stderr; stdout is only the interpreter's path.
#   1. $PYTHON (default python3) when it already has them, at the pinned ruff version;
#   2. otherwise build/venv when it exists and has them;
#   3. otherwise `$PYTHON -m pip install` when that Python may be changed (a virtualenv, or an
#      interpreter that is not externally managed);
#   4. otherwise (an externally managed Python, PEP 668: stock Debian 12) a venv in build/venv,
#      installing Debian's python3-venv first when the venv module is missing.
# Exits non-zero, with the reason on stderr, when none of that works.
set -eu
cd "$(dirname "$0")/.."
py="${PYTHON:-python3}"
venv="build/venv"
RUFF_VERSION="0.17.5"          # the version ruff.toml was checked against
MYPY_VERSION="2.4.1"           # the version Tests/python/test_typing.py was checked against
# tqdm: the optional progress bar of `dc1[progress]`; the tests cover the path without it too.
reqs=("pytest>=7" "ruff==$RUFF_VERSION" "mypy==$MYPY_VERSION" "tqdm>=4.60")

has_tools() {
  "$1" - "$RUFF_VERSION" "$MYPY_VERSION" >/dev/null 2>&1 <<'EOF'
import importlib.metadata as m, sys
import pytest  # noqa: F401
import tqdm  # noqa: F401
sys.exit(0 if (m.version("ruff"), m.version("mypy")) == tuple(sys.argv[1:3]) else 1)
EOF
}

if has_tools "$py"; then "$py" -c "import sys; print(sys.executable)"; exit 0; fi
if [ -x "$venv/bin/python" ] && has_tools "$venv/bin/python"; then echo "$PWD/$venv/bin/python"; exit 0; fi

managed=$("$py" - <<'EOF'
import os, sys, sysconfig
in_venv = sys.prefix != sys.base_prefix
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
print("yes" if not in_venv and os.path.exists(marker) else "no")
EOF
)

if [ "$managed" = no ]; then
  echo "pytools: installing ${reqs[*]} into $py" >&2
  if "$py" -m pip install -q "${reqs[@]}" >&2 && has_tools "$py"; then "$py" -c "import sys; print(sys.executable)"; exit 0; fi
  echo "pytools: pip could not install into $py; using a venv in $venv" >&2
else
  echo "pytools: $py is externally managed (PEP 668); using a venv in $venv" >&2
fi

if [ ! -x "$venv/bin/python" ]; then
  rm -rf "$venv"
  if ! "$py" -m venv "$venv" >&2; then
    rm -rf "$venv"
    if command -v dpkg-query >/dev/null 2>&1; then
      build-support/deps.sh python3-venv >&2
      "$py" -m venv "$venv" >&2
    else
      echo "pytools: '$py -m venv' failed; install the venv module for $py" >&2
      exit 1
    fi
  fi
fi
"$venv/bin/python" -m pip install -q "${reqs[@]}" >&2
if has_tools "$venv/bin/python"; then echo "$PWD/$venv/bin/python"; exit 0; fi
echo "pytools: pytest, ruff, mypy or tqdm is still missing from $venv" >&2
exit 1
