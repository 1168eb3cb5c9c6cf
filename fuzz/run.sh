#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60), one after another, starting
# from the seeds in fuzz/seeds and the corpus of earlier runs (fuzz/corpus, not committed).
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
# Prints one line per target: runs, seconds, and "ok" or the crash file it wrote; exits 1
# if any target crashed (fuzz/artifacts/TARGET/ holds the input that did it).
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build || exit 1
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log="artifacts/$t.log"
  mkdir -p artifacts
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=30 \
    -print_final_stats=1 >"$log" 2>&1
  code=$?
  runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  crash=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //')
  if [ "$code" -eq 0 ]; then
    echo "$t: ${runs:-?} runs in ${seconds}s, ok"
  else
    echo "$t: ${runs:-?} runs, FAILED (exit $code) ${crash:-see $log}"
    status=1
  fi
done
exit "$status"
