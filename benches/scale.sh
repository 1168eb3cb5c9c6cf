#!/usr/bin/env bash
# Whole-process benchmark: the release rkt against `rkt sim --seed scale`, in a 160x48 pty.
# Prints every whole-process figure of the performance budget (README, "Performance").
#   benches/scale.sh            # 10k pods in one namespace (+ churn), then 100k pods in 50 namespaces
#   benches/scale.sh quick      # 10k only
# Both runs also switch from the pods view to `:cm`, a generic view of 10 000 ConfigMaps
# (the sim's `--configmaps`): Enter → first rows, Enter → all rows, RSS per generic row.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release --bin rkt
cargo bench --no-run --bench scale 2>/dev/null || cargo bench --no-run --bench scale
# Absolute: the bench runs rkt from a temporary working directory, and CARGO_TARGET_DIR
# may be relative (it is by default).
RKT_BIN="$(cd "$CARGO_TARGET_DIR/release" && pwd)/rkt"
export RKT_BIN
echo "machine: $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
# 10 000 pods in one namespace; then churn on that view. 4500 changes/s make about 5000
# pod watch events/s (the bench counts them on a watch of its own and prints the rate).
cargo bench --bench scale -- --pods 10000 --namespaces 1 --configmaps 10000 --churn 4500 --secs 10
if [ "${1:-}" != "quick" ]; then
  # 100 000 pods across 50 namespaces, all-namespaces view. No churn phase: on 2 cores
  # the simulated cluster cannot make 5000 pod events/s at this size (see README).
  cargo bench --bench scale -- --pods 100000 --namespaces 50 --all --configmaps 10000 --churn 0
fi
