#!/usr/bin/env bash
# Streaming before and after a change, side by side on one machine: benchmarks/stream.py run
# on two checkouts in turn, ROUNDS times each at 25 ms and 0 ms of latency.
#
#   git worktree add /tmp/before <commit>
#   bash benchmarks/ab_stream.sh /tmp/before . [ROUNDS]
#
# Each checkout runs its own stream.py with its own package first on PYTHONPATH, in a Python
# that has the package's dependencies (the one on PATH, or $PYTHON).
set -euo pipefail
before=$(cd "$1" && pwd)
after=$(cd "$2" && pwd)
rounds=${3:-3}
python=${PYTHON:-python}
echo "| latency | round | code | cards | latency | prefetch | wall s | SIMs/s | client CPU s | peak RSS MB | longest loop stall ms | longest stall without GC ms |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for latency in 0.025 0; do
  for round in $(seq "$rounds"); do
    for side in before after; do
      dir=${!side}
      (cd "$dir" && PYTHONPATH="$dir" "$python" benchmarks/stream.py --cards 100000 --latency "$latency" \
        | grep '^| 100' | sed "s/^/| ${latency} s | ${round} | ${side} /")
    done
  done
done
