#!/usr/bin/env bash
# GPU check of the CUDA backend: builds the CUDA targets, runs the GPU tests
# (every kernel against the scalar path), compute-sanitizer memcheck on them,
# and the GPU benchmarks, then writes docs/benchmarks-gpu.md with the card's
# name. Needs nvcc and a CUDA device; see docs/cuda.md.
#
# Environment (all optional):
#   BUILD_DIR   build directory              (default: <repo>/build-gpu-check)
#   JOBS        parallel build jobs          (default: nproc)
#   CUDA_ARCHS  CMAKE_CUDA_ARCHITECTURES     (default: the project's 80;90)
#   NVCC        CUDA compiler                (default: nvcc on PATH, else /usr/local/cuda/bin/nvcc)
#   OUT_MD      report file                  (default: <repo>/docs/benchmarks-gpu.md)
#   BENCH_MIN_TIME  Google Benchmark min time per benchmark, seconds (default 0.2)
#   SKIP_SANITIZER=1  skip the memcheck step (recorded as skipped in the report)
#   PREBUILT_DIR  run test_cuda_gpu, test_cuda_host and bench_cuda from this
#                 folder instead of configuring and building (binaries built on
#                 another machine with the same CUDA major version; extra .so
#                 files may sit in PREBUILT_DIR/lib). Then LOG_DIR defaults to
#                 PREBUILT_DIR/logs and no nvcc is needed.
#   COMMIT        the commit named in the report (default: git rev-parse)
#   BENCH_FILTER  run only the benchmarks matching this regex (default: all)
#   PROFILE_FILTER  after the benchmarks, profile the row kernels of the
#                 benchmarks matching this regex with Nsight Compute (ncu: warp
#                 stall reasons, scheduler, occupancy, memory throughput) into
#                 LOG_DIR/ncu.log; at most PROFILE_LAUNCHES kernels (default 8).
#                 Optional: a missing ncu or a failed profile is reported, not
#                 counted as a failure.
# Exit status: 0 when everything ran and passed, 1 when a step failed, 2 when
# the machine cannot run the check (no nvcc or no GPU).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-gpu-check}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
OUT_MD=${OUT_MD:-$ROOT/docs/benchmarks-gpu.md}
BENCH_MIN_TIME=${BENCH_MIN_TIME:-0.2}
PREBUILT_DIR=${PREBUILT_DIR:-}
if [[ -n $PREBUILT_DIR ]]; then
  PREBUILT_DIR=$(cd "$PREBUILT_DIR" && pwd)
  LOG_DIR=${LOG_DIR:-$PREBUILT_DIR/logs}
  export LD_LIBRARY_PATH=$PREBUILT_DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
    [[ -d $d ]] && LD_LIBRARY_PATH=$LD_LIBRARY_PATH:$d
  done
  TEST_GPU=$PREBUILT_DIR/test_cuda_gpu TEST_HOST=$PREBUILT_DIR/test_cuda_host
  BENCH=$PREBUILT_DIR/bench_cuda
else
  LOG_DIR=${LOG_DIR:-$BUILD_DIR/gpu-check-logs}
  TEST_GPU=$BUILD_DIR/tests/cuda/test_cuda_gpu TEST_HOST=$BUILD_DIR/tests/cuda/test_cuda_host
  BENCH=$BUILD_DIR/bench/cuda/bench_cuda
fi

say() { printf '[gpu-check] %s\n' "$*"; }
die2() { say "$*"; exit 2; }

NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
[[ -n $PREBUILT_DIR || -x $NVCC ]] || die2 "no nvcc (set NVCC=/path/to/nvcc)"
command -v nvidia-smi >/dev/null || die2 "nvidia-smi not found: no NVIDIA driver on this machine"
GPU_NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1)
[[ -n $GPU_NAME ]] || die2 "nvidia-smi lists no GPU"
DRIVER=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n1)
NVCC_VERSION=$("$NVCC" --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p' | head -n1)
SANITIZER=$(command -v compute-sanitizer || true)
for c in "$(dirname "$NVCC")/compute-sanitizer" /usr/local/cuda/compute-sanitizer/compute-sanitizer; do
  [[ -z $SANITIZER && -x $c ]] && SANITIZER=$c
done
mkdir -p "$LOG_DIR"
say "GPU: $GPU_NAME (driver $DRIVER), nvcc $NVCC_VERSION, build in $BUILD_DIR"

failed=0
step() {  # step NAME LOGFILE CMD...: runs, logs, records the status
  local name=$1 log=$2
  shift 2
  say "$name ..."
  if "$@" >"$log" 2>&1; then
    say "$name: ok"
    return 0
  fi
  say "$name: FAILED (log: $log)"
  tail -n 30 "$log"
  failed=1
  return 1
}

cmake_args=(-S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DHYPERBOLIC_ENABLE_CUDA=ON
            -DCMAKE_CUDA_COMPILER="$NVCC" -DHYPERBOLIC_BUILD_EXAMPLES=OFF
            -DHYPERBOLIC_BUILD_TOOLS=OFF)
[[ -n ${CUDA_ARCHS:-} ]] && cmake_args+=(-DCMAKE_CUDA_ARCHITECTURES="$CUDA_ARCHS")

build_status=failed tests_status=not-run sanitizer_status=not-run bench_status=not-run
profile_status="not requested (PROFILE_FILTER)"
run_tests() {  # the GPU suite and the CPU-side CUDA tests; 77 = skipped
  if [[ -z $PREBUILT_DIR ]]; then
    ctest --test-dir "$BUILD_DIR" -L 'gpu|cuda-host' --output-on-failure --no-tests=error
    return
  fi
  local rc=0
  "$TEST_HOST" || rc=1
  "$TEST_GPU"
  local g=$?
  [[ $g == 77 ]] && echo "test_cuda_gpu: Skipped"
  [[ $g != 0 && $g != 77 ]] && rc=1
  return $rc
}

if [[ -n $PREBUILT_DIR ]]; then
  build_ok() { say "prebuilt binaries from $PREBUILT_DIR"; }
else
  build_ok() {
    step configure "$LOG_DIR/configure.log" cmake "${cmake_args[@]}" &&
      step build "$LOG_DIR/build.log" cmake --build "$BUILD_DIR" -j "$JOBS" \
        --target test_cuda_host test_cuda_gpu bench_cuda
  }
fi

if build_ok; then
  build_status=ok
  [[ -n $PREBUILT_DIR ]] && build_status="prebuilt (built elsewhere with nvcc, run here)"
  # A skip (exit 77) here means the device was not usable: a failure for this
  # script.
  if step tests "$LOG_DIR/ctest.log" run_tests; then
    if grep -q 'Not Run\|Skipped' "$LOG_DIR/ctest.log"; then
      tests_status="skipped (no usable device)"
      failed=1
    else
      tests_status="passed ($(grep -ho 'assertions: *[0-9]* | *[0-9]* passed' "$LOG_DIR/ctest.log" |
        awk '{n += $2} END {print n " assertions"}'))"
    fi
  else
    tests_status=failed
  fi
  if [[ ${SKIP_SANITIZER:-0} == 1 ]]; then
    sanitizer_status="skipped (SKIP_SANITIZER=1)"
  elif [[ -z $SANITIZER ]]; then
    sanitizer_status="not run: compute-sanitizer not found"
    failed=1
    say "$sanitizer_status"
  elif step memcheck "$LOG_DIR/memcheck.log" "$SANITIZER" --tool memcheck --error-exitcode 1 \
         --leak-check full "$TEST_GPU"; then
    sanitizer_status="clean ($(grep -o 'ERROR SUMMARY: [0-9]* errors' "$LOG_DIR/memcheck.log" | tail -n1))"
  elif grep -q 'ERROR SUMMARY: 0 errors' "$LOG_DIR/memcheck.log"; then
    # memcheck found nothing; the suite's own assertions failed (see tests).
    sanitizer_status="clean (ERROR SUMMARY: 0 errors; the suite itself failed)"
  else
    sanitizer_status="errors: see $LOG_DIR/memcheck.log"
  fi
  if step benchmarks "$LOG_DIR/bench.log" "$BENCH" \
       --benchmark_min_time="$BENCH_MIN_TIME" --benchmark_format=console \
       --benchmark_filter="${BENCH_FILTER:-.}" \
       --benchmark_out="$LOG_DIR/bench_cuda.json" --benchmark_out_format=json; then
    bench_status=ok
  else
    bench_status=failed
  fi
  if [[ -n ${PROFILE_FILTER:-} ]]; then
    NCU=$(command -v ncu || true)
    for c in "$(dirname "$NVCC")/ncu" /usr/local/cuda/bin/ncu; do
      [[ -z $NCU && -x $c ]] && NCU=$c
    done
    if [[ -z $NCU ]]; then
      profile_status="not run: ncu not found"
    else
      say "profile (ncu) ..."
      if "$NCU" --kernel-name regex:row_kernel --launch-count "${PROFILE_LAUNCHES:-8}" \
           --section WarpStateStats --section SchedulerStats --section Occupancy \
           --section MemoryWorkloadAnalysis --section LaunchStats \
           "$BENCH" --benchmark_filter="$PROFILE_FILTER" --benchmark_min_time=0.01 \
           >"$LOG_DIR/ncu.log" 2>&1; then
        profile_status="ok (\`$LOG_DIR/ncu.log\`, filter \`$PROFILE_FILTER\`)"
      else
        profile_status="failed (see \`$LOG_DIR/ncu.log\`)"
      fi
      say "profile: $profile_status"
    fi
  fi
fi

# ---- report ---------------------------------------------------------------------
if [[ -n ${COMMIT:-} ]]; then
  DIRTY=""
else
  COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  DIRTY=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo " (with local changes)")
fi
DEFAULT_LANE_ELEMS=$(sed -n 's/.*default_row_elements_per_lane = \([0-9]*\);.*/\1/p' \
  "$ROOT/include/hyperbolic/cuda/launch_shape.cuh" | head -n1)
DEFAULT_LANE_ELEMS=${DEFAULT_LANE_ELEMS:-0}  # 0: not found; every row then counts as non-default
tmp=$(mktemp "${OUT_MD}.XXXXXX")
python3 - "$LOG_DIR/bench_cuda.json" >"$tmp" <<PY || { say "report generation failed"; failed=1; }
import json, sys, os, re
print("# GPU benchmarks and checks")
print()
print("Generated by \`scripts/gpu-check.sh\`; do not edit by hand.")
print()
print("| | |")
print("|---|---|")
print("| card | ${GPU_NAME} |")
print("| driver / nvcc | ${DRIVER} / ${NVCC_VERSION} |")
print("| commit | ${COMMIT}${DIRTY} |")
print("| date | $(date -u '+%Y-%m-%d %H:%M UTC') |")
print("| build | ${build_status} |")
print("| GPU tests (ctest -L 'gpu\\\\|cuda-host') | ${tests_status} |")
print("| compute-sanitizer memcheck | ${sanitizer_status} |")
print("| benchmarks | ${bench_status}${BENCH_FILTER:+ (filter \`$BENCH_FILTER\`)} |")
print("| Nsight Compute profile | ${profile_status} |")
print()
path = sys.argv[1]
if not os.path.exists(path) or "${bench_status}" != "ok":
    print("No benchmark results (see the log under \`${LOG_DIR}\`).")
    sys.exit(0)
runs = [b for b in json.load(open(path))["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
rows = [b for b in runs if "copy_share" in b]
pairs = [b for b in runs if "gemm_share" in b]
print("## Batched primitives (memory-bound)")
print()
print("GB/s counts the bytes that must move (inputs read once, outputs written once);")
print("copy GB/s is a device-to-device cudaMemcpy of the same size in the same run.")
print("Target: copy share >= 0.80 at d >= 64.")
print()
print("elems/lane: coordinates per lane of a row's tile (${DEFAULT_LANE_ELEMS} is the library's default,")
print("\`hyperbolic::cuda::row_elements_per_lane()\`); path: \`registers\` keeps a lane's coordinates")
print("in registers between the reduce and combine passes (the default where the row fits),")
print("\`memory\` re-reads them (\`row_register_cache() = false\`), \`16-byte\` reads and writes")
print("groups of 16 bytes into registers (\`row_vector_access() = true\`, off by default). Distances")
print("take none of these, and some ops opt out of the register path (docs/cuda.md): rows of one")
print("benchmark that run the same kernel show the run-to-run noise.")
print("All variants measured side by side in one run.")
print()
print("| benchmark | d | elems/lane | path | rows | GB/s | copy GB/s | copy share | target |")
print("|---|---:|---:|---|---:|---:|---:|---:|---|")
def split(b):  # "BM_x<M,S>/64/8/1/manual_time" -> ("BM_x<M,S>", 64, 8, "registers")
    parts = b["name"].split("/")
    args = [int(p) for p in parts[1:] if p.isdigit()]
    lane = args[1] if len(args) > 1 else int("${DEFAULT_LANE_ELEMS}")
    code = args[2] if len(args) > 2 else 1
    path = {0: "memory", 1: "registers", 2: "16-byte"}.get(code, str(code))
    return parts[0], (args[0] if args else 0), lane, path
misses, counted = {}, {}
for b in rows:
    name, d, lane, path = split(b)
    share = b["copy_share"]
    target = "" if d < 64 else ("met" if share >= 0.8 else "**missed**")
    if target:
        key = (lane, path)
        counted[key] = counted.get(key, 0) + 1
        misses[key] = misses.get(key, 0) + (target == "**missed**")
    print(f"| {name} | {d} | {lane} | {path} | {int(b['rows'])} | {b['GB/s']:.0f} | {b['copy_GB/s']:.0f} | {share:.2f} | {target} |")
print()
for key in sorted(counted):
    lane, path = key
    mark = " (default)" if str(lane) == "${DEFAULT_LANE_ELEMS}" and path == "registers" else ""
    print(f"- {lane} elems/lane, {path} path{mark}: {misses[key]} of {counted[key]} batched benchmarks at d >= 64 miss the 80% target.")
# The 16-byte path against the default, benchmark by benchmark.
by = {}
for b in rows:
    name, d, lane, path = split(b)
    by.setdefault((name, d, lane), {})[path] = b["copy_share"]
faster = [(k, v) for k, v in by.items() if "16-byte" in v and "registers" in v and k[1] >= 64]
if faster:
    wins = sum(v["16-byte"] > v["registers"] for _, v in faster)
    print(f"- 16-byte path against the default path: higher copy share in {wins} of {len(faster)} benchmarks at d >= 64.")
print()
if pairs:
    print("## Pairwise distances (GEMM + epilogue + exact recomputation)")
    print()
    print("gemm share = time of the bare cuBLAS GEMM of the same shape / time of pairwise_dist.")
    print()
    print("flagged = share of the pairs the exactness rule sent to the exact path.")
    print()
    print("| benchmark | pairs/s | GEMM GFLOP/s | GEMM share | flagged |")
    print("|---|---:|---:|---:|---:|")
    for b in pairs:
        flagged = f"{b['flagged']:.3g}" if "flagged" in b else "-"
        print(f"| {b['name'].replace('/manual_time', '')} | {b['pairs/s']:.3g} | {b['gemm_GFLOP/s']:.0f} | {b['gemm_share']:.2f} | {flagged} |")
PY
mv "$tmp" "$OUT_MD"
say "wrote $OUT_MD"
exit $failed
