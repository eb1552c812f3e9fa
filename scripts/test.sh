#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run lint, types and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive: a headless browser, PDF checkers.
DEBIAN_PACKAGES=(chromium qpdf poppler-utils git)
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python3 -m pip install -q -e ".[test]"
python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"
