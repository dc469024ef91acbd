#!/usr/bin/env bash
# Fuzzes the pure core (fuzz/, a cargo-fuzz crate of its own) with libFuzzer on nightly: every
# target for a bounded number of executions, at least 10 million in all, then the executions per
# target and the total. Any crash stops it (the input is saved in fuzz/artifacts/<target>/).
#
#   scripts/fuzz.sh                  # every target, 10.5 million executions in all
#   FUZZ_RUNS=100000 scripts/fuzz.sh jwt url   # some targets, that many executions each
#
# Corpora (fuzz/corpus) and logs (fuzz/logs) stay out of git; fuzz/seeds has a few inputs to start
# from, and fuzz/dict a dictionary for the options target.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "fuzz: $*"; }
# 10500000 as 10,500,000.
group() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

if ! rustup toolchain list | grep -q '^nightly'; then
  say "adding the nightly toolchain (libFuzzer needs -Zsanitizer)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install --quiet --locked cargo-fuzz
fi

all_targets=(jwt base64url json refresh_answer url options shared_record)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
minimum=10000000
runs=${FUZZ_RUNS:-$(( (minimum + ${#all_targets[@]} - 1) / ${#all_targets[@]} + 50000 ))}
# A bound on time as well, so that a slow target cannot run on forever.
max_time=${FUZZ_MAX_TIME:-900}

# cargo-fuzz sets RUSTFLAGS, which replaces .cargo/config.toml's: pass the cfg web-sys needs.
export RUSTFLAGS="--cfg=web_sys_unstable_apis${RUSTFLAGS:+ $RUSTFLAGS}"

say "building ${#targets[@]} targets"
cargo +nightly fuzz build 2>&1 | grep -v '^ *\(Compiling\|Finished\|Building\)' || true

mkdir -p fuzz/logs
total=0
start=$SECONDS
report=()
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  dirs=("$corpus")
  [ -d "fuzz/seeds/$target" ] && dirs+=("fuzz/seeds/$target")
  flags=(-runs="$runs" -max_total_time="$max_time" -print_final_stats=1)
  [ -f "fuzz/dict/$target.dict" ] && flags+=(-dict="fuzz/dict/$target.dict")
  log=fuzz/logs/$target.log
  began=$SECONDS
  if ! cargo +nightly fuzz run "$target" "${dirs[@]}" -- "${flags[@]}" >"$log" 2>&1; then
    say "$target FAILED (log: $log)"
    grep -m 1 -A 30 -e '^==[0-9]*==ERROR' -e 'panicked at' "$log" || tail -n 40 "$log"
    exit 1
  fi
  done_runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  [ -n "$done_runs" ] || { say "$target: no execution count in $log"; exit 1; }
  total=$((total + done_runs))
  line=$(printf '%-15s %12s executions  %4d s' "$target" "$(group "$done_runs")" $((SECONDS - began)))
  report+=("$line")
  say "$line"
done

echo
say "executions per target:"
printf '  %s\n' "${report[@]}"
say "total $(group "$total") executions in $((SECONDS - start)) s, no crash"
if [ $# -eq 0 ] && [ -z "${FUZZ_RUNS:-}" ] && [ "$total" -lt "$minimum" ]; then
  say "fewer than $minimum executions (the time bound cut a target short)"
  exit 1
fi
