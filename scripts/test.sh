#!/usr/bin/env bash
# The test command: installs what is missing, builds everything (library
# tests, benchmarks, examples, tools, CUDA translation units when nvcc is
# present), runs the suite, then runs it again under AddressSanitizer +
# UndefinedBehaviorSanitizer, and fuzzes every primitive briefly under UBSan.
#
#   scripts/test.sh            everything
#   JOBS=4 scripts/test.sh     more build parallelism
#   SKIP_SANITIZERS=1 / SKIP_FUZZ=1 to shorten a local run
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
  cuda_flag=(-DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc)
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
  cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DHYPERBOLIC_SANITIZE=address,undefined -DHYPERBOLIC_BUILD_BENCH=OFF \
    -DHYPERBOLIC_BUILD_EXAMPLES=OFF -DHYPERBOLIC_BUILD_TOOLS=OFF -DHYPERBOLIC_ENABLE_CUDA=OFF \
    > /dev/null
  cmake --build build/sanitize -j "$jobs"
  stamp "tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/sanitize --output-on-failure -j "$jobs" -LE package
fi

if [ -z "${SKIP_FUZZ:-}" ] && command -v clang++ > /dev/null; then
  stamp "fuzz (libFuzzer + UBSan, 30 s)"
  CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DHYPERBOLIC_BUILD_FUZZERS=ON \
    -DHYPERBOLIC_BUILD_BENCH=OFF -DHYPERBOLIC_BUILD_EXAMPLES=OFF -DHYPERBOLIC_BUILD_TOOLS=OFF \
    -DHYPERBOLIC_ENABLE_CUDA=OFF > /dev/null
  cmake --build build/fuzz -j "$jobs" --target fuzz_primitives
  mkdir -p build/fuzz/corpus
  build/fuzz/tests/fuzz/fuzz_primitives -max_total_time=30 -print_final_stats=1 build/fuzz/corpus \
    2>&1 | tail -n 3
fi
stamp "all tests passed"
