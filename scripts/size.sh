#!/usr/bin/env bash
# Prints the gzipped size of what the package entry loads (the .wasm plus every .js in pkg/ but the
# Vue entry; gzip -9 -n: without the file name and time a gzip file carries and an HTTP answer does
# not) and fails above the budget. The Vue entry (pkg/vue.js, `fetch-with-refresh/vue`) is printed
# on its own line and not counted: only a Vue app imports it, on top of the main entry.
set -euo pipefail
cd "$(dirname "$0")/.."
budget_kb=${1:-79}
vue_entry=pkg/vue.js
gz() { gzip -9 -n -c "$1" | wc -c; }
total=0
for f in pkg/*.wasm pkg/*.js; do
  [ "$f" = "$vue_entry" ] && continue
  n=$(gz "$f")
  printf '  %-36s %7d bytes gzipped\n' "$f" "$n"
  total=$((total + n))
done
printf 'package entry loads %d bytes gzipped (%d.%d KB; budget %d KB)\n' \
  "$total" $((total / 1024)) $(((total % 1024) * 10 / 1024)) "$budget_kb"
if [ -f "$vue_entry" ]; then
  printf 'the Vue entry (%s) adds %d bytes gzipped for a Vue app (not in the budget)\n' "$vue_entry" "$(gz "$vue_entry")"
fi
if [ "$total" -gt $((budget_kb * 1024)) ]; then
  echo "size check failed: over the ${budget_kb} KB budget" >&2
  exit 1
fi
