#!/usr/bin/env bash
# The fine-tuning example end to end (issue 8): install what is missing
# (Debian, as root), build hyperbolic-finetune, then on WordNet 3.0 from
# wordnet-base: train the tokenizer, analyse token frequencies, pretrain the
# transformer on the glosses, fine-tune it (frozen / full / LoRA / HypLoRA) on
# the hypernym task — and, in the full run, on the lexicographer-class task —
# and write the reports and plots.
#
#   scripts/run-finetune.sh            full run (about 12 minutes on 2 cores)
#   scripts/run-finetune.sh --quick    smoke test (CI), about a minute after the build
#   scripts/run-finetune.sh --publish  also copy the plots to docs/img/finetune-*.png
# Environment: BUILD_DIR (default build-finetune), OUT_DIR (default
# out/finetune or out/finetune-quick), JOBS (default 2), EXTRA_ARGS (passed on),
# FINETUNE_BIN (an already built hyperbolic-finetune: skip the build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK=0
PUBLISH=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --publish) PUBLISH=1 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run-finetune: unknown argument '$arg' (use --quick, --publish)" >&2; exit 2 ;;
  esac
done
BUILD_DIR="${BUILD_DIR:-$ROOT/build-finetune}"
if [[ $QUICK == 1 ]]; then OUT_DIR="${OUT_DIR:-$ROOT/out/finetune-quick}"; else OUT_DIR="${OUT_DIR:-$ROOT/out/finetune}"; fi
JOBS="${JOBS:-2}"

# --- dependencies -------------------------------------------------------------
PACKAGES=(cmake g++ make pkg-config wordnet-base libsentencepiece-dev libeigen3-dev nlohmann-json3-dev
          libcli11-dev doctest-dev gnuplot-nox zlib1g-dev dict-gcide fasttext)
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
# shellcheck disable=SC2086
if [[ $QUICK == 1 ]]; then
  "$BIN" --quick --out "$OUT_DIR" ${EXTRA_ARGS:-}
else
  "$BIN" --out "$OUT_DIR" ${EXTRA_ARGS:-}
  # Second task on the same tokenizer and pretrained model (--resume reuses them).
  "$BIN" --out "$OUT_DIR" --resume --task lexname ${EXTRA_ARGS:-}
fi
t2=$(date +%s)
echo "run-finetune: pipeline ran in $((t2 - t1)) s (build $((t1 - t0)) s); reports in $OUT_DIR/report-*.md"

if [[ $PUBLISH == 1 ]]; then
  mkdir -p "$ROOT/docs/img"
  for f in "$OUT_DIR"/img/finetune-*.png; do
    [[ -e "$f" ]] && cp "$f" "$ROOT/docs/img/$(basename "$f")"
  done
  echo "run-finetune: plots copied to docs/img/"
fi
