#!/usr/bin/env bash
# The test command: installs what is missing, builds everything (library
# tests, benchmarks, examples, tools, CUDA translation units when nvcc is
# present), runs the suite, then runs it again under AddressSanitizer +
# UndefinedBehaviorSanitizer, fuzzes every primitive briefly under UBSan and
# every file reader briefly under ASan + UBSan.
#
#   scripts/test.sh            everything
#   JOBS=4 scripts/test.sh     more build parallelism
#   SKIP_SANITIZERS=1 / SKIP_FUZZ=1 to shorten a local run
#   FUZZ_SECONDS=60 scripts/test.sh   fuzz each file reader longer (default 10 s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${JOBS:-$(nproc)}
start=$(date +%s)
stamp() { echo "== [$(($(date +%s) - start))s] $*"; }

stamp "dependencies"
bash scripts/install-deps.sh
if [ -f scripts/fetch-corpora.sh ]; then
  # Tokenizer files for the tokenizer tests; the tests skip what is absent.
  bash scripts/fetch-corpora.sh || echo "fetch-corpora failed: tests that need those files will skip"
fi

cuda_flag=()
if [ -x /usr/local/cuda/bin/nvcc ]; then
  # CI has no GPU: the CUDA translation units are compiled to check them, for the H200's sm_90
  # only (SASS, no PTX). Both default architectures (80, 90) took ~1.8x the nvcc time.
  cuda_flag=(-DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc
             "-DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHITECTURES:-90-real}")
fi

stamp "build (Release)"
mkdir -p build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release "${cuda_flag[@]}" > build/release-configure.log ||
  { cat build/release-configure.log; exit 1; }
cmake --build build/release -j "$jobs"
stamp "tests (Release)"
ctest --test-dir build/release --output-on-failure -j "$jobs"
if [ -x build/release/examples/finetune/hyperbolic-finetune ]; then
  stamp "fine-tuning demo smoke test (--quick)"
  rm -rf build/finetune-quick
  FINETUNE_BIN=build/release/examples/finetune/hyperbolic-finetune OUT_DIR=build/finetune-quick \
    bash scripts/run-finetune.sh --quick
  # The report must carry the baselines, the evaluated sample's class histogram and per-seed results.
  for key in '"baselines"' '"test_class_histogram"' '"seeds"' '"comparisons"' '"majority"'; do
    grep -q "$key" build/finetune-quick/report.json ||
      { echo "fine-tuning report lacks $key" >&2; exit 1; }
  done
fi

if [ -z "${SKIP_SANITIZERS:-}" ]; then
  stamp "build (ASan + UBSan)"
  # -g1: line tables for the sanitizers' stack traces, without the full debug info that made
  # this the slowest build of the run. No MPI: Open MPI's own allocations would be reported as
  # leaks, and the distributed code runs as one process here (test_distributed_single).
  cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DHYPERBOLIC_SANITIZE=address,undefined -DHYPERBOLIC_BUILD_BENCH=OFF \
    -DHYPERBOLIC_BUILD_EXAMPLES=OFF -DHYPERBOLIC_BUILD_TOOLS=OFF -DHYPERBOLIC_ENABLE_CUDA=OFF \
    -DHYPERBOLIC_ENABLE_MPI=OFF > /dev/null
  cmake --build build/sanitize -j "$jobs"
  stamp "tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/sanitize --output-on-failure -j "$jobs" -LE package
fi

if [ -z "${SKIP_FUZZ:-}" ] && command -v clang++ > /dev/null; then
  stamp "fuzz (libFuzzer + UBSan, 30 s)"
  CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DHYPERBOLIC_BUILD_FUZZERS=ON \
    -DHYPERBOLIC_BUILD_BENCH=OFF -DHYPERBOLIC_BUILD_EXAMPLES=OFF -DHYPERBOLIC_BUILD_TOOLS=OFF \
    -DHYPERBOLIC_ENABLE_CUDA=OFF -DHYPERBOLIC_ENABLE_MPI=OFF > /dev/null
  cmake --build build/fuzz -j "$jobs" --target fuzz_primitives reader_fuzzers
  mkdir -p build/fuzz/corpus
  build/fuzz/tests/fuzz/fuzz_primitives -max_total_time=30 -print_final_stats=1 build/fuzz/corpus \
    2>&1 | tail -n 3
  # Every file reader (docs/reliability.md, "Fuzzing"), FUZZ_SECONDS each, $jobs at a time, on a
  # copy of its committed corpus (the fuzzer adds to the copy, never to tests/fuzz/corpus). Any
  # crash, sanitizer report, allocation over 512 MB, 10 s input or contract breach fails the run.
  stamp "fuzz the readers (libFuzzer + ASan + UBSan, ${FUZZ_SECONDS:-10} s each)"
  rm -rf build/fuzz/reader-corpus build/fuzz/reader-findings
  mkdir -p build/fuzz/reader-findings
  cp -r tests/fuzz/corpus build/fuzz/reader-corpus
  fuzz_reader() {
    build/fuzz/tests/fuzz/"$1" -max_total_time="${FUZZ_SECONDS:-10}" -max_len=4096 \
      -malloc_limit_mb=512 -timeout=10 -artifact_prefix=build/fuzz/reader-findings/"$1"- \
      build/fuzz/reader-corpus/"$1" > build/fuzz/reader-findings/"$1".log 2>&1 ||
      { echo "$1: FINDING"; tail -n 30 build/fuzz/reader-findings/"$1".log; return 1; }
    echo "$1: $(grep -o 'Done [0-9]* runs' build/fuzz/reader-findings/"$1".log)"
  }
  export -f fuzz_reader
  export FUZZ_SECONDS
  ls tests/fuzz/corpus | xargs -P "$jobs" -I{} bash -c 'fuzz_reader {}'
fi
stamp "all tests passed"
