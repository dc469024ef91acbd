#!/usr/bin/env bash
# Runs the wasm-bindgen browser tests (tests/browser.rs) in headless Chromium, against the test
# backend started here on 127.0.0.1; its URL reaches the tests at build time as FWR_BACKEND.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
node tests/backend/server.mjs --port 0 >"$log" 2>/dev/null &
backend=$!
trap 'kill $backend 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q '^LISTENING ' "$log" && break
  sleep 0.1
done
url=$(sed -n 's/^LISTENING //p' "$log")
[ -n "$url" ] || { echo "the test backend did not start" >&2; exit 1; }

export FWR_BACKEND="$url"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test --target wasm32-unknown-unknown --test browser
