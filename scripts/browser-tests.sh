#!/usr/bin/env bash
# Runs the wasm-bindgen browser tests (tests/browser.rs) in headless Chromium, against the reference
# backend (target/debug/fwr-backend, www/server) started here on 127.0.0.1; its URL reaches the tests
# at build time as FWR_BACKEND.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet -p fwr-backend
out=$(mktemp)
err=$(mktemp)
target/debug/fwr-backend --port 0 --admin --quiet >"$out" 2>"$err" &
backend=$!
trap 'kill $backend 2>/dev/null; rm -f "$out" "$err"' EXIT
for _ in $(seq 100); do
  grep -q '^LISTENING ' "$out" && break
  kill -0 $backend 2>/dev/null || break
  sleep 0.1
done
url=$(sed -n 's/^LISTENING //p' "$out")
[ -n "$url" ] || { echo "the reference backend did not start:" >&2; cat "$err" >&2; exit 1; }

export FWR_BACKEND="$url"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test --target wasm32-unknown-unknown --test browser
