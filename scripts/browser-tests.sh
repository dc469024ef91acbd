#!/usr/bin/env bash
# Runs the wasm-bindgen browser tests (tests/browser.rs) with `wasm-pack test` in headless Chromium,
# against the reference backend (target/debug/fwr-backend, www/server) started here on 127.0.0.1;
# its URL reaches the tests at build time as FWR_BACKEND.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet -p fwr-backend
out=$(mktemp)
err=$(mktemp)
target/debug/fwr-backend --port 0 --admin --quiet >"$out" 2>"$err" &
backend=$!
trap 'kill $backend 2>/dev/null; rm -f "$out" "$err" "${log:-}"' EXIT
for _ in $(seq 100); do
  grep -q '^LISTENING ' "$out" && break
  kill -0 $backend 2>/dev/null || break
  sleep 0.1
done
url=$(sed -n 's/^LISTENING //p' "$out")
[ -n "$url" ] || { echo "the reference backend did not start:" >&2; cat "$err" >&2; exit 1; }

export FWR_BACKEND="$url"
export WASM_BINDGEN_TEST_TIMEOUT=120
# Debian's chromedriver and Chromium (webdriver.json at the crate root names the binary and its
# flags). --mode no-install: the wasm-bindgen-test-runner is the one next to the wasm-bindgen CLI
# on PATH (scripts/install-tools.sh puts the version Cargo.toml pins there); if that is missing,
# wasm-pack fails instead of downloading one or building another. --log-level error: wasm-pack's
# own notes (and the warning when its daily update check cannot reach the registry) stay out of
# the log; the tests' output and every error stay in.
log=$(mktemp)
# The whole run takes about a minute; 10 minutes means it is stuck (FWR_BROWSER_TESTS_LIMIT_S
# overrides it).
RUN_LIMIT_S=${FWR_BROWSER_TESTS_LIMIT_S:-600}
run_tests() {
  timeout -k 10 "$RUN_LIMIT_S" wasm-pack --log-level error test --headless --chrome \
    --chromedriver /usr/bin/chromedriver --mode no-install -- --test browser 2>&1 | tee "$log"
}
# Once in a while headless Chromium does not start the test page at all: the runner says so
# ("Failed to detect test as having been run"), or, seen once on a busy machine, waits on the
# WebDriver session for good with the browser idle and no output. Only then is the run repeated,
# at most twice (seen on a loaded machine: two stalls in a row); the runner prints the tests'
# output only at the end, so a test that hangs cannot be told from a page that never started: it
# hangs every run, and fails.
# Any other failure fails at once.
for attempt in 1 2 3; do
  status=0
  run_tests || status=$?
  [ "$status" -eq 0 ] && exit 0
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "browser-tests: no result after ${RUN_LIMIT_S} s; stopping that run" >&2
    pkill -f "wasm-bindgen-test-runner $PWD/target/" 2>/dev/null || true
  else
    grep -q 'Failed to detect test as having been run' "$log" || exit 1
  fi
  [ "$attempt" -lt 3 ] || exit 1
  echo "browser-tests: the test page did not start in Chromium (or a test hung); running the tests again" >&2
done
