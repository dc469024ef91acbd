# The two commands: `make test` and `make demo`. Both install what is missing first.
.PHONY: test demo tools package size fmt-check clippy test-native test-types test-browser test-e2e clean

PORT ?= 8787

test: tools fmt-check clippy test-native package size test-types test-browser test-e2e

demo: tools package
	@echo "Demo: open http://127.0.0.1:$(PORT)/static/examples/basic/index.html (Ctrl-C stops it)"
	node tests/backend/server.mjs --port $(PORT) --static . --access-ttl 60 --refresh-ttl 600

tools:
	@scripts/install-tools.sh

package: tools
	scripts/build-package.sh

size: package
	scripts/size.sh 35

fmt-check:
	cargo fmt --check

clippy: tools
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --lib --features module -- -D warnings

test-native:
	cargo test --quiet --lib --test machine

test-types: tools
	node_modules/.bin/tsc -p tests/types

test-browser: tools
	scripts/browser-tests.sh

test-e2e: package
	node --test --test-timeout=120000 tests/e2e/ tests/pack/

clean:
	rm -rf target pkg node_modules
