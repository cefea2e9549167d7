#!/usr/bin/env bash
# Builds the CPU benchmarks (Release, -O3 -march=native), runs them on the
# machine's threads and writes docs/benchmarks.md from their JSON output.
# Takes a few minutes. Run by hand (needs python3 for the report); results
# on a shared or loaded machine are noisy, so the report gives ratios to the
# copy / GEMM baselines measured in the same run.
#
#   scripts/run-benchmarks.sh [build-dir]          (default: build-bench)
#   MIN_TIME=0.2 REPETITIONS=5 scripts/run-benchmarks.sh
#       (seconds per benchmark, repetitions; the report keeps the fastest)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-bench}"
min_time="${MIN_TIME:-0.05}"
reps="${REPETITIONS:-3}"
jobs="${JOBS:-2}"
out="$build/bench-results"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHYPERBOLIC_BUILD_TESTS=OFF \
  -DHYPERBOLIC_BUILD_EXAMPLES=OFF -DHYPERBOLIC_BUILD_TOOLS=OFF -DHYPERBOLIC_ENABLE_CUDA=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target cpu_batched cpu_pairwise cpu_optim

mkdir -p "$out"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for b in cpu_batched cpu_pairwise cpu_optim; do
  echo "== $b"
  "$build/bench/$b" --benchmark_min_time="$min_time" --benchmark_repetitions="$reps" \
    --benchmark_out="$out/$b.json" --benchmark_out_format=json
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$root/bench/make_report.py" --results "$out" --output "$root/docs/benchmarks.md" \
  --load-before "$load_before" --load-after "$load_after" --min-time "$min_time" \
  --repetitions "$reps"
echo "wrote $root/docs/benchmarks.md"
