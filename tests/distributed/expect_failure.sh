#!/usr/bin/env bash
# expect_failure.sh SECONDS PATTERN COMMAND...: COMMAND must exit non-zero (not by the timeout)
# within SECONDS and print PATTERN (an extended regex) on stdout or stderr.
set -u
seconds=$1 pattern=$2
shift 2
out=$(timeout --kill-after=5 "$seconds" "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  echo "expect_failure: FAILED: still running after ${seconds} s (a hang)" >&2
  exit 1
fi
if [ "$rc" -eq 0 ]; then
  echo "expect_failure: FAILED: exit status 0, expected a failure" >&2
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  echo "expect_failure: FAILED: exit status $rc but the output lacks /$pattern/" >&2
  exit 1
fi
echo "expect_failure: ok (exit status $rc, message found)"
