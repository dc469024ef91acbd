#!/usr/bin/env bash
# The module's biggest items, by name: `twiggy top` on target/wasm-pack/optimised-names.wasm, which
# scripts/build-package.sh keeps (the shipped module's code, before the name section is stripped
# and the imports and exports are minified; build the package first). Sizes are raw bytes, not
# gzipped. Installs twiggy, pinned, if it is missing. `--crates` sums the items by crate.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.8.0
if [ "$(twiggy --version 2>/dev/null | cut -d' ' -f2)" != "$version" ]; then
  echo "twiggy: building twiggy $version from source (a few minutes)"
  cargo install --quiet --locked twiggy --version "$version"
fi
module=target/wasm-pack/optimised-names.wasm
[ -f "$module" ] || { echo "twiggy: $module is missing: run scripts/build-package.sh first" >&2; exit 1; }
if [ "${1:-}" = "--crates" ]; then
  # The code and data of the shipped module by the crate it comes from (shallow raw bytes; the
  # "function names" subsection does not ship). Generic code is counted where it is instantiated
  # (a serde derive in our crate counts as ours).
  twiggy top -n 100000 -f csv "$module" | node scripts/crate-sizes.mjs
else
  twiggy top -n "${1:-25}" "$module"
fi
