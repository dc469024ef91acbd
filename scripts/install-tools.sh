#!/usr/bin/env bash
# Installs what the build and the tests need, only when it is missing; quiet when nothing is.
# Everything comes from the registries (rustup, cargo, apt, npm): no browser, toolchain or binary
# is downloaded from anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "install-tools: $*"; }

# `cargo install` of a pinned version with the crate's own Cargo.lock; when the registry lacks a
# version that lock names (seen: wasm-bindgen-cli 0.2.130's lock asks for a webpki-roots the
# registry does not have), the same version with its dependencies resolved afresh.
locked_or_fresh() {
  cargo install --quiet --locked "$1" --version "$2" 2>/dev/null || {
    say "$1 $2: its Cargo.lock names a crate version the registry lacks; resolving afresh"
    cargo install --quiet "$1" --version "$2"
  }
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly (pinned with = in Cargo.toml).
# Either `wasm-bindgen = "=X"` or `wasm-bindgen = { version = "=X", ... }`.
wbg_version=$(sed -n 's/^wasm-bindgen = .*"=\([0-9][^"]*\)".*/\1/p' Cargo.toml | head -n 1)
[ -n "$wbg_version" ] || { say "no exact (=) wasm-bindgen version in Cargo.toml" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$wbg_version" ]; then
  say "building wasm-bindgen-cli $wbg_version from source (a few minutes)"
  locked_or_fresh wasm-bindgen-cli "$wbg_version"
fi

# wasm-pack builds the module and runs the browser tests; it is told never to install anything
# itself (--mode no-install), so the wasm-bindgen CLI above is the one it uses.
wasm_pack_version=0.15.1
if [ "$(wasm-pack --version 2>/dev/null | cut -d' ' -f2)" != "$wasm_pack_version" ]; then
  say "building wasm-pack $wasm_pack_version from source (a few minutes)"
  locked_or_fresh wasm-pack "$wasm_pack_version"
fi

# Chromium for the browser tests; a CJK font so the demo's screenshots (the seeds' Chinese dialog)
# are readable.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
  say "installing Debian's chromium, chromium-driver and fonts-wqy-microhei"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
fi

# `npm ls` fails when a pinned dev tool is missing or at another version.
if ! npm ls --depth=0 >/dev/null 2>&1; then
  say "installing the npm dev tools (wasm-opt, playwright-core, typescript)"
  npm ci --no-audit --no-fund --loglevel=error
fi
