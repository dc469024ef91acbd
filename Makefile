# The two commands: `make test` and `make demo`. Both install what is missing first.
.PHONY: test demo tools package size backend app fmt-check clippy test-native test-server test-types \
	test-browser test-e2e twiggy fuzz bench clean

PORT ?= 8787
BACKEND := target/debug/fwr-backend

test: tools fmt-check clippy test-native test-server package size test-types backend app test-browser test-e2e

# The Vue demo, served with its API by the reference backend on one 127.0.0.1 port: access tokens
# live 60 s, refresh tokens 10 minutes (the demo's proactive window is 30 s).
demo: tools package backend app
	@echo "Demo: open http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BACKEND) --port $(PORT) --app www/app/dist --static . --admin --access-ttl 60 --refresh-ttl 600

tools:
	@scripts/install-tools.sh

package: tools
	scripts/build-package.sh

# What the package entry loads (the .wasm and every .js in pkg/), gzip -9, against the budget.
size: package
	scripts/size.sh 88

# The module's biggest items by name (twiggy top; installs twiggy if missing). Not part of `test`.
twiggy: package
	scripts/twiggy.sh 25

# The reference backend (www/server), a debug build: the workspace's release profile is tuned for
# the wasm module's size.
backend: tools
	cargo build --quiet -p fwr-backend

app: package
	scripts/build-app.sh

fmt-check:
	cargo fmt --all --check

clippy: tools
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --quiet -p fwr-backend --all-targets -- -D warnings

test-native:
	cargo test --quiet --lib --test machine --test client --test properties

test-server:
	cargo test --quiet -p fwr-backend

# tests/types has its own package.json: the vue types that js/vue.d.ts imports.
test-types: tools
	@cd tests/types && { npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; }
	node_modules/.bin/tsc -p tests/types

test-browser: tools backend
	scripts/browser-tests.sh

test-e2e: package backend app
	node --test --test-timeout=120000 tests/e2e/ tests/pack/

# libFuzzer over the pure core (fuzz/, on nightly; installs cargo-fuzz if missing): every target for
# a bounded number of executions, 10 million in all, without a crash. Not part of `test`.
fuzz:
	scripts/fuzz.sh

# fetch-with-refresh against axios (+ a queueing interceptor, + axios-auth-refresh), ky, alova and
# fetch-extras, in one Chromium run against the reference backend (bench/, its own pinned
# package.json): medians on stdout, every round in target/bench/*.json, charts in docs/bench/.
# Reports, never fails on a missed target. Not part of `test`.
bench: package backend
	@cd bench && { npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; }
	node bench/run.mjs

clean:
	rm -rf target pkg node_modules www/app/node_modules www/app/dist
