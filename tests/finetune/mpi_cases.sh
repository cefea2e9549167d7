#!/usr/bin/env bash
# hyperbolic-finetune under mpiexec (docs/distributed-finetune.md):
#   mpi_cases.sh CASE TOOL WORKDIR MPIEXEC NUMPROC_FLAG [MPIEXEC_FLAGS...]
# matches_single_process: 20 pretraining steps and one LoRA run of 8 steps (the --quick model)
#   on one process and on 2 ranks: the loss curves agree within the stated tolerance, and the
#   2-rank results record the ranks and the all-reduce bytes per step (2 (N-1)/N x 4 bytes x
#   (trainable parameters + the loss)).
# failed_rank_ends_all: rank 1 of 2 (MPMD) is given a WordNet folder that does not exist; mpiexec
#   must exit non-zero with rank 1's message within the timeout while rank 0 waits in a
#   collective call (no hang).
# jobs_refused: --jobs 2 under mpiexec is refused before any work (MPI is called from the main
#   thread only, so the runs go one at a time per rank).
# replica_drift_stops_all: rank 1 starts from other initial weights (model seed 2): the replica
#   check stops every rank at step 0, naming the step and the rank.
set -u
case_name=$1 tool=$2 work=$3 mpiexec=$4 np_flag=$5
shift 5
mpi_flags=("$@")
rm -rf "$work/$case_name"
mkdir -p "$work/$case_name"
cd "$work/$case_name" || exit 1

fail() {
  echo "FAILED ($case_name): $*" >&2
  exit 1
}

# Relative difference allowed between the per-step losses of 1 and 2 ranks. The ranks sum the
# gradient in another order (two partial GEMM sums plus one float addition instead of one
# GEMM), which changes a step's loss by ~1e-7 relative and the trajectory by <= 1.5e-6 over the
# 150 steps of the --quick preset (measured); 1e-4 leaves two orders of magnitude for other
# machines and compilers, and any mistake of the split (a share left out, an unweighted mean,
# a double count) moves the loss by > 1e-2.
tolerance=1e-4

# expect_failure SECONDS PATTERN COMMAND...: fails the case unless COMMAND exits non-zero (not
# by the timeout) within SECONDS, printing PATTERN (an extended regex).
expect_failure() {
  local seconds=$1 pattern=$2
  shift 2
  local out rc
  out=$(timeout --kill-after=5 "$seconds" "$@" 2>&1)
  rc=$?
  printf '%s\n' "$out" | tail -20
  [[ $rc -ne 124 && $rc -ne 137 ]] || fail "still running after $seconds s (a hang)"
  [[ $rc -ne 0 ]] || fail "exit status 0, expected a failure"
  printf '%s\n' "$out" | grep -Eq -- "$pattern" || fail "exit status $rc but no /$pattern/"
  echo "ok: exit status $rc, /$pattern/ found"
}

common=(--quick --pretrain-steps 20 --finetune-steps 8 --modes lora --seeds 1 --eval-test 20
        --threads 1)

case $case_name in
  matches_single_process)
    command -v python3 >/dev/null || {
      echo "skipped: no python3 to read the JSON results"
      exit 77
    }
    "$tool" "${common[@]}" --out single >single.log 2>&1 ||
      fail "the single-process run failed: $(tail -5 single.log)"
    "$mpiexec" "$np_flag" 2 "${mpi_flags[@]}" "$tool" "${common[@]}" --out two >two.log 2>&1 ||
      fail "the 2-rank run failed: $(tail -5 two.log)"
    python3 - "$tolerance" <<'EOF' || fail "the 2-rank run differs from the single process"
import glob, json, os, sys
tol = float(sys.argv[1])
ok = True
def check(what, cond):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok = ok and cond
def curves(what, a, b):
    check(f"{what}: {len(a)} steps on both", len(a) == len(b) and len(a) > 0)
    worst = max(abs(x - y) / abs(x) for x, y in zip(a, b))
    check(f"{what}: largest relative loss difference {worst:.3g} <= {tol:g}", worst <= tol)
one, two = (json.load(open(f"{d}/pretrain.json")) for d in ("single", "two"))
curves("pretraining", one["history"]["loss"], two["history"]["loss"])
check("pretrain.json: ranks 1 and 2", one["ranks"] == 1 and two["ranks"] == 2)
bytes_expected = 2 * (2 - 1) // 2 * 4 * (two["parameters"] + 1)
check(f"pretrain.json: {two['all_reduce_bytes_per_step']} all-reduce bytes per step "
      f"= 2 (N-1)/N x 4 x ({two['parameters']} + 1) = {bytes_expected}",
      two["all_reduce_bytes_per_step"] == bytes_expected)
check("pretrain.json: single process sends nothing", one["all_reduce_bytes_per_step"] == 0)
runs = sorted(os.path.basename(p) for p in glob.glob("single/results/lora-*.json"))
check(f"one LoRA run in each folder ({runs})", len(runs) == 1 and
      os.path.exists(f"two/results/{runs[0]}"))
a, b = (json.load(open(f"{d}/results/{runs[0]}")) for d in ("single", "two"))
curves("fine-tuning (LoRA)", a["curve"]["loss"], b["curve"]["loss"])
check(f"LoRA run: {b['all_reduce_bytes_per_step']} bytes per step = 4 x "
      f"({b['trainable_parameters']} + 1)",
      b["ranks"] == 2 and b["all_reduce_bytes_per_step"] == 4 * (b["trainable_parameters"] + 1))
report = json.load(open("two/report.json"))
check("report.json: config.ranks 2", report["config"]["ranks"] == 2)
sys.exit(0 if ok else 1)
EOF
    # Rank 0 alone prints progress: one final pretraining line, not two.
    [[ $(grep -c "\[pretrain\] *20/20" two.log) -eq 1 ]] ||
      fail "expected one progress line per step from rank 0 only: $(grep -c '20/20' two.log)"
    ;;
  failed_rank_ends_all)
    expect_failure 60 "hyperbolic-finetune: error: .*/nonexistent-wordnet" \
      "$mpiexec" "${mpi_flags[@]}" "$np_flag" 1 "$tool" "${common[@]}" --out run : \
      "$np_flag" 1 "$tool" "${common[@]}" --out run --wordnet-dir "$PWD/nonexistent-wordnet"
    ;;
  jobs_refused)
    expect_failure 30 "hyperbolic-finetune: error: --jobs above 1 under mpirun \(2 ranks\), 2, 1 or leave it out" \
      "$mpiexec" "$np_flag" 2 "${mpi_flags[@]}" "$tool" --quick --jobs 2 --out run
    ;;
  replica_drift_stops_all)
    printf '{"model": {"seed": 2}}\n' >seed2.json
    expect_failure 60 "replicas drifted at step 0: the initial parameters of rank 1 .*differs from rank 0" \
      "$mpiexec" "${mpi_flags[@]}" "$np_flag" 1 "$tool" "${common[@]}" --out run : \
      "$np_flag" 1 "$tool" "${common[@]}" --out run --config seed2.json
    ;;
  *)
    fail "unknown case"
    ;;
esac
echo "ok: $case_name"
