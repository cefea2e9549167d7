#!/usr/bin/env bash
# The main job: the end-to-end hyperbolic fine-tuning demo on the default
# data (scripts/run-finetune.sh; extra arguments such as --quick are passed
# on). Where that example is not part of the checkout, it builds and runs the
# examples that are: the WordNet data tool and the power-law analyzer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -f scripts/run-finetune.sh ]; then
  exec bash scripts/run-finetune.sh "$@"
fi
bash scripts/install-deps.sh
bash scripts/fetch-corpora.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/release -j "$(nproc)" --target hyperbolic-wordnet-data hyperbolic-powerlaw
mkdir -p out
build/release/examples/wordnet/hyperbolic-wordnet-data --help > /dev/null
build/release/examples/wordnet/hyperbolic-wordnet-data "$@"
build/release/examples/powerlaw/hyperbolic-powerlaw --help | head -n 5
