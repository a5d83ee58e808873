#!/usr/bin/env bash
# build-aux/fuzz.sh — Copyright 2026 The Presso developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds every libFuzzer target (the protocol decoder, the screening rules loader) with
# AddressSanitizer + UndefinedBehaviorSanitizer in _build-fuzz, runs each from a copy of its committed seed corpus for a bounded time
# (PRESSO_FUZZ_SECONDS each, default 45), prints how many inputs it executed, and exits non-zero
# when it found a crash (the input is kept in _build-fuzz/fuzz-artifacts/).
set -u
cd "$(dirname "$0")/.."

seconds=${PRESSO_FUZZ_SECONDS:-45}
build=_build-fuzz

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dgui=false -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false || exit 1
fi
targets=(decoder:fuzz-decoder screening-rules:fuzz-screening-rules)
ninja -C "$build" -j 2 $(for t in "${targets[@]}"; do echo "tests/fuzz/${t#*:}"; done) || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/fuzz-artifacts"
failed=0

for t in "${targets[@]}"; do
  corpus_name=${t%%:*} target=${t#*:}
  corpus="$work/$corpus_name" log="$work/$target.log"
  mkdir -p "$corpus"
  cp tests/fuzz/corpus/"$corpus_name"/* "$corpus"/
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 \
      -artifact_prefix="$build/fuzz-artifacts/$target-" -print_final_stats=1 "$corpus" >"$log" 2>&1
  status=$?
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1)
  if [ $status -ne 0 ] || [ -z "$done_line" ]; then
    tail -n 40 "$log"
    echo "$target: FAILED (exit $status); crashing inputs in $build/fuzz-artifacts/" >&2
    failed=1
    continue
  fi
  echo "$target: $(echo "$done_line" | awk '{print $2}') executions in ${seconds}s, no crash"
done
exit $failed
