#!/usr/bin/env bash
# Prints the gzipped size of what the package entry loads (the .wasm plus every .js in pkg/;
# gzip -9 -n: without the file name and time a gzip file carries and an HTTP answer does not)
# and fails above the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
budget_kb=${1:-78}
total=0
for f in pkg/*.wasm pkg/*.js; do
  n=$(gzip -9 -n -c "$f" | wc -c)
  printf '  %-36s %7d bytes gzipped\n' "$f" "$n"
  total=$((total + n))
done
printf 'package entry loads %d bytes gzipped (%d.%d KB; budget %d KB)\n' \
  "$total" $((total / 1024)) $(((total % 1024) * 10 / 1024)) "$budget_kb"
if [ "$total" -gt $((budget_kb * 1024)) ]; then
  echo "size check failed: over the ${budget_kb} KB budget" >&2
  exit 1
fi
