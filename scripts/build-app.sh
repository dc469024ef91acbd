#!/usr/bin/env bash
# Builds the Vue demo (www/app) against the package in pkg/, which must be built first: the app
# depends on it by path, the way a user installs it.
set -euo pipefail
cd "$(dirname "$0")/../www/app"
[ -f ../../pkg/package.json ] || { echo "build-app: pkg/ is missing: run scripts/build-package.sh first" >&2; exit 1; }
# `npm ls` fails when a pinned dependency is missing or at another version.
if ! npm ls --depth=0 >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node_modules/.bin/vite build --logLevel warn
echo "www/app/dist: built"
