#!/usr/bin/env bash
# Data-parallel checks of hyperbolic-wordnet-train under mpirun (docs/distributed-wordnet.md).
#
#   mpi_checks.sh CASE TRAIN_BINARY WORK_DIR EDGES_TSV MPIEXEC NUMPROC_FLAG [MPIEXEC_ARGS...]
#
# CASE:
#   same_embedding        1 process, 2 ranks x 1 thread, 2 ranks x 2 threads, 3 ranks: the .emb
#                         files are byte-identical (SGD on the ball, Adam on the hyperboloid)
#   resume_across_ranks   2 ranks to epoch 6 with a checkpoint, 1 process resumes to 12 (and
#                         1 process to 6, 2 ranks to 12): both equal the uninterrupted run
#   failing_rank          rank 1 of 2 cannot read its data while rank 0 waits in a collective:
#                         mpirun exits non-zero and the output names rank 1's error
#   mismatched_settings   rank 1 started with another --seed (then another --dim): every rank
#                         stops with the error naming the flag and both values
#   stops_together        --stop-at-map and --time-limit, decided on rank 0: every rank stops
#                         after the same epoch (mpirun exits 0, the results say why)
# Exit 0: pass; anything else: fail, with the reason on stderr.
set -u
case_name=$1 train=$2 work=$3 edges=$4 mpiexec=$5 np_flag=$6
shift 6
mpi_args=("$@")

fail() {
  echo "FAIL ($case_name): $*" >&2
  exit 1
}

dir="$work/$case_name"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || fail "cannot enter $dir"

# A small run: 426 edges, batches of 10, three batches per sync group (uneven over 2 ranks).
base=(--burnin 3 --negatives 8 --burnin-negatives 8 --batch 10 --sync-batches 3 --eval-every 0
      --check-replicas-every 2 -q)
common=(--data "$edges" --dim 4 "${base[@]}")
sgd_ball=(--model poincare --optimizer sgd --lr 1)
adam_hyperboloid=(--model lorentz --optimizer adam --lr 0.05)

# mpirun -np N TRAIN ARGS...
ranks() {
  local n=$1
  shift
  "$mpiexec" "$np_flag" "$n" "${mpi_args[@]}" "$train" "$@"
}

same() {
  cmp -s "$1" "$2" || fail "$1 and $2 differ"
}

case $case_name in
  same_embedding)
    for recipe in sgd_ball adam_hyperboloid; do
      declare -n r=$recipe
      "$train" "${common[@]}" "${r[@]}" --epochs 12 --threads 2 -o "$recipe.single" 2>log ||
        fail "single process ($recipe): $(cat log)"
      ranks 2 "${common[@]}" "${r[@]}" --epochs 12 --threads 1 -o "$recipe.r2t1" 2>log ||
        fail "2 ranks x 1 thread ($recipe): $(cat log)"
      ranks 2 "${common[@]}" "${r[@]}" --epochs 12 --threads 2 -o "$recipe.r2t2" 2>log ||
        fail "2 ranks x 2 threads ($recipe): $(cat log)"
      ranks 3 "${common[@]}" "${r[@]}" --epochs 12 --threads 1 -o "$recipe.r3t1" 2>log ||
        fail "3 ranks x 1 thread ($recipe): $(cat log)"
      same "$recipe.single.emb" "$recipe.r2t1.emb"
      same "$recipe.single.emb" "$recipe.r2t2.emb"
      same "$recipe.single.emb" "$recipe.r3t1.emb"
      grep -q '"ranks": 2' "$recipe.r2t1.json" || fail "$recipe.r2t1.json does not record 2 ranks"
      grep -q '"ranks": 3' "$recipe.r3t1.json" || fail "$recipe.r3t1.json does not record 3 ranks"
      unset -n r
    done
    echo "same embedding for 1 process, 2 ranks x 1 and 2 threads, 3 ranks"
    ;;
  resume_across_ranks)
    a=("${common[@]}" "${adam_hyperboloid[@]}" --threads 1)
    "$train" "${a[@]}" --epochs 12 -o whole 2>log || fail "uninterrupted run: $(cat log)"
    # 2 ranks, then 1
    ranks 2 "${a[@]}" --epochs 6 --checkpoint two_then_one.ckpt -o part 2>log ||
      fail "2 ranks to epoch 6: $(cat log)"
    "$train" "${a[@]}" --epochs 12 --checkpoint two_then_one.ckpt --resume -o two_then_one \
      2>log || fail "1 process resuming: $(cat log)"
    grep -q "resumed from .* after epoch 6" log || fail "the resume did not start at epoch 6"
    same whole.emb two_then_one.emb
    # 1, then 2 ranks (rank 0 reads the checkpoint and sends it)
    "$train" "${a[@]}" --epochs 6 --checkpoint one_then_two.ckpt -o part 2>log ||
      fail "1 process to epoch 6: $(cat log)"
    ranks 2 "${a[@]}" --epochs 12 --checkpoint one_then_two.ckpt --resume -o one_then_two \
      2>log || fail "2 ranks resuming: $(cat log)"
    grep -q "resumed from .* after epoch 6" log || fail "the resume did not start at epoch 6"
    same whole.emb one_then_two.emb
    echo "resumed across rank counts: same embedding as the uninterrupted run"
    ;;
  failing_rank)
    status=0
    "$mpiexec" "$np_flag" 1 "${mpi_args[@]}" "$train" "${common[@]}" --epochs 5 -o ok : \
      "$np_flag" 1 "${mpi_args[@]}" "$train" --data "$dir/no_such.tsv" --dim 4 "${base[@]}" \
      --epochs 5 -o bad >out 2>&1 || status=$?
    cat out
    [ "$status" -ne 0 ] || fail "mpirun exited 0 although rank 1 failed"
    grep -q "no_such.tsv' is neither" out || fail "rank 1's error is not in the output"
    grep -q "rank 1 of 2 stopped with an error" out || fail "no line naming rank 1"
    [ ! -e ok.json ] || fail "rank 0 wrote results although rank 1 failed"
    echo "mpirun exited $status with rank 1's error"
    ;;
  mismatched_settings)
    for flag in --seed --dim; do
      if [ "$flag" = --dim ]; then set_flags=(); else set_flags=(--dim 4); fi
      status=0
      "$mpiexec" "$np_flag" 1 "${mpi_args[@]}" "$train" --data "$edges" "${set_flags[@]}" \
        "${base[@]}" --epochs 5 "$flag" 2 -o a : "$np_flag" 1 "${mpi_args[@]}" "$train" \
        --data "$edges" "${set_flags[@]}" "${base[@]}" --epochs 5 "$flag" 3 -o b >out 2>&1 ||
        status=$?
      cat out
      [ "$status" -ne 0 ] || fail "mpirun exited 0 with different $flag on the ranks"
      grep -q -- "error: the ranks were started with different settings, $flag is 2 on rank 0 but 3 on rank 1, the same flags" out ||
        fail "no error naming $flag and both values"
    done
    echo "different settings refused, naming the flag"
    ;;
  stops_together)
    # (common without --eval-every 0)
    stop=(--data "$edges" --dim 4 --burnin 3 --negatives 8 --burnin-negatives 8 --batch 10
          --sync-batches 3 -q)
    ranks 2 "${stop[@]}" --epochs 500 --eval-every 1 --stop-at-map 0.2 --threads 1 -o map \
      2>log || fail "2 ranks with --stop-at-map: $(cat log)"
    grep -q '"stop_reason": "reached --stop-at-map"' map.json || fail "map.json: no early stop"
    grep -q '"epochs_done": 500' map.json && fail "--stop-at-map 0.2 did not stop the run early"
    ranks 2 "${stop[@]}" --epochs 1000000 --time-limit 0.02 --threads 1 -o time 2>log ||
      fail "2 ranks with --time-limit: $(cat log)"
    grep -q '"stop_reason": "--time-limit"' time.json || fail "time.json: not stopped by the limit"
    echo "both ranks stopped on rank 0's decision"
    ;;
  *)
    fail "unknown case"
    ;;
esac
