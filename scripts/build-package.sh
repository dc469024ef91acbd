#!/usr/bin/env bash
# Builds the optimised release module and assembles the installable npm package in pkg/.
# wasm-opt is the one pinned in package.json (binaryen 132), never whichever is on PATH:
# Debian's binaryen 108 produces modules that current Chromium refuses to instantiate.
set -euo pipefail
cd "$(dirname "$0")/.."

name=fetch_with_refresh
out=target/bindgen
# Panic locations name source files: the dependencies' paths under the cargo registry are cut
# down to the crate's own path (shorter, and no machine paths in the published module).
remap=""
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  remap="$remap --remap-path-prefix=${dir%/}="
done
RUSTFLAGS="${RUSTFLAGS:-}$remap" cargo build --quiet --release --target wasm32-unknown-unknown --lib
rm -rf "$out" pkg
mkdir -p "$out" pkg
wasm-bindgen --target web --no-typescript --omit-default-module-path --out-dir "$out" "target/wasm32-unknown-unknown/release/$name.wasm"
# Optimise for size, then give imports and exports short names (the generated ones end in hashes
# that gzip poorly); the JS glue is renamed to match, bundled with its snippets (js/*.js) and the
# entry, and minified.
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue"
node_modules/.bin/wasm-opt $features --flatten --rereloop -Oz -Oz --converge --strip-debug --strip-producers --strip-target-features \
  "$out/${name}_bg.wasm" -o "$out/optimised.wasm"
node_modules/.bin/wasm-opt $features --minify-imports-and-exports-and-modules \
  "$out/optimised.wasm" -o "pkg/${name}_bg.wasm" > "$out/names.json"
node scripts/rename-glue.mjs "$out/names.json" "pkg/${name}_bg.wasm" "$out/$name.js"
# One minified ES module: the entry, the glue and the JS snippets it imports.
cp js/index.js "$out/index.js"
node_modules/.bin/esbuild --bundle --minify --format=esm --log-level=warning "$out/index.js" --outfile=pkg/index.js
cp js/index.d.ts README.md LICENSE pkg/
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
sed "s/\"0.0.0-template\"/\"$version\"/" pkg-template/package.json > pkg/package.json
echo "pkg/: fetch-with-refresh $version"
