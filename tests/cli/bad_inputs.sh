#!/usr/bin/env bash
# Bad inputs to the command-line tools that must not destroy data (issue 25; docs/reliability.md).
#
#   bad_inputs.sh CASE TOOL WORK_DIR
#
# Each case builds its files in WORK_DIR/CASE, runs TOOL (the path of the executable the case
# needs) so that it must fail, and checks the contract: exit status 1, a message
# "<tool>: error: <what>, <value>, <what is allowed>" matching the case's pattern, and every file
# of the folder byte-identical afterwards, with no file added (no temporaries) or removed.
# Exit 0: passed; 77: skipped (what the case needs is missing here); anything else: failed.
set -u
case_name=$1
tool=$2
dir=$3/$case_name
tool_name=$(basename "$tool")

fail() {
  echo "FAIL ($case_name): $*" >&2
  exit 1
}

rm -rf "$dir" && mkdir -p "$dir" || fail "cannot create $dir"
cd "$dir" || fail "cannot enter $dir"

# Name, size and checksum of every file below the folder, and the empty folders. A run folder's
# .lock holds the pid of the run that last held it (by design), so only its presence counts.
snapshot() {
  find . -mindepth 1 \( -type f -name .lock -printf '%p\n' \) -o \
    \( -type f -printf '%p %s ' -exec sha256sum {} \; \) -o \
    \( -type d -printf '%p/\n' \) | LC_ALL=C sort
}

# expect_refusal PATTERN COMMAND...: COMMAND fails with status 1 and a contract message matching
# PATTERN, and leaves the folder exactly as it was.
expect_refusal() {
  local pattern=$1
  shift
  local before after status
  before=$(snapshot)
  "$@" >stdout.log 2>stderr.log
  status=$?
  local output
  output=$(cat stdout.log stderr.log)
  rm -f stdout.log stderr.log
  after=$(snapshot)
  [[ $status -eq 1 ]] || fail "exit status $status, expected 1; output: $output"
  local message
  message=$(grep -a "^$tool_name: error: " <<<"$output" | head -1)
  [[ -n $message ]] || fail "no '$tool_name: error: ' line in: $output"
  grep -Eq -- "$pattern" <<<"$message" || fail "message '$message' does not match '$pattern'"
  if [[ "$before" != "$after" ]]; then
    diff <(echo "$before") <(echo "$after") >&2
    fail "files changed (above: < before, > after)"
  fi
  echo "ok ($case_name): $message"
}

# A small hierarchy: node i's parent is (i - 1) / 2, written as child<TAB>parent.
write_tree() {
  local nodes=$1 i
  for ((i = 1; i < nodes; ++i)); do
    printf 'n%d\tn%d\n' "$i" $(((i - 1) / 2))
  done
}

# Runs the trainer on tree.tsv, quietly; the settings each case may change come in "$@".
train() {
  "$tool" --data tree.tsv --burnin 1 --batch 4 --threads 1 --eval-every 0 -q "$@"
}
small=(--dim 3 --epochs 2 --negatives 3 --burnin-negatives 3)

case $case_name in
  wordnet_train_checkpoint_is_data)
    write_tree 7 >tree.tsv
    expect_refusal "--checkpoint would overwrite the input --data, '.*tree.tsv', an output must be" \
      train "${small[@]}" --checkpoint tree.tsv -o run
    ;;
  wordnet_train_checkpoint_is_output)
    write_tree 7 >tree.tsv
    train "${small[@]}" -o run >/dev/null 2>&1 || fail "the first run failed"
    expect_refusal "--out \(.emb\) and --checkpoint are the same file, 'run.emb'" \
      train "${small[@]}" --checkpoint run.emb -o run
    ;;
  wordnet_train_json_is_folder)
    write_tree 7 >tree.tsv
    mkdir run.json
    expect_refusal "--out \(.json\) is a folder, 'run.json'" train "${small[@]}" -o run
    ;;
  wordnet_train_unwritable_out)
    # A million epochs: only a check before the training ends within the test's timeout.
    write_tree 7 >tree.tsv
    echo "not a folder" >file
    expect_refusal "the folder of --out \(.json\) is not a folder, 'file'" \
      train --dim 3 --epochs 1000000 -o file/run
    [[ -d /proc/self ]] || exit 0
    expect_refusal "the folder of --out \(.json\) is not writable, '/proc/self'" \
      train --dim 3 --epochs 1000000 -o /proc/self/run
    ;;
  wordnet_train_negatives_above_nodes)
    write_tree 7 >tree.tsv
    expect_refusal "--negatives is not below the number of nodes, 7, at most 6 for the 7 nodes" \
      train --epochs 1000000 --negatives 7 --burnin-negatives 3 -o run
    expect_refusal "--burnin-negatives is not below the number of nodes, 5000, at most 6" \
      train --epochs 1000000 --negatives 3 --burnin-negatives 5000 -o run
    ;;
  wordnet_train_write_failure_keeps_outputs)
    # A rerun whose .tsv cannot be written (the file-size limit makes writes fail with EFBIG,
    # as a full disk makes them fail with ENOSPC): .emb, .tsv and .json all stay from run 1.
    write_tree 400 >tree.tsv
    train --dim 10 --epochs 2 --negatives 3 --burnin-negatives 3 -o run >/dev/null 2>&1 || fail "the first run failed"
    emb_kib=$((($(stat -c %s run.emb) + 1023) / 1024))
    tsv_kib=$(($(stat -c %s run.tsv) / 1024))
    ((emb_kib < tsv_kib)) || fail "run.emb ($emb_kib KiB) should be smaller than run.tsv"
    limited() { (trap '' XFSZ && ulimit -f "$emb_kib" && "$@"); }
    expect_refusal "cannot write 'run.tsv': File too large; no output of this run was replaced" \
      limited train --dim 10 --epochs 2 --negatives 3 --burnin-negatives 3 --seed 7 -o run
    ;;
  wordnet_train_disk_full_keeps_outputs)
    # The same with a real full disk: a 64 KiB tmpfs, if this process may mount one.
    write_tree 7 >tree.tsv
    mkdir small
    mount -t tmpfs -o size=64k tmpfs small 2>/dev/null || {
      echo "skipped: cannot mount a tmpfs here (needs root)"
      exit 77
    }
    trap 'umount "$dir/small"' EXIT
    train "${small[@]}" -o small/run >/dev/null 2>&1 || fail "the first run failed"
    dd if=/dev/zero of=small/filler bs=1k 2>/dev/null
    expect_refusal "cannot write 'small/run.(emb|tsv|json)': No space left on device" \
      train "${small[@]}" --seed 7 -o small/run
    ;;
  wordnet_data_split_train_is_input)
    write_tree 50 >edges.tsv
    expect_refusal "--train would overwrite the input -i, 'edges.tsv', an output must be" \
      "$tool" split -i edges.tsv --train edges.tsv --test test.tsv
    ;;
  wordnet_data_split_train_is_test)
    write_tree 50 >edges.tsv
    echo "old" >both.tsv
    expect_refusal "--train and --test are the same file, 'both.tsv', each output needs" \
      "$tool" split -i edges.tsv --train both.tsv --test both.tsv
    ;;
  wordnet_train_bad_flags)
    # Every flag checked before the graph is read (a million epochs: a late check would time
    # out); each of these used to train and exit 0, or fail with a library's message.
    write_tree 7 >tree.tsv
    long=(--epochs 1000000 --negatives 3 --burnin-negatives 3 -o run)
    expect_refusal "--held-out is not a finite number, nan, a fraction in \[0, 1\)" \
      train "${long[@]}" --held-out nan
    expect_refusal "--time-limit is out of range, -1, minutes >= 0" \
      train "${long[@]}" --time-limit -1
    expect_refusal "--stop-at-map is not a finite number, nan, a MAP in \[0, 1\]" \
      train "${long[@]}" --stop-at-map nan
    expect_refusal "--lr-decay-end is not after --lr-decay-start, 5 <= 10, an end epoch above" \
      train "${long[@]}" --lr-decay-start 10 --lr-decay-end 5
    expect_refusal "--degree-power is not a finite number, nan, a power in" \
      train "${long[@]}" --degree-power nan
    expect_refusal "--lr is not a finite number, inf, a learning rate > 0" \
      train "${long[@]}" --lr inf
    expect_refusal "--curvature is out of range, 0, a curvature c > 0" \
      train "${long[@]}" --curvature 0
    expect_refusal "--curvature is out of range, -2, a curvature c > 0" \
      train "${long[@]}" --curvature -2
    expect_refusal "--curvature is not a finite number, nan, a curvature c > 0" \
      train "${long[@]}" --curvature nan
    expect_refusal "--curvature is not a finite number, inf, a curvature c > 0" \
      train "${long[@]}" --curvature inf
    expect_refusal "Could not convert: --curvature = one" train "${long[@]}" --curvature one
    expect_refusal "--curvature is for the hyperbolic models, --model euclidean with --curvature 2" \
      train "${long[@]}" --model euclidean --curvature 2
    expect_refusal "--curvature-lr is out of range, 0, a learning rate > 0" \
      train "${long[@]}" --learn-curvature --curvature-lr 0
    # CLI11's errors exit 1 (they exited 104, 109, ...)
    expect_refusal "Could not convert: --epochs = -1" train --epochs -1 -o run
    expect_refusal "The following argument was not expected: --bogus" train --bogus -o run
    ;;
  wordnet_ranks_bad_flags)
    write_tree 7 >tree.tsv
    printf 'not an embedding\n' >run.emb
    expect_refusal "not expected: .*--curvature" \
      "$tool" --embedding run.emb --data tree.tsv --curvature -1
    expect_refusal "--max-hop: Value 0 not in range" \
      "$tool" --embedding run.emb --data tree.tsv --max-hop 0
    expect_refusal "run.emb" "$tool" --embedding run.emb --data tree.tsv
    ;;
  finetune_bad_flags)
    # Refused before any data is read: the variant spec, CLI11's errors (exit 1, not 105/109).
    expect_refusal "--modes: the curvature of 'hyplora:-1' is not a positive number, '-1', c=<c0>" \
      "$tool" --quick --out run --modes frozen,hyplora:-1
    expect_refusal "The following argument was not expected: --bogus" "$tool" --quick --bogus
    expect_refusal "--lrs entry is not a finite number, '', comma-separated learning rates" \
      "$tool" --quick --out run --lrs 1,,2
    expect_refusal "curvature must be a positive number, got -1" "$tool" --quick --out run --curvature -1
    ;;
  finetune_out_locked)
    # A second run into a folder another run holds stops at once, naming the folder and the
    # other run's pid (two runs used to corrupt each other's tokenizer: "unk is not defined").
    command -v flock >/dev/null || {
      echo "skipped: no flock(1)"
      exit 77
    }
    mkdir -p run/checkpoints
    printf 4242 >run/.lock
    expect_refusal "--out is in use by another run \(pid 4242\), 'run', one run per folder" \
      flock run/.lock "$tool" --quick --out run
    ;;
  finetune_corrupt_results)
    # A --resume over a damaged results/*.json or pretrain.json stops naming the file, before
    # anything is rewritten (it used to end in a raw parse error without the file's name).
    "$tool" --quick --out run >quick.log 2>&1 || fail "the --quick run failed: $(tail -3 quick.log)"
    rm -f quick.log
    result=$(ls run/results/*.json | head -1)
    [[ -n $result ]] || fail "the --quick run wrote no results/*.json"
    cp "$result" saved.json
    printf '{broken' >"$result"
    expect_refusal "'$result' is not valid JSON .*delete it to recompute" \
      "$tool" --quick --out run --resume
    mv saved.json "$result"
    printf '[1,' >run/pretrain.json
    expect_refusal "'run/pretrain.json' is not valid JSON .*delete it to recompute" \
      "$tool" --quick --out run --resume
    ;;
  wordnet_data_bad_flags)
    write_tree 50 >edges.tsv
    expect_refusal "--fraction is not a finite number, nan, a fraction in \[0, 1\)" \
      "$tool" split -i edges.tsv --train train.tsv --test test.tsv --fraction nan
    expect_refusal "not expected: --bogus" "$tool" split -i edges.tsv --train t.tsv --test u.tsv --bogus
    ;;
  powerlaw_failed_run_keeps_report)
    # A rerun whose report cannot be written must keep the previous report and all four plots
    # (the plots used to be replaced first). 2000 distinct tokens, all in the report: the
    # report is larger than any plot, and a file-size limit between the two fails only it.
    command -v gnuplot >/dev/null || {
      echo "skipped: no gnuplot"
      exit 77
    }
    awk 'BEGIN { for (i = 1; i <= 2000; i++) { for (k = 0; k <= 4000 / i; k++) printf "w%d ", i
                                               print "" } }' >corpus.txt
    powerlaw() { "$tool" corpus.txt -o out -n run -b 0 --min-tail 5 --top 100000 -q "$@"; }
    powerlaw >/dev/null 2>&1 || fail "run 1 failed"
    [[ $(ls out | wc -l) -eq 5 ]] || fail "run 1 should write run.json and four plots: $(ls out)"
    largest_plot=$(stat -c %s out/run-* | sort -n | tail -1)
    limit_kib=$((largest_plot / 1024 + 2))
    (($(stat -c %s out/run.json) > limit_kib * 1024)) || fail "the report should be the largest"
    limited() { (trap '' XFSZ && ulimit -f "$limit_kib" && "$@"); }
    expect_refusal "cannot write 'out/run.json': File too large; no output of this run was replaced" \
      limited powerlaw --title "the second run"
    ;;
  powerlaw_json_is_folder)
    echo "a b c a b a" >corpus.txt
    mkdir -p out/run.json
    expect_refusal "--output-dir/--name \(.json\) is a folder, 'out/run.json'" \
      "$tool" corpus.txt -o out -n run -b 0 --no-plots -q
    ;;
  powerlaw_invalid_utf8)
    # Text that is not UTF-8 is refused with its file and byte offset before the tokenizer and
    # the counting (it used to abort the JSON writer when a bad token was among the top 25).
    # Each class of bad sequence, as the most frequent token.
    while read -r name bytes reason; do
      for i in 1 2 3; do printf "the $bytes cat $bytes\n"; done >"$name.txt"
      expect_refusal "'$name.txt' is not valid UTF-8 at byte 4: $reason" \
        "$tool" "$name.txt" -o out -n run -b 0 --no-plots -q
    done <<'EOF'
surrogate \xed\xa0\x80 a surrogate \(U\+D800..U\+DFFF\), bytes ED A0 80,
overlong \xc0\xaf byte C0 or C1 \(an overlong 2-byte form\), byte C0,
overlong3 \xe0\x80\xaf an overlong form, bytes E0 80 AF,
above_max \xf4\x90\x80\x80 a code point above U\+10FFFF, bytes F4 90 80 80,
byte_ff \xff byte F5..FF \(never in UTF-8\), byte FF,
truncated \xe2\x82 a sequence cut short by a byte that does not continue it, bytes E2 82,
EOF
    ;;
  powerlaw_bad_flags)
    echo "a b c a b a" >corpus.txt
    powerlaw() { "$tool" corpus.txt -o out -n run --no-plots -q "$@"; }
    expect_refusal "--bootstrap is negative, '-1', 0 or more replicates" powerlaw -b -1
    expect_refusal "--min-tail is too small, 0, at least 1 token in the tail" powerlaw --min-tail 0
    expect_refusal "--tokenizer is unknown, 'nope', one of words" powerlaw -t nope
    # CLI11's own errors exit 1 too (they used to exit 105, 109, ...)
    expect_refusal "The following argument was not expected: --bogus" powerlaw --bogus
    ;;
  *)
    fail "unknown case"
    ;;
esac
