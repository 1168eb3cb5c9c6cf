#!/usr/bin/env bash
# Soak: the release rkt in a 160x48 pty (all namespaces) against `rkt sim --seed scale`
# with churn, while the sim's fault control injects every fault in turn (refuse 403 on
# pods, stall, drop watches, expire, restart, throttle 429), N of each, spread over M
# minutes. After each fault: the header must show it, keys are timed while it is in force,
# and the run waits until rkt's table is the server's list again (fails after 60 s).
# Prints per fault kind the count, worst reconvergence, worst key latency and RSS.
#   benches/soak.sh [--minutes 30] [--each 20] [--pods 10000] [--churn 50]
# The driver is tests/soak/driver.rs; tests/soak.rs runs it briefly in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=30 each=20 pods=10000 churn=50
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --each) each="$2"; shift 2 ;;
    --pods) pods="$2"; shift 2 ;;
    --churn) churn="$2"; shift 2 ;;
    *) echo "usage: benches/soak.sh [--minutes M] [--each N] [--pods P] [--churn R]" >&2; exit 2 ;;
  esac
done
cargo test --release --test soak --no-run
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), machine: $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
SOAK_MINUTES="$minutes" SOAK_EACH="$each" SOAK_PODS="$pods" SOAK_CHURN="$churn" \
  cargo test --release --test soak -- --ignored --nocapture --exact soak_long
