#!/usr/bin/env bash
# Command-line checks of hyperbolic-wordnet-train's --curvature and --learn-curvature.
#
#   curvature_checks.sh CASE TRAIN_BINARY WORK_DIR
#
# CASE:
#   explicit_one   --curvature 1 gives the default run's .emb and .tsv byte for byte (ball and
#                  hyperboloid)
#   fixed          --curvature 0.3 on the hyperboloid: the results and the .emb record c = 0.3,
#                  a checkpoint resume continues byte for byte, resuming with another
#                  --curvature is refused naming it
#   learned        --learn-curvature on the ball: the progress shows c, the results JSON's
#                  curvature moved away from the start and equals the .emb's, and a run
#                  interrupted and resumed from its checkpoint ends byte for byte where the
#                  uninterrupted one does
# Exit 0: pass; anything else: fail, with the reason on stderr.
set -u
case_name=$1 train=$2 work=$3

fail() {
  echo "FAIL ($case_name): $*" >&2
  exit 1
}

dir="$work/$case_name"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || fail "cannot enter $dir"

# The closure of a binary tree of 63 nodes (node i's parent is (i - 1) / 2): 258 edges.
for ((i = 1; i < 63; ++i)); do
  for ((a = (i - 1) / 2; ; a = (a - 1) / 2)); do
    printf 'n%d\tn%d\n' "$i" "$a"
    ((a == 0)) && break
  done
done >tree.tsv
edges=$PWD/tree.tsv

common=(--data "$edges" --dim 4 --burnin 3 --negatives 8 --burnin-negatives 8 --batch 10
        --sync-batches 2 --threads 2 --eval-every 5)

# The curvature field of a .emb file (f64 at byte 32).
emb_curvature() {
  od -A n -t f8 -j 32 -N 8 "$1" | tr -d ' '
}

case $case_name in
  explicit_one)
    for model in poincare lorentz; do
      "$train" "${common[@]}" --model $model --epochs 12 -q -o default_$model >/dev/null 2>&1 ||
        fail "default $model run failed"
      "$train" "${common[@]}" --model $model --epochs 12 -q --curvature 1 -o one_$model \
        >/dev/null 2>&1 || fail "--curvature 1 $model run failed"
      cmp default_$model.emb one_$model.emb || fail "$model: .emb differs"
      cmp default_$model.tsv one_$model.tsv || fail "$model: .tsv differs"
    done
    ;;
  fixed)
    run=("${common[@]}" --model lorentz --lr 1 --curvature 0.3 -q)
    "$train" "${run[@]}" --epochs 10 -o whole >/dev/null 2>&1 || fail "c = 0.3 run failed"
    grep -q '"curvature": 0.3' whole.json || fail "results do not record c = 0.3"
    [[ $(emb_curvature whole.emb) == 0.3 ]] || fail ".emb curvature $(emb_curvature whole.emb)"
    "$train" "${run[@]}" --epochs 5 --checkpoint part.ckpt -o part >/dev/null 2>&1 ||
      fail "first half failed"
    "$train" "${run[@]}" --epochs 10 --checkpoint part.ckpt --resume -o part >/dev/null 2>&1 ||
      fail "resume failed"
    cmp whole.tsv part.tsv || fail "the resumed run differs from the uninterrupted one"
    out=$("$train" "${common[@]}" --model lorentz --lr 1 --curvature 0.5 -q --epochs 12 \
      --checkpoint part.ckpt --resume -o other 2>&1) && fail "another --curvature resumed"
    grep -q "different curvature (checkpoint 0.2999" <<<"$out" || fail "message: $out"
    ;;
  learned)
    run=("${common[@]}" --model poincare --lr 1 --learn-curvature --curvature-lr 0.2)
    out=$("$train" "${run[@]}" --epochs 20 -o whole 2>&1) || fail "learned run failed: $out"
    grep -q "c 1.[0-9]*\|c 0.[0-9]*" <<<"$out" || fail "no c in the progress: $out"
    c=$(grep -E '^  "curvature": ' whole.json | sed -E 's/.*: ([^,]*),?/\1/')
    [[ -n $c ]] || fail "no curvature in whole.json"
    awk -v c="$c" 'BEGIN { exit !(c > 0 && (c - 1 > 1e-3 || 1 - c > 1e-3)) }' ||
      fail "learned c $c did not move (or left the positive numbers)"
    e=$(emb_curvature whole.emb)
    awk -v c="$c" -v e="$e" 'BEGIN { d = c - e; exit !(d <= 1e-12 * c && -d <= 1e-12 * c) }' ||
      fail ".emb curvature $e, results $c"
    "$train" "${run[@]}" -q --epochs 8 --checkpoint part.ckpt -o part >/dev/null 2>&1 ||
      fail "first part failed"
    "$train" "${run[@]}" -q --epochs 20 --checkpoint part.ckpt --resume -o part >/dev/null 2>&1 ||
      fail "resume failed"
    cmp whole.emb part.emb || fail "the resumed learned run differs from the uninterrupted one"
    ;;
  *)
    fail "unknown case"
    ;;
esac
echo "ok ($case_name)"
