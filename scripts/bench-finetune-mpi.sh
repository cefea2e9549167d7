#!/usr/bin/env bash
# Pretraining throughput of hyperbolic-finetune on 1 rank and on N ranks (data-parallel, one
# thread per rank), the same model, batch and steps, interleaved and repeated; the table of
# docs/distributed-finetune.md.
#
#   scripts/bench-finetune-mpi.sh [STEPS] [REPEATS] [RANKS]     defaults 60 3 2
#
# Environment: FINETUNE_BIN (default build/h-finetune/examples/finetune/hyperbolic-finetune),
# OUT_DIR (default out/bench-finetune-mpi), PRESET (default "default": 1.18 M parameters),
# LOCK (a prefix for every run, e.g. "flock /tmp/hyp-cpu.lock" on a shared machine),
# MPIEXEC_FLAGS (default "--oversubscribe --allow-run-as-root"; a hostfile goes here).
# Prints one line per run and a summary; every run's pretrain.json stays in OUT_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps=${1:-60} repeats=${2:-3} ranks=${3:-2}
bin=${FINETUNE_BIN:-$ROOT/build/h-finetune/examples/finetune/hyperbolic-finetune}
out=${OUT_DIR:-out/bench-finetune-mpi}
preset=${PRESET:-default}
read -r -a lock <<<"${LOCK:-}"
read -r -a mpi_flags <<<"${MPIEXEC_FLAGS:---oversubscribe --allow-run-as-root}"
[[ -x $bin ]] || {
  echo "bench-finetune-mpi: no hyperbolic-finetune at '$bin' (set FINETUNE_BIN)" >&2
  exit 2
}
command -v jq >/dev/null || {
  echo "bench-finetune-mpi: needs jq" >&2
  exit 2
}
args=(--preset "$preset" --pretrain-only --pretrain-steps "$steps" --threads 1)

# Tokenizer and corpus once (a warm-up run, not counted); every measured run copies them and
# pretrains from scratch with --resume (which then reuses only the tokenizer).
mkdir -p "$out"
if [[ ! -f $out/base/tokenizer.model ]]; then
  "${lock[@]}" "$bin" "${args[@]}" --out "$out/base" >"$out/base.log" 2>&1 ||
    { tail -5 "$out/base.log"; exit 1; }
fi

run() {  # run N REP
  local n=$1 dir=$out/np$1-rep$2
  rm -rf "$dir"
  cp -r "$out/base" "$dir"
  rm -f "$dir/pretrained.safetensors" "$dir/pretrain.json" "$dir/.lock"
  if [[ $n -eq 1 ]]; then
    "${lock[@]}" "$bin" "${args[@]}" --resume --out "$dir" >"$dir.log" 2>&1
  else
    "${lock[@]}" mpirun -np "$n" "${mpi_flags[@]}" "$bin" "${args[@]}" --resume --out "$dir" \
      >"$dir.log" 2>&1
  fi || { tail -5 "$dir.log"; exit 1; }
  jq -r --arg n "$n" --arg rep "$2" '"ranks \($n) rep \($rep): \(.tokens_per_second | floor) tok/s, step \(1000 * .seconds_this_run / .steps | . * 10 | round / 10) ms, all-reduce \(100 * .all_reduce_share | . * 10 | round / 10)% of the step, \(.all_reduce_bytes_per_step) bytes/step, final loss \(.final_train_loss)"' "$dir/pretrain.json"
}

for rep in $(seq 1 "$repeats"); do
  run 1 "$rep"
  run "$ranks" "$rep"
done

# Summary: median tokens/s per rank count, speedup, and the loss curves against rank 1's.
jq -s -r --arg n "$ranks" '
  def median: sort | .[length / 2 | floor];
  (map(select(.ranks == 1) | .tokens_per_second) | median) as $one
  | (map(select(.ranks == ($n | tonumber)) | .tokens_per_second) | median) as $many
  | (map(select(.ranks == 1)) | .[0].history.loss) as $ref
  | (map(select(.ranks == ($n | tonumber))) | map([.history.loss, $ref] | transpose
      | map((.[0] - .[1]) / .[1] | fabs) | max) | max) as $diff
  | "median tokens/s: 1 rank \($one | floor), \($n) ranks \($many | floor): speedup \($many / $one * 100 | round / 100)x; largest relative loss difference to 1 rank over \(.[0].steps) steps: \($diff)"' \
  "$out"/np*-rep*/pretrain.json
