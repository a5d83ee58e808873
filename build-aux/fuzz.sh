#!/usr/bin/env bash
# build-aux/fuzz.sh — Copyright 2026 The Presso developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the protocol decoder's libFuzzer target with AddressSanitizer + UndefinedBehaviorSanitizer
# in _build-fuzz, runs it from a copy of the committed seed corpus for a bounded time
# (PRESSO_FUZZ_SECONDS, default 60), prints how many inputs it executed, and exits non-zero
# when it found a crash (the input is kept in _build-fuzz/fuzz-artifacts/).
set -u
cd "$(dirname "$0")/.."

seconds=${PRESSO_FUZZ_SECONDS:-60}
build=_build-fuzz

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dgui=false -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false || exit 1
fi
ninja -C "$build" -j 2 tests/fuzz/fuzz-decoder || exit 1

corpus=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$corpus" "$log"' EXIT
cp tests/fuzz/corpus/decoder/* "$corpus"/
mkdir -p "$build/fuzz-artifacts"

ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build/tests/fuzz/fuzz-decoder" -max_total_time="$seconds" -timeout=10 \
    -artifact_prefix="$build/fuzz-artifacts/" -print_final_stats=1 "$corpus" >"$log" 2>&1
status=$?

grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))' "$log" | tail -n 3
done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1)
if [ $status -ne 0 ] || [ -z "$done_line" ]; then
  tail -n 40 "$log"
  echo "fuzz-decoder: FAILED (exit $status); crashing inputs in $build/fuzz-artifacts/" >&2
  exit 1
fi
echo "$done_line"
echo "fuzz-decoder: $(echo "$done_line" | awk '{print $2}') executions in ${seconds}s, no crash"
