#!/usr/bin/env bash
# Builds the optimised release module with wasm-pack and assembles the installable npm package in pkg/.
# wasm-opt is the one pinned in package.json (binaryen 132), never whichever is on PATH nor one
# wasm-pack downloads: Debian's binaryen 108 produces modules that current Chromium refuses to
# instantiate. Cargo.toml turns wasm-pack's own wasm-opt off; --no-opt says it again here.
# --mode no-install: wasm-pack uses the wasm-bindgen CLI on PATH (scripts/install-tools.sh puts the
# one matching Cargo.toml there) and fails rather than download or build another. --quiet: no
# progress notes (nor the warning of its daily update check); errors still show.
set -euo pipefail
cd "$(dirname "$0")/.."

name=fetch_with_refresh
out=target/wasm-pack
# Panic locations name source files: the dependencies' paths under the cargo registry are cut
# down to the crate's own path (shorter, and no machine paths in the published module).
remap=""
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  remap="$remap --remap-path-prefix=${dir%/}="
done
rm -rf "$out" pkg
mkdir -p pkg
# A RUSTFLAGS variable replaces the rustflags of .cargo/config.toml: their cfg (web-sys's Web Locks
# API) is passed again here.
flags="${RUSTFLAGS:-} --cfg=web_sys_unstable_apis$remap"
RUSTFLAGS="$flags" wasm-pack --quiet build . --target web --release \
  --mode no-install --no-opt --no-pack --no-typescript --no-gitignore --out-dir "$out"
for f in "$name.js" "${name}_bg.wasm"; do
  [ -f "$out/$f" ] || { echo "build-package: wasm-pack wrote no $out/$f" >&2; exit 1; }
done
# Optimise for size, keeping the function names (-g) in $out/optimised-names.wasm for twiggy
# (scripts/twiggy.sh; the code is byte for byte what ships), then strip the names and give imports
# and exports short names (the generated ones end in hashes that gzip poorly); the JS glue is
# renamed to match. --ignore-implicit-traps lets binaryen assume no load or store is out of bounds
# and no division traps, which safe Rust guarantees (it checks divisions itself): -119 bytes.
# --one-caller-inline-max-function-size 20: a function called from one place is merged into its
# caller only when it is small. By default binaryen merges every such function whatever its size,
# which made a few functions of 10-30 KB (the constructor held all of the options' reading): V8
# compiles each function on its first call, whole, so the first configure() compiled all of it,
# and the merged giants compressed worse. Measured: -4.5 KB gzipped (94,367 -> 89,841 bytes for
# wasm + JS) and the first configure() 7.1 -> 4.4 ms in a fresh Chromium page (20 was the best of
# 0, 10, 20, 40, 80, 150 and unlimited for the size).
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue"
node_modules/.bin/wasm-opt $features -g --ignore-implicit-traps \
  --one-caller-inline-max-function-size 20 --flatten --rereloop -Oz -Oz --converge \
  --strip-producers --strip-target-features \
  "$out/${name}_bg.wasm" -o "$out/optimised-names.wasm"
node_modules/.bin/wasm-opt $features --strip-debug --minify-imports-and-exports-and-modules \
  "$out/optimised-names.wasm" -o "pkg/${name}_bg.wasm" > "$out/names.json"
node scripts/rename-glue.mjs "$out/names.json" "pkg/${name}_bg.wasm" "$out/$name.js"
# Two minified ES modules, each file of js/ once across both: index.js (the entry, the glue and the
# JS snippets) and vue.js (the Vue entry, which imports vue and ./index.js).
node scripts/bundle.mjs "$out" pkg
cp js/index.d.ts js/vue.d.ts README.md LICENSE pkg/
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
sed "s/\"0.0.0-template\"/\"$version\"/" pkg-template/package.json > pkg/package.json
echo "pkg/: fetch-with-refresh $version"
